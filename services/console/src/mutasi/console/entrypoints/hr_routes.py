"""Pages for BKPSDM (role hr): imports with a row-error preview, needs, rounds, plan, what-if, SK draft,
objections, training progress and the programme report."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from mutasi.console.adapters.services import Identity, ServiceError
from mutasi.console.domain.labels import IMPORT_KINDS
from mutasi.console.entrypoints.shared_reads import decision_log, post_names
from mutasi.console.entrypoints.web import Forbidden, FormWhoDep, Web, WebDep, WhoDep, need

router = APIRouter(prefix="/hr", include_in_schema=False)
UPLOADS = "uploads"
MAX_UPLOAD_MB = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_PATHS = {"employees": "/v1/imports/employees", "assessments": "/v1/imports/assessments",
                "skj": "/v1/imports/skj", "posts": "/v1/posts/import", "catalogue": "/v1/catalogue/import"}  # fmt: skip


def _hr(who: Identity) -> Identity:
    need(who, "hr")
    return who


@router.get("")
async def home(request: Request, web: WebDep, who: WhoDep) -> Response:
    _hr(who)
    rounds = await web.services.get(who, "placement", "/v1/rounds", role="hr")
    return web.render(request, "hr/home.html", title="Beranda BKPSDM", rounds=list(reversed(rounds)))


@router.post("/putaran")
async def announce(request: Request, web: WebDep, who: FormWhoDep) -> Response:
    _hr(who)
    form = await request.form()
    body = {
        "name": form.get("name"),
        "period": form.get("period"),
        "preferences_open_until": form.get("preferences_open_until"),
        "effective_date": form.get("effective_date"),
    }
    key = hashlib.sha256(f"{who.user}:{form.get('csrf')}:{sorted(body.items())}".encode()).hexdigest()[:32]
    r = await web.services.json(who, "placement", "POST", "/v1/rounds", role="hr", json=body,
                                headers={"Idempotency-Key": key})  # fmt: skip
    return RedirectResponse(f"/hr/putaran/{r['round_id']}", status_code=303)


@router.get("/putaran/{round_id}")
async def round_page(request: Request, web: WebDep, who: WhoDep, round_id: str) -> Response:
    _hr(who)
    s = web.services
    rnd = await s.get(who, "placement", f"/v1/rounds/{round_id}", role="hr")
    plan = units = grid = None
    scenarios: list[dict[str, Any]] = []
    if rnd.get("plan"):
        plan = await s.every_page(who, "placement", f"/v1/rounds/{round_id}/plan", "entries", role="hr")
        units = await s.get(who, "placement", f"/v1/rounds/{round_id}/units", role="hr")
        scenarios = await s.get(who, "placement", f"/v1/rounds/{round_id}/scenarios", role="hr")
        grid = await _talent_grid(web, who)
    names = await post_names(web, who)
    log = await decision_log(web, who, round_id) if rnd.get("decisions") else None
    return web.render(request, "hr/round.html", title=rnd["name"], rnd=rnd, plan=plan, units=units, grid=grid,
                      scenarios=scenarios[-3:], names=names, log=log)  # fmt: skip


async def _talent_grid(web: Web, who: Identity) -> dict[str, Any] | None:
    """The agency's 9-box beside the plan; the plan page still opens while the assessment service is away."""
    try:
        grid: dict[str, Any] = await web.services.get(who, "assessment", "/v1/talent-grid", role="hr",
                                                      params={"names": "false"})  # fmt: skip
    except ServiceError:
        return None
    return grid


@router.post("/putaran/{round_id}/tutup")
async def close(web: WebDep, who: FormWhoDep, round_id: str) -> Response:
    _hr(who)
    await web.services.json(who, "placement", "POST", f"/v1/rounds/{round_id}/close", role="hr")
    return RedirectResponse(f"/hr/putaran/{round_id}", status_code=303)


