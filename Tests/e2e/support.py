"""Helpers for the end-to-end tests: they run the real `cloverdx-mcp` binary.

The binary comes from $CLOVERDX_MCP_BIN (default: .build/debug/cloverdx-mcp of this repo); the plugin
libraries are taken from the same folder. Every server gets a temporary plugins.json whose entries use
absolute "path"s, listens on 127.0.0.1 with an ephemeral port, and is always stopped at teardown.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("CLOVERDX_MCP_BIN", str(REPO_ROOT / ".build" / "debug" / "cloverdx-mcp"))).resolve()
BUILD_DIR = BIN.parent
LIB_SUFFIX = ".dylib" if sys.platform == "darwin" else ".so"

MODERN = "2026-07-28"
LATEST_LEGACY = "2025-11-25"
PV_KEY = "io.modelcontextprotocol/protocolVersion"
CAPS_KEY = "io.modelcontextprotocol/clientCapabilities"
INFO_KEY = "io.modelcontextprotocol/clientInfo"

HELLO_TOOLS = {"hello_greet", "hello_count", "hello_node"}
ECHO_TOOLS = {"echo_arguments", "echo_host"}
FAULTY_TOOLS = {"faulty_throw", "faulty_sleep", "faulty_config", "faulty_service", "faulty_crash", "faulty_hog", "faulty_hang"}

LISTENING = re.compile(r"listening on http://(?P<host>[^\s/]+):(?P<port>\d+)(?P<path>/\S*) with (?P<count>\d+) plugins")


# --------------------------------------------------------------------------------------------------
# plugins.json helpers


def library(name: str) -> str:
    """Absolute path of a built plugin library, e.g. library("HelloSwiftPlugin")."""
    return str(BUILD_DIR / f"lib{name}{LIB_SUFFIX}")


def plugin_entry(plugin_id: str, lib: str, **fields: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": plugin_id, "path": library(lib), "enabled": True}
    entry.update(fields)
    return entry


def hello_entry(**fields: Any) -> dict[str, Any]:
    return plugin_entry("hello-swift", "HelloSwiftPlugin", settings={"greeting": "Hello"}, **fields)


def echo_entry(**fields: Any) -> dict[str, Any]:
    return plugin_entry("echo-c", "EchoCPlugin", **fields)


def faulty_entry(**fields: Any) -> dict[str, Any]:
    return plugin_entry("faulty", "FaultyTestPlugin", **fields)


def repo_entries(*plugin_ids: str) -> list[dict[str, Any]]:
    """Entries of the repository's plugins.json (the CloverDX tool groups, their grants and settings),
    with absolute library paths; only `plugin_ids` when given."""
    entries = []
    for entry in json.loads((REPO_ROOT / "plugins.json").read_text())["plugins"]:
        if plugin_ids and entry["id"] not in plugin_ids:
            continue
        entry = dict(entry)
        entry["path"] = library(entry.pop("library"))
        entries.append(entry)
    missing = set(plugin_ids) - {entry["id"] for entry in entries}
    assert not missing, f"not in plugins.json: {missing}"
    return entries


def default_entries() -> list[dict[str, Any]]:
    return [hello_entry(), echo_entry(), faulty_entry()]


def write_plugins(path: Path, entries: Iterable[dict[str, Any]]) -> Path:
    """Writes plugins.json atomically (a watching server never sees half a file)."""
    temporary = path.with_name(path.name + f".{uuid.uuid4().hex}.tmp")
    temporary.write_text(json.dumps({"plugins": list(entries)}, indent=2) + "\n")
    os.replace(temporary, path)
    return path


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for the binary: ours without configuration leaking in, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOVER_MCP_") and not k.startswith("clover.")}
    env.update(extra or {})
    return env


def run_cli(args: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
            timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Runs the binary once (a CLI command) and returns its outcome."""
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=timeout,
                          env=child_env(env), cwd=str(cwd) if cwd else None, stdin=subprocess.DEVNULL)


def plugins_cli(action: str, plugin_id: str, path: Path) -> None:
    """`cloverdx-mcp plugins enable|disable ID` on a plugins.json; it must succeed and say so."""
    outcome = run_cli(["plugins", action, plugin_id, "--plugins", str(path)])
    assert outcome.returncode == 0, outcome.stderr
    assert f"{action}d {plugin_id}" in outcome.stdout


