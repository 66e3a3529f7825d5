#!/usr/bin/env python3
"""Full-session-per-operation load for bench/compare.py, the shape of the public MCP server
comparison: every operation is initialize, notifications/initialized, tools/list and
tools/call (protocol revision 2025-11-25) and, when the server handed out an Mcp-Session-Id,
a DELETE of that session, as a well-behaved client ends it.

N workers (default 50), each on its own keep-alive HTTP/1.1 connection, loop for the given
duration. Raw asyncio sockets (uvloop when installed) with pre-built requests, so the driver
costs far less CPU per request than an HTTP client library would; it still shares the 2 cores
with the server, like wrk does.

Usage: session_driver.py URL [--connections 50] [--duration 10]
Prints one JSON object: operations, ops_per_s, requests_per_s, p50_ms, p99_ms (per operation),
errors, first_error.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import time
from urllib.parse import urlsplit

try:
    import uvloop  # type: ignore
except ImportError:  # pragma: no cover
    uvloop = None

VERSION = "2025-11-25"
INIT = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": VERSION, "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}})
INITIALIZED = json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"})
LIST = json.dumps({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
CALL = json.dumps({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
                   "params": {"name": "echo_arguments", "arguments": {"text": "hi"}}})


class BadResponse(Exception):
    pass


def build(host: str, path: str, body: str | None, session: str | None, version: bool, method: str = "POST") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Accept: application/json, text/event-stream"]
    if session:
        lines.append(f"Mcp-Session-Id: {session}")
    if version:
        lines.append(f"MCP-Protocol-Version: {VERSION}")
    data = b""
    if body is not None:
        data = body.encode()
        lines.append("Content-Type: application/json")
    lines.append(f"Content-Length: {len(data)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes):
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            body += await reader.readexactly(size)
            await reader.readexactly(2)
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    if headers.get("connection", "").lower() == "close":
        raise BadResponse(f"server closed the connection after {status}")
    return status, headers, body


async def worker(host, port, path, deadline, latencies, state):
    hostport = f"{host}:{port}"
    reader = writer = None
    init_req = build(hostport, path, INIT, None, False)
    while time.perf_counter() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            t0 = time.perf_counter()
            status, headers, body = await exchange(reader, writer, init_req)
            if status != 200 or b'"result"' not in body:
                raise BadResponse(f"initialize: {status} {body[:200]!r}")
            sid = headers.get("mcp-session-id")
            status, _, body = await exchange(reader, writer, build(hostport, path, INITIALIZED, sid, True))
            if status not in (200, 202, 204):
                raise BadResponse(f"notifications/initialized: {status} {body[:200]!r}")
            status, _, body = await exchange(reader, writer, build(hostport, path, LIST, sid, True))
            if status != 200 or b'"echo_arguments"' not in body:
                raise BadResponse(f"tools/list: {status} {body[:200]!r}")
            status, _, body = await exchange(reader, writer, build(hostport, path, CALL, sid, True))
            if status != 200 or b'"structuredContent"' not in body:
                raise BadResponse(f"tools/call: {status} {body[:200]!r}")
            requests = 4
            if sid:
                status, _, body = await exchange(reader, writer, build(hostport, path, None, sid, True, "DELETE"))
                if status not in (200, 202, 204):
                    raise BadResponse(f"DELETE: {status} {body[:200]!r}")
                requests = 5
            latencies.append(time.perf_counter() - t0)
            state["requests"] += requests
        except Exception as error:  # noqa: BLE001 - counted and reported
            state["errors"] += 1
            state["first_error"] = state["first_error"] or f"{type(error).__name__}: {error}"[:300]
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def main_async(url: str, connections: int, duration: float) -> dict:
    parts = urlsplit(url)
    host, port, path = parts.hostname, parts.port or 80, parts.path or "/"
    latencies: list[float] = []
    state = {"requests": 0, "errors": 0, "first_error": None}
    start = time.perf_counter()
    deadline = start + duration
    await asyncio.gather(*(worker(host, port, path, deadline, latencies, state) for _ in range(connections)))
    elapsed = time.perf_counter() - start
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000, 3) if latencies else 0.0

    return {"operations": len(latencies), "duration_s": round(elapsed, 3),
            "ops_per_s": round(len(latencies) / elapsed, 1),
            "requests_per_s": round(state["requests"] / elapsed, 1),
            "p50_ms": pct(0.50), "p99_ms": pct(0.99),
            "errors": state["errors"], "first_error": state["first_error"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=float, default=10)
    args = parser.parse_args()
    if uvloop is not None:
        uvloop.install()
    print(json.dumps(asyncio.run(main_async(args.url, args.connections, args.duration))))


if __name__ == "__main__":
    main()
