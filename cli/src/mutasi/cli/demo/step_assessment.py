"""Demo step "assessment": write the SKJ, employee and assessment spreadsheets, import them over HTTP, read the 9-box.

Only the import path is used (the same XLSX files an HR officer would upload), never the database.
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Any

import httpx
from openpyxl import Workbook

from mutasi.cli.demo.context import DemoContext
from mutasi.cli.demo.dataset import MANAGERIAL, SOCIO_CULTURAL, Dataset, Employee

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def prepare(ctx: DemoContext) -> None:
    """Choose the agency's JPM policy: technical competencies weigh by level (an agency choice, docs/domain.md)."""
    weights = {"ahli_madya": 0.4, "ahli_muda": 0.5, "ahli_pertama": 0.6, "pelaksana": 0.5}
    r = await ctx.client("assessment").put("/v1/policy", json={"jpm_technical_weight": weights})
    r.raise_for_status()
    ctx.progress(
        f"assessment: policy {r.json()['jpm_cap']} cap, {r.json()['jpm_family']} categories, weights {weights}"
    )


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def skj_rows(data: Dataset) -> list[dict[str, Any]]:
    """One row per post: identity, type, jenjang and required technical levels (managerial levels by default)."""
    units = {u.unit_id: u.name for u in data.units}
    rows = []
    for p in data.posts:
        row: dict[str, Any] = {
            "jabatan_id": p.post_id,
            "nama_jabatan": p.name,
            "unit_id": p.unit_id,
            "nama_unit": units.get(p.unit_id, p.unit_id),
            "jenis_jabatan": p.post_type,
            "jenjang": _jenjang(p.name) if p.post_type == "fungsional" else "",
            "bidang": p.field,
            "eselon": p.eselon or "",
        }
        row.update({code: level for code, level in p.technical.items()})
        rows.append(row)
    return rows


def _jenjang(name: str) -> str:
    lowered = name.lower()
    for jenjang in ("ahli utama", "ahli madya", "ahli muda", "ahli pertama", "penyelia", "mahir", "terampil"):
        if jenjang in lowered:
            return jenjang.replace(" ", "_")
    return "ahli_pertama"


def employee_row(e: Employee) -> dict[str, Any]:
    """The employee template row (SIASN field names)."""
    row: dict[str, Any] = {
        "nip": e.nip,
        "nama": e.name,
        "jenis_kelamin": e.sex,
        "jenis_pegawai": e.employee_type,
        "golongan": e.golongan,
        "tmt_golongan": _iso(e.tmt_golongan),
        "unit_id": e.unit_id,
        "jabatan_id": e.post_id,
        "tmt_jabatan": _iso(e.tmt_post),
        "tingkat_pendidikan": e.education_level,
        "jurusan": e.education_field,
        "tmt_cpns": _iso(e.tmt_cpns),
        "tmt_pns": _iso(e.tmt_pns),
        "hukdis": e.discipline,
        "hukdis_sampai": _iso(e.discipline_until),
        "bup": e.bup_age,
        "tugas_belajar": _yn(e.on_study_leave),
        "cltn": _yn(e.on_cltn),
        "proses_peradilan": _yn(e.in_court_process),
        "temuan_audit": _yn(e.audit_finding_open),
    }
    for n, (year, predicate) in enumerate(sorted(e.predicates)[-2:], start=1):
        row[f"predikat_tahun_{n}"] = year
        row[f"predikat_{n}"] = predicate
    return row


def _yn(flag: bool) -> str:
    return "ya" if flag else "tidak"


def employee_rows(data: Dataset) -> list[dict[str, Any]]:
    post_types = {p.post_id: p.post_type for p in data.posts}
    return [{**employee_row(e), "jenis_jabatan": post_types.get(e.post_id, "")} for e in data.employees]


def assessment_rows(data: Dataset) -> list[dict[str, Any]]:
    """One row per assessment-centre result: levels per competency, potential and the SKP ratings."""
    rows = []
    for a in data.assessments:
        row: dict[str, Any] = {
            "nip": a.nip,
            "tanggal_asesmen": _iso(a.assessed_on),
            "metode": a.method,
            "lembaga_asesor": a.assessor_body,
            "potensial": a.potential,
            "hasil_kerja": a.hasil_kerja,
            "perilaku_kerja": a.perilaku_kerja,
        }
        row.update({code: a.levels.get(code, "") for code in (*MANAGERIAL, *SOCIO_CULTURAL)})
        row.update({code: level for code, level in a.levels.items() if code.startswith("tek_")})
        rows.append(row)
    return rows


RESUMES = 3  # attempts of one import: the first, and resumes after an interruption
JOB_TIMEOUT_S = 900.0


def write_xlsx(path: Path, rows: list[dict[str, Any]]) -> bytes:
    """Write rows under the union of their keys (technical columns vary by post) and return the bytes."""
    header = list(dict.fromkeys(k for r in rows for k in r))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h, "") for h in header])
    book.save(path)
    return path.read_bytes()


