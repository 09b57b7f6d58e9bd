"""The local identity provider: sign-in with code + PKCE gives tokens the services' verifier accepts."""

from __future__ import annotations

import base64
import hashlib

import httpx
import pytest

from mutasi.chassis.auth import TokenVerifier
from mutasi.cli.idp.app import create_idp
from mutasi.cli.idp.login import REDIRECT_URI, sign_in
from mutasi.cli.idp.users import DEMO_PASSWORD, demo_users

ISSUER = "http://idp.test"


@pytest.fixture
def transport() -> httpx.ASGITransport:
    return httpx.ASGITransport(app=create_idp(ISSUER))


async def _verifier(transport: httpx.ASGITransport) -> TokenVerifier:
    async with httpx.AsyncClient(transport=transport, base_url=ISSUER) as client:
        jwks = (await client.get("/jwks")).json()
    return TokenVerifier(issuer=ISSUER, audience="mutasi", jwks=jwks)


async def test_every_demo_user_signs_in_and_the_services_read_their_agency_roles_and_nip(transport) -> None:
    verifier = await _verifier(transport)
    seen = {}
    for username in demo_users():
        tokens = await sign_in(ISSUER, username, DEMO_PASSWORD, transport=transport)
        seen[username] = await verifier.verify(tokens.access_token)
    assert len(seen) == 16  # 6 roles x 2 agencies, the province user, the province's 2 approvers and auditor
    assert seen["approver1.sumbar"].agency == "sumbar"
    assert seen["hr.sawahlunto"].agency == "sawahlunto"
    assert seen["hr.sawahlunto"].roles == {"hr"}
    assert seen["approver1.kota-solok"].user != seen["approver2.kota-solok"].user
    assert seen["employee.sawahlunto"].nip == "199001012015031001"
    assert seen["province.sumbar"].agencies == {"sawahlunto", "kota-solok"}
    assert {r for i in seen.values() for r in i.roles} == {"hr", "approver", "employee", "province", "auditor", "ops"}


async def test_a_wrong_password_is_refused(transport) -> None:
    with pytest.raises(PermissionError):
        await sign_in(ISSUER, "hr.sawahlunto", "guess", transport=transport)


async def _code(client: httpx.AsyncClient, challenge: str) -> str:
    params = {"response_type": "code", "client_id": "mutasi-console", "redirect_uri": REDIRECT_URI,
              "code_challenge": challenge, "code_challenge_method": "S256", "state": "s"}  # fmt: skip
    r = await client.post("/authorize", data={**params, "username": "hr.sawahlunto", "password": DEMO_PASSWORD})
    assert r.status_code == 302
    return httpx.URL(r.headers["location"]).params["code"]


async def test_the_code_needs_the_matching_pkce_verifier_and_works_once(transport) -> None:
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    form = {"grant_type": "authorization_code", "redirect_uri": REDIRECT_URI, "client_id": "mutasi-console"}
    async with httpx.AsyncClient(transport=transport, base_url=ISSUER) as client:
        code = await _code(client, challenge)
        wrong = await client.post("/token", data={**form, "code": code, "code_verifier": "w" * 50})
        code = await _code(client, challenge)
        right = await client.post("/token", data={**form, "code": code, "code_verifier": verifier})
        again = await client.post("/token", data={**form, "code": code, "code_verifier": verifier})
        refreshed = await client.post(
            "/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": right.json()["refresh_token"],
                "client_id": "mutasi-console",
            },
        )
    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant")
    assert right.status_code == 200
    assert right.json()["token_type"] == "Bearer"
    assert "id_token" in right.json()
    assert again.status_code == 400
    assert refreshed.status_code == 200


@pytest.mark.parametrize(
    ("change", "why"),
    [({"redirect_uri": "https://evil.example/cb"}, "loopback"), ({"code_challenge": ""}, "PKCE"),
     ({"client_id": "someone"}, "client_id"), ({"response_type": "token"}, "response_type")],
)  # fmt: skip
async def test_the_login_page_refuses_a_bad_request(transport, change: dict[str, str], why: str) -> None:
    params = {"response_type": "code", "client_id": "mutasi-cli", "redirect_uri": REDIRECT_URI,
              "code_challenge": "x" * 43, "code_challenge_method": "S256", **change}  # fmt: skip
    async with httpx.AsyncClient(transport=transport, base_url=ISSUER) as client:
        r = await client.get("/authorize", params=params)
    assert r.status_code == 400
    assert why in r.text
