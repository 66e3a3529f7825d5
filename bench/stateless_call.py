"""What the benchmark scripts share about talking to a server under test: one stateless MCP
tools/call (revision 2026-07-28, no initialize, no session) over HTTP, and the port a server
started with --http 127.0.0.1:0 says it listens on."""
from __future__ import annotations

import http.client
import re

HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json, text/event-stream",
    "MCP-Protocol-Version": "2026-07-28",
    "Mcp-Method": "tools/call",
}


def tools_call(port: int, tool: str, arguments: str, timeout: float) -> str:
    """The response body of one tools/call of `tool` with `arguments` (a JSON object's text).
    Raises RuntimeError for a status other than 200, OSError when the server does not answer."""
    body = ('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"%s","arguments":%s,'
            '"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",'
            '"io.modelcontextprotocol/clientCapabilities":{}}}}' % (tool, arguments))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", "/mcp", body=body, headers={**HEADERS, "Mcp-Name": tool})
        response = connection.getresponse()
        text = response.read().decode()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {text[:200]}")
        return text
    finally:
        connection.close()


def listening_port(stderr_text: str) -> int:
    """The port in the server's "listening on http://127.0.0.1:PORT/" line, or 0 before it is printed."""
    found = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", stderr_text)
    return int(found.group(1)) if found else 0
