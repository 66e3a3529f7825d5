"""Authentication end to end: OAuth bearer tokens from a real (local) authorization server, the
discovery documents, scopes per plugin, anonymous access and the audit line, with the Python MCP SDK
and raw httpx for statuses and headers."""

from __future__ import annotations

import re
import socket
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

import anyio
import httpx
import httpx2
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from auth_server import CLIENT_ID, CLIENT_SECRET, RS_CLIENT_ID, RS_CLIENT_SECRET, AuthServer
from support import (ECHO_TOOLS, HELLO_TOOLS, JSON_HEADERS, LATEST_LEGACY, MODERN, ServerFactory, ServerProcess,
                     echo_entry, hello_entry, modern_request)

INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": LATEST_LEGACY, "capabilities": {}, "clientInfo": {"name": "e2e-auth", "version": "1"}}}




def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(servers: ServerFactory, auth: AuthServer | None, entries: list[dict[str, Any]] | None = None,
          **settings: str) -> ServerProcess:
    """A server with OAuth against `auth` (none when None); `settings` are clover.mcp.oauth.* keys
    written as keyword arguments (jwks_refresh_min_seconds="0"), or full CLOVER_MCP_* names."""
    port = free_port()
    env: dict[str, str] = {}
    if auth is not None:
        env["CLOVER_MCP_OAUTH_ISSUER"] = auth.issuer
        env["CLOVER_MCP_OAUTH_RESOURCE"] = f"http://127.0.0.1:{port}/mcp"
    for key, value in settings.items():
        env[key if key.startswith("CLOVER_MCP_") else "CLOVER_MCP_OAUTH_" + key.upper()] = value
    return servers.http(entries or [hello_entry(), echo_entry()], env=env, listen=f"127.0.0.1:{port}")


def resource(server: ServerProcess) -> str:
    assert server.url is not None
    return server.url


def challenge(response: httpx.Response) -> dict[str, str]:
    header = response.headers.get("www-authenticate", "")
    assert header.startswith("Bearer "), header
    return dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', header))


def post_init(server: ServerProcess, token: str | None = None, **headers: str) -> httpx.Response:
    sent = dict(JSON_HEADERS)
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    sent.update(headers)
    return httpx.post(resource(server), json=INIT, headers=sent, timeout=20)


@asynccontextmanager
async def sdk_client(server: ServerProcess, mode: str, **http: Any) -> AsyncIterator[Client]:
    async with httpx2.AsyncClient(timeout=20, **http) as http_client:
        with anyio.fail_after(30):
            async with Client(streamable_http_client(resource(server), http_client=http_client), mode=mode,
                              read_timeout_seconds=20) as client:
                yield client


# --------------------------------------------------------------------------------------------------
# With a valid token


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", MODERN])
async def test_client_with_a_token_lists_and_calls_tools(servers: ServerFactory, auth: AuthServer, mode: str) -> None:
    server = start(servers, auth)
    token = auth.mint(resource(server))
    async with sdk_client(server, mode, headers={"Authorization": f"Bearer {token}"}) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert names == HELLO_TOOLS | ECHO_TOOLS
        greet = await client.call_tool("hello_greet", {"name": "Ada"})
        assert greet.is_error is False
    line = server.wait_for_stderr(r"tool call: tool=hello_greet .*")
    assert "subject=alice" in line.group(0) and f"client_id={CLIENT_ID}" in line.group(0)
    assert "outcome=ok" in line.group(0) and "duration_ms=" in line.group(0)
    assert "Ada" not in line.group(0), "the audit line must not carry arguments"


@pytest.mark.anyio
async def test_sdk_discovers_the_authorization_server_and_gets_a_token(servers: ServerFactory, auth: AuthServer) -> None:
    from mcp.client.auth.extensions.client_credentials import ClientCredentialsOAuthProvider
    from mcp.shared.auth import OAuthClientInformationFull, OAuthToken

    class Memory:
        tokens: OAuthToken | None = None
        info: OAuthClientInformationFull | None = None

        async def get_tokens(self) -> OAuthToken | None:
            return self.tokens

        async def set_tokens(self, tokens: OAuthToken) -> None:
            self.tokens = tokens

        async def get_client_info(self) -> OAuthClientInformationFull | None:
            return self.info

        async def set_client_info(self, info: OAuthClientInformationFull) -> None:
            self.info = info

    server = start(servers, auth)
    provider = ClientCredentialsOAuthProvider(server_url=resource(server), storage=Memory(), client_id=CLIENT_ID,
                                              client_secret=CLIENT_SECRET, scope="cloverdx.mcp", issuer=auth.issuer)
    async with sdk_client(server, MODERN, auth=provider) as client:
        result = await client.call_tool("echo_arguments", {"x": 1})
        assert result.is_error is False
    server.wait_for_stderr(r"tool call: tool=echo_arguments subject=alice")


