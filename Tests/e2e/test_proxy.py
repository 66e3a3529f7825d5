"""Proxy mode (`clover.mcp.remote.*`): instance B merges instance A's tools with its own, keeps its
own working while A is down, and picks A up again when it returns."""

from __future__ import annotations

import time

import anyio
import httpx
import pytest
from mcp import Client

from support import (ECHO_TOOLS, FAULTY_TOOLS, HELLO_TOOLS, ServerFactory, ServerProcess, StdioPeer, echo_entry,
                     faulty_entry, hello_entry, plugin_entry, write_plugins)

pytestmark = pytest.mark.anyio

PASSWORD = "pr0xy-s3cret"


def proxy_of(servers: ServerFactory, remote_base: str, **env: str) -> ServerProcess:
    server = servers.http([hello_entry()], env={
        "CLOVER_MCP_REMOTE_ENABLED": "true", "CLOVER_MCP_REMOTE_URL": remote_base,
        "CLOVER_MCP_REMOTE_USER": "ops", "CLOVER_MCP_REMOTE_PASSWORD": PASSWORD, **env})
    server.wait_for_stderr(r"remote MCP server offers \d+ tools", timeout=20)
    return server


async def call(url: str, tool: str, arguments: dict) -> tuple[bool, str]:
    with anyio.fail_after(30):
        async with Client(url, mode="legacy", read_timeout_seconds=20) as client:
            result = await client.call_tool(tool, arguments)
            return bool(result.is_error), result.content[0].text


async def test_b_serves_a_tools_survives_a_stopping_and_recovers(servers: ServerFactory) -> None:
    a = servers.http([echo_entry()])
    assert a.port is not None
    # CloverDX's rule: the base URL of the server, the MCP path /mcp/mcp appended (A answers it too).
    b = proxy_of(servers, f"http://127.0.0.1:{a.port}/clover")
    assert b.url is not None
    with anyio.fail_after(30):
        async with Client(b.url, mode="legacy", read_timeout_seconds=20) as client:
            assert {tool.name for tool in (await client.list_tools()).tools} == HELLO_TOOLS | ECHO_TOOLS
            echoed = await client.call_tool("echo_arguments", {"n": 1})
            assert echoed.is_error is False and echoed.structured_content == {"arguments": {"n": 1}}
            assert (await client.call_tool("hello_greet", {"name": "Ada"})).is_error is False

    a.stop()
    assert await call(b.url, "hello_greet", {"name": "Bo"}) == (False, "Hello, Bo!")
    failed, text = await call(b.url, "echo_arguments", {"n": 2})
    assert failed and "did not answer" in text

    servers.http([echo_entry()], listen=f"127.0.0.1:{a.port}")
    deadline = time.monotonic() + 30
    while True:
        failed, text = await call(b.url, "echo_arguments", {"n": 3})
        if not failed or time.monotonic() > deadline:
            break
        await anyio.sleep(0.5)
    assert not failed, text
    assert PASSWORD not in b.stderr, "the remote password must never be logged"


async def test_local_tools_win_name_clashes(servers: ServerFactory) -> None:
    a = servers.http([plugin_entry("hello-swift", "HelloSwiftPlugin", settings={"greeting": "Remote hello"})])
    b = proxy_of(servers, a.url or "")
    assert b.url is not None
    assert await call(b.url, "hello_greet", {"name": "Ada"}) == (False, "Hello, Ada!")


async def test_the_operators_tool_switches_cover_remote_tools(servers: ServerFactory) -> None:
    a = servers.http([echo_entry()])
    b = proxy_of(servers, a.url or "", CLOVER_MCP_TOOLS_INDIVIDUAL_DISABLED="echo_arguments")
    assert b.url is not None
    async with Client(b.url, mode="legacy", read_timeout_seconds=20) as client:
        assert {tool.name for tool in (await client.list_tools()).tools} == HELLO_TOOLS | (ECHO_TOOLS - {"echo_arguments"})
    failed, text = await call(b.url, "echo_arguments", {"n": 1})
    assert failed and "clover.mcp.tools.individual.disabled" in text


