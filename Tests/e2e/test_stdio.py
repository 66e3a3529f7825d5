"""`serve --stdio` driven line by line: bad input, stdout hygiene, cancellation, end of input."""

from __future__ import annotations

import json
import time

import pytest

from support import MODERN, StdioPeer, modern_meta


@pytest.fixture
def peer(servers) -> StdioPeer:
    return StdioPeer(servers.stdio())


@pytest.mark.parametrize("line", [b"{bad", b'{"jsonrpc":"2.0","id":1,"method":', b"\xff\xfe{}", b"[1,"])
def test_malformed_line_is_parse_error_and_serving_goes_on(peer: StdioPeer, line: bytes) -> None:
    peer.send_raw(line + b"\n")
    error = peer.next_message()
    assert error["jsonrpc"] == "2.0"
    assert "id" in error and error["id"] is None
    assert error["error"]["code"] == -32700

    peer.initialize()
    listed = peer.request("tools/list", {}, request_id=2)
    assert "hello_greet" in [tool["name"] for tool in listed["result"]["tools"]]
    assert peer.server.alive()


@pytest.mark.parametrize("message", [{"foo": 1}, {"jsonrpc": "1.0", "id": 5, "method": "ping"}, 17])
def test_non_jsonrpc_line_is_invalid_request(peer: StdioPeer, message) -> None:
    peer.send(message)
    error = peer.next_message()
    assert error["id"] is None
    assert error["error"]["code"] == -32600
    assert peer.request("ping", request_id=6)["result"] == {}


def test_blank_lines_are_ignored(peer: StdioPeer) -> None:
    peer.send_raw(b"\n   \n\r\n")
    assert peer.request("ping", request_id="after-blank")["result"] == {}
    assert len(peer.raw_lines) == 1, f"blank lines got answers: {peer.raw_lines!r}"


def test_stdout_carries_only_json_lines(peer: StdioPeer) -> None:
    peer.initialize()
    assert peer.request("logging/setLevel", {"level": "debug"}, request_id="lvl")["result"] == {}
    peer.request("tools/list", {}, request_id="list")
    counted = peer.request("tools/call", {"name": "hello_count", "arguments": {"to": 3},
                                          "_meta": {"progressToken": "pt"}}, request_id="count")
    assert counted["result"]["content"][0]["text"] == "Counted to 3."
    failed = peer.request("tools/call", {"name": "faulty_throw", "arguments": {}}, request_id="throw")
    assert failed["result"]["isError"] is True
    peer.send_raw(b"not json at all\n")
    peer.request("no/such/method", {}, request_id="nope")
    peer.request("resources/read", {"uri": "hello://about"}, request_id="read")
    peer.close_stdin()
    lines = peer.drain()
    assert peer.server.wait_exit(10) == 0

    methods = []
    for raw in lines:
        assert raw.endswith(b"\n")
        text = raw.decode("utf-8")
        assert "\n" not in text[:-1], "one message per line"
        message = json.loads(text)
        assert isinstance(message, dict) and message.get("jsonrpc") == "2.0", text
        methods.append(message.get("method"))
    assert "notifications/progress" in methods
    assert "notifications/message" in methods, "the plugin's log reached the client as a notification"
    # The host's own logs went to stderr, never stdout.
    assert "plugins.json reloaded" in peer.server.stderr
    assert "counted to 3" in peer.server.stderr


def test_progress_on_stdio_increases(peer: StdioPeer) -> None:
    peer.initialize()
    peer.send({"jsonrpc": "2.0", "id": "c", "method": "tools/call",
               "params": {"name": "hello_count", "arguments": {"to": 5, "delayMs": 5}, "_meta": {"progressToken": 99}}})
    response, before = peer.response("c")
    progress = [m["params"] for m in before if m.get("method") == "notifications/progress"]
    assert [p["progress"] for p in progress] == [1, 2, 3, 4, 5]
    assert all(p["progressToken"] == 99 and p["total"] == 5 for p in progress)
    assert response["result"]["content"][0]["text"] == "Counted to 5."