# --------------------------------------------------------------------------------------------------
# Refusals


@pytest.fixture(scope="module")
def oauth_server(module_servers: ServerFactory, auth: AuthServer) -> ServerProcess:
    return start(module_servers, auth, CLOVER_MCP_SIDECAR_HTTP_ALLOWED_ORIGINS="https://inspector.example")


def test_missing_token_gets_the_challenge_that_starts_oauth(oauth_server: ServerProcess) -> None:
    response = post_init(oauth_server)
    assert response.status_code == 401
    attributes = challenge(response)
    assert attributes["resource_metadata"] == f"{oauth_server.base_url}/.well-known/oauth-protected-resource/mcp"
    assert "error" not in attributes, "RFC 6750 §3.1: no error code when no token was sent"
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error_description"]


def bad_tokens(auth: AuthServer, audience: str) -> dict[str, str]:
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {
        "expired": auth.mint(audience, exp=1_000_000_000, iat=999_999_000, nbf=999_999_000),
        "not yet valid": auth.mint(audience, nbf=4_000_000_000),
        "wrong issuer": auth.mint(audience, iss="http://evil.example/realms/clover"),
        "wrong audience": auth.mint("https://another-resource.example/mcp"),
        "bad signature": auth.mint(audience, key=other_key),
        "alg none": auth.mint_unsigned(audience),
        "unknown kid": auth.mint(audience, kid="nobody", key=other_key),
        "hs256 with the public key": auth.mint_hs256_with_public_key(audience),
        "not a jwt": "abc.def",
        "id token type": auth.mint(audience, typ="id_token+jwt"),
        "no audience": auth.mint(audience, aud=None),
    }


@pytest.mark.parametrize("case", ["expired", "not yet valid", "wrong issuer", "wrong audience", "bad signature", "alg none",
                                  "unknown kid", "hs256 with the public key", "not a jwt", "id token type", "no audience"])
def test_bad_tokens_get_invalid_token(oauth_server: ServerProcess, auth: AuthServer, case: str) -> None:
    token = bad_tokens(auth, resource(oauth_server))[case]
    response = post_init(oauth_server, token)
    assert response.status_code == 401, response.text
    attributes = challenge(response)
    assert attributes["error"] == "invalid_token"
    assert attributes["resource_metadata"].endswith("/.well-known/oauth-protected-resource/mcp")
    assert response.json()["error"] == "invalid_token"
    assert token not in response.text
    assert oauth_server.alive()


def test_unknown_kids_do_not_hammer_the_jwks_endpoint(oauth_server: ServerProcess, auth: AuthServer) -> None:
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert post_init(oauth_server, auth.mint(resource(oauth_server))).status_code == 200
    before = auth.jwks_fetches
    for index in range(5):
        assert post_init(oauth_server, auth.mint(resource(oauth_server), kid=f"made-up-{index}", key=other_key)).status_code == 401
    assert auth.jwks_fetches - before <= 1


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer {not-token68}", "Bearer ä"])
def test_malformed_authorization_is_invalid_request(oauth_server: ServerProcess, header: str) -> None:
    response = httpx.post(resource(oauth_server), json=INIT, headers={**JSON_HEADERS, "Authorization": header.encode("utf-8")}, timeout=20)
    assert response.status_code == 400, response.text
    assert challenge(response)["error"] == "invalid_request"
    assert response.json()["error"] == "invalid_request"


def test_other_schemes_get_the_plain_challenge(oauth_server: ServerProcess) -> None:
    response = post_init(oauth_server, None, Authorization="Basic b3BzOnMzY3JldA==")
    assert response.status_code == 401
    assert "error" not in challenge(response)


def test_token_in_the_query_string_is_refused(oauth_server: ServerProcess, auth: AuthServer) -> None:
    token = auth.mint(resource(oauth_server))
    response = httpx.post(resource(oauth_server) + "?access_token=" + token, json=INIT, headers=JSON_HEADERS, timeout=20)
    assert response.status_code == 400
    assert challenge(response)["error"] == "invalid_request"
    with_header_too = httpx.post(resource(oauth_server) + "?access_token=" + token, json=INIT, timeout=20,
                                 headers={**JSON_HEADERS, "Authorization": f"Bearer {token}"})
    assert with_header_too.status_code == 400


