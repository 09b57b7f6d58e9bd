"""Demo step "placement": import the posts workbook, then run a whole round over HTTP — announce, preferences
(the IT graduates ask for information-systems posts), close, plan, two approvals, decide."""

from __future__ import annotations

import asyncio
import hashlib
import io
import random
import time
from datetime import timedelta
from typing import Any

import httpx
from openpyxl import Workbook

from mutasi.cli.demo.context import DemoContext
from mutasi.cli.demo.dataset import Dataset, Post

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = ("post_id", "unit_id", "unit_name", "name", "post_type", "eselon", "field", "golongan_min", "golongan_max",
           "education_levels", "education_fields", "kebutuhan", "bezetting", "standard", "fields_mandatory",
           "leadership_task", "reports_to_post_id")  # fmt: skip
IT_FIELDS = ("informatika", "sistem_informasi")
WAIT_S = 180.0
STALL_S = 30.0  # a pool that stops growing this long is taken as complete


LEVEL = {"pelaksana": 0, "fungsional": 0, "pengawas": 1, "administrator": 2, "jpt_pratama": 3}


def superiors(posts: list[Post]) -> dict[str, str]:
    """A synthetic peta jabatan: each post reports to the unit's first post one structural level up (pengawas →
    administrator → JPT; staff to the pengawas, or the lowest structural post present)."""
    by_unit: dict[str, dict[int, list[str]]] = {}
    for p in posts:
        by_unit.setdefault(p.unit_id, {}).setdefault(LEVEL.get(p.post_type, 0), []).append(p.post_id)
    out = {}
    for p in posts:
        levels = by_unit[p.unit_id]
        above = sorted(level for level in levels if level > LEVEL.get(p.post_type, 0))
        if above:
            out[p.post_id] = sorted(levels[above[0]])[0]
    return out


def post_row(p: Post, unit_names: dict[str, str], reports_to: dict[str, str]) -> list[Any]:
    standard = "; ".join(f"{code}:{level}" for code, level in sorted(p.technical.items()))
    return [p.post_id, p.unit_id, unit_names.get(p.unit_id, p.unit_id), p.name, p.post_type, p.eselon or "", p.field,
            p.golongan_min, p.golongan_max, ", ".join(p.education_levels), ", ".join(p.education_fields), p.kebutuhan,
            p.bezetting, standard, "tidak", "tidak", reports_to.get(p.post_id, "")]  # fmt: skip


def posts_workbook(data: Dataset) -> bytes:
    names = {u.unit_id: u.name for u in data.units}
    book = Workbook(write_only=True)
    sheet = book.create_sheet("jabatan")
    sheet.append(list(COLUMNS))
    reports_to = superiors(data.posts)
    for p in data.posts:
        sheet.append(post_row(p, names, reports_to))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


async def prepare(ctx: DemoContext) -> None:
    """Import the peta jabatan with its ANJAB/ABK numbers (before any assessment flows)."""
    content = posts_workbook(ctx.dataset)
    ctx.run_dir.mkdir(parents=True, exist_ok=True)
    (ctx.run_dir / "jabatan.xlsx").write_bytes(content)
    key = f"demo-posts-{hashlib.sha256(content).hexdigest()[:16]}"
    r = await ctx.client("placement").post(
        "/v1/posts/import", content=content, params={"accept_partial": "true"},
        headers={"Content-Type": XLSX, "Idempotency-Key": key}, timeout=300.0,
    )  # fmt: skip
    if r.status_code >= 400 and r.status_code != 422:
        r.raise_for_status()
    result = r.json()
    ctx.progress(f"placement: {result['accepted']}/{result['rows']} posts imported, {result['rejected']} rows rejected")
    for error in result["errors"][:3]:
        ctx.progress(f"  baris {error['row']} {error['column']}: {error['reason_en']}")


async def _wait_for_pool(ctx: DemoContext, client: httpx.AsyncClient) -> int:
    expected = (ctx.facts.get("assessment") or {}).get("completed") or len(ctx.dataset.assessments)
    deadline, last, last_change = time.monotonic() + WAIT_S, -1, time.monotonic()
    while True:
        count = int((await client.get("/v1/candidates", params={"list": "false"})).json()["count"])
        if count != last:
            last, last_change = count, time.monotonic()
        if count >= expected or time.monotonic() > deadline or (count and time.monotonic() - last_change > STALL_S):
            ctx.progress(f"placement: candidate pool has {count} of {expected} assessed ASN")
            return count
        await asyncio.sleep(1.0)


