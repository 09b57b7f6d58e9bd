"""Pages for the Tim Penilai Kinerja (role approver): the plan with score parts and reasons, override with a
written reason, approve (two different people), decide, resolve objections, the decision log."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from mutasi.console.adapters.services import Identity
from mutasi.console.entrypoints.shared_reads import decision_log, post_names
from mutasi.console.entrypoints.web import FormWhoDep, WebDep, WhoDep, need

router = APIRouter(prefix="/persetujuan", include_in_schema=False)


def _approver(who: Identity) -> Identity:
    need(who, "approver")
    return who


@router.get("")
async def home(request: Request, web: WebDep, who: WhoDep) -> Response:
    _approver(who)
    rounds = await web.services.get(who, "placement", "/v1/rounds", role="approver")
    return web.render(request, "approver/home.html", title="Persetujuan", rounds=list(reversed(rounds)))


@router.get("/{round_id}")
async def round_page(request: Request, web: WebDep, who: WhoDep, round_id: str) -> Response:
    _approver(who)
    s = web.services
    rnd = await s.get(who, "placement", f"/v1/rounds/{round_id}", role="approver")
    path = f"/v1/rounds/{round_id}"
    plan = await s.every_page(who, "placement", f"{path}/plan", "entries", role="approver") if rnd.get("plan") else None
    decisions = (await s.every_page(who, "placement", f"{path}/decisions", "decisions", role="approver"))["decisions"]
    objections = (await s.every_page(who, "placement", f"{path}/objections", "objections",
                                     role="approver"))["objections"]  # fmt: skip
    log = await decision_log(web, who, round_id)
    approved_by_me = any(a.get("user") == who.user for a in rnd.get("approvals", []))
    return web.render(request, "approver/round.html", title=f"Persetujuan {rnd['name']}", rnd=rnd, plan=plan,
                      decisions=decisions, objections=objections, log=log, names=await post_names(web, who),
                      approved_by_me=approved_by_me)  # fmt: skip


@router.post("/{round_id}/ubah")
async def override(request: Request, web: WebDep, who: FormWhoDep, round_id: str) -> Response:
    _approver(who)
    form = await request.form()
    post_id = str(form.get("post_id") or "").strip() or None
    body = {"nip": str(form.get("nip") or "").strip(), "post_id": post_id, "reason": str(form.get("reason") or "")}
    await web.services.json(who, "placement", "POST", f"/v1/rounds/{round_id}/overrides", role="approver", json=body)
    return RedirectResponse(f"/persetujuan/{round_id}#rencana", status_code=303)


@router.post("/{round_id}/setujui")
async def approve(web: WebDep, who: FormWhoDep, round_id: str) -> Response:
    _approver(who)
    await web.services.json(who, "placement", "POST", f"/v1/rounds/{round_id}/approvals", role="approver")
    return RedirectResponse(f"/persetujuan/{round_id}", status_code=303)


@router.post("/{round_id}/putuskan")
async def decide(web: WebDep, who: FormWhoDep, round_id: str) -> Response:
    _approver(who)
    await web.services.json(who, "placement", "POST", f"/v1/rounds/{round_id}/decide", role="approver")
    return RedirectResponse(f"/persetujuan/{round_id}#keputusan", status_code=303)


@router.post("/{round_id}/keberatan/{objection_id}/putus")
async def resolve(request: Request, web: WebDep, who: FormWhoDep, round_id: str, objection_id: str) -> Response:
    _approver(who)
    form = await request.form()
    body = {"upheld": form.get("upheld") == "ya", "note": str(form.get("note") or "")}
    s = web.services
    listed = await s.every_page(who, "placement", f"/v1/rounds/{round_id}/objections", "objections", role="approver")
    current = {o["objection_id"]: o for o in listed["objections"]}
    if current.get(objection_id, {}).get("state") == "filed":
        await s.json(who, "placement", "POST", f"/v1/rounds/{round_id}/objections/{objection_id}/review",
                     role="approver")  # fmt: skip
    await s.json(who, "placement", "POST", f"/v1/rounds/{round_id}/objections/{objection_id}/resolve",
                 role="approver", json=body)  # fmt: skip
    return RedirectResponse(f"/persetujuan/{round_id}#keberatan", status_code=303)