@router.post("/putaran/{round_id}/rencana")
async def plan(web: WebDep, who: FormWhoDep, round_id: str) -> Response:
    _hr(who)
    await web.services.json(who, "placement", "POST", f"/v1/rounds/{round_id}/plan", role="hr")
    return RedirectResponse(f"/hr/putaran/{round_id}#rencana", status_code=303)


@router.post("/putaran/{round_id}/skenario")
async def what_if(request: Request, web: WebDep, who: FormWhoDep, round_id: str) -> Response:
    _hr(who)
    form = await request.form()
    body: dict[str, Any] = {}
    weights = {k: _number(form.get(f"w_{k}")) for k in ("jpm", "education", "box", "preference")}
    if any(v is not None for v in weights.values()):
        body["weights"] = {k: v for k, v in weights.items() if v is not None}
    for field in ("max_outflow_pct", "min_months_in_post"):
        value = _number(form.get(field))
        if value is not None:
            body[field] = int(value) if field == "min_months_in_post" else value
    result = await web.services.json(who, "placement", "POST", f"/v1/rounds/{round_id}/scenarios", role="hr",
                                     json=body, headers={"Idempotency-Key": secrets.token_hex(12)})  # fmt: skip
    rnd = await web.services.get(who, "placement", f"/v1/rounds/{round_id}", role="hr")
    return web.render(request, "hr/scenario.html", title="Hasil simulasi", rnd=rnd, sc=result,
                      names=await post_names(web, who))  # fmt: skip


