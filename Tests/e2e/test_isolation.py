"""Isolated plugins: a plugin in a worker process that crashes, leaks or hangs costs one call, not the server."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from typing import Any

import httpx
import pytest

from support import (
    ECHO_TOOLS,
    FAULTY_TOOLS,
    HELLO_TOOLS,
    child_env,
    echo_entry,
    faulty_entry,
    final_response,
    hello_entry,
    modern_meta,
    modern_request,
    plugins_cli,
    response_messages,
    run_cli,
    wait_until,
)


def call(url: str, name: str, arguments: dict[str, Any] | None = None, timeout: float = 30) -> dict[str, Any]:
    with httpx.Client(timeout=timeout) as http:
        return final_response(modern_request(http, url, "tools/call", {"name": name, "arguments": arguments or {}}))


def tool_error(response: dict[str, Any]) -> str:
    result = response["result"]
    assert result.get("isError") is True, f"expected a tool error, got {result}"
    return result["content"][0]["text"]


def echo_answers(url: str) -> None:
    response = call(url, "echo_arguments", {"probe": 7})
    assert response["result"].get("isError") is not True, response
    assert '"probe":7' in response["result"]["content"][0]["text"].replace(" ", "")


def isolated_faulty(**fields: Any) -> dict[str, Any]:
    return faulty_entry(isolation="process", **fields)


def worker_pids(server_pid: int) -> list[int]:
    """The server's plugin-worker children."""
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                arguments = cmdline.read().split(b"\0")
        except OSError:
            continue
        if parent == server_pid and b"plugin-worker" in arguments:
            children.append(int(entry))
    return children


def test_crash_leak_and_hang_each_cost_one_call(servers) -> None:
    server = servers.http([hello_entry(), echo_entry(), isolated_faulty(timeoutMs=1500, memoryLimitMB=192)])
    url, pid = server.url, server.proc.pid
    echo_answers(url)

    crash = tool_error(call(url, "faulty_crash"))
    assert 'plugin "faulty" crashed (SIGABRT) while running tool "faulty_crash"' in crash, crash
    echo_answers(url)

    hog = tool_error(call(url, "faulty_hog"))
    assert "memory" in hog and "192 MB" in hog and 'tool "faulty_hog"' in hog, hog
    echo_answers(url)

    started = time.monotonic()
    hang = tool_error(call(url, "faulty_hang"))
    assert "did not finish within 1500 ms" in hang, hang
    assert time.monotonic() - started < 10
    echo_answers(url)
    # The hung worker is killed once the call has ignored cancellation for the grace period.
    server.wait_for_stderr(r'plugin "faulty": worker \d+ was stopped because tool "faulty_hang" went on 2 s past its timeout', timeout=10)

    # The plugin serves again after each restart, from a new worker, in the same server.
    again = call(url, "faulty_config", {"key": "clover.mcp.sidecar.listen"})
    assert again["result"].get("isError") is not True, again
    assert server.alive() and server.proc.pid == pid
    assert len(worker_pids(pid)) == 1


def test_plugins_list_shows_mode_restarts_and_last_crash(servers) -> None:
    server = servers.http([echo_entry(), isolated_faulty(memoryLimitMB=128)])
    before = run_cli(["plugins", "list", "--plugins", str(server.plugins_path)])
    assert before.returncode == 0, before.stderr
    assert "runs: in the server's process" in before.stdout
    assert "runs: isolated in a worker process, memory limit 128 MB" in before.stdout
    assert "restarts 0; no crash" in before.stdout, before.stdout

    assert "SIGABRT" in tool_error(call(server.url, "faulty_crash"))
    wait_until(lambda: "restarts 1" in run_cli(["plugins", "list", "--plugins", str(server.plugins_path)]).stdout,
               timeout=10, message="plugins list does not show the restart")
    after = run_cli(["plugins", "list", "--plugins", str(server.plugins_path)]).stdout
    assert f"worker (server {server.proc.pid}): pid " in after
    assert "last crash at " in after and "crashed (SIGABRT)" in after, after


