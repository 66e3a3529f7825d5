"""A third party's plugins, out of tree: `plugins new` writes a C and a Swift project, `make` and
`swift build` build them against the SDK alone, and the server serves them, host service included."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import anyio
import pytest
from mcp import Client

from support import ServerFactory, child_env, run_cli


def run(args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=str(cwd), capture_output=True, text=True, timeout=timeout, env=child_env(),
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both templates, generated and built in a folder outside the repository."""
    root = tmp_path_factory.mktemp("third-party")
    made = run_cli(["plugins", "new", "acme", "--c", str(root / "acme")])
    assert made.returncode == 0, made.stderr
    made = run_cli(["plugins", "new", "acme2", "--swift", str(root / "acme2")])
    assert made.returncode == 0, made.stderr
    run(["make"], root / "acme")
    run(["swift", "build"], root / "acme2")
    return {"c": root / "acme" / "libacme.so", "swift": root / "acme2" / ".build" / "debug" / "libAcme2Plugin.so",
            "swift_project": root / "acme2", "c_project": root / "acme"}


def test_the_swift_project_resolves_only_the_sdk(projects: dict[str, Path]) -> None:
    project = projects["swift_project"]
    package = (project / "Package.swift").read_text()
    assert ".package(path:" in package and "github.com" not in package
    resolved = project / "Package.resolved"
    pins = json.loads(resolved.read_text()).get("pins", []) if resolved.exists() else []
    assert pins == []
    fetched = {p.name.lower() for p in (project / ".build" / "checkouts").glob("*")} if (project / ".build" / "checkouts").exists() else set()
    assert not fetched & {"grdb.swift", "postgres-nio", "hummingbird", "jwt-kit", "swift-nio"}


def test_the_swift_projects_own_tests_pass_with_the_test_kit(projects: dict[str, Path]) -> None:
    result = run(["swift", "test"], projects["swift_project"])
    assert "2 tests" in result.stdout + result.stderr


def test_the_c_projects_check_calls_its_tool_on_the_demo(projects: dict[str, Path]) -> None:
    from support import BIN
    result = run(["make", "check", f"CLOVERDX_MCP={BIN}"], projects["c_project"])
    assert '"text":"Hello from node01!"' in result.stdout


@pytest.mark.parametrize("kind", ["c", "swift"])
def test_verify_accepts_both_libraries(projects: dict[str, Path], kind: str) -> None:
    result = run_cli(["plugins", "verify", str(projects[kind])])
    assert result.returncode == 0, result.stderr
    assert "speaks ABI 1" in result.stdout
    assert ("acme_hello" if kind == "c" else "acme2_hello") in result.stdout


@pytest.mark.anyio
async def test_the_server_serves_both_with_configuration_and_a_host_service(projects: dict[str, Path], servers: ServerFactory,
                                                                          demo_sqlite: Path) -> None:
    entries = [
        {"id": "acme", "path": str(projects["c"]), "grants": ["installation.read"]},
        {"id": "acme2", "path": str(projects["swift"]), "grants": ["installation.read"]},
    ]
    server = servers.http(entries, env={"CLOVER_MCP_ACME_GREETING": "Ahoj", "CLOVER_MCP_ACME2_GREETING": "Hej"},
                          extra_args=["--config", str(demo_sqlite / "conf" / "clover.properties")])
    with anyio.fail_after(30):
        async with Client(server.url, read_timeout_seconds=20) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            assert names == {"acme_hello", "acme2_hello"}
            c = await client.call_tool("acme_hello", {})
            swift = await client.call_tool("acme2_hello", {})
    assert not c.is_error and c.content[0].text == "Ahoj from node01!"
    assert not swift.is_error and swift.content[0].text == "Hej from node01!"
    assert swift.structured_content == {"greeting": "Hej from node01!", "nodeId": "node01"}


@pytest.mark.anyio
async def test_without_the_grant_the_tool_says_so(projects: dict[str, Path], servers: ServerFactory) -> None:
    server = servers.http([{"id": "acme2", "path": str(projects["swift"])}])
    with anyio.fail_after(30):
        async with Client(server.url, read_timeout_seconds=20) as client:
            result = await client.call_tool("acme2_hello", {})
    assert result.is_error
    assert "installation.read" in result.content[0].text