def _number(value: Any) -> float | None:
    text = str(value or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise ServiceError(422, f"'{value}' bukan angka.", [{"field": "angka", "reason": "bukan angka"}]) from exc


@router.get("/putaran/{round_id}/sk.xlsx")
async def sk_draft(web: WebDep, who: WhoDep, round_id: str) -> Response:
    need(who, "hr", "approver")
    r = await web.services.call(who, "placement", "GET", f"/v1/rounds/{round_id}/export.xlsx")
    return Response(
        r.content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="draf_sk_mutasi_{round_id}.xlsx"'},
    )


@router.get("/putaran/{round_id}/keberatan")
async def objections(request: Request, web: WebDep, who: WhoDep, round_id: str) -> Response:
    need(who, "hr", "approver")
    role = "hr" if who.has("hr") else "approver"
    rnd = await web.services.get(who, "placement", f"/v1/rounds/{round_id}", role=role)
    items = (await web.services.every_page(who, "placement", f"/v1/rounds/{round_id}/objections", "objections",
                                           role=role))["objections"]  # fmt: skip
    return web.render(request, "objections.html", title="Antrean keberatan", rnd=rnd, items=items)


@router.post("/putaran/{round_id}/keberatan/{objection_id}/tinjau")
async def review(web: WebDep, who: FormWhoDep, round_id: str, objection_id: str) -> Response:
    need(who, "hr", "approver")
    await web.services.json(who, "placement", "POST", f"/v1/rounds/{round_id}/objections/{objection_id}/review",
                            role="hr" if who.has("hr") else "approver")  # fmt: skip
    return RedirectResponse(f"/hr/putaran/{round_id}/keberatan", status_code=303)


@router.get("/kebutuhan")
async def needs(request: Request, web: WebDep, who: WhoDep) -> Response:
    _hr(who)
    rows = await web.services.get(who, "placement", "/v1/needs", role="hr")
    return web.render(request, "hr/needs.html", title="Kebutuhan per unit", rows=rows)


@router.get("/talenta")
async def talent(request: Request, web: WebDep, who: WhoDep) -> Response:
    _hr(who)
    grid = await web.services.get(who, "assessment", "/v1/talent-grid", role="hr", params={"names": "false"})
    return web.render(request, "hr/talent.html", title="Peta talenta 9 kotak", grid=grid)


@router.get("/talenta.png")
async def talent_png(web: WebDep, who: WhoDep) -> Response:
    _hr(who)
    r = await web.services.call(who, "assessment", "GET", "/v1/talent-grid.png", role="hr")
    return Response(r.content, media_type="image/png")


@router.get("/pegawai/{nip}")
async def employee(request: Request, web: WebDep, who: WhoDep, nip: str) -> Response:
    _hr(who)
    record = await web.services.get(who, "assessment", f"/v1/employees/{nip}", role="hr")
    return web.render(request, "hr/employee.html", title=f"Pegawai {nip}", record=record, nip=nip)


@router.get("/pelatihan")
async def training(request: Request, web: WebDep, who: WhoDep) -> Response:
    _hr(who)
    s = web.services
    summary = await s.get(who, "training", "/v1/summary", role="hr")
    plans = await s.get(who, "training", "/v1/plans", role="hr")
    offerings = await s.get(who, "training", "/v1/catalogue/offerings", role="hr")
    return web.render(request, "hr/training.html", title="Kemajuan pelatihan", summary=summary,
                      plans=_list(plans, "plans"), offerings=_list(offerings, "offerings"))  # fmt: skip


def _list(value: Any, key: str) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return list(value.get(key) or value.get("items") or [])
    return list(value or [])


@router.get("/laporan/{round_id}")
async def report(request: Request, web: WebDep, who: WhoDep, round_id: str) -> Response:
    need(who, "hr", "approver")
    data = await web.services.get(who, "evaluation", f"/v1/reports/{round_id}", role="hr" if who.has("hr") else None)
    return web.render(request, "hr/report.html", title="Laporan program", report=data, round_id=round_id)


@router.get("/laporan/{round_id}/laporan.xlsx")
async def report_xlsx(web: WebDep, who: WhoDep, round_id: str) -> Response:
    need(who, "hr", "approver")
    r = await web.services.call(who, "evaluation", "GET", f"/v1/reports/{round_id}/xlsx")
    return Response(
        r.content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="laporan-evaluasi-{round_id}.xlsx"'},
    )


# --- imports: upload, see the row errors (nothing stored), then store the good rows or fix the file ----------
@router.get("/impor")
async def import_form(request: Request, web: WebDep, who: WhoDep) -> Response:
    _hr(who)
    return web.render(request, "hr/import.html", title="Unggah data", kinds=IMPORT_KINDS, result=None)


@router.post("/impor")
async def import_upload(request: Request, web: WebDep, who: FormWhoDep) -> Response:
    _hr(who)
    form = await request.form()
    kind = str(form.get("kind") or "")
    upload = form.get("file")
    if kind not in IMPORT_KINDS or upload is None or isinstance(upload, str):
        raise ServiceError(422, "Pilih jenis data dan berkasnya.", [{"field": "file", "reason": "wajib diisi"}])
    content = await upload.read()
    if not content or len(content) > MAX_UPLOAD_MB * 1024 * 1024:
        raise ServiceError(
            422, f"Berkas kosong atau lebih dari {MAX_UPLOAD_MB} MB.", [{"field": "file", "reason": "ukuran"}]
        )
    kit = request.app.state.kit
    upload_id = secrets.token_hex(8)
    async with kit.uow() as uow:
        await uow.collection(UPLOADS).insert_one({"upload_id": upload_id, "agency_id": who.agency_id,
                                                  "user": who.user, "kind": kind, "filename": upload.filename or "",
                                                  "content": base64.b64encode(content).decode(),
                                                  "at": datetime.now(UTC)})  # fmt: skip
        await uow.commit()
    return await _send_import(request, web, who, upload_id, kind, upload.filename or "", content, partial=False)


@router.post("/impor/{upload_id}/simpan-sebagian")
async def import_partial(request: Request, web: WebDep, who: FormWhoDep, upload_id: str) -> Response:
    _hr(who)
    kit = request.app.state.kit
    async with kit.uow() as uow:
        doc = await uow.collection(UPLOADS).find_one({"upload_id": upload_id, "agency_id": who.agency_id,
                                                      "user": who.user})  # fmt: skip
    if doc is None:
        raise Forbidden("Unggahan ini tidak ditemukan untuk akun Anda.")
    content = base64.b64decode(doc["content"])
    return await _send_import(request, web, who, upload_id, doc["kind"], doc["filename"], content, partial=True)


async def _send_import(request: Request, web: Web, who: Identity, upload_id: str, kind: str, filename: str,
                       content: bytes, partial: bool) -> Response:  # fmt: skip
    """All-or-nothing first: with any bad row the service stores nothing and lists every error."""
    service = IMPORT_KINDS[kind][1]
    params: dict[str, str] = {"accept_partial": "true"} if partial else {}
    if service == "assessment" and filename:
        params["filename"] = filename
    content_type = "text/csv" if filename.lower().endswith(".csv") else XLSX
    key = f"console-{hashlib.sha256(content).hexdigest()[:24]}-{int(partial)}"
    r: Any = None
    try:
        r = await web.services.call(
            who,
            service,
            "POST",
            IMPORT_PATHS[kind],
            role="hr",
            content=content,
            params=params,
            headers={"Content-Type": content_type, "Idempotency-Key": key},
        )
        result, stored = r.json(), True
    except ServiceError as exc:
        if exc.status != 422:
            raise
        result, stored = {"message": exc.message, "errors": exc.errors}, False
    if r is not None and r.status_code == 202 and result.get("import_id"):  # a long import runs as a job: follow it
        return RedirectResponse(f"/hr/impor/{upload_id}/pekerjaan/{result['import_id']}?sebagian={int(partial)}", 303)
    return _import_page(request, web, kind, filename, upload_id, partial, result, stored)


@router.get("/impor/{upload_id}/pekerjaan/{job_id}")
async def import_job(request: Request, web: WebDep, who: WhoDep, upload_id: str, job_id: str,
                     sebagian: int = 0) -> Response:  # fmt: skip
    """The import job's state and rows so far, refreshed every few seconds until it ends; then its result."""
    _hr(who)
    async with request.app.state.kit.uow() as uow:
        doc = await uow.collection(UPLOADS).find_one({"upload_id": upload_id, "agency_id": who.agency_id,
                                                      "user": who.user})  # fmt: skip
    if doc is None or IMPORT_KINDS.get(doc["kind"], ("", ""))[1] != "assessment":
        raise Forbidden("Unggahan ini tidak ditemukan untuk akun Anda.")
    job = await web.services.get(who, "assessment", f"/v1/imports/{job_id}", role="hr")
    if job.get("state") == "running":
        return web.render(request, "hr/import.html", title="Unggah data", kinds=IMPORT_KINDS, kind=doc["kind"],
                          result=None, job=job, filename=doc["filename"])  # fmt: skip
    stored = job.get("outcome") in ("stored", "partial")
    return _import_page(request, web, doc["kind"], doc["filename"], upload_id, bool(sebagian), job, stored)


def _import_page(request: Request, web: Web, kind: str, filename: str, upload_id: str, partial: bool,
                 result: dict[str, Any], stored: bool) -> Response:  # fmt: skip
    errors = _row_errors(result)
    stored = stored and bool(result.get("stored", True))
    return web.render(request, "hr/import.html", title="Unggah data", kinds=IMPORT_KINDS, kind=kind, result=result,
                      errors=errors, stored=stored, upload_id=upload_id, partial=partial,
                      filename=filename)  # fmt: skip


def _row_errors(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Row, column and reason, whichever names the service uses."""
    rows = result.get("errors") or result.get("row_errors") or []
    out = []
    for e in rows if isinstance(rows, list) else []:
        if not isinstance(e, dict):
            continue
        out.append({"sheet": e.get("sheet") or "", "row": e.get("row") or e.get("baris") or "",
                    "column": e.get("column") or e.get("field") or e.get("kolom") or "",
                    "reason": e.get("message_id") or e.get("reason_id") or e.get("reason") or e.get("reason_en")
                    or ""})  # fmt: skip
    return out
