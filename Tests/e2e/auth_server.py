"""A small OAuth 2.1 authorization server for the authentication tests: real keys, real signatures.

It runs in the test process on 127.0.0.1 (an ephemeral port) and serves, for the issuer
http://127.0.0.1:<port>/realms/clover:
- RFC 8414 metadata at /.well-known/oauth-authorization-server/realms/clover (and, when `openid` is
  set, OpenID discovery at /realms/clover/.well-known/openid-configuration);
- the JWKS (an RSA and an EC P-256 key) at /realms/clover/jwks, which a test can switch off;
- a token endpoint for the client-credentials grant (RFC 8707 `resource` becomes `aud`);
- an RFC 7662 introspection endpoint that requires the resource server's own credentials.
Tests also mint tokens directly with `mint(...)`, including deliberately bad ones.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

REALM = "/realms/clover"
CLIENT_ID = "e2e-client"
CLIENT_SECRET = "e2e-client-secret"
RS_CLIENT_ID = "cloverdx-mcp"
RS_CLIENT_SECRET = "rs-secret"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class AuthServer:
    def __init__(self, *, openid: bool = False) -> None:
        self.rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec_key = ec.generate_private_key(ec.SECP256R1())
        self.keys: dict[str, Any] = {"rsa-1": self.rsa_key, "ec-1": self.ec_key}
        self.openid = openid
        self.jwks_up = True
        self.jwks_fetches = 0
        self.introspections = 0
        self.opaque: dict[str, dict[str, Any]] = {}
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.port = self._httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.issuer = self.origin + REALM
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # ------------------------------------------------------------------ documents

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "jwks_uri": self.issuer + "/jwks",
            "introspection_endpoint": self.issuer + "/introspect",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["cloverdx.mcp", "cloverdx.logs"],
        }

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid, key in self.keys.items():
            algorithm = RSAAlgorithm if isinstance(key, rsa.RSAPrivateKey) else ECAlgorithm
            jwk = algorithm.to_jwk(key.public_key(), as_dict=True)
            jwk.update({"kid": kid, "use": "sig"})
            keys.append(jwk)
        # Real IdPs mix in keys that do not sign access tokens; they must be skipped, not break parsing.
        keys.append({"kty": "oct", "kid": "hmac-internal", "k": b64url(b"not for you")})
        keys.append({"kty": "RSA", "kid": "enc-1", "use": "enc", "alg": "RSA-OAEP", "n": keys[0]["n"], "e": keys[0]["e"]})
        return {"keys": keys}

    def rotate(self) -> str:
        """Adds a new RSA key (the old ones stay); returns its kid."""
        kid = f"rsa-{len(self.keys) + 1}"
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return kid

    def public_pem(self) -> bytes:
        return self.rsa_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    # ------------------------------------------------------------------ tokens

    def claims(self, audience: str | list[str], *, scope: str = "cloverdx.mcp", lifetime: int = 300, **extra: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {"iss": self.issuer, "sub": "alice", "aud": audience, "iat": now, "nbf": now,
                                  "exp": now + lifetime, "scope": scope, "client_id": CLIENT_ID, "jti": secrets.token_hex(8)}
        claims.update(extra)
        return {k: v for k, v in claims.items() if v is not None}

    def mint(self, audience: str | list[str], *, kid: str = "rsa-1", alg: str | None = None, typ: str = "at+jwt",
             key: Any = None, headers: dict[str, Any] | None = None, **claim_overrides: Any) -> str:
        signing_key = key or self.keys[kid]
        algorithm = alg or ("RS256" if isinstance(signing_key, rsa.RSAPrivateKey) else "ES256")
        header = {"kid": kid, "typ": typ}
        header.update(headers or {})
        return jwt.encode(self.claims(audience, **claim_overrides), signing_key, algorithm=algorithm, headers=header)

    def mint_unsigned(self, audience: str) -> str:
        header = b64url(json.dumps({"alg": "none", "typ": "at+jwt", "kid": "rsa-1"}).encode())
        return f"{header}.{b64url(json.dumps(self.claims(audience)).encode())}."

    def mint_hs256_with_public_key(self, audience: str) -> str:
        """The classic key-confusion forgery: HMAC keyed with the issuer's public key."""
        header = b64url(json.dumps({"alg": "HS256", "typ": "at+jwt", "kid": "rsa-1"}).encode())
        payload = b64url(json.dumps(self.claims(audience)).encode())
        signature = hmac.new(self.public_pem(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{b64url(signature)}"

    def opaque_token(self, audience: str, **overrides: Any) -> str:
        token = secrets.token_urlsafe(24)
        self.opaque[token] = self.claims(audience, **overrides)
        return token

    # ------------------------------------------------------------------ HTTP

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def send_json(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if path == "/.well-known/oauth-authorization-server" + REALM:
                    return self.send_json(200, server.metadata())
                if path == REALM + "/.well-known/openid-configuration" and server.openid:
                    return self.send_json(200, dict(server.metadata(), subject_types_supported=["public"],
                                                    id_token_signing_alg_values_supported=["RS256"]))
                if path == REALM + "/jwks":
                    server.jwks_fetches += 1
                    if not server.jwks_up:
                        return self.send_json(500, {"error": "down for the test"})
                    return self.send_json(200, server.jwks())
                self.send_json(404, {"error": "not_found"})

            def client_credentials(self, form: dict[str, list[str]]) -> tuple[str | None, str | None]:
                header = self.headers.get("Authorization", "")
                if header.startswith("Basic "):
                    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
                    return user, password
                return (form.get("client_id") or [None])[0], (form.get("client_secret") or [None])[0]

            def do_POST(self) -> None:
                path = urlsplit(self.path).path
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                client_id, secret = self.client_credentials(form)
                if path == REALM + "/token":
                    if (client_id, secret) != (CLIENT_ID, CLIENT_SECRET):
                        return self.send_json(401, {"error": "invalid_client"})
                    if form.get("grant_type") != ["client_credentials"]:
                        return self.send_json(400, {"error": "unsupported_grant_type"})
                    resource = (form.get("resource") or [None])[0]
                    if not resource:
                        return self.send_json(400, {"error": "invalid_target", "error_description": "resource is required"})
                    scope = (form.get("scope") or ["cloverdx.mcp"])[0]
                    token = server.mint(resource, scope=scope)
                    return self.send_json(200, {"access_token": token, "token_type": "Bearer", "expires_in": 300, "scope": scope})
                if path == REALM + "/introspect":
                    server.introspections += 1
                    if (client_id, secret) != (RS_CLIENT_ID, RS_CLIENT_SECRET):
                        return self.send_json(401, {"error": "invalid_client"})
                    token = (form.get("token") or [""])[0]
                    if token in server.opaque:
                        claims = server.opaque[token]
                        active = claims["exp"] > time.time()
                        return self.send_json(200, dict(claims, active=True) if active else {"active": False})
                    return self.send_json(200, {"active": False})
                self.send_json(404, {"error": "not_found"})

        return Handler
