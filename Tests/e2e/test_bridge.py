"""`cloverdx-mcp bridge`: the Python MCP SDK over stdio, relayed to a running HTTP server."""

from __future__ import annotations

import socket
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

import anyio
import httpx
import pytest
from mcp import Client, StdioServerParameters

from auth_server import AuthServer
from support import (BIN, ECHO_TOOLS, FAULTY_TOOLS, HELLO_TOOLS, JSON_HEADERS, LATEST_LEGACY, MODERN, ServerFactory,
                     ServerProcess, StdioPeer, child_env, echo_entry, hello_entry, modern_meta, write_plugins)

MODES = ["legacy", MODERN]


@asynccontextmanager
async def bridged(url: str, *extra: str, mode: str = "legacy", env: dict[str, str] | None = None) -> AsyncIterator[Client]:
    target = StdioServerParameters(command=str(BIN), args=["bridge", "--url", url, *extra], env=child_env(env))
    with anyio.fail_after(30):
        async with Client(target, mode=mode, read_timeout_seconds=20) as client:
            yield client


def bridge_peer(servers: ServerFactory, url: str, *extra: str) -> StdioPeer:
    process = ServerProcess(["bridge", "--url", url, *extra], cwd=servers.directory, stdin_pipe=True, stdout_pipe=True)
    servers.servers.append(process)
    return StdioPeer(process)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]




@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_sdk_lists_and_calls_tools_through_the_bridge(shared_server: ServerProcess, mode: str) -> None:
    assert shared_server.url is not None
    async with bridged(shared_server.url, mode=mode) as client:
        assert client.protocol_version == (LATEST_LEGACY if mode == "legacy" else MODERN)
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert names == HELLO_TOOLS | ECHO_TOOLS | FAULTY_TOOLS
        greet = await client.call_tool("hello_greet", {"name": "Ada"})
        assert greet.is_error is False
        assert greet.structured_content == {"greeting": "Hello, Ada!", "name": "Ada"}
        # Progress notifications come back with the result (the remote's SSE answer is relayed whole).
        updates: list[float] = []

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            updates.append(progress)

        counted = await client.call_tool("hello_count", {"to": 3}, progress_callback=on_progress)
        assert counted.content[0].text == "Counted to 3."
        failed = await client.call_tool("faulty_throw", {})
        assert failed.is_error is True
        about = await client.read_resource("hello://about")
        assert "PluginKit example" in about.contents[0].text


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_bridge_sends_the_token_to_an_oauth_server(servers: ServerFactory, auth: AuthServer, mode: str,
                                                         tmp_path: Path) -> None:
    port = free_port()
    resource = f"http://127.0.0.1:{port}/mcp"
    server = servers.http([hello_entry(), echo_entry()], listen=f"127.0.0.1:{port}",
                          env={"CLOVER_MCP_OAUTH_ISSUER": auth.issuer, "CLOVER_MCP_OAUTH_RESOURCE": resource})
    token = auth.mint(resource)
    log = tmp_path / "bridge.log"
    async with bridged(resource, "--token", token, "--log", str(log), mode=mode) as client:
        assert {tool.name for tool in (await client.list_tools()).tools} == HELLO_TOOLS | ECHO_TOOLS
        greet = await client.call_tool("hello_greet", {"name": "Ada"})
        assert greet.is_error is False
    line = server.wait_for_stderr(r"tool call: tool=hello_greet .*")
    assert "subject=alice" in line.group(0), "the call ran as the token's subject"
    text = log.read_text()
    assert "relaying stdio to " + resource in text and "bearer token given" in text
    assert token not in text, "the token must never reach the log"


def test_bridge_without_a_token_to_an_oauth_server_says_so(servers: ServerFactory, auth: AuthServer) -> None:
    port = free_port()
    resource = f"http://127.0.0.1:{port}/mcp"
    servers.http([hello_entry()], listen=f"127.0.0.1:{port}",
                 env={"CLOVER_MCP_OAUTH_ISSUER": auth.issuer, "CLOVER_MCP_OAUTH_RESOURCE": resource})
    peer = bridge_peer(servers, resource)
    answer = peer.initialize()
    assert answer["error"]["code"] == -32603
    assert "401" in answer["error"]["message"] and "--token" in answer["error"]["message"]


def test_remote_down_is_a_clear_error_for_every_request(servers: ServerFactory) -> None:
    url = f"http://127.0.0.1:{free_port()}/mcp"
    peer = bridge_peer(servers, url)
    answer = peer.initialize()
    assert answer["error"]["code"] == -32603
    assert url in answer["error"]["message"]
    listed = peer.request("tools/list", {}, request_id=7)
    assert listed["id"] == 7 and "error" in listed
    peer.close_stdin()
    assert peer.server.wait_exit(10) == 0


def test_an_expired_session_is_renewed(servers: ServerFactory, tmp_path: Path) -> None:
    server = servers.http()
    assert server.url is not None
    log = tmp_path / "bridge.log"
    peer = bridge_peer(servers, server.url, "--log", str(log))
    assert peer.initialize()["result"]["protocolVersion"] == LATEST_LEGACY
    assert peer.request("tools/list", {}, request_id=1)["result"]["tools"]
    session = log.read_text().split("initialize relayed; session ")[1].split()[0]
    # The remote forgets the session (as after a restart): the bridge starts a new one by itself.
    ended = httpx.delete(server.url, headers={**JSON_HEADERS, "Mcp-Session-Id": session,
                                              "MCP-Protocol-Version": LATEST_LEGACY}, timeout=10)
    assert ended.status_code in (200, 204)
    greet = peer.request("tools/call", {"name": "hello_greet", "arguments": {"name": "Bo"}}, request_id=2)
    assert greet["result"]["content"][0]["text"] == "Hello, Bo!"
    assert "initializing a new one" in log.read_text()
    peer.close_stdin()
    assert peer.server.wait_exit(10) == 0
    assert "ended session" in log.read_text()