def _preferences(data: Dataset, pool: set[str]) -> dict[str, list[str]]:
    """IT graduates ask for information-systems posts; a seeded sample of others asks for posts in their field."""
    open_posts = [p for p in data.posts if p.kebutuhan > p.bezetting]
    it_posts = [p.post_id for p in open_posts if p.field in IT_FIELDS or set(p.education_fields) & set(IT_FIELDS)]
    prefs = {nip: it_posts[:3] for nip in data.it_graduates_in_admin if nip in pool and it_posts}
    rng = random.Random(data.seed)
    for e in rng.sample(data.employees, k=min(len(data.employees), max(10, len(data.employees) // 10))):
        if e.nip in prefs or e.nip not in pool:
            continue
        fitting = [p.post_id for p in open_posts if e.education_field in p.education_fields and p.post_id != e.post_id]
        if fitting:
            prefs[e.nip] = rng.sample(fitting, k=min(3, len(fitting)))
    return prefs


async def run(ctx: DemoContext) -> dict[str, Any]:
    client = ctx.client("placement")
    agency = ctx.dataset.agency_id
    hr = ctx.as_user(f"hr.{agency}")
    approvers = (ctx.as_user(f"approver1.{agency}"), ctx.as_user(f"approver2.{agency}"))  # two different people
    await _wait_for_pool(ctx, client)
    pool = {c["nip"] for c in (await client.get("/v1/candidates", headers=hr)).json()["candidates"]}
    today = ctx.dataset.today
    body = {"name": f"Mutasi {ctx.dataset.agency_name} {today.year}", "period": f"{today.year}-II",
            "preferences_open_until": (today + timedelta(days=7)).isoformat(),
            "effective_date": (today + timedelta(days=30)).isoformat()}  # fmt: skip
    r = await client.post("/v1/rounds", json=body, headers={**hr, "Idempotency-Key": f"demo-round-{ctx.dataset.seed}"})
    r.raise_for_status()
    round_id = r.json()["round_id"]
    ctx.progress(f"placement: round {round_id} announced, {r.json()['notices']} notices")
    ctx.facts.setdefault("announced", {})[body["name"]] = r.json()["notices"]  # whom placement says it reaches
    prefs = _preferences(ctx.dataset, pool)
    for nip, ranked in prefs.items():
        (await client.put(f"/v1/rounds/{round_id}/preferences/{nip}", json={"ranked": ranked},
                          headers=hr)).raise_for_status()  # HR enters them from the forms  # fmt: skip
    ctx.progress(f"placement: {len(prefs)} people gave preferences")
    (await client.post(f"/v1/rounds/{round_id}/close", headers=hr)).raise_for_status()
    r = await client.post(f"/v1/rounds/{round_id}/plan", headers=hr, timeout=600.0)
    r.raise_for_status()
    plan = r.json()
    gain = (
        f"{plan['total_fit']} vs greedy {plan['greedy_total_fit']} (+{plan['gain_over_greedy_pct']}%; "
        f"+{plan['gain_over_greedy_of_improvement_pct']}% more improvement on the status quo)"
    )
    kinds = ", ".join(f"{k} {v}" for k, v in plan.get("moves_by_kind", {}).items())
    ctx.progress(f"placement: plan {plan['moves']} moves ({kinds}), total fit {gain}, {plan['solve_seconds']} s")
    entries = await plan_moves(client, round_id, hr)
    unbased = _demosi_without_basis(entries, prefs)
    for approver in approvers:
        (await client.post(f"/v1/rounds/{round_id}/approvals", headers=approver)).raise_for_status()
    r = await client.post(f"/v1/rounds/{round_id}/decide", headers=approvers[0], timeout=300.0)
    r.raise_for_status()
    decisions = r.json()["decisions"]
    moved = sorted(d["nip"] for d in decisions)
    (ctx.run_dir / f"mutasi_{round_id}.xlsx").write_bytes(
        (await client.get(f"/v1/rounds/{round_id}/export.xlsx", headers=hr)).content
    )
    it_moved = [n for n in ctx.dataset.it_graduates_in_admin if n in set(moved)]
    pppk = {e.nip for e in ctx.dataset.employees if e.employee_type == "PPPK"}
    pppk_moved = [n for n in moved if n in pppk]
    ctx.progress(f"placement: {len(moved)} decided; IT graduates moved: {len(it_moved)}")
    ctx.facts["moved"] = moved
    ctx.facts["decisions"] = ctx.facts.get("decisions", 0) + len(decisions)
    ctx.facts["placement_round"] = round_id
    return {
        "round_id": round_id, "decided": len(decisions), "moved": len(moved), "pool": len(pool),
        "preferences": len(prefs), "total_fit": plan["total_fit"], "greedy_total_fit": plan["greedy_total_fit"],
        "gain_over_greedy_pct": plan["gain_over_greedy_pct"],
        "gain_over_greedy_of_improvement_pct": plan["gain_over_greedy_of_improvement_pct"],
        "status_quo_total_fit": plan["status_quo_total_fit"], "eligible_pairs": plan["eligible_pairs"],
        "solve_seconds": plan["solve_seconds"], "it_graduates_moved": len(it_moved),
        "moves_by_kind": plan.get("moves_by_kind", {}), "pppk_moved": len(pppk_moved),
        "demosi_without_basis": len(unbased),
    }  # fmt: skip


async def plan_moves(client: httpx.AsyncClient, round_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Every move of the round's plan, page by page (each page's `next` is the following one's `after`)."""
    moves: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 5000}
    while True:
        r = await client.get(f"/v1/rounds/{round_id}/plan", params=params, headers=headers)
        r.raise_for_status()
        moves += r.json()["entries"]
        if not r.json().get("next"):
            return moves
        params["after"] = r.json()["next"]


def _demosi_without_basis(entries: list[dict[str, Any]], prefs: dict[str, list[str]]) -> list[str]:
    """NIPs moved down a level with neither a request of their own (the post among their preferences) nor a
    disciplinary penalty — the plan must have none (PP 94/2021 Pasal 8; PP 11/2017 Pasal 190)."""
    return [
        e["nip"] for e in entries
        if e.get("kind") == "demosi" and e["to_post"] not in prefs.get(e["nip"], []) and not e.get("demotion_penalty")
    ]  # fmt: skip