def test_discover_then_initialize_in_one_process(peer: StdioPeer) -> None:
    """Claude Code probes server/discover, then may still initialize: both must work (docs/PROTOCOL.md, "Era of a stdio message")."""
    discover = peer.request("server/discover", {"_meta": modern_meta()}, request_id="d")
    assert discover["result"]["supportedVersions"] == [MODERN]
    initialized = peer.initialize()
    assert initialized["result"]["protocolVersion"] == "2025-11-25"
    legacy = peer.request("tools/call", {"name": "hello_greet", "arguments": {"name": "L"}}, request_id="l")
    assert legacy["result"]["content"][0]["text"] == "Hello, L!"
    assert "resultType" not in legacy["result"]
    modern = peer.request("tools/call", {"name": "hello_greet", "arguments": {"name": "M"}, "_meta": modern_meta()},
                          request_id="m")
    assert modern["result"]["content"][0]["text"] == "Hello, M!"
    assert modern["result"]["resultType"] == "complete"


def test_modern_unsupported_version_on_stdio(peer: StdioPeer) -> None:
    response = peer.request("server/discover", {"_meta": modern_meta("2099-01-01")}, request_id="v")
    assert response["error"]["code"] == -32022
    assert MODERN in response["error"]["data"]["supported"]


def test_batch_line_for_lax_clients(peer: StdioPeer) -> None:
    peer.initialize("2025-03-26")
    peer.send([{"jsonrpc": "2.0", "id": "b1", "method": "ping"},
               {"jsonrpc": "2.0", "id": "b2", "method": "tools/call",
                "params": {"name": "hello_greet", "arguments": {"name": "Batch"}}}])
    reply = peer.next_message()
    assert isinstance(reply, list)
    assert {item["id"] for item in reply} == {"b1", "b2"}


@pytest.mark.parametrize("era", ["legacy", "modern"])
def test_cancellation_stops_a_running_call(peer: StdioPeer, era: str) -> None:
    params = {"name": "faulty_sleep", "arguments": {"seconds": 20, "honourCancellation": True}}
    if era == "legacy":
        peer.initialize()
    else:
        params["_meta"] = modern_meta()
    started = time.monotonic()
    peer.send({"jsonrpc": "2.0", "id": "sleepy", "method": "tools/call", "params": params})
    time.sleep(0.5)
    assert peer.request("ping" if era == "legacy" else "server/discover",
                        {} if era == "legacy" else {"_meta": modern_meta()}, request_id="meanwhile")
    peer.send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": "sleepy", "reason": "test"}})
    # The plugin polls its cancellation flag and returns early; the host passes that result on.
    response, _ = peer.response("sleepy", timeout=5)
    assert response["result"]["content"][0]["text"] == "cancelled"
    assert time.monotonic() - started < 6


def test_eof_exits_promptly_when_idle(servers) -> None:
    server = servers.stdio()
    peer = StdioPeer(server)
    peer.initialize()
    started = time.monotonic()
    peer.close_stdin()
    assert server.wait_exit(10) == 0
    assert time.monotonic() - started < 3


def test_eof_exits_promptly_with_a_running_call(servers) -> None:
    server = servers.stdio()
    peer = StdioPeer(server)
    peer.initialize()
    peer.send({"jsonrpc": "2.0", "id": "hang", "method": "tools/call",
               "params": {"name": "faulty_sleep", "arguments": {"seconds": 60, "honourCancellation": False}}})
    time.sleep(0.3)
    started = time.monotonic()
    peer.close_stdin()
    code = server.wait_exit(10)
    elapsed = time.monotonic() - started
    assert elapsed < 10
    assert code == 0


def test_listen_on_stdio_gets_changes_and_ends_at_eof(servers) -> None:
    from support import run_cli

    server = servers.stdio()
    peer = StdioPeer(server)
    peer.send({"jsonrpc": "2.0", "id": 31, "method": "subscriptions/listen",
               "params": {"_meta": modern_meta(), "notifications": {"toolsListChanged": True}}})
    ack = peer.next_message()
    assert ack["method"] == "notifications/subscriptions/acknowledged"
    assert ack["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"] == 31
    assert ack["params"]["notifications"] == {"toolsListChanged": True}

    outcome = run_cli(["plugins", "disable", "hello-swift", "--plugins", str(server.plugins_path)])
    assert outcome.returncode == 0, outcome.stderr
    changed, _ = peer.wait_for(lambda m: m.get("method") == "notifications/tools/list_changed", timeout=5)
    assert changed["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"] == 31
    listed = peer.request("tools/list", {"_meta": modern_meta()}, request_id="after")
    assert "hello_greet" not in [tool["name"] for tool in listed["result"]["tools"]]

    peer.close_stdin()
    final, _ = peer.response(31, timeout=10)
    assert final["result"]["resultType"] == "complete"
    assert final["result"]["_meta"]["io.modelcontextprotocol/subscriptionId"] == 31
    assert server.wait_exit(10) == 0
