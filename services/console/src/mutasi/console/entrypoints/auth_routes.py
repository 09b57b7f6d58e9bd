"""Sign-in (authorization code + PKCE), the callback that opens a session, and sign-out."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from mutasi.console.adapters.oidc import LoginFailed, Pkce, unverified_claims
from mutasi.console.adapters.session import csrf_token
from mutasi.console.entrypoints.web import LOGIN_COOKIE, SESSION_COOKIE, FormWhoDep, Web, WebDep

router = APIRouter(include_in_schema=False)
LOGIN_MAX_AGE_S = 600


def _safe_next(target: str | None) -> str:
    """Only a path on this console (never another site) is a place to go back to after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _redirect_uri(web: Web) -> str:
    return web.settings.public_url.rstrip("/") + "/auth/callback"


@router.get("/masuk")
async def login(web: WebDep, lanjut: str | None = None) -> Response:
    pkce, state, nonce = Pkce.new(), secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    url = await web.oidc.authorize_url(_redirect_uri(web), state, nonce, pkce)
    response = RedirectResponse(url, status_code=303)
    sealed = web.logins.seal({"state": state, "nonce": nonce, "verifier": pkce.verifier, "next": _safe_next(lanjut)},
                             LOGIN_MAX_AGE_S)  # fmt: skip
    _cookie(response, web, LOGIN_COOKIE, sealed, LOGIN_MAX_AGE_S)
    return response


@router.get("/auth/callback")
async def callback(request: Request, web: WebDep, code: str = "", state: str = "", error: str = "") -> Response:
    pending = web.logins.open(request.cookies.get(LOGIN_COOKIE))
    if error or pending is None or not code or not secrets.compare_digest(state, str(pending.get("state", ""))):
        reason = "Proses masuk kedaluwarsa atau tidak sah. Silakan masuk lagi." if not error else f"Ditolak: {error}"
        return web.render(request, "error.html", code=400, title="Gagal masuk", message=reason, retry=True)
    try:
        tokens = await web.oidc.exchange(code, _redirect_uri(web), pending["verifier"])
        id_claims = await web.oidc.verify_id_token(tokens.get("id_token", ""), pending["nonce"])
    except LoginFailed as exc:
        return web.render(request, "error.html", code=400, title="Gagal masuk", message=str(exc), retry=True)
    session = _session(web, {**unverified_claims(tokens["access_token"]), **id_claims}, tokens["access_token"])
    response = RedirectResponse(pending.get("next") or "/", status_code=303)
    max_age = min(web.settings.session_max_age_s, int(tokens.get("expires_in") or web.settings.session_max_age_s))
    _cookie(response, web, SESSION_COOKIE, web.sessions.seal(session, max_age), max_age)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/keluar")
async def logout(web: WebDep, who: FormWhoDep) -> Response:
    url = await web.oidc.end_session_url(web.settings.public_url) or "/masuk"
    response = RedirectResponse(url, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _session(web: Web, claims: dict[str, Any], token: str) -> dict[str, Any]:
    s = web.settings
    roles = claims.get(s.claim_roles) or []
    if isinstance(roles, str):
        roles = roles.split()
    realm = claims.get("realm_access")  # Keycloak puts roles there
    if not roles and isinstance(realm, dict):
        roles = list(realm.get("roles") or [])
    agency = claims.get(s.claim_agency)
    if not agency and isinstance(claims.get(s.claim_agencies), list) and claims[s.claim_agencies]:
        agency = claims[s.claim_agencies][0]
    # `user` is the token's `sub`, the name the services record approvals and overrides under; the login name
    # is only shown.
    username = claims.get("preferred_username") or claims.get("sub")
    return {"user": claims.get("sub") or username, "name": claims.get(s.claim_name) or username,
            "agency_id": agency or "", "roles": list(roles), "nip": claims.get(s.claim_nip), "token": token,
            "csrf": csrf_token()}  # fmt: skip


def _cookie(response: Response, web: Web, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
                        secure=web.settings.cookie_secure)  # fmt: skip
