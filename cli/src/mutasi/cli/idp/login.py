"""Sign in at an OIDC provider as a person would: authorization code + PKCE through its login form.

The demo and the end-to-end tests use this; it posts the provider's login form instead of opening a browser
and reads the code from the redirect (which it does not follow)."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx

CLI_CLIENT = "mutasi-cli"
REDIRECT_URI = "http://127.0.0.1/callback"


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str | None
    expires_in: int


async def discover(client: httpx.AsyncClient, issuer: str) -> dict[str, str]:
    r = await client.get(issuer.rstrip("/") + "/.well-known/openid-configuration")
    r.raise_for_status()
    found: dict[str, str] = r.json()
    return found


async def sign_in(
    issuer: str,
    username: str,
    password: str,
    *,
    client_id: str = CLI_CLIENT,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Tokens:
    """Authorization code + PKCE (S256) with the provider's login form; raises PermissionError on a wrong password."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state = secrets.token_urlsafe(16)
    async with httpx.AsyncClient(timeout=30, follow_redirects=False, transport=transport) as client:
        meta = await discover(client, issuer)
        params = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid profile",
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        page = await client.get(meta["authorization_endpoint"], params=params)
        page.raise_for_status()
        form = dict(re.findall(r"<input type='hidden' name='([^']+)' value='([^']*)'>", page.text))
        action = httpx.URL(meta["authorization_endpoint"]).join("authorize")
        answer = await client.post(action, data={**form, "username": username, "password": password})
        if answer.status_code == 401:
            raise PermissionError(f"{username}: wrong user name or password")
        if answer.status_code != 302:
            raise RuntimeError(f"sign-in for {username} failed: {answer.status_code} {answer.text[:200]}")
        query = parse_qs(urlsplit(answer.headers["location"]).query)
        if query.get("state") != [state]:
            raise RuntimeError("the provider returned another state")
        r = await client.post(
            meta["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": query["code"][0],
                "redirect_uri": REDIRECT_URI,
                "client_id": client_id,
                "code_verifier": verifier,
            },
        )
        r.raise_for_status()
        body = r.json()
        return Tokens(body["access_token"], body.get("refresh_token"), int(body["expires_in"]))
