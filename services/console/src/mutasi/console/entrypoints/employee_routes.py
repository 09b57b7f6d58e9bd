"""Pages for every ASN (role employee): my status, my preferences, my explanation, my objection, my training
and my check-ins. The NIP is always the session's own; no URL names another person."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from mutasi.console.adapters.services import Identity, ServiceError
from mutasi.console.entrypoints.web import Forbidden, FormWhoDep, WebDep, WhoDep

router = APIRouter(prefix="/saya", include_in_schema=False)


def _own_nip(who: Identity) -> str:
    if not who.nip:
        raise Forbidden("Akun Anda tidak terhubung dengan NIP, jadi tidak ada data pribadi untuk ditampilkan.")
    return who.nip


@router.get("")
async def home(request: Request, web: WebDep, who: WhoDep) -> Response:
    nip = _own_nip(who)
    rounds = await web.services.get(who, "placement", "/v1/rounds", role="employee")
    latest = rounds[-1] if rounds else None
    status = None
    if latest:
        status = await _status(web, who, latest["round_id"], nip)
    return web.render(request, "employee/home.html", title="Status saya", rounds=list(reversed(rounds)),
                      latest=latest, status=status)  # fmt: skip


async def _status(web: Any, who: Identity, round_id: str, nip: str) -> dict[str, Any] | None:
    try:
        result: dict[str, Any] = await web.services.get(who, "placement", f"/v1/rounds/{round_id}/people/{nip}",
                                                        role="employee")  # fmt: skip
    except ServiceError as exc:
        if exc.status == 404:
            return None
        raise
    return result


@router.get("/putaran/{round_id}")
async def round_page(request: Request, web: WebDep, who: WhoDep, round_id: str) -> Response:
    nip = _own_nip(who)
    status = await _status(web, who, round_id, nip)
    if status is None:
        raise Forbidden("Anda tidak termasuk dalam putaran ini.")
    rnd = status["round"]
    posts = await web.services.get(who, "placement", "/v1/posts", role="employee")
    names = {p["post_id"]: f"{p.get('name', p['post_id'])} — {p.get('unit_name', '')}" for p in posts}
    open_posts = sorted((p for p in posts if (p.get("open_seats") or 0) > 0 or
                         float(p.get("kebutuhan", 0)) > float(p.get("bezetting", 0))),
                        key=lambda p: (p.get("unit_name", ""), p.get("name", "")))  # fmt: skip
    rules = {r["code"]: r.get("title_id") or r["code"] for r in await web.services.get(who, "placement", "/v1/rules",
                                                                                      role="employee")}  # fmt: skip
    decision = status.get("decision")
    window_open = rnd["state"] == "announced" and date.fromisoformat(rnd["preferences_open_until"]) >= web.today()
    objection_until = _objection_until(rnd, decision)
    can_object = bool(decision) and objection_until is not None and web.today() <= objection_until
    return web.render(request, "employee/round.html", title="Putaran mutasi", status=status, rnd=rnd, names=names,
                      open_posts=open_posts, window_open=window_open, can_object=can_object,
                      objection_until=objection_until, slots=range(int(rnd.get("max_preferences") or 3)),
                      rules=rules)  # fmt: skip


def _objection_until(rnd: dict[str, Any], decision: dict[str, Any] | None) -> date | None:
    if not decision:
        return None
    decided = date.fromisoformat(str(decision.get("decided_at", ""))[:10])
    return date.fromordinal(decided.toordinal() + int(rnd.get("objection_days") or 14))


@router.post("/putaran/{round_id}/pilihan")
async def preferences(request: Request, web: WebDep, who: FormWhoDep, round_id: str) -> Response:
    nip = _own_nip(who)
    form = await request.form()
    ranked: list[str] = []
    for value in form.getlist("ranked"):
        post_id = str(value).strip()
        if post_id and post_id not in ranked:
            ranked.append(post_id)
    body = {"ranked": ranked, "note": str(form.get("note") or "")[:500]}
    await web.services.json(who, "placement", "PUT", f"/v1/rounds/{round_id}/preferences/{nip}", role="employee",
                            json=body)  # fmt: skip
    return RedirectResponse(f"/saya/putaran/{round_id}?tersimpan=1", status_code=303)


@router.post("/putaran/{round_id}/keberatan")
async def objection(request: Request, web: WebDep, who: FormWhoDep, round_id: str) -> Response:
    nip = _own_nip(who)
    form = await request.form()
    reason = str(form.get("reason") or "")
    key = hashlib.sha256(f"{nip}:{round_id}:{reason}".encode()).hexdigest()[:32]
    await web.services.json(who, "placement", "POST", f"/v1/rounds/{round_id}/objections", role="employee",
                            json={"nip": nip, "reason": reason}, headers={"Idempotency-Key": key})  # fmt: skip
    return RedirectResponse(f"/saya/putaran/{round_id}?keberatan=1#keberatan", status_code=303)


@router.get("/pelatihan")
async def training(request: Request, web: WebDep, who: WhoDep) -> Response:
    nip = _own_nip(who)
    try:
        mine = await web.services.get(who, "training", f"/v1/people/{nip}", role="employee")
    except ServiceError as exc:
        if exc.status != 404:
            raise
        mine = None
    return web.render(request, "employee/training.html", title="Pelatihan saya", mine=mine)


@router.get("/evaluasi")
async def evaluation(request: Request, web: WebDep, who: WhoDep) -> Response:
    _own_nip(who)
    mine = await web.services.get(who, "evaluation", "/v1/me/evaluations", role="employee")
    answered = {(a["round_id"], a["checkpoint_months"]): a for a in mine.get("surveys") or []}
    return web.render(request, "employee/evaluation.html", title="Evaluasi saya", mine=mine, answered=answered,
                      items=mine.get("survey_items") or [], scale=SCALE)  # fmt: skip


SCALE = ((1, "Sangat tidak setuju"), (2, "Tidak setuju"), (3, "Ragu-ragu"), (4, "Setuju"), (5, "Sangat setuju"))


@router.post("/evaluasi/{round_id}/{months}/survei")
async def survey(request: Request, web: WebDep, who: FormWhoDep, round_id: str, months: int) -> Response:
    """The post-move survey of a due checkpoint; the evaluation service takes the NIP from the token."""
    _own_nip(who)
    form = await request.form()
    answers: dict[str, Any] = {}
    for key, value in form.multi_items():
        if key.startswith("a_"):
            text = str(value).strip()
            answers[key[2:]] = int(text) if text.isdigit() else text
    body = {"answers": answers, "free_text": str(form.get("free_text") or "").strip() or None}
    await web.services.json(who, "evaluation", "PUT", f"/v1/me/surveys/{round_id}/{months}", role="employee",
                            json=body)  # fmt: skip
    return RedirectResponse(f"/saya/evaluasi?survei=1#survei-{round_id}-{months}", status_code=303)
