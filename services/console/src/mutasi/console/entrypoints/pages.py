"""The start page (each person lands on their role's page), the static assets and security headers."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from mutasi.console.entrypoints.web import WebDep, WhoDep

router = APIRouter(include_in_schema=False)


@router.get("/")
async def start(request: Request, web: WebDep, who: WhoDep) -> Response:
    for role, path in (("hr", "/hr"), ("approver", "/persetujuan"), ("employee", "/saya")):
        if who.has(role):
            return RedirectResponse(path, status_code=303)
    if who.nip:
        return RedirectResponse("/saya", status_code=303)
    return web.render(request, "error.html", code=403, title="Tidak ada peran",
                      message="Akun Anda belum diberi peran di Mutasi. Hubungi BKPSDM.")  # fmt: skip
