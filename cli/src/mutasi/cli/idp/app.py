"""A small OpenID Connect provider for the local stack: discovery, JWKS, a login form, code + PKCE, refresh, userinfo.

It signs RS256 access tokens for the audience `mutasi` with the claims the services read (docs/identity.md).
It is a stand-in for the province's real provider (Keycloak-style); it keeps everything in memory.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from mutasi.cli.idp.users import AUDIENCE, CLIENTS, User, demo_users

CODE_TTL_S = 120
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    user: User
    scope: str
    nonce: str | None
    expires: float


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


def create_idp(issuer: str, *, token_ttl_s: int = 900, users: dict[str, User] | None = None) -> FastAPI:
    """The provider app; `issuer` is its public base URL (the tokens' `iss`)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = uuid.uuid4().hex[:16]
    known = users if users is not None else demo_users()
    codes: dict[str, _Grant] = {}
    refresh: dict[str, tuple[str, User, str]] = {}  # token -> (client_id, user, scope)
    app = FastAPI(title="Mutasi local identity provider", docs_url=None, redoc_url=None)

    @app.exception_handler(OAuthError)
    async def oauth_error(_: Request, exc: OAuthError) -> JSONResponse:
        return JSONResponse({"error": exc.error, "error_description": exc.description}, exc.status)

    @app.get("/.well-known/openid-configuration")
    async def discovery() -> dict[str, Any]:
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "jwks_uri": f"{issuer}/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["none"],
            "scopes_supported": ["openid", "profile", "offline_access"],
            "claims_supported": ["sub", "preferred_username", "agency", "agencies", "roles", "nip"],
        }

    @app.get("/jwks")
    async def jwks() -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        return {"keys": [{**public, "kid": kid, "use": "sig", "alg": "RS256"}]}

    @app.get("/authorize", response_class=HTMLResponse)
    async def authorize_form(request: Request) -> Response:
        params = dict(request.query_params)
        try:
            _check_request(params)
        except OAuthError as exc:
            return HTMLResponse(
                _page(f"Permintaan masuk tidak valid / invalid sign-in request: {exc.description}"), 400
            )
        return HTMLResponse(_form(params, None))

    @app.post("/authorize")
    async def authorize_submit(request: Request, username: str = Form(""), password: str = Form("")) -> Response:
        form = await request.form()
        params = {k: str(v) for k, v in form.items() if k not in ("username", "password")}
        try:
            _check_request(params)
        except OAuthError as exc:
            return HTMLResponse(
                _page(f"Permintaan masuk tidak valid / invalid sign-in request: {exc.description}"), 400
            )
        user = known.get(username)
        if user is None or not hmac.compare_digest(user.password.encode(), password.encode()):
            return HTMLResponse(_form(params, "Nama pengguna atau kata sandi salah / wrong user name or password"), 401)
        code = secrets.token_urlsafe(32)
        codes[code] = _Grant(
            params["client_id"],
            params["redirect_uri"],
            params["code_challenge"],
            user,
            params.get("scope", "openid"),
            params.get("nonce"),
            time.time() + CODE_TTL_S,
        )
        query = {"code": code, **({"state": params["state"]} if params.get("state") else {})}
        sep = "&" if "?" in params["redirect_uri"] else "?"
        return RedirectResponse(f"{params['redirect_uri']}{sep}{urlencode(query)}", 302)

    @app.post("/token")
    async def token(request: Request) -> JSONResponse:
        form = {k: str(v) for k, v in (await request.form()).items()}
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            grant = codes.pop(form.get("code", ""), None)  # single use
            if grant is None or grant.expires < time.time():
                raise OAuthError("invalid_grant", "unknown, used or expired code")
            if form.get("client_id") != grant.client_id or form.get("redirect_uri") != grant.redirect_uri:
                raise OAuthError("invalid_grant", "client_id or redirect_uri differs from the authorization request")
            verifier = form.get("code_verifier", "")
            if not 43 <= len(verifier) <= 128 or _s256(verifier) != grant.challenge:
                raise OAuthError("invalid_grant", "PKCE code_verifier does not match the code_challenge")
            return JSONResponse(_tokens(grant.client_id, grant.user, grant.scope, grant.nonce), headers=_no_store())
        if grant_type == "refresh_token":
            found = refresh.pop(form.get("refresh_token", ""), None)
            if found is None or found[0] != form.get("client_id"):
                raise OAuthError("invalid_grant", "unknown refresh token")
            return JSONResponse(_tokens(found[0], found[1], found[2], None), headers=_no_store())
        raise OAuthError("unsupported_grant_type", "use authorization_code (with PKCE) or refresh_token")

    @app.get("/userinfo")
    async def userinfo(request: Request) -> JSONResponse:
        _scheme, _, raw = request.headers.get("authorization", "").partition(" ")
        try:
            claims = jwt.decode(raw, key.public_key(), algorithms=["RS256"], audience=AUDIENCE, issuer=issuer)
        except jwt.PyJWTError:
            return JSONResponse({"error": "invalid_token"}, 401, headers={"WWW-Authenticate": "Bearer"})
        return JSONResponse({k: v for k, v in claims.items() if k not in ("iss", "aud", "exp", "iat", "jti")})

    def _tokens(client_id: str, user: User, scope: str, nonce: str | None) -> dict[str, Any]:
        now = int(time.time())
        base = {"iss": issuer, "iat": now, "exp": now + token_ttl_s, **user.claims}
        access = {**base, "aud": AUDIENCE, "azp": client_id, "scope": scope, "jti": uuid.uuid4().hex}
        body: dict[str, Any] = {
            "access_token": jwt.encode(access, key, algorithm="RS256", headers={"kid": kid}),
            "token_type": "Bearer",
            "expires_in": token_ttl_s,
            "scope": scope,
        }
        if "openid" in scope.split():
            id_claims = {**base, "aud": client_id, **({"nonce": nonce} if nonce else {})}
            body["id_token"] = jwt.encode(id_claims, key, algorithm="RS256", headers={"kid": kid})
        new_refresh = secrets.token_urlsafe(32)
        refresh[new_refresh] = (client_id, user, scope)
        body["refresh_token"] = new_refresh
        return body

    return app