async def upload(ctx: DemoContext, kind: str, content: bytes, filename: str) -> dict[str, Any]:
    """POST the file and follow the import job to its final state, printing its progress. Partial imports are
    accepted so one bad synthetic row cannot stop the round; an import interrupted by a restart is resumed by
    repeating the request with the same Idempotency-Key."""
    client: httpx.AsyncClient = ctx.client("assessment")
    key = f"demo-{kind}-{hashlib.sha256(content).hexdigest()[:16]}"
    for _ in range(RESUMES):
        r = await client.post(
            f"/v1/imports/{kind}",
            content=content,
            params={"filename": filename, "accept_partial": "true"},
            headers={"Content-Type": XLSX, "Idempotency-Key": key},
            timeout=120.0,
        )
        if r.status_code >= 400 and r.status_code != 422:
            r.raise_for_status()
        result: dict[str, Any] = r.json()
        if r.status_code == 202:
            result = await follow_job(ctx, client, kind, r.headers["Location"])
        if not result.get("interrupted"):
            break
        ctx.progress(f"assessment: {kind} import was interrupted (attempt {result['attempt']}); resuming")
    ctx.progress(
        f"assessment: {kind} {result.get('state', '')} {result.get('rows_accepted', 0)}/"
        f"{result.get('rows_read', 0)} rows accepted, {result.get('rows_rejected', 0)} rejected, "
        f"{result.get('events_published', 0)} events published"
    )
    for error in result.get("errors", [])[:3]:
        ctx.progress(f"  baris {error.get('row')} {error.get('column')}: {error.get('message_en', error['reason'])}")
    if result.get("state") == "failed":  # never go on with a partial count as if it were the whole file
        raise RuntimeError(f"assessment: the {kind} import failed: {(result.get('error') or {}).get('message')}")
    return result


async def follow_job(ctx: DemoContext, client: httpx.AsyncClient, kind: str, url: str) -> dict[str, Any]:
    """Poll the import job until it is no longer running; print progress when it changes."""
    shown = None
    deadline = asyncio.get_running_loop().time() + JOB_TIMEOUT_S
    while True:
        r = await client.get(url, timeout=30.0)
        r.raise_for_status()
        view: dict[str, Any] = r.json()
        if view["state"] != "running":
            return view
        now = (view["rows_read"], view["rows_accepted"], view["events_emitted"], view["events_published"])
        if now != shown:
            ctx.progress(f"assessment: {kind} import running: {now[1]}/{now[0]} rows accepted, "
                         f"{now[2]} events emitted, {now[3]} published")  # fmt: skip
            shown = now
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"import job {url} still running after {JOB_TIMEOUT_S} s")
        await asyncio.sleep(0.5)


def _target_post(data: Dataset, current_post_id: str) -> str | None:
    """An information-systems post of the same kind as the current one (else a functional one)."""
    kinds = {p.post_id: p.post_type for p in data.posts}
    it_posts = [p for p in data.posts if p.field in ("informatika", "sistem_informasi")]
    for kind in (kinds.get(current_post_id), "fungsional"):
        match = next((p.post_id for p in it_posts if p.post_type == kind), None)
        if match:
            return match
    return it_posts[0].post_id if it_posts else None


async def _example(ctx: DemoContext, client: httpx.AsyncClient) -> dict[str, Any]:
    """The programme description's IT graduate: JPM here vs an information-systems post, and the box."""
    data = ctx.dataset
    if not data.it_graduates_in_admin:
        return {}
    nip = data.it_graduates_in_admin[0]
    r = await client.get(f"/v1/employees/{nip}")
    if r.status_code != 200:
        return {"nip": nip, "registered": False}
    record = r.json()
    latest = record.get("latest") or {}
    example = {"nip": nip, "post": record["post_id"], "jpm_current": latest.get("jpm"), "box": latest.get("box")}
    target = _target_post(data, record["post_id"])
    if target and latest:
        there = (await client.get(f"/v1/employees/{nip}/jpm", params={"post_id": target})).json()
        example.update(
            {"target_post": target, "jpm_target": there.get("jpm"), "target_category": there.get("category")}
        )
    ctx.progress(
        f"assessment: IT graduate {nip}: JPM {example.get('jpm_current')} in {example['post']}, "
        f"{example.get('jpm_target')} in {target}, box {example.get('box')}"
    )
    return example


async def run(ctx: DemoContext) -> dict[str, Any]:
    """Import SKJ → employees → assessments, then read the agency 9-box (JSON and PNG)."""
    data, folder = ctx.dataset, ctx.run_dir
    folder.mkdir(parents=True, exist_ok=True)
    ctx.progress(f"assessment: writing spreadsheets for {len(data.employees)} ASN into {folder}")
    skj = await upload(ctx, "skj", write_xlsx(folder / "skj.xlsx", skj_rows(data)), "skj.xlsx")
    employees = await upload(ctx, "employees", write_xlsx(folder / "pegawai.xlsx", employee_rows(data)), "pegawai.xlsx")
    assessed = await upload(
        ctx, "assessments", write_xlsx(folder / "asesmen.xlsx", assessment_rows(data)), "asesmen.xlsx"
    )
    client = ctx.client("assessment")
    grid = (await client.get("/v1/talent-grid", params={"names": "false"})).json()
    (folder / "kotak_talenta.png").write_bytes((await client.get("/v1/talent-grid.png")).content)
    boxes = {b["box"]: b["count"] for b in sorted(grid["boxes"], key=lambda b: b["box"])}
    ctx.progress("assessment: 9-box " + " ".join(f"{n}:{c}" for n, c in boxes.items()))
    summary = {
        "posts": skj["rows_accepted"],
        "registered": employees["rows_accepted"],
        "assessed": assessed["rows_accepted"],
        "completed": assessed.get("counts", {}).get("completed", 0),
        "rejected_rows": {
            "skj": skj["rows_rejected"],
            "employees": employees["rows_rejected"],
            "assessments": assessed["rows_rejected"],
        },
        "boxes": boxes,
        "expired": grid["expired"],
        "example": await _example(ctx, client),
    }
    ctx.facts["assessment"] = summary
    return summary
