"""`cloverdx-mcp client-config`: each client's snippet parses and names the server's URL."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from support import BIN, run_cli

URL = "https://mcp.example.com/mcp"


def config(*args: str, env: dict[str, str] | None = None) -> str:
    result = run_cli(["client-config", *args], env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_claude_desktop_runs_the_bridge() -> None:
    snippet = json.loads(config("claude-desktop", "--url", URL))
    server = snippet["mcpServers"]["cloverdx"]
    assert server["command"] == str(BIN)
    assert server["args"] == ["bridge", "--url", URL]
    assert "env" not in server
    with_token = json.loads(config("claude-desktop", "--url", URL, "--token", "t0k"))
    assert with_token["mcpServers"]["cloverdx"]["env"] == {"CLOVERDX_MCP_TOKEN": "t0k"}


def test_claude_code_command() -> None:
    words = shlex.split(config("claude-code", "--url", URL))
    assert words == ["claude", "mcp", "add", "--transport", "http", "cloverdx", URL]
    words = shlex.split(config("claude-code", "--url", URL, "--token", "a b'c"))
    assert words[-2:] == ["--header", "Authorization: Bearer a b'c"]


@pytest.mark.parametrize("client, root, entry", [("vscode", "servers", {"type": "http", "url": URL}),
                                                 ("cursor", "mcpServers", {"url": URL})])
def test_http_clients(client: str, root: str, entry: dict[str, str]) -> None:
    assert json.loads(config(client, "--url", URL)) == {root: {"cloverdx": entry}}
    with_token = json.loads(config(client, "--url", URL, "--token", "t0k"))
    assert with_token[root]["cloverdx"]["headers"] == {"Authorization": "Bearer t0k"}


def test_chatgpt_steps_name_the_url_and_want_https() -> None:
    steps = config("chatgpt", "--url", URL)
    assert URL in steps and "Warning" not in steps and "No authentication" in steps
    plain = config("chatgpt", "--url", "http://127.0.0.1:8765/mcp")
    assert plain.startswith("Warning: ChatGPT only connects to public https://")


def test_url_and_auth_mode_come_from_the_configuration(tmp_path: Path) -> None:
    properties = tmp_path / "clover.properties"
    properties.write_text("clover.mcp.sidecar.http.listen=127.0.0.1:9911\nclover.mcp.sidecar.http.path=/x/mcp\n")
    assert json.loads(config("cursor", "--config", str(properties))) == {"mcpServers": {"cloverdx": {"url": "http://127.0.0.1:9911/x/mcp"}}}
    properties.write_text("clover.mcp.oauth.issuer=https://idp.example.com/realms/c\n"
                          f"clover.mcp.oauth.resource={URL}\n")
    steps = config("chatgpt", "--config", str(properties))
    assert URL in steps and "Authentication: OAuth" in steps
    result = run_cli(["client-config", "claude-code", "--config", str(properties)])
    assert shlex.split(result.stdout)[-1] == URL
    assert "/mcp in a Claude Code session to sign in" in result.stderr


def test_default_is_the_default_listen_address() -> None:
    assert json.loads(config("vscode"))["servers"]["cloverdx"]["url"] == "http://127.0.0.1:8765/mcp"