# --------------------------------------------------------------------------------------------------
# The CloverDX REST emulator (Tests/emulator)


EMULATOR = REPO_ROOT / "Tests" / "emulator" / "cloverdx_rest.py"


@contextmanager
def rest_emulator(demo: Path, user: str = "ops", password: str = "s3cret") -> Iterator[str]:
    """The REST emulator over `demo` on an ephemeral port, stopped on leaving; yields its base URL (…/clover)."""
    process = subprocess.Popen([sys.executable, str(EMULATOR), str(demo), "--user", user, "--password", password],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("listening on "), line
        yield line.split()[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def config_with_rest(directory: Path, demo: Path, base_url: str | None, password: str = "s3cret", *,
                     extra: dict[str, str] | None = None, database: bool = True, name: str = "clover.properties") -> Path:
    """The demo's clover.properties plus the sidecar's REST keys (none when `base_url` is None) and
    `extra` keys, without the jdbc.* lines unless `database`, in a file of its own."""
    lines = [line for line in (demo / "conf" / "clover.properties").read_text().splitlines()
             if database or not line.startswith("jdbc.")]
    if base_url is not None:
        lines += [f"clover.mcp.sidecar.rest.url={base_url}", "clover.mcp.sidecar.rest.user=ops",
                  f"clover.mcp.sidecar.rest.password={password}"]
    lines += [f"{key}={value}" for key, value in (extra or {}).items()]
    config = directory / name
    config.write_text("\n".join(lines) + "\n")
    return config


# --------------------------------------------------------------------------------------------------
# A running server process


class ServerProcess:
    """One `cloverdx-mcp serve` process; stderr is collected on a thread and can be waited on."""

    def __init__(self, args: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
                 stdin_pipe: bool = False, stdout_pipe: bool = False) -> None:
        self.args = args
        self.proc = subprocess.Popen(
            [str(BIN), *args],
            stdin=subprocess.PIPE if stdin_pipe else subprocess.DEVNULL,
            stdout=subprocess.PIPE if stdout_pipe else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=child_env(env),
            cwd=str(cwd) if cwd else None,
            start_new_session=True,  # a Ctrl-C of pytest does not reach it; teardown stops it
        )
        self._lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()
        self.url: str | None = None
        self.port: int | None = None
        self.plugin_count: int | None = None

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for raw in iter(self.proc.stderr.readline, b""):
            with self._changed:
                self._lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def stderr(self) -> str:
        with self._changed:
            return "\n".join(self._lines)

    def stderr_mark(self) -> int:
        """A position in stderr; `wait_for_stderr(..., since=mark)` only looks at later lines."""
        with self._changed:
            return len(self._lines)

    def wait_for_stderr(self, pattern: str | re.Pattern[str], timeout: float = 10, since: int = 0) -> re.Match[str]:
        """Waits until a stderr line matches `pattern`; fails the test with the stderr so far otherwise."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        checked = since
        with self._changed:
            while True:
                for line in self._lines[checked:]:
                    if match := regex.search(line):
                        return match
                checked = len(self._lines)
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    raise AssertionError(
                        f"no stderr line matched {regex.pattern!r} within {timeout} s "
                        f"(exit code {self.proc.poll()}); stderr:\n{chr(10).join(self._lines)}")
                self._changed.wait(min(remaining, 0.2))

    def wait_listening(self, timeout: float = 20) -> str:
        match = self.wait_for_stderr(LISTENING, timeout=timeout)
        self.port = int(match["port"])
        self.plugin_count = int(match["count"])
        self.url = f"http://127.0.0.1:{self.port}{match['path']}"
        return self.url

    @property
    def base_url(self) -> str:
        assert self.port is not None
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.proc.poll() is None

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def wait_exit(self, timeout: float) -> int:
        return self.proc.wait(timeout=timeout)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not go within 10 s; always reaps the process."""
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        self._reader.join(timeout=5)


class ServerFactory:
    """Starts servers for one test (or module) and stops them all afterwards."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.servers: list[ServerProcess] = []

    def plugins_file(self, entries: Iterable[dict[str, Any]] | None = None, name: str = "plugins.json") -> Path:
        return write_plugins(self.directory / name, default_entries() if entries is None else entries)

    def http(self, entries: Iterable[dict[str, Any]] | None = None, *, env: dict[str, str] | None = None,
             extra_args: Iterable[str] = (), plugins_file: Path | None = None, listen: str = "127.0.0.1:0",
             wait: bool = True) -> ServerProcess:
        path = plugins_file or self.plugins_file(entries)
        server = ServerProcess(["serve", "--http", listen, "--plugins", str(path), *extra_args],
                               env=env, cwd=self.directory)
        self.servers.append(server)
        if wait:
            server.wait_listening()
        server.plugins_path = path  # type: ignore[attr-defined]
        return server

    def demo(self, installation: Path, *plugin_ids: str, env: dict[str, str] | None = None,
             extra_args: Iterable[str] = ()) -> ServerProcess:
        """An HTTP server on a demo installation (see the `demo` fixtures) with the repository's
        plugins `plugin_ids` (all when none are named)."""
        return self.http(repo_entries(*plugin_ids), env=env,
                         extra_args=["--config", str(installation / "conf" / "clover.properties"), *extra_args])

    def stdio(self, entries: Iterable[dict[str, Any]] | None = None, *, env: dict[str, str] | None = None,
              plugins_file: Path | None = None) -> ServerProcess:
        path = plugins_file or self.plugins_file(entries)
        server = ServerProcess(["serve", "--stdio", "--plugins", str(path)], env=env, cwd=self.directory,
                               stdin_pipe=True, stdout_pipe=True)
        self.servers.append(server)
        server.plugins_path = path  # type: ignore[attr-defined]
        return server

    def stop_all(self) -> None:
        for server in self.servers:
            server.stop()


# --------------------------------------------------------------------------------------------------
# Raw HTTP helpers


JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


def parse_sse(text: str) -> list[dict[str, Any]]:
    """The JSON messages of an SSE body."""
    messages = []
    for block in re.split(r"\r?\n\r?\n", text):
        data = [line[5:].lstrip() for line in block.splitlines() if line.startswith("data:")]
        if data and "".join(data).strip():
            messages.append(json.loads("\n".join(data)))
    return messages


def response_messages(response: httpx.Response) -> list[Any]:
    """JSON-RPC messages of a POST response, whether JSON or SSE."""
    content_type = response.headers.get("content-type", "")
    if content_type.startswith("text/event-stream"):
        return parse_sse(response.text)
    if not response.content:
        return []
    return [response.json()]


def final_response(response: httpx.Response) -> dict[str, Any]:
    """The JSON-RPC response (not a notification) in a POST's reply."""
    for message in response_messages(response):
        if isinstance(message, dict) and ("result" in message or "error" in message):
            return message
    raise AssertionError(f"no JSON-RPC response in {response.status_code} {response.text!r}")


def modern_meta(version: str = MODERN, *, capabilities: Any = None, omit_capabilities: bool = False,
                **extra: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {PV_KEY: version, INFO_KEY: {"name": "e2e", "version": "1"}}
    if not omit_capabilities:
        meta[CAPS_KEY] = {} if capabilities is None else capabilities
    meta.update(extra)
    return meta


def modern_headers(method: str, version: str = MODERN, name: str | None = None, **extra: str) -> dict[str, str]:
    headers = dict(JSON_HEADERS)
    headers["MCP-Protocol-Version"] = version
    headers["Mcp-Method"] = method
    if name is not None:
        headers["Mcp-Name"] = name
    headers.update(extra)
    return headers


def modern_request(client: httpx.Client, url: str, method: str, params: dict[str, Any] | None = None, *,
                   request_id: Any = 1, meta: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None) -> httpx.Response:
    """POSTs one 2026-07-28 request with matching _meta and headers (unless overridden)."""
    body_params = dict(params or {})
    body_params["_meta"] = modern_meta() if meta is None else meta
    name = body_params.get("name") if method in ("tools/call", "prompts/get") else (
        body_params.get("uri") if method == "resources/read" else None)
    sent_headers = modern_headers(method, name=name) if headers is None else headers
    return client.post(url, json={"jsonrpc": "2.0", "id": request_id, "method": method, "params": body_params},
                       headers=sent_headers)


class LegacySession:
    """A handshake-era session driven by hand over httpx."""

    def __init__(self, client: httpx.Client, url: str, version: str = LATEST_LEGACY) -> None:
        self.client = client
        self.url = url
        self.version = version
        self._next_id = 100
        response = client.post(url, headers=JSON_HEADERS, json={
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "e2e-raw", "version": "1"}}})
        assert response.status_code == 200, response.text
        self.initialize_result = final_response(response)["result"]
        self.session_id = response.headers["mcp-session-id"]
        notified = self.post({"jsonrpc": "2.0", "method": "notifications/initialized"})
        assert notified.status_code == 202, notified.text

    def headers(self, **extra: str) -> dict[str, str]:
        headers = dict(JSON_HEADERS)
        headers["Mcp-Session-Id"] = self.session_id
        if self.version >= "2025-06-18":
            headers["MCP-Protocol-Version"] = self.version
        headers.update(extra)
        return headers

    def post(self, body: Any, **kwargs: Any) -> httpx.Response:
        return self.client.post(self.url, json=body, headers=self.headers(), **kwargs)

    def request(self, method: str, params: dict[str, Any] | None = None, *, request_id: Any = None,
                **kwargs: Any) -> httpx.Response:
        if request_id is None:
            self._next_id += 1
            request_id = self._next_id
        body: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            body["params"] = params
        return self.post(body, **kwargs)


def wait_until(predicate: Callable[[], Any], timeout: float, interval: float = 0.1, message: str = "") -> Any:
    """Polls `predicate` until it returns something truthy; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s: {message} (last value: {last!r})")


class StdioPeer:
    """Drives a `serve --stdio` ServerProcess line by line, with a timeout on every read."""

    def __init__(self, server: ServerProcess) -> None:
        import queue

        self.server = server
        self.raw_lines: list[bytes] = []
        self._queue: "queue.Queue[bytes | None]" = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        stdout = self.server.proc.stdout
        assert stdout is not None
        for raw in iter(stdout.readline, b""):
            self.raw_lines.append(raw)
            self._queue.put(raw)
        self._queue.put(None)

    def send_raw(self, data: bytes) -> None:
        stdin = self.server.proc.stdin
        assert stdin is not None
        stdin.write(data)
        stdin.flush()

    def send(self, message: Any) -> None:
        self.send_raw(json.dumps(message).encode() + b"\n")

    def close_stdin(self) -> None:
        stdin = self.server.proc.stdin
        assert stdin is not None
        stdin.close()

    def next_message(self, timeout: float = 10) -> Any:
        import queue

        try:
            raw = self._queue.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no stdout line within {timeout} s; stderr:\n{self.server.stderr}") from None
        if raw is None:
            raise AssertionError(f"stdout closed (exit code {self.server.proc.poll()}); stderr:\n{self.server.stderr}")
        return json.loads(raw)

    def wait_for(self, predicate: Callable[[Any], bool], timeout: float = 10) -> tuple[Any, list[Any]]:
        """Reads messages until one satisfies `predicate`; returns it and everything read before it."""
        deadline = time.monotonic() + timeout
        skipped: list[Any] = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching stdout message within {timeout} s; got {skipped!r}")
            message = self.next_message(timeout=remaining)
            if predicate(message):
                return message, skipped
            skipped.append(message)

    def response(self, request_id: Any, timeout: float = 10) -> tuple[dict[str, Any], list[Any]]:
        return self.wait_for(lambda m: isinstance(m, dict) and m.get("id") == request_id
                             and ("result" in m or "error" in m), timeout)

    def request(self, method: str, params: dict[str, Any] | None = None, request_id: Any = None,
                timeout: float = 10) -> dict[str, Any]:
        if request_id is None:
            request_id = f"r{time.monotonic_ns()}"
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self.response(request_id, timeout)[0]

    def initialize(self, version: str = LATEST_LEGACY) -> dict[str, Any]:
        response = self.request("initialize", {"protocolVersion": version, "capabilities": {},
                                               "clientInfo": {"name": "e2e-stdio", "version": "1"}}, request_id="init")
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return response

    def drain(self, timeout: float = 10) -> list[bytes]:
        """Waits for stdout to close and returns every line the process wrote."""
        self._reader.join(timeout=timeout)
        assert not self._reader.is_alive(), "stdout did not close"
        return list(self.raw_lines)
