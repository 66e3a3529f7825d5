"""Plugins on a running server: enable/disable, reload, broken plugins, timeouts, cancellation, config."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.subscriptions import ToolsListChanged

from support import (
    BIN,
    ECHO_TOOLS,
    FAULTY_TOOLS,
    HELLO_TOOLS,
    MODERN,
    LegacySession,
    child_env,
    default_entries,
    echo_entry,
    faulty_entry,
    final_response,
    hello_entry,
    library,
    modern_request,
    plugin_entry,
    plugins_cli,
    run_cli,
    wait_until,
    write_plugins,
)

LIST_CHANGED = "notifications/tools/list_changed"


def tool_names(url: str) -> set[str]:
    """tools/list over a fresh 2026-07-28 request, following every page."""
    names: set[str] = set()
    cursor = None
    with httpx.Client(timeout=10) as http:
        for _ in range(50):
            response = modern_request(http, url, "tools/list", {"cursor": cursor} if cursor else {})
            result = final_response(response)["result"]
            names |= {tool["name"] for tool in result["tools"]}
            cursor = result.get("nextCursor")
            if not cursor:
                return names
    raise AssertionError("tools/list never ended")


def call_tool(url: str, name: str, arguments: dict[str, Any], timeout: float = 10) -> dict[str, Any]:
    with httpx.Client(timeout=timeout) as http:
        return final_response(modern_request(http, url, "tools/call", {"name": name, "arguments": arguments}))


def is_list_changed(message: Any) -> bool:
    return getattr(message, "method", None) == LIST_CHANGED


# ---------------------------------------------------------------------------------------------- enable / disable


def test_disable_and_enable_without_restart(servers) -> None:
    server = servers.http()
    path = server.plugins_path
    assert tool_names(server.url) == HELLO_TOOLS | ECHO_TOOLS | FAULTY_TOOLS
    pid = server.proc.pid

    mark = server.stderr_mark()
    plugins_cli("disable", "hello-swift", path)
    assert json.loads(path.read_text())["plugins"][0]["enabled"] is False
    wait_until(lambda: not (tool_names(server.url) & HELLO_TOOLS), timeout=5, message="hello_* tools still listed")
    assert tool_names(server.url) == ECHO_TOOLS | FAULTY_TOOLS
    server.wait_for_stderr(r"reloaded.*disabled hello-swift", since=mark, timeout=5)
    gone = call_tool(server.url, "hello_greet", {"name": "x"})
    assert gone["error"]["code"] == -32602
    with httpx.Client(timeout=10) as http:
        prompts = final_response(modern_request(http, server.url, "prompts/list"))["result"]["prompts"]
        assert prompts == [], "the disabled plugin's prompt is still listed"

    plugins_cli("enable", "hello-swift", path)
    wait_until(lambda: HELLO_TOOLS <= tool_names(server.url), timeout=5, message="hello_* tools did not come back")
    assert call_tool(server.url, "hello_greet", {"name": "Again"})["result"]["content"][0]["text"] == "Hello, Again!"
    assert server.alive() and server.proc.pid == pid, "the server restarted"


def test_plugins_cli_refuses_unknown_id(servers) -> None:
    path = servers.plugins_file()
    before = path.read_text()
    outcome = run_cli(["plugins", "disable", "no-such-plugin", "--plugins", str(path)])
    assert outcome.returncode != 0
    assert "no-such-plugin" in outcome.stderr
    assert path.read_text() == before


@pytest.mark.anyio
async def test_legacy_http_client_gets_tools_list_changed(servers) -> None:
    server = servers.http()
    received: list[Any] = []
    changed = anyio.Event()

    async def on_message(message: Any) -> None:
        received.append(message)
        if is_list_changed(message):
            changed.set()

    with anyio.fail_after(30):
        async with Client(server.url, mode="legacy", message_handler=on_message, read_timeout_seconds=10) as client:
            assert HELLO_TOOLS <= {tool.name for tool in (await client.list_tools()).tools}
            await anyio.sleep(1.0)  # the SDK opens its GET stream in the background after `initialized`
            await anyio.to_thread.run_sync(plugins_cli, "disable", "hello-swift", server.plugins_path)
            with anyio.fail_after(5):
                await changed.wait()
            assert not (HELLO_TOOLS & {tool.name for tool in (await client.list_tools()).tools})


def test_legacy_get_stream_carries_tools_list_changed(servers) -> None:
    """The same bug on the wire: a 2025-11-25 session's GET stream stays silent when the tool list changes."""
    server = servers.http()
    with httpx.Client(timeout=10) as http:
        session = LegacySession(http, server.url)
    received = threading.Event()
    raw: list[str] = []

    def read() -> None:
        headers = {"Accept": "text/event-stream", "Mcp-Session-Id": session.session_id,
                   "MCP-Protocol-Version": session.version}
        try:
            with httpx.Client(timeout=httpx.Timeout(10.0)) as http:
                with http.stream("GET", server.url, headers=headers) as response:
                    assert response.status_code == 200
                    for chunk in response.iter_text():
                        raw.append(chunk)
                        if LIST_CHANGED in "".join(raw):
                            received.set()
                            return
        except httpx.HTTPError:
            pass

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(0.5)
    plugins_cli("disable", "hello-swift", server.plugins_path)
    wait_until(lambda: not (tool_names(server.url) & HELLO_TOOLS), timeout=5, message="plugin not disabled")
    assert received.wait(5), f"GET stream got {''.join(raw)!r}"