def test_other_calls_go_on_while_a_worker_crashes(servers) -> None:
    server = servers.http([echo_entry(), isolated_faulty(timeoutMs=20000)])
    url = server.url
    slow: dict[str, Any] = {}

    def sleeper() -> None:
        slow["response"] = call(url, "faulty_sleep", {"seconds": 1.5})

    thread = threading.Thread(target=sleeper)
    thread.start()
    time.sleep(0.3)
    # A call of another plugin while faulty's worker is busy, then the crash of faulty itself.
    echo_answers(url)
    crash = tool_error(call(url, "faulty_crash"))
    assert "SIGABRT" in crash
    thread.join(10)
    # The sleeping call ran in the worker that crashed: it is told so, not left waiting.
    text = tool_error(slow["response"])
    assert "crashed (SIGABRT)" in text and 'tool "faulty_sleep"' in text, text
    assert call(url, "faulty_sleep", {"seconds": 0.1})["result"]["content"][0]["text"] == "slept 0.1 s"


def test_isolated_plugin_serves_like_an_inprocess_one(servers) -> None:
    """Services, configuration, progress and cancellation cross the worker boundary."""
    server = servers.http([hello_entry(isolation="process"), echo_entry(isolation="process"),
                           isolated_faulty(grants=["installation.read"])])
    url = server.url
    with httpx.Client(timeout=10) as http:
        names = {tool["name"] for tool in final_response(modern_request(http, url, "tools/list"))["result"]["tools"]}
    assert names == HELLO_TOOLS | ECHO_TOOLS | FAULTY_TOOLS
    assert call(url, "hello_greet", {"name": "Worker"})["result"]["content"][0]["text"] == "Hello, Worker!"
    echo_answers(url)
    # A host service, with the grant checked by the host.
    info = call(url, "faulty_service", {"service": "installation.info"})["result"]
    assert info.get("isError") is not True, info
    denied = call(url, "faulty_service", {"service": "logs.list"})["result"]
    assert denied.get("isError") is True and 'no grant "logs.read"' in denied["content"][0]["text"], denied
    # Private keys stay private across the boundary.
    assert call(url, "faulty_config", {"key": "clover.db.password"})["result"]["content"][0]["text"] == "<unset>"
    # A thrown error is a tool error, not a crash.
    assert "failed on purpose" in tool_error(call(url, "faulty_throw"))

    # Progress notifications come through the worker, to the request that asked.
    meta = modern_meta()
    meta["progressToken"] = "p1"
    with httpx.Client(timeout=20) as http:
        response = modern_request(http, url, "tools/call", {"name": "faulty_sleep", "arguments": {"seconds": 0.3}}, meta=meta)
    messages = response_messages(response)
    progress = [m for m in messages if m.get("method") == "notifications/progress"]
    assert progress and all(m["params"]["progressToken"] == "p1" for m in progress), messages
    assert messages[-1]["result"]["content"][0]["text"] == "slept 0.3 s"


def test_worker_dies_with_the_server(servers) -> None:
    server = servers.http([echo_entry(isolation="process")])
    echo_answers(server.url)
    workers = worker_pids(server.proc.pid)
    assert len(workers) == 1
    server.proc.kill()
    server.proc.wait(5)
    wait_until(lambda: not os.path.exists(f"/proc/{workers[0]}") or open(f"/proc/{workers[0]}/stat").read().split()[2] == "Z",
               timeout=5, message="the worker outlived its host")


def test_plugins_json_refuses_a_memory_limit_without_isolation(servers) -> None:
    path = servers.plugins_file([faulty_entry(memoryLimitMB=64)])
    outcome = run_cli(["plugins", "list", "--plugins", str(path)])
    assert outcome.returncode != 0
    assert 'needs "isolation": "process"' in outcome.stderr



def slept(url: str) -> str:
    response = call(url, "faulty_sleep", {"seconds": 0.3})
    assert response["result"].get("isError") is not True, response
    return response["result"]["content"][0]["text"]


def test_disabling_an_isolated_plugin_stops_its_worker(servers) -> None:
    server = servers.http([echo_entry(), isolated_faulty()])
    path = server.plugins_path
    assert slept(server.url) == "slept 0.3 s"
    [worker] = worker_pids(server.proc.pid)

    plugins_cli("disable", "faulty", path)
    wait_until(lambda: worker not in worker_pids(server.proc.pid), timeout=5, message="the disabled plugin's worker still runs")
    echo_answers(server.url)

    plugins_cli("enable", "faulty", path)
    wait_until(lambda: len(worker_pids(server.proc.pid)) == 1, timeout=10, message="enabling the plugin again started no worker")
    assert worker_pids(server.proc.pid) != [worker], "the old worker came back"
    assert slept(server.url) == "slept 0.3 s"
