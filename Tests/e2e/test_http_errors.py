"""Raw HTTP against the Streamable HTTP endpoint: bad input, sessions, headers, statuses."""

from __future__ import annotations

import json
from typing import Any, Iterator

import httpx
import pytest

from support import (
    CAPS_KEY,
    JSON_HEADERS,
    LATEST_LEGACY,
    MODERN,
    LegacySession,
    final_response,
    modern_headers,
    modern_meta,
    modern_request,
    response_messages,
)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(10.0)) as client:
        yield client


@pytest.fixture
def url(shared_server) -> str:
    return shared_server.url


def assert_error(response: httpx.Response, status: int, code: int, request_id: Any = "absent") -> dict[str, Any]:
    assert response.status_code == status, f"expected HTTP {status}, got {response.status_code}: {response.text}"
    message = final_response(response)
    assert message.get("jsonrpc") == "2.0"
    assert "result" not in message
    assert message["error"]["code"] == code, message
    assert isinstance(message["error"]["message"], str) and message["error"]["message"]
    if request_id != "absent":
        assert "id" in message and message["id"] == request_id, message
    return message


# ---------------------------------------------------------------------------------------------- bad bodies


@pytest.mark.parametrize("body", [b"{bad", b'{"jsonrpc":"2.0","id":1,"method":"ping"', b"\xff\xfe", b"[1,2"])
def test_malformed_json_is_parse_error(http, url, body: bytes) -> None:
    response = http.post(url, content=body, headers=JSON_HEADERS)
    assert_error(response, 400, -32700, request_id=None)


@pytest.mark.parametrize("body", [
    {"foo": 1},
    {"jsonrpc": "1.0", "id": 1, "method": "ping"},
    {"jsonrpc": "2.0", "id": 1},
    {"jsonrpc": "2.0", "id": 1, "method": 42},
    "just a string",
    42,
])
def test_json_that_is_not_jsonrpc_is_invalid_request(http, url, body: Any) -> None:
    response = http.post(url, content=json.dumps(body), headers=JSON_HEADERS)
    assert_error(response, 400, -32600, request_id=None)


def test_content_type_text_plain_is_415(http, url) -> None:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}})
    response = http.post(url, content=body, headers={"Content-Type": "text/plain", "Accept": "application/json"})
    assert response.status_code == 415


