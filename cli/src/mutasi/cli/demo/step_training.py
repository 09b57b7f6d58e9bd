"""Demo step "training": import the catalogue workbook, wait for the plans of everyone moved, record completions.

Only HTTP is used: the same XLSX an HR officer uploads, then the plan reads and completion writes. Completions
are synthetic and reproducible (seeded by the dataset seed and the item id): most planned items are completed
on their last session day, with a certificate reference as evidence.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx
from openpyxl import Workbook

from mutasi.cli.demo.context import DemoContext
from mutasi.cli.demo.dataset import Offering

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WAIT_S = 90.0
PARALLEL = 8
COMPLETION_RATE = 0.85  # share of planned items the simulation completes


def _kind(offering: Offering) -> str:
    """The change-management workshop is its own kind in the training catalogue (model: Peraturan LAN 4/2024)."""
    if "manajemen perubahan" in offering.title.lower():
        return "change_management"
    return offering.kind


def catalogue_workbook(offerings: Iterable[Offering], path: Path) -> bytes:
    """Sheets `offerings` (one row per offering) and `sessions` (one row per dated run)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "offerings"
    sheet.append(["offering_id", "title", "kind", "raises", "jp", "provider", "cost"])
    runs = book.create_sheet("sessions")
    runs.append(["offering_id", "session_id", "starts_on", "ends_on", "capacity"])
    for o in offerings:
        raises = "; ".join(f"{code}:{levels}" for code, levels in sorted(o.raises.items()))
        sheet.append([o.offering_id, o.title, _kind(o), raises, o.jp, o.provider, o.cost])
        for s in o.sessions:
            runs.append([o.offering_id, s.session_id, s.starts_on, s.ends_on, s.capacity])
    book.save(path)
    return path.read_bytes()


async def prepare(ctx: DemoContext) -> None:
    """Import the agency's training catalogue before any decision arrives."""
    data = catalogue_workbook(ctx.dataset.offerings, ctx.run_dir / "training-catalogue.xlsx")
    r = await ctx.client("training").post(
        "/v1/catalogue/import",
        content=data,
        headers={"Content-Type": XLSX, "Idempotency-Key": f"demo-catalogue-{ctx.dataset.seed}"},
    )
    if r.status_code >= 400:
        raise RuntimeError(f"training: catalogue import failed: {r.status_code} {r.text}")
    answer = r.json()
    ctx.progress(f"training: katalog {answer['imported']} pelatihan, {answer['sessions']} sesi diimpor")


async def _plans(client: httpx.AsyncClient, moved: set[str], ctx: DemoContext) -> list[dict[str, Any]]:
    """Waits until a current (not superseded) plan exists for every moved NIP (or the wait runs out)."""
    deadline = asyncio.get_running_loop().time() + WAIT_S
    while True:
        found: list[dict[str, Any]] = []
        offset = 0
        while True:
            r = await client.get("/v1/plans", params={"limit": 1000, "offset": offset})
            r.raise_for_status()
            page = r.json()
            found += [
                p for p in page["plans"] if p["nip"] in moved and p["kind"] == "move" and p["status"] != "superseded"
            ]
            offset += 1000
            if offset >= page["total"]:
                break
        if len({p["nip"] for p in found}) >= len(moved) or asyncio.get_running_loop().time() > deadline:
            ctx.progress(f"training: {len(found)} rencana pengembangan untuk {len(moved)} ASN yang dimutasi")
            return found
        await asyncio.sleep(1.0)


async def _complete(
    client: httpx.AsyncClient, plan: dict[str, Any], seed: int, gate: asyncio.Semaphore
) -> Counter[int]:
    """Completes most open items of one plan; returns how many per calendar year of completion."""
    done: Counter[int] = Counter()
    async with gate:
        for item in plan["items"]:
            if item["status"] != "planned" or random.Random(f"{seed}-{item['item_id']}").random() > COMPLETION_RATE:
                continue
            body = {"completed_on": item["ends_on"] or item["due_on"], "evidence_ref": f"SERT-{item['item_id']}"}
            url = f"/v1/plans/{plan['plan_id']}/items/{item['item_id']}/completion"
            r = await client.post(url, json=body, headers={"Idempotency-Key": f"demo-{item['item_id']}"})
            if r.status_code == 409 and _needs_a_session(r):
                continue  # a classroom item still "to be scheduled": nobody can have attended it yet
            if r.status_code >= 400:
                raise RuntimeError(f"training: completion {item['item_id']}: {r.status_code} {r.text}")
            done[int(body["completed_on"][:4])] += 1
    return done


def _needs_a_session(r: httpx.Response) -> bool:
    return any(e.get("field") == "session_id" for e in r.json().get("errors", []))


async def run(ctx: DemoContext) -> dict[str, Any]:
    client = ctx.client("training")
    moved = set(ctx.facts.get("moved", []))
    if not moved:
        ctx.progress("training: tidak ada ASN yang dimutasi; tidak ada rencana")
        return {"trained": 0, "plans": 0, "gap_coverage_pct": 0.0}
    plans = await _plans(client, moved, ctx)
    if not plans:
        raise RuntimeError("training: no plan arrived for the moved ASN (is mutation-decided flowing?)")
    gate = asyncio.Semaphore(PARALLEL)
    completed = await asyncio.gather(*(_complete(client, p, ctx.dataset.seed, gate) for p in plans))
    trained = sum(1 for n in completed if n)
    by_year = sum(completed, Counter[int]())
    # Evaluation learns of these completions from training-completed events; its evaluation step waits for them.
    ctx.facts["training_completed"] = by_year.total()
    ctx.progress(f"training: {by_year.total()} pelatihan selesai dicatat untuk {trained} ASN")
    year = by_year.most_common(1)[0][0] if by_year else ctx.dataset.today.year
    summary = (await client.get("/v1/summary", params={"year": year})).json()
    export = await client.get("/v1/exports/attendance.xlsx")
    if export.status_code == 200:
        (ctx.run_dir / "training-attendance.xlsx").write_bytes(export.content)
    mentors = sum(1 for p in plans if p.get("mentor_nip"))
    return {
        "trained": trained,
        "plans": len(plans),
        "gap_coverage_pct": round(100 * summary["gap_coverage"], 1),
        "completions": by_year.total(),
        "completion_rate_pct": round(100 * summary["completion_rate"], 1),
        "assigned_jp": summary["assigned_jp"],
        "with_mentor": mentors,
        "uncovered_gaps": summary["uncovered_gaps"],
        "uncovered_by_reason": summary["uncovered_by_reason"],
        "jp_year": year,
        "people_under_20_jp": summary["people_under_minimum"],
    }
