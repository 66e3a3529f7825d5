"""Graceful shutdown of the HTTP server: signals with open streams and running calls."""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

import httpx
import pytest

from support import LATEST_LEGACY, LegacySession, modern_headers, modern_meta, parse_sse, response_messages


class StreamReader(threading.Thread):
    """Reads one streaming HTTP response on a thread: records its status, SSE messages and its end."""

    def __init__(self, method: str, url: str, *, headers: dict[str, str], json_body: Any = None) -> None:
        super().__init__(daemon=True)
        self.method, self.url, self.headers, self.json_body = method, url, headers, json_body
        self.opened = threading.Event()
        self.first_message = threading.Event()
        self.ended = threading.Event()
        self.status: int | None = None
        self.raw = ""
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with httpx.Client(timeout=httpx.Timeout(30.0)) as client:
                with client.stream(self.method, self.url, headers=self.headers, json=self.json_body) as response:
                    self.status = response.status_code
                    self.opened.set()
                    for chunk in response.iter_text():
                        self.raw += chunk
                        if "data:" in self.raw:
                            self.first_message.set()
        except BaseException as error:  # a reset counts as an end too; the test looks at `error`
            self.error = error
        finally:
            self.opened.set()
            self.ended.set()

    @property
    def messages(self) -> list[Any]:
        return parse_sse(self.raw)


def test_sigterm_with_open_streams_exits_0(servers) -> None:
    server = servers.http()
    with httpx.Client(timeout=10) as http:
        session = LegacySession(http, server.url)

    get_stream = StreamReader("GET", server.url, headers={
        "Accept": "text/event-stream", "Mcp-Session-Id": session.session_id, "MCP-Protocol-Version": LATEST_LEGACY})
    listen = StreamReader("POST", server.url, headers=modern_headers("subscriptions/listen"), json_body={
        "jsonrpc": "2.0", "id": "bye", "method": "subscriptions/listen",
        "params": {"_meta": modern_meta(), "notifications": {"toolsListChanged": True}}})
    get_stream.start()
    listen.start()
    assert get_stream.opened.wait(5) and get_stream.status == 200, get_stream.error
    assert listen.first_message.wait(5), f"no acknowledgement: {listen.raw!r} {listen.error!r}"
    assert listen.messages[0]["method"] == "notifications/subscriptions/acknowledged"
    assert not get_stream.ended.is_set() and not listen.ended.is_set()

    started = time.monotonic()
    server.signal(signal.SIGTERM)
    code = server.wait_exit(10)
    elapsed = time.monotonic() - started
    assert code == 0, server.stderr
    assert elapsed < 10
    assert get_stream.ended.wait(5) and listen.ended.wait(5), "streams still open after exit"
    assert "stopped" in server.stderr

    # The listen stream ends with its final result, tagged with the subscription id.
    final = [m for m in listen.messages if m.get("id") == "bye"]
    assert final, f"listen stream ended without its final result: {listen.raw!r}"
    assert final[-1]["result"]["resultType"] == "complete"
    assert final[-1]["result"]["_meta"]["io.modelcontextprotocol/subscriptionId"] == "bye"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_when_idle_exits_0_quickly(servers, sig: int) -> None:
    server = servers.http()
    started = time.monotonic()
    server.signal(sig)
    assert server.wait_exit(10) == 0
    assert time.monotonic() - started < 3


def test_sigterm_answers_a_running_call_before_exiting(servers) -> None:
    """The call is told to stop (it is cooperative) and its client still gets a response."""
    server = servers.http()
    outcome: dict[str, Any] = {}

    def call() -> None:
        with httpx.Client(timeout=20) as http:
            session = LegacySession(http, server.url)
            outcome["response"] = session.request("tools/call", {
                "name": "hello_count", "arguments": {"to": 10, "delayMs": 100}, "_meta": {"progressToken": "p"}},
                request_id="count")

    worker = threading.Thread(target=call)
    worker.start()
    time.sleep(0.5)
    server.signal(signal.SIGTERM)
    assert server.wait_exit(10) == 0
    worker.join(10)
    messages = response_messages(outcome["response"])
    final = [m for m in messages if m.get("id") == "count"]
    assert final and final[0]["result"]["content"][0]["text"].startswith("Cancelled after ")


def test_sigterm_cancels_a_long_cooperative_call(servers) -> None:
    server = servers.http()

    def call() -> None:
        try:
            with httpx.Client(timeout=30) as http:
                http.post(server.url, headers=modern_headers("tools/call", name="faulty_sleep"), json={
                    "jsonrpc": "2.0", "id": 1, "method": "tools/call",
                    "params": {"_meta": modern_meta(), "name": "faulty_sleep",
                               "arguments": {"seconds": 14, "honourCancellation": True}}})
        except httpx.HTTPError:
            pass

    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    time.sleep(0.7)
    started = time.monotonic()
    server.signal(signal.SIGTERM)
    try:
        code = server.wait_exit(10)
    except Exception:
        code = None
    assert code == 0 and time.monotonic() - started < 10