def test_content_type_with_charset_is_accepted(http, url) -> None:
    response = http.post(url, content=json.dumps({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": LATEST_LEGACY, "capabilities": {}, "clientInfo": {"name": "c", "version": "1"}}}),
        headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json, text/event-stream"})
    assert response.status_code == 200
    assert final_response(response)["result"]["protocolVersion"] == LATEST_LEGACY


# ---------------------------------------------------------------------------------------------- legacy sessions


def test_initialize_with_unsupported_version_gets_latest_legacy(http, url) -> None:
    response = http.post(url, headers=JSON_HEADERS, json={
        "jsonrpc": "2.0", "id": "init-1", "method": "initialize",
        "params": {"protocolVersion": "1999-01-01", "capabilities": {}, "clientInfo": {"name": "old", "version": "0"}}})
    assert response.status_code == 200
    message = final_response(response)
    assert message["id"] == "init-1"
    assert message["result"]["protocolVersion"] == "2025-11-25"
    assert response.headers.get("mcp-session-id")


@pytest.mark.parametrize("version", ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"])
def test_initialize_echoes_supported_versions(http, url, version: str) -> None:
    session = LegacySession(http, url, version)
    assert session.initialize_result["protocolVersion"] == version
    session_id = session.session_id
    assert 16 <= len(session_id) <= 128 and all(0x21 <= ord(ch) <= 0x7E for ch in session_id)


def test_initialize_never_offers_2026(http, url) -> None:
    response = http.post(url, headers=JSON_HEADERS, json={
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": MODERN, "capabilities": {}, "clientInfo": {"name": "c", "version": "1"}}})
    assert final_response(response)["result"]["protocolVersion"] == LATEST_LEGACY


def test_unknown_method_in_legacy_session_is_200_method_not_found(http, url) -> None:
    session = LegacySession(http, url)
    response = session.request("foo/bar", {}, request_id=7)
    assert_error(response, 200, -32601, request_id=7)


def test_legacy_tools_call_without_name_is_invalid_params(http, url) -> None:
    session = LegacySession(http, url)
    response = session.request("tools/call", {"arguments": {}}, request_id=8)
    assert_error(response, 200, -32602, request_id=8)


def test_legacy_unknown_tool_is_invalid_params(http, url) -> None:
    session = LegacySession(http, url)
    response = session.request("tools/call", {"name": "no_such_tool", "arguments": {}}, request_id=9)
    message = assert_error(response, 200, -32602, request_id=9)
    assert "no_such_tool" in message["error"]["message"]


def test_legacy_tool_call_returns_result(http, url) -> None:
    session = LegacySession(http, url, "2025-06-18")
    response = session.request("tools/call", {"name": "hello_greet", "arguments": {"name": "Raw"}}, request_id="s-1")
    assert response.status_code == 200
    message = final_response(response)
    assert message["id"] == "s-1"
    assert message["result"]["content"][0]["text"] == "Hello, Raw!"
    assert message["result"]["structuredContent"] == {"greeting": "Hello, Raw!", "name": "Raw"}


def test_tools_call_before_initialize_is_400(http, url) -> None:
    response = http.post(url, headers=JSON_HEADERS, json={
        "jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "hello_greet", "arguments": {"name": "x"}}})
    assert response.status_code == 400, response.text
    message = final_response(response)
    assert "error" in message


def test_unknown_session_id_is_404(http, url) -> None:
    headers = dict(JSON_HEADERS, **{"Mcp-Session-Id": "0123456789abcdef0123456789abcdef"})
    response = http.post(url, headers=headers, json={"jsonrpc": "2.0", "id": 4, "method": "tools/list"})
    assert response.status_code == 404, response.text
    assert "error" in final_response(response)


def test_delete_ends_the_session(http, url) -> None:
    session = LegacySession(http, url)
    assert session.request("ping").status_code == 200
    deleted = http.delete(url, headers={"Mcp-Session-Id": session.session_id})
    assert deleted.status_code in (200, 202, 204), deleted.text
    after = session.request("tools/list")
    assert after.status_code == 404, after.text
    again = http.delete(url, headers={"Mcp-Session-Id": session.session_id})
    assert again.status_code == 404


def test_bad_protocol_version_header_in_session_is_400(http, url) -> None:
    session = LegacySession(http, url, "2025-06-18")
    response = http.post(url, headers=session.headers(**{"MCP-Protocol-Version": "1999-01-01"}),
                         json={"jsonrpc": "2.0", "id": 5, "method": "tools/list"})
    assert response.status_code == 400, response.text


def test_batch_accepted_for_2025_03_26(http, url) -> None:
    session = LegacySession(http, url, "2025-03-26")
    response = session.post([
        {"jsonrpc": "2.0", "id": "a", "method": "ping"},
        {"jsonrpc": "2.0", "method": "notifications/progress", "params": {"progressToken": "x", "progress": 1}},
        {"jsonrpc": "2.0", "id": "b", "method": "tools/call", "params": {"name": "hello_greet", "arguments": {"name": "Batch"}}},
        {"jsonrpc": "2.0", "id": "c", "method": "no/such"},
    ])
    assert response.status_code == 200, response.text
    replies = response.json()
    assert isinstance(replies, list)
    by_id = {reply["id"]: reply for reply in replies}
    assert set(by_id) == {"a", "b", "c"}, "one response per request, none for the notification"
    assert by_id["a"]["result"] == {}
    assert by_id["b"]["result"]["content"][0]["text"] == "Hello, Batch!"
    assert by_id["c"]["error"]["code"] == -32601


def test_notification_only_batch_is_202(http, url) -> None:
    session = LegacySession(http, url, "2025-03-26")
    response = session.post([{"jsonrpc": "2.0", "method": "notifications/initialized"}])
    assert response.status_code == 202
    assert response.content == b""


def test_batch_refused_for_2025_06_18(http, url) -> None:
    session = LegacySession(http, url, "2025-06-18")
    response = session.post([{"jsonrpc": "2.0", "id": 1, "method": "ping"}, {"jsonrpc": "2.0", "id": 2, "method": "ping"}])
    assert_error(response, 400, -32600)


def test_initialize_inside_batch_is_refused(http, url) -> None:
    response = http.post(url, headers=JSON_HEADERS, json=[{
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-03-26", "capabilities": {}, "clientInfo": {"name": "c", "version": "1"}}}])
    assert_error(response, 400, -32600)


def test_notification_is_202(http, url) -> None:
    session = LegacySession(http, url)
    response = session.post({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 12345}})
    assert response.status_code == 202
    assert response.content == b""


# ---------------------------------------------------------------------------------------------- GET / DELETE / verbs


def test_get_without_event_stream_accept_is_405(http, url) -> None:
    session = LegacySession(http, url)
    response = http.get(url, headers={"Accept": "application/json", "Mcp-Session-Id": session.session_id})
    assert response.status_code == 405
    assert "POST" in response.headers.get("allow", "")


def test_get_with_2026_header_is_405(http, url) -> None:
    response = http.get(url, headers={"Accept": "text/event-stream", "MCP-Protocol-Version": MODERN})
    assert response.status_code == 405
    assert response.headers.get("allow") == "POST"


def test_get_stream_without_session_is_400(http, url) -> None:
    response = http.get(url, headers={"Accept": "text/event-stream"})
    assert response.status_code == 400


def test_legacy_get_stream_opens_promptly(url) -> None:
    with httpx.Client(timeout=httpx.Timeout(3.0)) as client:
        session = LegacySession(client, url)
        with client.stream("GET", url, headers={"Accept": "text/event-stream", "Mcp-Session-Id": session.session_id,
                                                 "MCP-Protocol-Version": LATEST_LEGACY}) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")


def test_put_is_405_with_allow(http, url) -> None:
    response = http.put(url, content=b"{}", headers=JSON_HEADERS)
    assert response.status_code == 405
    assert "POST" in response.headers.get("allow", "")


# ---------------------------------------------------------------------------------------------- Accept leniency


@pytest.mark.parametrize("accept", ["*/*", "application/json", None, "text/event-stream"])
def test_accept_variants_never_406(http, url, accept: str | None) -> None:
    headers = {"Content-Type": "application/json"}
    if accept is not None:
        headers["Accept"] = accept
    response = http.post(url, headers=headers, json={
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": LATEST_LEGACY, "capabilities": {}, "clientInfo": {"name": "c", "version": "1"}}})
    assert response.status_code == 200, response.text
    assert final_response(response)["result"]["protocolVersion"] == LATEST_LEGACY
    session_headers = dict(headers, **{"Mcp-Session-Id": response.headers["mcp-session-id"]})
    call = http.post(url, headers=session_headers, json={
        "jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "hello_count", "arguments": {"to": 3}, "_meta": {"progressToken": "p"}}})
    assert call.status_code == 200, call.text
    if accept == "application/json":
        assert call.headers["content-type"].startswith("application/json"), "JSON-only clients must get JSON"
    assert final_response(call)["result"]["content"][0]["text"] == "Counted to 3."


def test_progress_streams_as_sse_when_accepted(http, url) -> None:
    session = LegacySession(http, url)
    response = session.request("tools/call", {"name": "hello_count", "arguments": {"to": 3},
                                              "_meta": {"progressToken": "tok"}}, request_id=77)
    assert response.headers["content-type"].startswith("text/event-stream")
    messages = response_messages(response)
    progress = [m["params"]["progress"] for m in messages if m.get("method") == "notifications/progress"]
    assert progress == [1, 2, 3]
    assert all(m["params"]["progressToken"] == "tok" for m in messages if m.get("method") == "notifications/progress")
    assert messages[-1]["id"] == 77 and messages[-1]["result"]["content"][0]["text"] == "Counted to 3."


# ---------------------------------------------------------------------------------------------- Host, Origin, paths


def test_non_loopback_host_is_403(http, url) -> None:
    response = http.post(url, headers=dict(JSON_HEADERS, Host="evil.example.com"),
                         json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert response.status_code == 403


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_loopback_host_names_pass(http, shared_server, host: str) -> None:
    response = http.post(shared_server.url, headers=dict(JSON_HEADERS, Host=f"{host}:{shared_server.port}"), json={
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": LATEST_LEGACY, "capabilities": {}, "clientInfo": {"name": "c", "version": "1"}}})
    assert response.status_code == 200


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://localhost.evil.example"])
def test_foreign_origin_is_403(http, url, origin: str) -> None:
    response = http.post(url, headers=dict(JSON_HEADERS, Origin=origin), json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert response.status_code == 403
    assert final_response(response)["error"]["code"] == -32600


def test_clover_path_works(http, shared_server) -> None:
    url = f"{shared_server.base_url}/clover/mcp/mcp"
    session = LegacySession(http, url)
    response = session.request("tools/call", {"name": "hello_greet", "arguments": {"name": "Clover"}})
    assert final_response(response)["result"]["content"][0]["text"] == "Hello, Clover!"
    modern = modern_request(http, url, "tools/list")
    assert modern.status_code == 200
    assert "hello_greet" in [tool["name"] for tool in final_response(modern)["result"]["tools"]]


def test_other_paths_are_404(http, shared_server) -> None:
    response = http.post(f"{shared_server.base_url}/not-mcp", headers=JSON_HEADERS,
                         json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert response.status_code == 404


# ---------------------------------------------------------------------------------------------- 2026-07-28


def test_modern_tools_list(http, url) -> None:
    response = modern_request(http, url, "tools/list", request_id="m1")
    assert response.status_code == 200
    message = final_response(response)
    assert message["id"] == "m1"
    result = message["result"]
    assert result["resultType"] == "complete"
    assert isinstance(result["ttlMs"], int) and result["ttlMs"] >= 0
    assert result["cacheScope"] in ("public", "private")
    assert result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"] == "cloverdx-mcp"
    assert {"hello_greet", "echo_arguments", "faulty_throw"} <= {tool["name"] for tool in result["tools"]}


def test_modern_discover(http, url) -> None:
    response = modern_request(http, url, "server/discover")
    result = final_response(response)["result"]
    assert response.status_code == 200
    assert result["supportedVersions"] == [MODERN]
    assert result["capabilities"]["tools"]["listChanged"] is True
    assert isinstance(result["ttlMs"], int) and result["cacheScope"] in ("public", "private")


def test_modern_unknown_method_is_404(http, url) -> None:
    response = modern_request(http, url, "foo/bar", request_id=11)
    assert_error(response, 404, -32601, request_id=11)


@pytest.mark.parametrize("method", ["initialize", "ping", "logging/setLevel", "resources/subscribe"])
def test_modern_removed_methods_are_404(http, url, method: str) -> None:
    response = modern_request(http, url, method, {"uri": "hello://about"} if method == "resources/subscribe" else {})
    assert_error(response, 404, -32601)


def test_modern_tools_call_without_name_is_invalid_params(http, url) -> None:
    response = modern_request(http, url, "tools/call", {"arguments": {}}, request_id=12)
    assert_error(response, 200, -32602, request_id=12)


def test_modern_unknown_tool_is_invalid_params(http, url) -> None:
    response = modern_request(http, url, "tools/call", {"name": "no_such_tool", "arguments": {}}, request_id=13)
    assert_error(response, 200, -32602, request_id=13)


def test_modern_unsupported_version_is_32022(http, url) -> None:
    response = modern_request(http, url, "tools/list", request_id=14, meta=modern_meta("2099-01-01"),
                              headers=modern_headers("tools/list", version="2099-01-01"))
    message = assert_error(response, 400, -32022, request_id=14)
    data = message["error"]["data"]
    assert MODERN in data["supported"]
    assert data["requested"] == "2099-01-01"


def test_modern_discover_with_unsupported_version_is_32022(http, url) -> None:
    response = modern_request(http, url, "server/discover", meta=modern_meta("2099-01-01"),
                              headers=modern_headers("server/discover", version="2099-01-01"))
    assert_error(response, 400, -32022)


def test_modern_missing_client_capabilities_is_invalid_params(http, url) -> None:
    response = modern_request(http, url, "tools/list", request_id=15, meta=modern_meta(omit_capabilities=True))
    message = final_response(response)
    assert message["id"] == 15
    assert message["error"]["code"] == -32602
    assert CAPS_KEY in message["error"]["message"]


def test_modern_missing_client_capabilities_is_http_400(http, url) -> None:
    response = modern_request(http, url, "tools/list", request_id=16, meta=modern_meta(omit_capabilities=True))
    assert_error(response, 400, -32602, request_id=16)


def test_modern_header_without_meta_is_400(http, url) -> None:
    response = http.post(url, headers=modern_headers("tools/list"),
                         json={"jsonrpc": "2.0", "id": 17, "method": "tools/list", "params": {}})
    assert_error(response, 400, -32602, request_id=17)


@pytest.mark.parametrize("case", ["method", "version", "name", "missing-version", "missing-method"])
def test_modern_header_mismatch_is_32020(http, url, case: str) -> None:
    params = {"name": "hello_greet", "arguments": {"name": "H"}}
    headers = modern_headers("tools/call", name="hello_greet")
    if case == "method":
        headers["Mcp-Method"] = "tools/list"
    elif case == "version":
        headers["MCP-Protocol-Version"] = "2025-11-25"
    elif case == "name":
        headers["Mcp-Name"] = "hello_count"
    elif case == "missing-version":
        del headers["MCP-Protocol-Version"]
    elif case == "missing-method":
        del headers["Mcp-Method"]
    response = modern_request(http, url, "tools/call", params, request_id=18, headers=headers)
    assert_error(response, 400, -32020, request_id=18)


def test_modern_base64_header_is_decoded(http, url) -> None:
    import base64

    encoded = "=?base64?" + base64.b64encode(b"hello_greet").decode() + "?="
    headers = modern_headers("tools/call", name=encoded)
    response = modern_request(http, url, "tools/call", {"name": "hello_greet", "arguments": {"name": "B64"}}, headers=headers)
    assert response.status_code == 200, response.text
    assert final_response(response)["result"]["content"][0]["text"] == "Hello, B64!"


def test_modern_batch_is_refused(http, url) -> None:
    body = [{"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": modern_meta()}}]
    response = http.post(url, headers=modern_headers("tools/list"), json=body)
    assert_error(response, 400, -32600)


def test_modern_notification_is_202(http, url) -> None:
    response = http.post(url, headers=modern_headers("notifications/cancelled"), json={
        "jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1, "_meta": modern_meta()}})
    assert response.status_code == 202


def test_modern_ignores_session_header(http, url) -> None:
    headers = modern_headers("tools/list", **{"Mcp-Session-Id": "not-a-session"})
    response = modern_request(http, url, "tools/list", headers=headers)
    assert response.status_code == 200
    assert "mcp-session-id" not in response.headers


# ---------------------------------------------------------------------------------------------- configured servers


def test_body_under_the_limit_is_served(servers) -> None:
    server = servers.http(env={"CLOVER_MCP_SIDECAR_HTTP_MAX_BODY_BYTES": "2048"})
    with httpx.Client(timeout=10) as http:
        small = modern_request(http, server.url, "tools/call",
                               {"name": "echo_arguments", "arguments": {"text": "x" * 1000}})
        assert small.status_code == 200, small.text
        assert final_response(small)["result"]["structuredContent"] == {"arguments": {"text": "x" * 1000}}


@pytest.mark.parametrize("chunked", [False, True])
def test_oversized_body_is_413(servers, chunked: bool) -> None:
    server = servers.http(env={"CLOVER_MCP_SIDECAR_HTTP_MAX_BODY_BYTES": "2048"})
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                       "params": {"name": "echo_arguments", "arguments": {"text": "x" * 5000}, "_meta": modern_meta()}})
    content: Any = body.encode()
    if chunked:
        content = iter([body[:1000].encode(), body[1000:].encode()])  # no Content-Length: chunked transfer
    with httpx.Client(timeout=10) as http:
        big = http.post(server.url, content=content, headers=modern_headers("tools/call", name="echo_arguments"))
        assert big.status_code == 413, f"{big.status_code} {big.text!r}"
        assert final_response(big)["error"]["code"] == -32600
        # The server is still fine afterwards.
        assert modern_request(http, server.url, "tools/list").status_code == 200


def test_allowed_origin_passes_with_cors(servers) -> None:
    server = servers.http(env={"CLOVER_MCP_SIDECAR_HTTP_ALLOWED_ORIGINS": "https://ok.example"})
    with httpx.Client(timeout=10) as http:
        ok = modern_request(http, server.url, "tools/list",
                            headers=modern_headers("tools/list", Origin="https://ok.example"))
        assert ok.status_code == 200, ok.text
        assert ok.headers["access-control-allow-origin"] == "https://ok.example"
        assert "origin" in ok.headers.get("vary", "").lower()
        exposed = ok.headers.get("access-control-expose-headers", "").lower()
        assert "mcp-session-id" in exposed and "mcp-protocol-version" in exposed

        preflight = http.options(server.url, headers={
            "Origin": "https://ok.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, mcp-method, mcp-param-region"})
        assert preflight.status_code in (200, 204)
        assert preflight.headers["access-control-allow-origin"] == "https://ok.example"
        assert "POST" in preflight.headers.get("access-control-allow-methods", "")
        assert "mcp-param-region" in preflight.headers.get("access-control-allow-headers", "").lower()

        bad = modern_request(http, server.url, "tools/list",
                             headers=modern_headers("tools/list", Origin="https://other.example"))
        assert bad.status_code == 403
        assert "access-control-allow-origin" not in bad.headers or \
            bad.headers["access-control-allow-origin"] != "https://other.example"


@pytest.mark.parametrize("method,params", [
    ("tools/call", {"name": "hello_greet", "arguments": {"name": "N"}}),
    ("prompts/get", {"name": "hello_introduce", "arguments": {"name": "N"}}),
    ("resources/read", {"uri": "hello://about"}),
])
def test_modern_missing_mcp_name_is_32020(http, url, method: str, params: dict) -> None:
    response = modern_request(http, url, method, params, request_id=19, headers=modern_headers(method))
    assert_error(response, 400, -32020, request_id=19)