def test_remote_down_at_start_does_not_stop_the_server(servers: ServerFactory) -> None:
    b = servers.http([hello_entry()], env={"CLOVER_MCP_REMOTE_ENABLED": "true",
                                           "CLOVER_MCP_REMOTE_URL": "http://127.0.0.1:9/clover"})
    b.wait_for_stderr(r"unreachable", timeout=20)
    assert b.url is not None
    response = httpx.post(b.url, json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}},
        headers={"Accept": "application/json, text/event-stream"}, timeout=10)
    assert response.status_code == 200


def test_cancelling_a_proxied_call_cancels_it_at_the_remote(servers: ServerFactory) -> None:
    a = servers.http([faulty_entry()])
    b = servers.stdio([hello_entry()], env={"CLOVER_MCP_REMOTE_ENABLED": "true", "CLOVER_MCP_REMOTE_URL": a.url or ""})
    peer = StdioPeer(b)
    peer.initialize()
    b.wait_for_stderr(r"remote MCP server offers \d+ tools", timeout=20)
    peer.send({"jsonrpc": "2.0", "id": "sleepy", "method": "tools/call",
               "params": {"name": "faulty_sleep", "arguments": {"seconds": 20, "honourCancellation": True}}})
    time.sleep(0.5)
    peer.send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": "sleepy"}})
    # The remote's plugin saw the cancellation and returned long before its 20 s were up.
    a.wait_for_stderr(r"tool call: tool=faulty_sleep .*duration_ms=\d{1,4}$", timeout=5)
    assert peer.request("tools/call", {"name": "hello_greet", "arguments": {"name": "Di"}},
                        request_id="after")["result"]["content"][0]["text"] == "Hello, Di!"


def test_remote_list_changes_and_progress_pass_through(servers: ServerFactory) -> None:
    a = servers.http([echo_entry(), plugin_entry("hello-swift", "HelloSwiftPlugin", settings={"greeting": "Hi"})])
    b = servers.stdio([faulty_entry()], env={"CLOVER_MCP_REMOTE_ENABLED": "true", "CLOVER_MCP_REMOTE_URL": a.url or ""})
    peer = StdioPeer(b)
    peer.initialize()
    b.wait_for_stderr(r"remote MCP server offers \d+ tools", timeout=20)
    started = time.monotonic()
    peer.send({"jsonrpc": "2.0", "id": "count", "method": "tools/call",
               "params": {"name": "hello_count", "arguments": {"to": 3, "delayMs": 400}, "_meta": {"progressToken": "p"}}})
    first, _ = peer.wait_for(lambda m: m.get("method") == "notifications/progress")
    first_at = time.monotonic() - started
    assert first["params"]["progressToken"] == "p"
    response, _ = peer.response("count")
    assert response["result"]["content"][0]["text"] == "Counted to 3."
    assert time.monotonic() - started - first_at > 0.5, "progress must arrive while the remote call runs"

    write_plugins(a.plugins_path, [echo_entry()])  # type: ignore[attr-defined]
    # Through the remote's GET stream, well before the 30 s poll.
    peer.wait_for(lambda m: m.get("method") == "notifications/tools/list_changed", timeout=10)
    names = {tool["name"] for tool in peer.request("tools/list", {}, request_id="l")["result"]["tools"]}
    assert names == ECHO_TOOLS | FAULTY_TOOLS


async def test_a_slow_remote_is_a_tool_error_within_the_call_timeout(servers: ServerFactory) -> None:
    a = servers.http([faulty_entry()])
    b = servers.http([hello_entry()], env={
        "CLOVER_MCP_REMOTE_ENABLED": "true", "CLOVER_MCP_REMOTE_URL": a.url or "",
        "CLOVER_MCP_SIDECAR_PLUGIN_TIMEOUT_MS": "1500"})
    b.wait_for_stderr(r"remote MCP server offers \d+ tools", timeout=20)
    assert b.url is not None
    started = time.monotonic()
    failed, text = await call(b.url, "faulty_sleep", {"seconds": 10})
    assert failed and "did not answer" in text and "timed out" in text.lower()
    assert time.monotonic() - started < 6
    assert await call(b.url, "hello_greet", {"name": "Ed"}) == (False, "Hello, Ed!")