def _check_request(params: dict[str, str]) -> None:
    if params.get("response_type") != "code":
        raise OAuthError("unsupported_response_type", "response_type must be code")
    if params.get("client_id") not in CLIENTS:
        raise OAuthError("unauthorized_client", f"unknown client_id; known: {', '.join(CLIENTS)}")
    redirect = urlsplit(params.get("redirect_uri", ""))
    if redirect.scheme != "http" or redirect.hostname not in LOOPBACK:
        raise OAuthError("invalid_request", "redirect_uri must be a loopback http address (RFC 8252)")
    if not params.get("code_challenge") or params.get("code_challenge_method") != "S256":
        raise OAuthError("invalid_request", "PKCE is required: code_challenge with code_challenge_method=S256")


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _no_store() -> dict[str, str]:
    return {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _page(body: str) -> str:
    return (
        "<!doctype html><html lang='id'><head><meta charset='utf-8'><title>Masuk - Mutasi</title></head>"
        f"<body style='font-family:sans-serif;max-width:28rem;margin:4rem auto'>{body}</body></html>"
    )


def _form(params: dict[str, str], error: str | None) -> str:
    hidden = "".join(
        f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(v)}'>" for k, v in params.items()
    )
    message = f"<p role='alert' style='color:#b00'>{html.escape(error)}</p>" if error else ""
    return _page(
        "<h1>Masuk ke Mutasi</h1><p>Penyedia identitas lokal (demo) / local identity provider (demo)</p>"
        f"{message}<form method='post' action='authorize'>{hidden}"
        "<p><label>Nama pengguna / user name<br><input name='username' autocomplete='username' required></label></p>"
        "<p><label>Kata sandi / password<br><input name='password' type='password' autocomplete='current-password'"
        " required></label></p><p><button type='submit'>Masuk / sign in</button></p></form>"
    )