@pytest.mark.anyio
async def test_legacy_stdio_client_gets_tools_list_changed(servers) -> None:
    path = servers.plugins_file()
    changes: list[Any] = []
    changed = anyio.Event()

    async def on_message(message: Any) -> None:
        if is_list_changed(message):
            changes.append(message)
            changed.set()

    params = StdioServerParameters(command=str(BIN), args=["serve", "--stdio", "--plugins", str(path)], env=child_env())
    with anyio.fail_after(30):
        async with Client(params, mode="legacy", message_handler=on_message, read_timeout_seconds=10) as client:
            assert HELLO_TOOLS <= {tool.name for tool in (await client.list_tools()).tools}
            await anyio.to_thread.run_sync(plugins_cli, "disable", "hello-swift", path)
            with anyio.fail_after(5):
                await changed.wait()
            assert not (HELLO_TOOLS & {tool.name for tool in (await client.list_tools()).tools})
            changed = anyio.Event()
            await anyio.to_thread.run_sync(plugins_cli, "enable", "hello-swift", path)
            with anyio.fail_after(5):
                await changed.wait()
            assert HELLO_TOOLS <= {tool.name for tool in (await client.list_tools()).tools}
    assert len(changes) == 2


@pytest.mark.anyio
async def test_modern_listen_gets_tools_list_changed(servers) -> None:
    server = servers.http()
    with anyio.fail_after(40):
        async with Client(server.url, mode=MODERN, read_timeout_seconds=10) as client:
            assert HELLO_TOOLS <= {tool.name for tool in (await client.list_tools()).tools}
            async with client.listen(tools_list_changed=True) as subscription:
                await anyio.to_thread.run_sync(plugins_cli, "disable", "hello-swift", server.plugins_path)
                with anyio.fail_after(5):
                    event = await subscription.__anext__()
                assert isinstance(event, ToolsListChanged)
                tools = await client.list_tools(cache_mode="refresh")
                assert {tool.name for tool in tools.tools} == ECHO_TOOLS | FAULTY_TOOLS

                await anyio.to_thread.run_sync(plugins_cli, "enable", "hello-swift", server.plugins_path)
                with anyio.fail_after(5):
                    event = await subscription.__anext__()
                assert isinstance(event, ToolsListChanged)
                tools = await client.list_tools(cache_mode="refresh")
                assert HELLO_TOOLS <= {tool.name for tool in tools.tools}


