"""Fixtures of the end-to-end suite; the helpers live in support.py."""

from __future__ import annotations

from pathlib import Path

import pytest

import os
from typing import Iterator

from auth_server import AuthServer
from support import BIN, REPO_ROOT, ServerFactory, ServerProcess, library, run_cli

# The demo every tool-group test reads: fixed seed and length, so its story (failed runs, incidents,
# failed logins) is the same in every run; generated once per test session.
DEMO_ARGS = ["--days", "3", "--seed", "11"]


@pytest.fixture(scope="session", autouse=True)
def built_binary() -> Path:
    missing = [str(p) for p in [BIN, *(Path(library(n)) for n in
               ("HelloSwiftPlugin", "EchoCPlugin", "FaultyTestPlugin", "WrongABITestPlugin", "NoEntryTestPlugin"))]
               if not p.exists()]
    if missing:
        pytest.exit(f"build first (cd {REPO_ROOT} && swift build); missing: {', '.join(missing)}", returncode=2)
    return BIN


@pytest.fixture(scope="session", autouse=True)
def state_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Servers leave their plugin workers' state under $XDG_STATE_HOME: a folder of this run, not ~."""
    folder = tmp_path_factory.mktemp("state")
    os.environ["XDG_STATE_HOME"] = str(folder)
    return folder


@pytest.fixture
def servers(tmp_path: Path):
    factory = ServerFactory(tmp_path)
    try:
        yield factory
    finally:
        factory.stop_all()


@pytest.fixture(scope="module")
def module_servers(tmp_path_factory: pytest.TempPathFactory):
    factory = ServerFactory(tmp_path_factory.mktemp("servers"))
    try:
        yield factory
    finally:
        factory.stop_all()


@pytest.fixture(scope="module")
def shared_server(module_servers: ServerFactory) -> ServerProcess:
    """One HTTP server with hello-swift, echo-c and faulty, for tests that change nothing."""
    return module_servers.http()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"




@pytest.fixture(scope="session")
def demo_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo installation with its system database in SQLite (the embedded default)."""
    directory = tmp_path_factory.mktemp("demo-sqlite") / "clover"
    result = run_cli(["demo", "init", str(directory), *DEMO_ARGS], timeout=300)
    assert result.returncode == 0, result.stderr
    return directory


@pytest.fixture(scope="session")
def demo_postgres(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same demo with its system database loaded into the PostgreSQL of `scripts/with-postgres`
    ($CLOVERDX_MCP_TEST_POSTGRES_URL, which `scripts/test` always sets)."""
    url = os.environ.get("CLOVERDX_MCP_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("no PostgreSQL: run under scripts/with-postgres (scripts/test does)")
    directory = tmp_path_factory.mktemp("demo-postgres") / "clover"
    result = run_cli(["demo", "init", str(directory), *DEMO_ARGS, "--postgres", url], timeout=300)
    assert result.returncode == 0, result.stderr
    return directory


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def demo_any(request: pytest.FixtureRequest) -> Path:
    """Each test that takes this runs on both system-database engines."""
    return request.getfixturevalue(f"demo_{request.param}")


@pytest.fixture(scope="module")
def auth() -> Iterator[AuthServer]:
    """A local OAuth authorization server (auth_server.py): JWKS, metadata, tokens, introspection."""
    server = AuthServer()
    try:
        yield server
    finally:
        server.close()
