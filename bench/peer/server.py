#!/usr/bin/env python3
"""Peer server for bench/compare.py: the echo_arguments tool written with the official
Python MCP SDK (PyPI `mcp`, MCPServer), served over Streamable HTTP in the SDK's fastest
documented mode: stateless_http=True, json_response=True (one JSON answer per POST, no
session state; 2026-07-28 requests are handled without initialize as well).

Usage: server.py [--host 127.0.0.1] [--port 0]
With port 0 it binds a free port and prints "listening on http://HOST:PORT/mcp" on stderr,
like cloverdx-mcp does.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import socket
import sys
from typing import Any

import uvicorn
from mcp.server.mcpserver import MCPServer
from mcp_types import ToolAnnotations

server = MCPServer("bench-peer", version="1.0.0", log_level="WARNING")


@server.tool(
    title="Echo arguments",
    description="Returns the arguments it was called with, as text and as structured content.",
    annotations=ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False),
    structured_output=True,
)
def echo_arguments(text: str | None = None) -> dict[str, Any]:
    """Same contract as the C example plugin's echo_arguments."""
    arguments: dict[str, Any] = {} if text is None else {"text": text}
    return {"arguments": arguments}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    app = server.streamable_http_app(stateless_http=True, json_response=True, host=args.host)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    port = sock.getsockname()[1]
    # Default uvicorn settings as MCPServer.run(transport="streamable-http") uses them; loop and
    # HTTP parser are "auto" (uvloop and httptools when installed, which the bench venv does).
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    print(f"listening on http://{args.host}:{port}/mcp", file=sys.stderr, flush=True)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