def test_modern_listen_raw_stream(servers) -> None:
    """The raw wire format: acknowledgement first, then notifications tagged with the listen id."""
    server = servers.http()
    from support import modern_headers, modern_meta, parse_sse

    events: list[dict[str, Any]] = []
    acknowledged = threading.Event()
    done = threading.Event()

    def listen() -> None:
        body = {"jsonrpc": "2.0", "id": "listen-7", "method": "subscriptions/listen",
                "params": {"_meta": modern_meta(), "notifications": {"toolsListChanged": True, "promptsListChanged": True}}}
        with httpx.Client(timeout=httpx.Timeout(15.0)) as http:
            with http.stream("POST", server.url, json=body, headers=modern_headers("subscriptions/listen")) as response:
                assert response.headers["content-type"].startswith("text/event-stream")
                buffer = ""
                for chunk in response.iter_text():
                    buffer += chunk
                    while "\n\n" in buffer:
                        block, buffer = buffer.split("\n\n", 1)
                        events.extend(parse_sse(block + "\n\n"))
                        if events:
                            acknowledged.set()
                        if sum(1 for e in events if e.get("method", "").endswith("list_changed")) >= 2:
                            done.set()
                            return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    assert acknowledged.wait(5), "no acknowledgement"
    plugins_cli("disable", "hello-swift", server.plugins_path)
    assert done.wait(5), f"events so far: {events}"
    thread.join(5)

    ack = events[0]
    assert ack["method"] == "notifications/subscriptions/acknowledged"
    assert ack["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"] == "listen-7"
    assert ack["params"]["notifications"] == {"toolsListChanged": True, "promptsListChanged": True}
    changes = {e["method"] for e in events[1:]}
    assert changes == {"notifications/tools/list_changed", "notifications/prompts/list_changed"}
    for event in events[1:]:
        assert event["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"] == "listen-7"


# ---------------------------------------------------------------------------------------------- reload


def test_broken_plugins_json_keeps_last_good_set(servers) -> None:
    server = servers.http()
    path: Path = server.plugins_path
    mark = server.stderr_mark()
    path.write_text('{"plugins": [ this is not json')
    server.wait_for_stderr(r"reload.*failed, keeping the last good plugin set.*not valid JSON", since=mark, timeout=5)
    assert tool_names(server.url) == HELLO_TOOLS | ECHO_TOOLS | FAULTY_TOOLS
    assert call_tool(server.url, "hello_greet", {"name": "Still"})["result"]["content"][0]["text"] == "Hello, Still!"

    mark = server.stderr_mark()
    path.write_text(json.dumps({"plugins": [{"id": "echo-c", "path": library("EchoCPlugin"), "colour": "red"}]}))
    server.wait_for_stderr(r"keeping the last good plugin set.*unknown field \"colour\"", since=mark, timeout=5)
    assert tool_names(server.url) == HELLO_TOOLS | ECHO_TOOLS | FAULTY_TOOLS

    mark = server.stderr_mark()
    path.unlink()
    server.wait_for_stderr(r"keeping the last good plugin set", since=mark, timeout=5)
    assert tool_names(server.url) == HELLO_TOOLS | ECHO_TOOLS | FAULTY_TOOLS

    # A good file afterwards is applied again.
    write_plugins(path, [echo_entry()])
    wait_until(lambda: tool_names(server.url) == ECHO_TOOLS, timeout=5, message="good file not applied")


def test_sighup_reloads(servers) -> None:
    server = servers.http()
    path: Path = server.plugins_path
    # Rewrite the file in place with the same size and modification time, so only the signal can tell.
    entries = default_entries()
    text_enabled = json.dumps({"plugins": entries})
    entries[0]["enabled"] = False
    text_disabled = json.dumps({"plugins": entries})
    text_enabled = text_enabled.replace('"enabled": true', '"enabled": true ', 1)
    assert len(text_enabled) == len(text_disabled)
    path.write_text(text_enabled)
    time.sleep(1.5)  # let the watcher settle on this version
    stat = path.stat()
    with open(path, "r+") as handle:
        handle.write(text_disabled)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    mark = server.stderr_mark()
    server.signal(signal.SIGHUP)
    server.wait_for_stderr(r"plugins\.json reloaded \(SIGHUP\).*disabled hello-swift", since=mark, timeout=5)
    wait_until(lambda: not (tool_names(server.url) & HELLO_TOOLS), timeout=3, message="SIGHUP did not apply the file")
    assert server.alive()


# ---------------------------------------------------------------------------------------------- misbehaving plugins


def test_faulty_throw_is_a_tool_error(shared_server_plugins) -> None:
    url = shared_server_plugins.url
    result = call_tool(url, "faulty_throw", {})["result"]
    assert result["isError"] is True
    assert result["content"][0]["text"] == "faulty_throw failed on purpose"
    assert shared_server_plugins.alive()
    assert call_tool(url, "hello_greet", {"name": "After"})["result"]["content"][0]["text"] == "Hello, After!"


