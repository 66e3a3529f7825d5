#!/usr/bin/env python3
"""The soak: a mixed load on one server for a long time, with its memory sampled.

`bench/soak.py [SECONDS]` (600 by default) generates a demo installation (SOAK_DAYS, 7, in a temporary
folder), starts the release (or, with SOAK_BUILD=debug, the debug) `cloverdx-mcp serve` on it with
the repository's plugins, and keeps SOAK_CONNECTIONS (50) clients busy, each picking in turn:
  - a stateless 2026-07-28 tools/call of echo_arguments (the C example),
  - a handshake-era session that opens (initialize, notifications/initialized), lists tools, calls
    one and closes (DELETE),
  - server_logs_search over all.log for a level and a pattern,
  - server_db_execute_query on the system database.
Every 10 s it samples the server's VmRSS. It prints the calls, errors, the RSS series and its growth
after the warm-up (the first 10 % of the run, at least 60 s), and exits 1 when any call failed, the
server died, or RSS grew by 10 % or more after the warm-up.
"""
from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from stateless_call import listening_port, tools_call

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 600
CONNECTIONS = int(os.environ.get("SOAK_CONNECTIONS", "50"))
BUILD = os.environ.get("SOAK_BUILD", "release")
DAYS = os.environ.get("SOAK_DAYS", "7")
PLUGINS = ["server-logs", "system-db", "echo-c"]
# The product (and lib<name>.so) each plugin is built as.
LIBRARIES = {"server-logs": "ServerLogsPlugin", "system-db": "SystemDatabasePlugin", "echo-c": "EchoCPlugin"}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def legacy_session(port: int) -> None:
    """initialize → initialized → tools/list → tools/call → DELETE on one keep-alive connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}

    def post(body: dict, session: str | None = None) -> tuple[int, str, str | None]:
        sent = dict(headers)
        if session:
            sent.update({"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"})
        connection.request("POST", "/mcp", body=json.dumps(body), headers=sent)
        response = connection.getresponse()
        return response.status, response.read().decode(), response.getheader("Mcp-Session-Id")

    try:
        status, _, session = post({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "soak", "version": "1"}}})
        if status != 200 or not session:
            raise RuntimeError(f"initialize: HTTP {status}")
        post({"jsonrpc": "2.0", "method": "notifications/initialized"}, session)
        status, text, _ = post({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, session)
        if status != 200 or "echo_arguments" not in text:
            raise RuntimeError(f"tools/list: HTTP {status}")
        status, text, _ = post({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
                                "params": {"name": "echo_arguments", "arguments": {"soak": True}}}, session)
        if status != 200 or '"result"' not in text:
            raise RuntimeError(f"tools/call in a session: HTTP {status}")
        connection.request("DELETE", "/mcp", headers={"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"})
        connection.getresponse().read()
    finally:
        connection.close()


def checked(body: str, what: str) -> None:
    answer = json.loads(body)
    if "result" not in answer or answer["result"].get("isError"):
        raise RuntimeError(f"{what}: {body[:200]}")


def main() -> None:
    binary = ROOT / ".build" / BUILD / "cloverdx-mcp"
    if BUILD == "release":
        # Product by product: a whole-package release build would include the fuzz targets, which need a testable build.
        for product in ["cloverdx-mcp", *(LIBRARIES[p] for p in PLUGINS)]:
            subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True, stdout=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="cloverdx-mcp-soak."))
    try:
        demo = work / "clover"
        print(f"soak: generating a {DAYS}-day demo in {demo}", file=sys.stderr)
        subprocess.run([str(binary), "demo", "init", str(demo), "--days", DAYS, "--seed", "5"], check=True, capture_output=True)
        bin_dir = binary.parent
        grants = {"server-logs": ["logs.read", "installation.read"], "system-db": ["sql.read"], "echo-c": ["installation.read"]}
        plugins = work / "plugins.json"
        plugins.write_text(json.dumps({"plugins": [
            {"id": p, "path": str(bin_dir / f"lib{LIBRARIES[p]}.so"), "grants": grants[p]} for p in PLUGINS]}))
        stderr = (work / "server.err").open("w")
        server = subprocess.Popen([str(binary), "serve", "--http", "127.0.0.1:0", "--plugins", str(plugins), "--log-level", "notice",
                                   "--config", str(demo / "conf" / "clover.properties")], stderr=stderr, stdout=subprocess.DEVNULL)
        port = 0
        while not port:
            time.sleep(0.05)
            port = listening_port((work / "server.err").read_text())
        counts = {"stateless": 0, "session": 0, "logs": 0, "sql": 0}
        errors: list[str] = []
        lock = threading.Lock()
        stop = time.monotonic() + SECONDS

        def client(number: int) -> None:
            rng = random.Random(number)
            while time.monotonic() < stop:
                kind = rng.choice(list(counts))
                try:
                    if kind == "stateless":
                        checked(tools_call(port, "echo_arguments", '{"n":%d}' % number, timeout=60), kind)
                    elif kind == "session":
                        legacy_session(port)
                    elif kind == "logs":
                        level = rng.choice(["ERROR", "WARN"])
                        checked(tools_call(port, "server_logs_search", json.dumps(
                            {"appender": "all", "levels": [level], "pattern": rng.choice(["runId=\\d+", "Exception|timed out"]), "limit": 20}),
                            timeout=60), kind)
                    else:
                        checked(tools_call(port, "server_db_execute_query", json.dumps(
                            {"sql": "SELECT status, count(*) FROM run_record GROUP BY status", "maxRows": 50}), timeout=60), kind)
                    with lock:
                        counts[kind] += 1
                except Exception as error:  # every failure is counted and reported, none ends the soak
                    with lock:
                        errors.append(f"{kind}: {error}")

        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CONNECTIONS)]
        for thread in threads:
            thread.start()
        samples: list[tuple[float, float]] = []
        began = time.monotonic()
        while time.monotonic() < stop:
            samples.append((time.monotonic() - began, rss_mb(server.pid)))
            time.sleep(10)
        for thread in threads:
            thread.join(90)
        samples.append((time.monotonic() - began, rss_mb(server.pid)))
        alive = server.poll() is None
        server.terminate()
        server.wait(20)

        warmup = max(60.0, SECONDS * 0.1)
        after = [rss for at, rss in samples if at >= warmup] or [samples[-1][1]]
        growth = (after[-1] - after[0]) / after[0] * 100
        total = sum(counts.values())
        print(f"soak: {SECONDS} s, {CONNECTIONS} clients, {total:,} calls ({', '.join(f'{k} {v:,}' for k, v in counts.items())}), "
              f"{total / SECONDS:,.1f} calls/s, {len(errors)} errors")
        print(f"RSS MB every 10 s: {' '.join(f'{rss:.0f}' for _, rss in samples)}")
        print(f"RSS after the {warmup:.0f} s warm-up: {after[0]:.1f} → {after[-1]:.1f} MB ({growth:+.1f} %), peak {max(r for _, r in samples):.1f} MB")
        for error in errors[:5]:
            print(f"error: {error}")
        if errors or not alive or growth >= 10:
            sys.exit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
