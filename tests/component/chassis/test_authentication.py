"""Every /v1 request needs a valid access token: forged, expired, foreign and unsigned tokens get 401."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
import pytest

from mutasi.chassis.auth import AuthenticationError, TokenVerifier
from tests.support.service import TestIssuer, running_service
from tests.support.toy import ToySettings, create_app


def toy_app() -> Any:
    return create_app(ToySettings(mongo_uri="memory://"))


HR = {"sub": "rina", "agency": "sawahlunto", "roles": ["hr"]}


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def _status(svc: Any, token: str | None) -> tuple[int, dict[str, Any], str | None]:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    r = await svc.raw.get("/v1/notes", headers=headers)
    return r.status_code, r.json(), r.headers.get("www-authenticate")


async def test_a_request_without_a_token_gets_401_with_the_error_body_and_www_authenticate() -> None:
    async with running_service(toy_app()) as svc:
        status, body, challenge = await _status(svc, None)
        ok, _, _ = await _status(svc, svc.issuer.token(**HR))
    assert (status, challenge, ok) == (401, "Bearer", 200)
    assert body["errors"][0]["field"] == "header.Authorization"
    assert body["message"]


@pytest.mark.parametrize(
    "case",
    ["forged_signature", "other_key", "expired", "wrong_issuer", "wrong_audience", "alg_none", "hs256_with_public_key",
     "no_exp", "garbage"],
)  # fmt: skip
async def test_a_bad_token_is_rejected_with_401(case: str) -> None:
    async with running_service(toy_app()) as svc:
        issuer: TestIssuer = svc.issuer
        good = issuer.token(**HR)
        token = {
            "forged_signature": lambda: good.rsplit(".", 1)[0] + "." + good.rsplit(".", 1)[1][::-1],
            "other_key": lambda: TestIssuer(issuer.issuer, issuer.audience, kid="attacker").token(
                headers={"kid": issuer.kid}, **HR
            ),
            "expired": lambda: issuer.token(ttl_s=-120, **HR),  # beyond the 30 s leeway
            "wrong_issuer": lambda: issuer.token(iss="https://evil.example", **HR),
            "wrong_audience": lambda: issuer.token(aud="another-app", **HR),
            "alg_none": lambda: (
                _b64({"alg": "none", "typ": "JWT", "kid": issuer.kid})
                + "."
                + _b64({**HR, "iss": issuer.issuer, "aud": issuer.audience, "exp": 4102444800, "iat": 1})
                + "."
            ),
            "hs256_with_public_key": lambda: _hs256_signed_with_public_key(issuer),
            "no_exp": lambda: jwt.encode(
                {**HR, "iss": issuer.issuer, "aud": issuer.audience, "iat": 1},
                issuer._private_key,
                algorithm="RS256",
                headers={"kid": issuer.kid},
            ),
            "garbage": lambda: "not-a-jwt",
        }[case]()
        status, body, challenge = await _status(svc, token)
    assert (status, challenge) == (401, "Bearer"), body
    assert body["errors"][0]["field"] == "header.Authorization"


def _hs256_signed_with_public_key(issuer: TestIssuer) -> str:
    """The classic confusion attack: HMAC keyed with the provider's public key (which anyone can download)."""
    public_jwk = issuer.jwks["keys"][0]
    header = {"alg": "HS256", "typ": "JWT", "kid": issuer.kid}
    body = {**HR, "iss": issuer.issuer, "aud": issuer.audience, "exp": 4102444800, "iat": 1}
    signing_input = f"{_b64(header)}.{_b64(body)}".encode()
    sig = hmac.new(json.dumps(public_jwk).encode(), signing_input, hashlib.sha256).digest()
    return signing_input.decode() + "." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode()


async def test_an_expired_token_within_the_clock_skew_is_still_accepted() -> None:
    async with running_service(toy_app()) as svc:
        status, _, _ = await _status(svc, svc.issuer.token(ttl_s=-5, **HR))
    assert status == 200


async def test_unknown_roles_are_dropped_and_a_token_without_a_known_role_is_refused_403() -> None:
    async with running_service(toy_app()) as svc:
        r = await svc.raw.get(
            "/v1/notes", headers={"Authorization": "Bearer " + svc.issuer.token(**{**HR, "roles": ["nobody", "admin"]})}
        )
    assert r.status_code == 403
    assert r.json()["errors"][0]["field"] == "token.roles"


async def test_health_and_metrics_need_no_token_but_every_other_path_does() -> None:
    async with running_service(toy_app()) as svc:
        public = [(await svc.raw.get(p)).status_code for p in ("/health/live", "/metrics", "/openapi.json")]
        unknown = (await svc.raw.get("/v1/nothing-here")).status_code
    assert public == [200, 200, 200]
    assert unknown == 401


class _Jwks:
    """A JWKS endpoint on loopback whose keys a test can rotate; counts the fetches."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self.jwks = jwks
        self.fetches = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.fetches += 1
                body = json.dumps(outer.jwks).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/jwks"


@pytest.fixture
def jwks_server() -> Iterator[_Jwks]:
    first = TestIssuer("http://idp.test", "mutasi", kid="k1")
    served = _Jwks(first.jwks)
    thread = threading.Thread(target=served.server.serve_forever, daemon=True)
    thread.start()
    yield served
    served.server.shutdown()


async def test_keys_are_fetched_once_cached_and_fetched_again_for_an_unknown_kid(jwks_server: _Jwks) -> None:
    k1 = TestIssuer("http://idp.test", "mutasi", kid="k1")
    k2 = TestIssuer("http://idp.test", "mutasi", kid="k2")
    verifier = TokenVerifier(
        issuer="http://idp.test", audience="mutasi", jwks_url=jwks_server.url, refetch_interval_s=0
    )
    for _ in range(3):
        assert (await verifier.verify(k1.token(**HR))).user == "rina"
    assert jwks_server.fetches == 1
    jwks_server.jwks = {"keys": k1.jwks["keys"] + k2.jwks["keys"]}  # the provider rotates in a new key
    assert (await verifier.verify(k2.token(**HR))).roles == frozenset({"hr"})
    assert jwks_server.fetches == 2
    with pytest.raises(AuthenticationError):
        await verifier.verify(TestIssuer("http://idp.test", "mutasi", kid="k3").token(**HR))


def test_a_verifier_refuses_to_be_configured_with_symmetric_or_none_algorithms() -> None:
    with pytest.raises(ValueError, match="not allowed"):
        TokenVerifier(issuer="i", audience="a", algorithms=("RS256", "HS256"))
    with pytest.raises(ValueError, match="not allowed"):
        TokenVerifier(issuer="i", audience="a", algorithms=("none",))