def test_invalid_tool_arguments_are_a_tool_error(shared_server_plugins) -> None:
    result = call_tool(shared_server_plugins.url, "hello_greet", {"name": "   "})["result"]
    assert result["isError"] is True
    assert "must not be empty" in result["content"][0]["text"]
    wrong_type = call_tool(shared_server_plugins.url, "faulty_sleep", {"seconds": "soon"})
    assert wrong_type.get("result", {}).get("isError") is True or wrong_type.get("error", {}).get("code") == -32602


@pytest.fixture(scope="module")
def shared_server_plugins(module_servers):
    return module_servers.http()


def _timed_call(url: str, name: str, arguments: dict[str, Any], out: dict[str, Any]) -> None:
    started = time.monotonic()
    try:
        out["response"] = call_tool(url, name, arguments, timeout=20)
    except Exception as error:  # reported by the test
        out["error"] = error
    out["elapsed"] = time.monotonic() - started


def test_plugin_timeout_from_environment(servers) -> None:
    server = servers.http(env={"CLOVER_MCP_SIDECAR_PLUGIN_TIMEOUT_MS": "500"})
    outcome: dict[str, Any] = {}
    worker = threading.Thread(target=_timed_call, args=(server.url, "faulty_sleep", {"seconds": 8}, outcome))
    worker.start()
    time.sleep(0.1)
    # Other tools answer while the sleeping call holds its thread.
    started = time.monotonic()
    assert call_tool(server.url, "hello_greet", {"name": "Meanwhile"})["result"]["content"][0]["text"] == "Hello, Meanwhile!"
    assert time.monotonic() - started < 1.0
    worker.join(10)
    assert not worker.is_alive()
    assert "error" not in outcome, outcome.get("error")
    result = outcome["response"]["result"]
    assert result["isError"] is True
    text = result["content"][0]["text"]
    assert "faulty_sleep" in text and "500 ms" in text and "did not finish" in text
    assert outcome["elapsed"] < 3, f"timeout took {outcome['elapsed']:.1f} s"
    server.wait_for_stderr(r"faulty_sleep.*timed out", timeout=5)
    # Still serving, and the plugin itself still answers.
    assert call_tool(server.url, "faulty_config", {"key": "nothing.here"})["result"]["content"][0]["text"] == "<unset>"


def test_per_plugin_timeout_from_plugins_json(servers) -> None:
    server = servers.http([hello_entry(), faulty_entry(timeoutMs=300)])
    started = time.monotonic()
    result = call_tool(server.url, "faulty_sleep", {"seconds": 5})["result"]
    assert time.monotonic() - started < 3
    assert result["isError"] is True and "300 ms" in result["content"][0]["text"]
    assert call_tool(server.url, "hello_count", {"to": 2})["result"]["content"][0]["text"] == "Counted to 2."


