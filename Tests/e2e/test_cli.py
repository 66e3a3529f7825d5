"""The command line: call, serve refusals, plugins list, help texts."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from support import (
    LATEST_LEGACY,
    JSON_HEADERS,
    echo_entry,
    final_response,
    hello_entry,
    plugin_entry,
    run_cli,
    write_plugins,
)


@pytest.fixture
def plugins(servers) -> Path:
    return servers.plugins_file()


def test_call_prints_json_and_exits_0(plugins: Path) -> None:
    outcome = run_cli(["call", "hello_greet", "--args", '{"name":"Ada"}', "--plugins", str(plugins)])
    assert outcome.returncode == 0, outcome.stderr
    result = json.loads(outcome.stdout)
    assert result["isError"] is False
    assert result["content"][0]["text"] == "Hello, Ada!"
    assert result["structuredContent"] == {"greeting": "Hello, Ada!", "name": "Ada"}
    assert "Hello, Ada!" in outcome.stdout


def test_call_stdout_is_only_the_result(plugins: Path) -> None:
    outcome = run_cli(["call", "hello_count", "--args", '{"to": 3}', "--plugins", str(plugins)])
    assert outcome.returncode == 0, outcome.stderr
    result = json.loads(outcome.stdout)  # progress and logs must not be mixed into stdout
    assert result["content"][0]["text"] == "Counted to 3."


def test_call_echo_c_plugin(plugins: Path) -> None:
    arguments = {"text": "caf\u00e9", "n": [1, 2]}
    outcome = run_cli(["call", "echo_arguments", "--args", json.dumps(arguments), "--plugins", str(plugins)])
    assert outcome.returncode == 0, outcome.stderr
    assert json.loads(outcome.stdout)["structuredContent"] == {"arguments": arguments}


def test_call_tool_error_exits_1(plugins: Path) -> None:
    outcome = run_cli(["call", "faulty_throw", "--plugins", str(plugins)])
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    result = json.loads(outcome.stdout)
    assert result["isError"] is True
    assert "faulty_throw failed on purpose" in result["content"][0]["text"]


def test_call_unknown_tool_exits_2(plugins: Path) -> None:
    outcome = run_cli(["call", "nope", "--plugins", str(plugins)])
    assert outcome.returncode == 2, outcome.stdout + outcome.stderr
    assert "nope" in outcome.stderr
    assert outcome.stdout.strip() == ""


@pytest.mark.parametrize("args", ["{not json", "[1, 2]", '"text"'])
def test_call_bad_args_fails(plugins: Path, args: str) -> None:
    outcome = run_cli(["call", "hello_greet", "--args", args, "--plugins", str(plugins)])
    assert outcome.returncode not in (0, 1)
    assert "--args" in outcome.stderr


def test_call_honours_plugin_timeout(plugins: Path) -> None:
    started = time.monotonic()
    outcome = run_cli(["call", "faulty_sleep", "--args", '{"seconds": 8}', "--plugins", str(plugins)],
                      env={"CLOVER_MCP_SIDECAR_PLUGIN_TIMEOUT_MS": "300"})
    assert time.monotonic() - started < 4
    assert outcome.returncode == 1
    assert "300 ms" in json.loads(outcome.stdout)["content"][0]["text"]


def test_call_with_missing_plugins_file(tmp_path: Path) -> None:
    outcome = run_cli(["call", "hello_greet", "--args", "{}", "--plugins", str(tmp_path / "absent.json")], cwd=tmp_path)
    assert outcome.returncode != 0
    assert "absent.json" in outcome.stderr


def test_serve_remote_bind_refused_without_flag(plugins: Path) -> None:
    started = time.monotonic()
    outcome = run_cli(["serve", "--http", "0.0.0.0:0", "--plugins", str(plugins)], timeout=15)
    assert time.monotonic() - started < 10
    assert outcome.returncode != 0
    assert "authentication" in outcome.stderr
    assert "--allow-unauthenticated-remote" in outcome.stderr
    assert "listening on" not in outcome.stderr


def test_serve_remote_bind_refused_for_other_addresses(plugins: Path) -> None:
    outcome = run_cli(["serve", "--http", "[::]:0", "--plugins", str(plugins)], timeout=15)
    assert outcome.returncode != 0
    assert "authentication" in outcome.stderr


def test_serve_remote_bind_allowed_with_flag(servers) -> None:
    server = servers.http(listen="0.0.0.0:0", extra_args=["--allow-unauthenticated-remote"])
    assert "0.0.0.0" in server.stderr
    server.wait_for_stderr(r"warning.*without authentication")
    # Talk to it over loopback only.
    with httpx.Client(timeout=10) as http:
        response = http.post(f"http://127.0.0.1:{server.port}/mcp", headers=JSON_HEADERS, json={
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": LATEST_LEGACY, "capabilities": {}, "clientInfo": {"name": "c", "version": "1"}}})
    assert response.status_code == 200
    assert final_response(response)["result"]["protocolVersion"] == LATEST_LEGACY


def test_serve_loopback_names_need_no_flag(servers) -> None:
    server = servers.http(listen="localhost:0")
    assert server.plugin_count == 3


@pytest.mark.parametrize("listen", ["127.0.0.1", "127.0.0.1:99999", "nonsense"])
def test_serve_bad_listen_address(plugins: Path, listen: str) -> None:
    outcome = run_cli(["serve", "--http", listen, "--plugins", str(plugins)], timeout=15)
    assert outcome.returncode != 0
    assert "HOST:PORT" in outcome.stderr


def test_serve_bad_configuration_value(plugins: Path) -> None:
    outcome = run_cli(["serve", "--http", "127.0.0.1:0", "--plugins", str(plugins)],
                      env={"CLOVER_MCP_SIDECAR_PAGE_SIZE": "lots"}, timeout=15)
    assert outcome.returncode != 0
    assert "clover.mcp.sidecar.page.size" in outcome.stderr


def test_serve_unusable_plugins_json(tmp_path: Path) -> None:
    bad = tmp_path / "plugins.json"
    bad.write_text('{"plugins": [{"id": "x"}]}')
    outcome = run_cli(["serve", "--http", "127.0.0.1:0", "--plugins", str(bad)], timeout=15)
    assert outcome.returncode != 0
    assert "library" in outcome.stderr and "path" in outcome.stderr


def test_plugins_list(tmp_path: Path) -> None:
    path = write_plugins(tmp_path / "plugins.json", [
        hello_entry(), echo_entry(enabled=False), plugin_entry("wrong-abi", "WrongABITestPlugin")])
    outcome = run_cli(["plugins", "list", "--plugins", str(path)])
    assert outcome.returncode == 0, outcome.stderr
    lines = outcome.stdout.splitlines()
    hello = next(line for line in lines if "hello-swift" in line)
    assert "enabled" in hello and "disabled" not in hello
    assert any("hello_greet" in line and "hello_count" in line for line in lines)
    assert any("echo-c" in line and "disabled" in line for line in lines)
    assert any("wrong-abi" in line and "FAILS" in line and "ABI 2" in line for line in lines)


@pytest.mark.parametrize("command,expected", [
    (["serve", "--help"], ["--http", "--stdio", "--plugins", "--config", "--allow-unauthenticated-remote"]),
    (["plugins", "--help"], ["list", "enable", "disable", "verify"]),
    (["call", "--help"], ["--args", "--plugins", "Exit status"]),
    (["plugins", "verify", "--help"], ["path"]),
    (["--help"], ["serve", "plugins", "call"]),
])
def test_help(command: list[str], expected: list[str]) -> None:
    outcome = run_cli(command)
    assert outcome.returncode == 0, outcome.stderr
    text = outcome.stdout
    assert "USAGE" in text.upper()
    for word in expected:
        assert word in text, f"{word!r} missing from {' '.join(command)}"


def test_version() -> None:
    outcome = run_cli(["--version"])
    assert outcome.returncode == 0
    assert outcome.stdout.strip()


def test_unknown_subcommand_fails() -> None:
    outcome = run_cli(["frobnicate"])
    assert outcome.returncode != 0
