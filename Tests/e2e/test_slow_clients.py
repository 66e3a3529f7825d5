"""Slow and hostile clients cannot starve the server: a slowloris that never finishes its request
head is closed by the idle timeout, connections past the cap get 503 at once, and normal requests are
answered the whole time."""

from __future__ import annotations

import socket
import time

import httpx

from support import ServerFactory, echo_entry, final_response, modern_request


def open_raw(port: int) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    connection.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # a request head that never ends
    return connection


def closed_by_server(connection: socket.socket, within: float) -> bool:
    connection.settimeout(within)
    try:
        return connection.recv(1024) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def echo_works(url: str) -> bool:
    with httpx.Client(timeout=5) as http:
        response = modern_request(http, url, "tools/call", {"name": "echo_arguments", "arguments": {"n": 1}})
        return "result" in final_response(response)


def test_slowloris_is_cut_off_and_others_are_served(servers: ServerFactory) -> None:
    server = servers.http([echo_entry()], env={"CLOVER_MCP_SIDECAR_HTTP_IDLE_TIMEOUT_MS": "1500"})
    port = int(server.url.split(":")[2].split("/")[0])
    slow = [open_raw(port) for _ in range(50)]
    started = time.monotonic()
    # One header byte a second keeps a connection "active" to a naive server; not to this one.
    for _ in range(2):
        for connection in slow:
            try:
                connection.sendall(b"X")
            except OSError:
                pass
        assert echo_works(server.url)
        time.sleep(0.5)
    assert all(closed_by_server(connection, within=5) for connection in slow), "a slowloris connection was kept open"
    assert time.monotonic() - started < 8
    assert echo_works(server.url)


def test_connections_past_the_cap_get_503_and_the_cap_frees_up(servers: ServerFactory) -> None:
    server = servers.http([echo_entry()], env={"CLOVER_MCP_SIDECAR_HTTP_MAX_CONNECTIONS": "20",
                                                 "CLOVER_MCP_SIDECAR_HTTP_IDLE_TIMEOUT_MS": "60000"})
    port = int(server.url.split(":")[2].split("/")[0])
    held = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(20)]
    time.sleep(0.3)
    with httpx.Client(timeout=5) as http:
        refused = modern_request(http, server.url, "tools/call", {"name": "echo_arguments", "arguments": {}})
    assert refused.status_code == 503 and refused.headers["retry-after"] == "1"
    assert "max.connections" in refused.text
    for connection in held:
        connection.close()
    time.sleep(0.3)
    assert echo_works(server.url)