def test_legacy_http_cancellation(servers) -> None:
    server = servers.http()
    with httpx.Client(timeout=20) as http:
        session = LegacySession(http, server.url)
    outcome: dict[str, Any] = {}

    def sleepy() -> None:
        started = time.monotonic()
        with httpx.Client(timeout=20) as http:
            response = http.post(server.url, headers=session.headers(), json={
                "jsonrpc": "2.0", "id": 41, "method": "tools/call",
                "params": {"name": "faulty_sleep", "arguments": {"seconds": 20, "honourCancellation": True}}})
        outcome["response"] = response
        outcome["elapsed"] = time.monotonic() - started

    worker = threading.Thread(target=sleepy)
    worker.start()
    time.sleep(0.7)
    assert worker.is_alive()
    with httpx.Client(timeout=10) as http:
        # Other requests of the same session are served meanwhile.
        ping = http.post(server.url, headers=session.headers(), json={"jsonrpc": "2.0", "id": 42, "method": "ping"})
        assert final_response(ping)["result"] == {}
        cancelled = http.post(server.url, headers=session.headers(), json={
            "jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 41, "reason": "user"}})
        assert cancelled.status_code == 202
    worker.join(10)
    assert not worker.is_alive(), "the cancelled call still runs"
    assert outcome["elapsed"] < 5
    response = outcome["response"]
    assert response.status_code == 200
    if response.content:  # a server may drop the response of a cancelled request
        assert final_response(response)["result"]["content"][0]["text"] == "cancelled"


def test_cancellation_of_another_session_is_ignored(servers) -> None:
    server = servers.http()
    with httpx.Client(timeout=20) as http:
        owner = LegacySession(http, server.url)
        other = LegacySession(http, server.url)
    outcome: dict[str, Any] = {}

    def sleepy() -> None:
        started = time.monotonic()
        with httpx.Client(timeout=20) as http:
            outcome["response"] = http.post(server.url, headers=owner.headers(), json={
                "jsonrpc": "2.0", "id": 51, "method": "tools/call",
                "params": {"name": "faulty_sleep", "arguments": {"seconds": 1.5, "honourCancellation": True}}})
        outcome["elapsed"] = time.monotonic() - started

    worker = threading.Thread(target=sleepy)
    worker.start()
    time.sleep(0.3)
    with httpx.Client(timeout=10) as http:
        http.post(server.url, headers=other.headers(), json={
            "jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 51}})
    worker.join(10)
    assert final_response(outcome["response"])["result"]["content"][0]["text"] == "slept 1.5 s"
    assert outcome["elapsed"] >= 1.4


# ---------------------------------------------------------------------------------------------- broken libraries


def test_broken_plugins_are_skipped(servers) -> None:
    entries = [
        plugin_entry("wrong-abi", "WrongABITestPlugin"),
        hello_entry(),
        plugin_entry("no-entry", "NoEntryTestPlugin"),
        echo_entry(),
        plugin_entry("faulty-broken", "FaultyTestPlugin", settings={"failEntry": True}),
        {"id": "missing", "path": str(Path(library("HelloSwiftPlugin")).with_name("libDoesNotExist.so"))},
        faulty_entry(),
    ]
    server = servers.http(entries)
    assert server.plugin_count == 3
    assert tool_names(server.url) == HELLO_TOOLS | ECHO_TOOLS | FAULTY_TOOLS
    stderr = server.stderr
    assert 'plugin "wrong-abi" not loaded: built for ABI 2' in stderr
    assert 'plugin "no-entry" not loaded' in stderr and "cdxmcp_plugin_entry_v1" in stderr
    assert 'plugin "faulty-broken" not loaded' in stderr and "failEntry" in stderr
    assert 'plugin "missing" not loaded: no file at' in stderr
    assert call_tool(server.url, "echo_arguments", {"ok": True})["result"]["structuredContent"] == {"arguments": {"ok": True}}
    assert call_tool(server.url, "faulty_config", {"key": "x"})["result"]["content"][0]["text"] == "<unset>"


def test_only_broken_plugins_still_serves(servers) -> None:
    server = servers.http([plugin_entry("wrong-abi", "WrongABITestPlugin")])
    assert server.plugin_count == 0
    assert tool_names(server.url) == set()


@pytest.mark.parametrize("fixture,expect", [
    ("WrongABITestPlugin", "ABI 2"),
    ("NoEntryTestPlugin", "cdxmcp_plugin_entry_v1"),
])
def test_plugins_verify_rejects(fixture: str, expect: str) -> None:
    outcome = run_cli(["plugins", "verify", library(fixture)])
    assert outcome.returncode != 0
    assert expect in outcome.stdout + outcome.stderr


def test_plugins_verify_accepts_a_good_plugin() -> None:
    outcome = run_cli(["plugins", "verify", library("HelloSwiftPlugin")])
    assert outcome.returncode == 0, outcome.stderr
    assert "ABI 1" in outcome.stdout
    assert "hello_greet" in outcome.stdout and "hello_count" in outcome.stdout
    digest = next(line for line in outcome.stdout.splitlines() if line.startswith("sha256:")).split()[1]
    assert len(digest) == 64


def test_plugins_verify_missing_file() -> None:
    outcome = run_cli(["plugins", "verify", "/nonexistent/libNothing.so"])
    assert outcome.returncode != 0
    assert "no file" in outcome.stderr


def test_tool_name_clash_refuses_the_second(servers) -> None:
    server = servers.http([hello_entry(), plugin_entry("hello-copy", "HelloSwiftPlugin"), echo_entry()])
    assert server.plugin_count == 2
    server.wait_for_stderr(r'plugin "hello-copy" not loaded: tool "hello_greet" is already provided by plugin "hello-swift"')
    with httpx.Client(timeout=10) as http:
        tools = final_response(modern_request(http, server.url, "tools/list"))["result"]["tools"]
    names = [tool["name"] for tool in tools]
    assert sorted(names) == sorted(HELLO_TOOLS | ECHO_TOOLS)


def test_sha256_mismatch_is_refused(servers) -> None:
    server = servers.http([hello_entry(sha256="0" * 64), echo_entry()])
    assert server.plugin_count == 1
    assert "SHA-256" in server.stderr and 'plugin "hello-swift" not loaded' in server.stderr
    assert tool_names(server.url) == ECHO_TOOLS


def test_relative_path_and_library_name(servers, tmp_path: Path) -> None:
    """"path" is relative to plugins.json; "library" is searched next to the binary."""
    link_dir = tmp_path / "plugins"
    link_dir.mkdir()
    os.symlink(library("EchoCPlugin"), link_dir / "libEcho.so")
    path = write_plugins(tmp_path / "rel.json", [
        {"id": "echo-c", "path": "plugins/libEcho.so"},
        {"id": "hello-swift", "library": "HelloSwiftPlugin"},
    ])
    server = servers.http(plugins_file=path)
    assert server.plugin_count == 2
    assert tool_names(server.url) == ECHO_TOOLS | HELLO_TOOLS


# ---------------------------------------------------------------------------------------------- configuration


def test_faulty_config_reads_clover_properties(servers, tmp_path: Path) -> None:
    properties = tmp_path / "clover.properties"
    properties.write_text(
        "# CloverDX configuration\n"
        "clover.mcp.sidecar.page.size = 50\n"
        "jdbc.password=hunter2\n"
        "clover.mcp.api.token: abc\n"
        "some.secret.value=s3cr3t\n"
        "jdbc.url=jdbc:postgresql://db/clover\n")
    server = servers.http(extra_args=["--config", str(properties)])
    assert call_tool(server.url, "faulty_config", {"key": "clover.mcp.sidecar.page.size"})["result"]["content"][0]["text"] == "50"
    assert call_tool(server.url, "faulty_config", {"key": "jdbc.url"})["result"]["content"][0]["text"] == "jdbc:postgresql://db/clover"
    for secret in ("jdbc.password", "JDBC.PASSWORD", "clover.mcp.api.token", "some.secret.value"):
        text = call_tool(server.url, "faulty_config", {"key": secret})["result"]["content"][0]["text"]
        assert text == "<unset>", f"{secret} leaked to a plugin: {text}"


def test_environment_overrides_properties(servers, tmp_path: Path) -> None:
    properties = tmp_path / "clover.properties"
    properties.write_text("clover.mcp.sidecar.page.size=50\n")
    server = servers.http(extra_args=["--config", str(properties)], env={"CLOVER_MCP_SIDECAR_PAGE_SIZE": "2"})
    assert call_tool(server.url, "faulty_config", {"key": "clover.mcp.sidecar.page.size"})["result"]["content"][0]["text"] == "2"


def test_page_size_paginates_lists(servers) -> None:
    server = servers.http(env={"CLOVER_MCP_SIDECAR_PAGE_SIZE": "1"})
    with httpx.Client(timeout=10) as http:
        session = LegacySession(http, server.url)
        seen: list[str] = []
        cursor = None
        for _ in range(20):
            result = final_response(session.request("tools/list", {"cursor": cursor} if cursor else {}))["result"]
            assert len(result["tools"]) == 1
            seen.append(result["tools"][0]["name"])
            cursor = result.get("nextCursor")
            assert cursor != ""
            if cursor is None:
                break
        assert sorted(seen) == sorted(HELLO_TOOLS | ECHO_TOOLS | FAULTY_TOOLS)
        bad = final_response(session.request("tools/list", {"cursor": "not-a-cursor"}))
        assert bad["error"]["code"] == -32602


@pytest.mark.anyio
async def test_sdk_walks_pages(servers) -> None:
    server = servers.http(env={"CLOVER_MCP_SIDECAR_PAGE_SIZE": "1"})
    with anyio.fail_after(30):
        async with Client(server.url, mode=MODERN) as client:
            names = []
            cursor = None
            for _ in range(20):
                page = await client.list_tools(cursor=cursor)
                names += [tool.name for tool in page.tools]
                cursor = page.next_cursor
                if cursor is None:
                    break
            assert sorted(names) == sorted(HELLO_TOOLS | ECHO_TOOLS | FAULTY_TOOLS)
