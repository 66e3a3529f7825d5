"""Fixtures of the end-to-end suite; the helpers live in support.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import BIN, REPO_ROOT, ServerFactory, ServerProcess, library


@pytest.fixture(scope="session", autouse=True)
def built_binary() -> Path:
    missing = [str(p) for p in [BIN, *(Path(library(n)) for n in
               ("HelloSwiftPlugin", "EchoCPlugin", "FaultyTestPlugin", "WrongABITestPlugin", "NoEntryTestPlugin"))]
               if not p.exists()]
    if missing:
        pytest.exit(f"build first (cd {REPO_ROOT} && swift build); missing: {', '.join(missing)}", returncode=2)
    return BIN


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


