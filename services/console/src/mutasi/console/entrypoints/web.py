"""What every page shares: the template environment, the signed-in person, CSRF checks and error pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from mutasi.console.adapters.oidc import OidcClient
from mutasi.console.adapters.services import Identity, ServiceError, Services
from mutasi.console.adapters.session import Sealer, same_token
from mutasi.console.domain import formatting, labels
from mutasi.console.settings import ConsoleSettings

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SESSION_COOKIE = "mutasi_sesi"
LOGIN_COOKIE = "mutasi_masuk"


class NeedLogin(Exception):
    """No valid session: go to the login page, then come back."""


@dataclass
class Forbidden(Exception):
    """The signed-in person has no role for this page."""

    reason: str = "Halaman ini tidak untuk peran Anda."


class CsrfRejected(Exception):
    """A form came without the session's CSRF token."""


@dataclass
class Web:
    """Built once by bootstrap; routes reach it through `get_web`."""

    settings: ConsoleSettings
    env: Environment
    sessions: Sealer
    logins: Sealer
    oidc: OidcClient
    services: Services
    today: Callable[[], date]

    def render(self, request: Request, template: str, code: int = 200, **context: Any) -> HTMLResponse:
        who = getattr(request.state, "who", None)
        csrf = getattr(request.state, "csrf", "")
        html = self.env.get_template(template).render(request=request, who=who, csrf=csrf, **context)
        return HTMLResponse(html, status_code=code)


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True)  # fmt: skip
    env.filters.update(tanggal=formatting.tanggal, angka=formatting.angka, persen=formatting.persen,
                       bertanda=formatting.bertanda, teks=formatting.teks, kode=formatting.kode)  # fmt: skip
    env.globals.update(labels=labels, label=labels.label)
    return env


def get_web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


WebDep = Annotated[Web, Depends(get_web)]


def current(request: Request, web: WebDep) -> Identity:
    """The person of this request's session cookie, or a redirect to login."""
    data = web.sessions.open(request.cookies.get(SESSION_COOKIE))
    if data is None:
        raise NeedLogin()
    who = Identity(data["user"], data.get("name") or data["user"], data["agency_id"], tuple(data.get("roles", [])),
                   data.get("nip"), data["token"])  # fmt: skip
    request.state.who = who
    request.state.csrf = data["csrf"]
    request.state.session = data
    return who


WhoDep = Annotated[Identity, Depends(current)]


async def check_csrf(request: Request, who: WhoDep) -> Identity:
    """Every state-changing form carries the session's token in the field `csrf`."""
    form = await request.form()
    if not same_token(str(form.get("csrf") or ""), request.state.session.get("csrf")):
        raise CsrfRejected()
    return who


FormWhoDep = Annotated[Identity, Depends(check_csrf)]


def need(who: Identity, *roles: str) -> None:
    if not any(who.has(r) for r in roles):
        raise Forbidden()


def install_handlers(app: FastAPI, web: Web) -> None:
    async def need_login(request: Request, _: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = "/"
        return RedirectResponse(f"/masuk?lanjut={target}", status_code=303)

    async def forbidden(request: Request, exc: Exception) -> Response:
        reason = exc.reason if isinstance(exc, Forbidden) else str(exc)
        return web.render(request, "error.html", code=403, title="Akses ditolak", message=reason)

    async def csrf(request: Request, _: Exception) -> Response:
        return web.render(request, "error.html", code=403, title="Formulir ditolak",
                          message="Token keamanan formulir (CSRF) tidak ada atau tidak cocok. Muat ulang halaman "
                                  "lalu kirim lagi.")  # fmt: skip

    async def service_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ServiceError)
        status = exc.status if exc.status in (400, 403, 404, 409, 422) else 502
        title = {403: "Akses ditolak", 404: "Tidak ditemukan", 409: "Tidak dapat dilakukan sekarang"}.get(
            exc.status, "Permintaan tidak dapat diproses"
        )
        return web.render(request, "error.html", code=status, title=title, message=exc.message, errors=exc.errors)

    app.add_exception_handler(NeedLogin, need_login)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(CsrfRejected, csrf)
    app.add_exception_handler(ServiceError, service_error)