def test_malformed_lines_are_answered_locally(servers: ServerFactory, shared_server: ServerProcess) -> None:
    assert shared_server.url is not None
    peer = bridge_peer(servers, shared_server.url)
    peer.send_raw(b"{bad\n")
    assert peer.next_message()["error"]["code"] == -32700
    assert peer.initialize()["result"]["serverInfo"]["name"] == "cloverdx-mcp"


def test_unfilled_desktop_placeholders_mean_not_given(servers: ServerFactory, shared_server: ServerProcess) -> None:
    """A desktop app may pass an unset optional field as the literal `${user_config.…}`."""
    assert shared_server.url is not None
    process = ServerProcess(["bridge", "--url", shared_server.url, "--log", "${user_config.log_path}"],
                            env={"CLOVERDX_MCP_TOKEN": "${user_config.token}"}, cwd=servers.directory,
                            stdin_pipe=True, stdout_pipe=True)
    servers.servers.append(process)
    peer = StdioPeer(process)
    assert peer.initialize()["result"]["serverInfo"]["name"] == "cloverdx-mcp"
    assert "bearer token none" in process.stderr
    assert not any(servers.directory.glob("$*")), "no log file named after the placeholder"


@pytest.mark.parametrize("era", ["legacy", "modern"])
def test_cancellation_reaches_the_remote(servers: ServerFactory, era: str) -> None:
    server = servers.http()
    assert server.url is not None
    peer = bridge_peer(servers, server.url)
    params: dict[str, Any] = {"name": "faulty_sleep", "arguments": {"seconds": 20, "honourCancellation": True}}
    if era == "legacy":
        peer.initialize()
    else:
        params["_meta"] = modern_meta()
    peer.send({"jsonrpc": "2.0", "id": "sleepy", "method": "tools/call", "params": params})
    time.sleep(0.5)
    peer.send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": "sleepy", "reason": "test"}})
    if era == "legacy":
        # Forwarded to the remote: its plugin returns early and that answer is relayed.
        response, _ = peer.response("sleepy", timeout=5)
        assert response["result"]["content"][0]["text"] == "cancelled"
        server.wait_for_stderr(r"tool call: tool=faulty_sleep .*duration_ms=\d{1,4}$", timeout=5)
    else:
        # 2026-07-28: dropping the HTTP exchange is the cancellation; the client expects no answer.
        with pytest.raises(AssertionError):
            peer.response("sleepy", timeout=1.5)
    assert peer.request("tools/call", {"name": "hello_greet", "arguments": {"name": "Cy"},
                                       **({"_meta": modern_meta()} if era == "modern" else {})},
                        request_id="after")["result"]["content"][0]["text"] == "Hello, Cy!"


def test_a_batch_is_relayed_whole(servers: ServerFactory, shared_server: ServerProcess) -> None:
    assert shared_server.url is not None
    peer = bridge_peer(servers, shared_server.url)
    peer.initialize("2025-03-26")
    peer.send([{"jsonrpc": "2.0", "id": "b1", "method": "ping"},
               {"jsonrpc": "2.0", "id": "b2", "method": "tools/call",
                "params": {"name": "hello_greet", "arguments": {"name": "Batch"}}}])
    reply = peer.next_message()
    assert isinstance(reply, list) and {item["id"] for item in reply} == {"b1", "b2"}


def test_progress_arrives_while_the_call_runs(servers: ServerFactory, shared_server: ServerProcess) -> None:
    assert shared_server.url is not None
    peer = bridge_peer(servers, shared_server.url)
    peer.initialize()
    started = time.monotonic()
    peer.send({"jsonrpc": "2.0", "id": "count", "method": "tools/call",
               "params": {"name": "hello_count", "arguments": {"to": 4, "delayMs": 400}, "_meta": {"progressToken": "p"}}})
    first = peer.next_message()
    first_at = time.monotonic() - started
    assert first["method"] == "notifications/progress", first
    response, _ = peer.response("count")
    done_at = time.monotonic() - started
    assert response["result"]["content"][0]["text"] == "Counted to 4."
    assert done_at - first_at > 0.8, "progress was held back until the result (the SSE answer must be streamed)"


def test_list_changed_comes_through_the_get_stream(servers: ServerFactory) -> None:
    server = servers.http()
    assert server.url is not None
    peer = bridge_peer(servers, server.url)
    peer.initialize()
    time.sleep(0.5)  # the bridge opens the session's GET stream
    write_plugins(server.plugins_path, [echo_entry()])  # type: ignore[attr-defined]
    changed, _ = peer.wait_for(lambda m: m.get("method") == "notifications/tools/list_changed", timeout=10)
    assert "id" not in changed
    listed = peer.request("tools/list", {}, request_id="after-change")
    assert {tool["name"] for tool in listed["result"]["tools"]} == ECHO_TOOLS
