"""A small OIDC provider for the console's tests: a login form, authorization code + PKCE (S256), RS256 tokens.

Test support only; the local stack runs a real provider (see docs/identity.md)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Form, HTTPException
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse


@dataclass(frozen=True)
class User:
    username: str
    password: str
    name: str
    roles: tuple[str, ...]
    agency: str = "sawahlunto"
    nip: str | None = None


@dataclass
class Provider:
    issuer: str
    users: dict[str, User]
    client_id: str = "mutasi-console"
    audience: str = "mutasi"
    key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537,
                                                                                     key_size=2048))  # fmt: skip
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Mints access tokens when the services under test trust another key (the chassis' test issuer).
    mint: Callable[..., str] | None = None
    token_requests: int = 0

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}

    def sign(self, claims: dict[str, Any]) -> str:
        now = int(time.time())
        return jwt.encode({"iss": self.issuer, "iat": now, "exp": now + 3600, **claims}, self.key, algorithm="RS256",
                          headers={"kid": "k1"})  # fmt: skip

    def access_token(self, user: User) -> str:
        claims: dict[str, Any] = {"sub": user.username, "aud": self.audience, "preferred_username": user.username,
                                  "roles": list(user.roles), "agency": user.agency, "name": user.name}  # fmt: skip
        if user.nip:
            claims["nip"] = user.nip
        if self.mint is not None:
            return self.mint(**{k: v for k, v in claims.items() if k != "aud"})
        return self.sign(claims)

    def app(self) -> FastAPI:
        api = FastAPI()

        @api.get("/.well-known/openid-configuration")
        async def discovery() -> dict[str, Any]:
            return {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                    "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                    "code_challenge_methods_supported": ["S256"]}  # fmt: skip

        @api.get("/jwks")
        async def jwks() -> dict[str, Any]:
            return self.jwks()

        @api.get("/authorize", response_class=HTMLResponse)
        async def authorize(redirect_uri: str, state: str, nonce: str, code_challenge: str,
                            code_challenge_method: str, client_id: str) -> str:  # fmt: skip
            if client_id != self.client_id or code_challenge_method != "S256":
                raise HTTPException(400, "bad client or PKCE method")
            hidden = "".join(f'<input type="hidden" name="{k}" value="{escape(v)}">' for k, v in
                             {"redirect_uri": redirect_uri, "state": state, "nonce": nonce,
                              "code_challenge": code_challenge}.items())  # fmt: skip
            return (f'<!doctype html><html lang="id"><title>Masuk</title><form method="post" action="/authorize">'
                    f'{hidden}<label>Nama pengguna <input name="username" id="username"></label>'
                    f'<label>Kata sandi <input name="password" id="password" type="password"></label>'
                    f'<button type="submit" id="masuk">Masuk</button></form></html>')  # fmt: skip

        @api.post("/authorize")
        async def login(username: str = Form(), password: str = Form(), redirect_uri: str = Form(),
                        state: str = Form(), nonce: str = Form(), code_challenge: str = Form()) -> Any:  # fmt: skip
            user = self.users.get(username)
            if user is None or user.password != password:
                return HTMLResponse("salah", status_code=401)
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"user": user, "nonce": nonce, "challenge": code_challenge,
                                "redirect_uri": redirect_uri}  # fmt: skip
            return RedirectResponse(f"{redirect_uri}?{urlencode({'code': code, 'state': state})}", status_code=302)

        @api.post("/token")
        async def token(grant_type: str = Form(), code: str = Form(), redirect_uri: str = Form(),
                        client_id: str = Form(), code_verifier: str = Form()) -> Any:  # fmt: skip
            self.token_requests += 1
            grant = self.codes.pop(code, None)
            digest = base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest()).decode().rstrip("=")
            if grant is None or grant["redirect_uri"] != redirect_uri or digest != grant["challenge"]:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            user: User = grant["user"]
            id_token = self.sign({"sub": user.username, "aud": client_id, "nonce": grant["nonce"], "name": user.name})
            return {"access_token": self.access_token(user), "id_token": id_token, "token_type": "Bearer",
                    "expires_in": 3600}  # fmt: skip

        return api


def demo_users(password: str = "mutasi-demo", employee_nip: str = "199001012015031001") -> dict[str, User]:
    """The local stack's demo users of Kota Sawahlunto, for running the console where no provider is in the stack."""
    people = [User("hr.sawahlunto", password, "Rina (BKPSDM)", ("hr",)),
              User("approver1.sawahlunto", password, "Ana (Sekda)", ("approver",)),
              User("approver2.sawahlunto", password, "Bayu (Kepala BKPSDM)", ("approver",)),
              User("employee.sawahlunto", password, "Dedi (ASN)", ("employee",), nip=employee_nip)]  # fmt: skip
    return {u.username: u for u in people}


def main() -> None:
    import argparse

    import uvicorn

    parser = argparse.ArgumentParser(description="Test OIDC provider with the demo users.")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    issuer = f"http://127.0.0.1:{args.port}"
    uvicorn.run(Provider(issuer, demo_users()).app(), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