def test_huge_headers_are_refused_without_harm(oauth_server: ServerProcess, auth: AuthServer) -> None:
    response = post_init(oauth_server, "a" * 20_000)
    assert response.status_code == 401
    assert challenge(response)["error"] == "invalid_token"
    try:
        giant = post_init(oauth_server, "a" * 200_000)
        assert giant.status_code >= 400
    except httpx.HTTPError:
        pass  # the HTTP parser may drop the connection: fine, as long as the server lives on
    assert oauth_server.alive()
    assert post_init(oauth_server, auth.mint(resource(oauth_server))).status_code == 200


def test_jwks_endpoint_down_is_a_clear_503(servers: ServerFactory, auth: AuthServer) -> None:
    server = start(servers, auth, jwks_refresh_min_seconds="0")
    auth.jwks_up = False
    try:
        response = post_init(server, auth.mint(resource(server)))
        assert response.status_code == 503, response.text
        assert response.json()["error"] == "temporarily_unavailable"
        assert "signing keys" in response.json()["error_description"]
        assert response.headers.get("retry-after")
    finally:
        auth.jwks_up = True
    assert server.alive()
    assert post_init(server, auth.mint(resource(server))).status_code == 200


def test_rotated_keys_are_fetched_and_ec_keys_work(servers: ServerFactory, auth: AuthServer) -> None:
    server = start(servers, auth, jwks_refresh_min_seconds="0")
    assert post_init(server, auth.mint(resource(server), kid="ec-1")).status_code == 200
    new_kid = auth.rotate()
    assert post_init(server, auth.mint(resource(server), kid=new_kid)).status_code == 200


def test_cors_preflight_needs_no_token_and_refusals_carry_cors(oauth_server: ServerProcess) -> None:
    origin = "https://inspector.example"
    preflight = httpx.options(resource(oauth_server), timeout=20, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == origin
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    refused = post_init(oauth_server, None, Origin=origin)
    assert refused.status_code == 401
    assert refused.headers["access-control-allow-origin"] == origin
    assert "WWW-Authenticate" in refused.headers["access-control-expose-headers"]


def test_any_accept_header_is_served(oauth_server: ServerProcess, auth: AuthServer) -> None:
    for accept in ["*/*", "application/json", "text/html"]:
        response = post_init(oauth_server, auth.mint(resource(oauth_server)), Accept=accept)
        assert response.status_code == 200, (accept, response.text)


def test_a_session_is_bound_to_its_subject(oauth_server: ServerProcess, auth: AuthServer) -> None:
    opened = post_init(oauth_server, auth.mint(resource(oauth_server)))
    session = opened.headers["mcp-session-id"]
    headers = {**JSON_HEADERS, "Mcp-Session-Id": session, "MCP-Protocol-Version": LATEST_LEGACY}
    body = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}
    mallory = auth.mint(resource(oauth_server), sub="mallory")
    stolen = httpx.post(resource(oauth_server), json=body, timeout=20, headers={**headers, "Authorization": f"Bearer {mallory}"})
    assert stolen.status_code == 404
    alice = auth.mint(resource(oauth_server))
    own = httpx.post(resource(oauth_server), json=body, timeout=20, headers={**headers, "Authorization": f"Bearer {alice}"})
    assert own.status_code == 200


# --------------------------------------------------------------------------------------------------
# Discovery documents


def test_protected_resource_metadata(oauth_server: ServerProcess, auth: AuthServer) -> None:
    base = oauth_server.base_url
    for path, expected in [("/.well-known/oauth-protected-resource/mcp", f"{base}/mcp"),
                           ("/.well-known/oauth-protected-resource", f"{base}/mcp"),
                           ("/.well-known/oauth-protected-resource/clover/mcp/mcp", f"{base}/clover/mcp/mcp")]:
        response = httpx.get(base + path, timeout=20)
        assert response.status_code == 200, path
        assert response.headers["content-type"] == "application/json"
        assert response.headers["access-control-allow-origin"] == "*"
        document = response.json()
        assert document["resource"] == expected
        assert document["authorization_servers"] == [auth.issuer]
        assert document["bearer_methods_supported"] == ["header"]
    assert httpx.get(base + "/.well-known/oauth-protected-resource/elsewhere", timeout=20).status_code == 404
    preflight = httpx.options(base + "/.well-known/oauth-protected-resource/mcp", timeout=20,
                              headers={"Origin": "https://anywhere.example", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"


def test_clovers_own_path_answers_with_its_own_resource(oauth_server: ServerProcess, auth: AuthServer) -> None:
    url = oauth_server.base_url + "/clover/mcp/mcp"
    refused = httpx.post(url, json=INIT, headers=JSON_HEADERS, timeout=20)
    assert challenge(refused)["resource_metadata"].endswith("/.well-known/oauth-protected-resource/clover/mcp/mcp")
    accepted = httpx.post(url, json=INIT, timeout=20, headers={**JSON_HEADERS, "Authorization": f"Bearer {auth.mint(url)}"})
    assert accepted.status_code == 200


def test_authorization_server_metadata_is_an_unmodified_copy(oauth_server: ServerProcess, auth: AuthServer) -> None:
    original = httpx.get(f"{auth.origin}/.well-known/oauth-authorization-server/realms/clover", timeout=20)
    mirrored = httpx.get(oauth_server.base_url + "/.well-known/oauth-authorization-server", timeout=20)
    assert mirrored.status_code == 200
    assert mirrored.content == original.content
    assert mirrored.json()["issuer"] == auth.issuer
    assert "S256" in mirrored.json()["code_challenge_methods_supported"]
    # This issuer is not an OpenID provider: no fake OIDC document (it broke ChatGPT elsewhere).
    openid = httpx.get(oauth_server.base_url + "/.well-known/openid-configuration", timeout=20)
    assert openid.status_code == 404 and openid.headers["content-type"] == "application/json"


# --------------------------------------------------------------------------------------------------
# Scopes


def test_plugins_need_their_scopes(servers: ServerFactory, auth: AuthServer) -> None:
    server = start(servers, auth, entries=[hello_entry(scopes=["cloverdx.hello"]), echo_entry()])
    url = resource(server)
    client = httpx.Client(timeout=20)
    narrow = {**JSON_HEADERS, "Authorization": f"Bearer {auth.mint(url, scope='cloverdx.mcp')}"}
    listed = modern_request(client, url, "tools/list", headers={**narrow, "MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/list"})
    assert {tool["name"] for tool in listed.json()["result"]["tools"]} == ECHO_TOOLS
    assert listed.json()["result"]["cacheScope"] == "private"
    called = modern_request(client, url, "tools/call", {"name": "hello_greet", "arguments": {"name": "x"}},
                            headers={**narrow, "MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/call", "Mcp-Name": "hello_greet"})
    assert called.status_code == 403
    attributes = challenge(called)
    assert attributes["error"] == "insufficient_scope" and attributes["scope"] == "cloverdx.hello"
    wide = {**JSON_HEADERS, "Authorization": f"Bearer {auth.mint(url, scope='cloverdx.mcp cloverdx.hello')}",
            "MCP-Protocol-Version": MODERN}
    listed = modern_request(client, url, "tools/list", headers={**wide, "Mcp-Method": "tools/list"})
    assert {tool["name"] for tool in listed.json()["result"]["tools"]} == HELLO_TOOLS | ECHO_TOOLS
    called = modern_request(client, url, "tools/call", {"name": "hello_greet", "arguments": {"name": "x"}},
                            headers={**wide, "Mcp-Method": "tools/call", "Mcp-Name": "hello_greet"})
    assert called.status_code == 200 and called.json()["result"]["isError"] is False
    # A broad scope covers the ones below it.
    broad = {**JSON_HEADERS, "Authorization": f"Bearer {auth.mint(url, scope='cloverdx')}", "MCP-Protocol-Version": MODERN}
    listed = modern_request(client, url, "tools/list", headers={**broad, "Mcp-Method": "tools/list"})
    assert {tool["name"] for tool in listed.json()["result"]["tools"]} == HELLO_TOOLS | ECHO_TOOLS
    document = httpx.get(server.base_url + "/.well-known/oauth-protected-resource/mcp", timeout=20).json()
    assert document["scopes_supported"] == ["cloverdx.hello"]


def test_a_remote_tool_does_not_stand_in_for_a_scope_hidden_local_one(servers: ServerFactory, auth: AuthServer) -> None:
    remote = servers.http([hello_entry()])
    server = start(servers, auth, entries=[hello_entry(scopes=["cloverdx.hello"]), echo_entry()],
                   CLOVER_MCP_REMOTE_ENABLED="true", CLOVER_MCP_REMOTE_URL=remote.url or "",
                   CLOVER_MCP_REMOTE_USER="ops", CLOVER_MCP_REMOTE_PASSWORD="pr0xy")
    server.wait_for_stderr(r"remote MCP server offers \d+ tools", timeout=20)
    url = resource(server)
    narrow = {**JSON_HEADERS, "Authorization": f"Bearer {auth.mint(url, scope='cloverdx.mcp')}",
              "MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/list"}
    listed = modern_request(httpx.Client(timeout=20), url, "tools/list", headers=narrow)
    # The remote's hello_greet shares the name of the local tool this caller lacks the scope for:
    # listing it would offer a tool whose calls the local scopes refuse (403).
    assert {tool["name"] for tool in listed.json()["result"]["tools"]} == ECHO_TOOLS


def test_required_scopes_apply_to_every_request(servers: ServerFactory, auth: AuthServer) -> None:
    server = start(servers, auth, scopes_required="cloverdx.mcp")
    refused = post_init(server, auth.mint(resource(server), scope="something.else"))
    assert refused.status_code == 403
    attributes = challenge(refused)
    assert attributes["error"] == "insufficient_scope" and attributes["scope"] == "cloverdx.mcp"
    missing = post_init(server)
    assert challenge(missing)["scope"] == "cloverdx.mcp"
    assert post_init(server, auth.mint(resource(server), scope="cloverdx.mcp")).status_code == 200


# --------------------------------------------------------------------------------------------------
# Introspection


def test_introspection_accepts_active_opaque_tokens(servers: ServerFactory, auth: AuthServer) -> None:
    server = start(servers, auth, introspection_url=auth.issuer + "/introspect", client_id=RS_CLIENT_ID, client_secret=RS_CLIENT_SECRET)
    token = auth.opaque_token(resource(server))
    assert post_init(server, token).status_code == 200
    before = auth.introspections
    assert post_init(server, token).status_code == 200
    assert auth.introspections == before, "the answer is cached"
    refused = post_init(server, "not-issued-by-anyone")
    assert refused.status_code == 401 and challenge(refused)["error"] == "invalid_token"
    other = post_init(server, auth.opaque_token("https://another-resource.example/mcp"))
    assert other.status_code == 401
    assert RS_CLIENT_SECRET not in server.stderr


def test_introspection_with_wrong_credentials_is_a_503(servers: ServerFactory, auth: AuthServer) -> None:
    server = start(servers, auth, introspection_url=auth.issuer + "/introspect", client_id=RS_CLIENT_ID, client_secret="wrong")
    response = post_init(server, auth.opaque_token(resource(server)))
    assert response.status_code == 503
    assert "client.secret" in response.json()["error_description"]


# --------------------------------------------------------------------------------------------------
# Anonymous access


@pytest.mark.anyio
async def test_anonymous_server_needs_no_token_and_audits_the_anonymous_user(servers: ServerFactory) -> None:
    server = start(servers, None, CLOVER_MCP_ANONYMOUS_USER="guest")
    async with sdk_client(server, MODERN, headers={"Authorization": "Bearer ignored-not-validated"}) as client:
        assert (await client.call_tool("hello_greet", {"name": "x"})).is_error is False
    server.wait_for_stderr(r"tool call: tool=hello_greet subject=guest")
    assert httpx.get(server.base_url + "/.well-known/oauth-protected-resource", timeout=20).status_code == 404


def test_oauth_with_anonymous_access(servers: ServerFactory, auth: AuthServer) -> None:
    server = start(servers, auth, entries=[hello_entry(scopes=["cloverdx.hello"]), echo_entry()],
                   CLOVER_MCP_ANONYMOUS_ACCESS_ENABLED="true")
    anonymous = post_init(server)
    assert anonymous.status_code == 200
    assert post_init(server, "garbage.token.here").status_code == 401, "a bad token is refused, so clients refresh"
    client = httpx.Client(timeout=20)
    headers = {**JSON_HEADERS, "MCP-Protocol-Version": MODERN}
    listed = modern_request(client, resource(server), "tools/list", headers={**headers, "Mcp-Method": "tools/list"})
    assert {tool["name"] for tool in listed.json()["result"]["tools"]} == ECHO_TOOLS
    called = modern_request(client, resource(server), "tools/call", {"name": "hello_greet", "arguments": {"name": "x"}},
                            headers={**headers, "Mcp-Method": "tools/call", "Mcp-Name": "hello_greet"})
    assert called.status_code == 401, "the anonymous caller is asked to sign in"
    assert challenge(called)["scope"] == "cloverdx.hello"


def test_anonymous_access_is_refused_on_a_public_address(servers: ServerFactory, auth: AuthServer) -> None:
    server = servers.http(None, listen="0.0.0.0:0", wait=False)
    assert server.wait_exit(20) != 0
    assert "refusing to serve MCP without authentication" in server.stderr
    forced = servers.http(None, listen="0.0.0.0:0", extra_args=["--allow-unauthenticated-remote"])
    forced.wait_for_stderr("serving without authentication on 0.0.0.0 \\(anonymous access as \"clover\"\\)")


def test_oauth_alone_may_bind_a_public_address(servers: ServerFactory, auth: AuthServer) -> None:
    port = free_port()
    server = servers.http(None, listen=f"0.0.0.0:{port}", env={
        "CLOVER_MCP_OAUTH_ISSUER": auth.issuer, "CLOVER_MCP_OAUTH_RESOURCE": f"http://127.0.0.1:{port}/mcp"})
    assert server.alive()
    assert httpx.post(f"http://127.0.0.1:{port}/mcp", json=INIT, headers=JSON_HEADERS, timeout=20).status_code == 401


@pytest.mark.parametrize("env, message", [
    ({"CLOVER_MCP_ANONYMOUS_ACCESS_ENABLED": "false"}, "no authorization server is configured"),
    ({"CLOVER_MCP_OAUTH_ISSUER": "http://127.0.0.1:9/realms/x"}, "clover.mcp.oauth.resource is required"),
    ({"CLOVER_MCP_OAUTH_JWKS_URL": "http://127.0.0.1:9/jwks"}, "clover.mcp.oauth.issuer is not"),
    ({"CLOVER_MCP_OAUTH_ISSUER": "http://127.0.0.1:9/x", "CLOVER_MCP_OAUTH_RESOURCE": "http://127.0.0.1:1/mcp",
      "CLOVER_MCP_OAUTH_JWT_ALGORITHMS": "RS256,HS256"}, "HS256 is not accepted"),
])
def test_configuration_mistakes_are_explained(servers: ServerFactory, env: dict[str, str], message: str) -> None:
    server = servers.http(None, env=env, wait=False)
    assert server.wait_exit(20) != 0
    assert message in server.stderr


# --------------------------------------------------------------------------------------------------
# TLS


def self_signed(directory) -> tuple[str, str]:
    import subprocess

    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return str(cert), str(key)


def test_https_with_a_certificate_from_files(servers: ServerFactory, auth: AuthServer, tmp_path) -> None:
    cert, key = self_signed(tmp_path)
    port = free_port()
    server = servers.http(None, listen=f"127.0.0.1:{port}", wait=False, env={
        "CLOVER_MCP_SIDECAR_TLS_CERT_FILE": cert, "CLOVER_MCP_SIDECAR_TLS_KEY_FILE": key,
        "CLOVER_MCP_OAUTH_ISSUER": auth.issuer, "CLOVER_MCP_OAUTH_RESOURCE": f"https://127.0.0.1:{port}/mcp"})
    server.wait_for_stderr(rf"listening on https://127.0.0.1:{port}/mcp")
    url = f"https://127.0.0.1:{port}/mcp"
    token = auth.mint(url)
    response = httpx.post(url, json=INIT, headers={**JSON_HEADERS, "Authorization": f"Bearer {token}"}, verify=cert, timeout=20)
    assert response.status_code == 200
    metadata = httpx.get(f"https://127.0.0.1:{port}/.well-known/oauth-protected-resource/mcp", verify=cert, timeout=20).json()
    assert metadata["resource"] == url
    with pytest.raises(httpx.HTTPError):
        httpx.post(f"http://127.0.0.1:{port}/mcp", json=INIT, headers=JSON_HEADERS, timeout=5)


def test_tls_needs_both_files(servers: ServerFactory, tmp_path) -> None:
    cert, _ = self_signed(tmp_path)
    server = servers.http(None, wait=False, env={"CLOVER_MCP_SIDECAR_TLS_CERT_FILE": cert})
    assert server.wait_exit(20) != 0
    assert "clover.mcp.sidecar.tls.key.file" in server.stderr
