"""Demo step "evaluation": simulate the 3/6/12-month checkpoints of everyone moved, then fetch the report.

Outcomes are synthetic and reproducible (seeded by the dataset seed and the NIP); better-fitting moves tend
to do better, so the report's learning section has a signal to find.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx

from mutasi.cli.demo.context import DemoContext

SURVEY_ITEMS = (
    "role_clarity",
    "competence_fit",
    "supervisor_support",
    "training_usefulness",
    "motivation",
    "confidence",
    "intent_to_stay",
)
WAIT_S = 90.0
PARALLEL = 16


async def prepare(ctx: DemoContext) -> None:
    """Nothing to load: evaluation learns about moves from mutation-decided events."""


def _clamp(value: float, low: int = 1, high: int = 5) -> int:
    return max(low, min(high, round(value)))


def _rating(q: float) -> str:
    return "di_atas" if q > 1.0 else "sesuai" if q > -1.2 else "di_bawah"


@dataclass(frozen=True)
class FitScale:
    """Mean and spread of the round's fit scores, so "better fit" is relative to this round's moves."""

    mean: float
    sd: float

    @classmethod
    def of(cls, schedules: list[dict[str, Any]]) -> FitScale:
        fits = [s["baseline"].get("fit_score") or 0.0 for s in schedules]
        return cls(statistics.fmean(fits), statistics.pstdev(fits) or 1.0)


def simulate(schedule: dict[str, Any], months: int, seed: int, step: int, scale: FitScale) -> dict[str, Any]:
    """One checkpoint's form; quality rises with the decision's fit (z-score) plus a person effect and noise.
    Calibrated to roughly 23% Sangat Baik, 71% Baik and 6% below expectation at the last checkpoint."""
    rng = random.Random(f"{seed}-{schedule['nip']}-{months}")
    person = random.Random(f"{seed}-{schedule['nip']}").gauss(0, 0.5)
    fit = ((schedule["baseline"].get("fit_score") or scale.mean) - scale.mean) / scale.sd
    q = 0.6 * fit + person + 0.1 * step + 0.1 + rng.gauss(0, 0.45)
    gaps = sorted(schedule["baseline"].get("gaps") or {})
    checkpoint = next(c for c in schedule["checkpoints"] if c["months"] == months)
    form: dict[str, Any] = {
        "nip": schedule["nip"],
        "round_id": schedule["round_id"],
        "checkpoint_months": months,
        "recorded_on": checkpoint["due_on"],
        "period": f"{checkpoint['due_on'][:7]} ({months} bln)",
        "hasil_kerja": _rating(q + rng.gauss(0, 0.3)),
        "perilaku_kerja": _rating(q + 0.7 + rng.gauss(0, 0.3)),
        "review": {
            "scores": {
                k: _clamp(3.4 + 0.9 * q + rng.gauss(0, 0.5))
                for k in ("work_quality", "adaptation", "collaboration", "fit_to_post")
            },
            "recommendation": "continue" if q > -0.8 else "coaching" if q > -1.6 else "reconsider_placement",
            "competencies_lacking": gaps[:2] if q < -0.4 else [],
        },
    }
    if months == max(c["months"] for c in schedule["checkpoints"]):
        # Re-assessment after training: a few points up on average, more for moves that went well.
        base = schedule["baseline"].get("jpm_target") or schedule["baseline"].get("jpm") or 75.0
        jpm = base + 4.0 + 6.0 * q + rng.gauss(0, 3)
        form["jpm"] = round(max(30.0, min(120.0, jpm)), 1)
    if rng.random() < 0.85:
        form["survey"] = {"answers": {i: _clamp(3.6 + 0.7 * q + rng.gauss(0, 0.6)) for i in SURVEY_ITEMS}}
    return form


async def _schedules(client: httpx.AsyncClient, moved: set[str], ctx: DemoContext) -> list[dict[str, Any]]:
    """Waits until the evaluation service has a schedule for every moved NIP (or the wait runs out)."""
    deadline = asyncio.get_running_loop().time() + WAIT_S
    while True:
        r = await client.get("/v1/schedules")
        r.raise_for_status()
        found = [s for s in r.json() if s["nip"] in moved and not s["cancelled"]]
        if len({s["nip"] for s in found}) >= len(moved) or asyncio.get_running_loop().time() > deadline:
            ctx.progress(f"evaluation: {len(found)} jadwal untuk {len(moved)} ASN yang dimutasi")
            return found
        await asyncio.sleep(1.0)


async def _training_known(client: httpx.AsyncClient, round_id: str, ctx: DemoContext) -> None:
    """Waits until evaluation has taken in every training completion the training step recorded (or the wait runs
    out). The follow-up rule "gap still open after training" looks at the completions known when a checkpoint is
    recorded; recording before training-completed events arrive would give another (and run-dependent) result —
    a checkpoint comes months after the training in real life, seconds after it in the demo."""
    expected = int(ctx.facts.get("training_completed") or 0)
    if not expected:
        return
    deadline = asyncio.get_running_loop().time() + WAIT_S
    while True:
        r = await client.get(f"/v1/reports/{round_id}")
        known = r.json()["training"]["items_completed"] if r.status_code == 200 else 0
        if known >= expected or asyncio.get_running_loop().time() > deadline:
            ctx.progress(f"evaluation: {known} dari {expected} pelatihan selesai sudah diterima")
            return
        await asyncio.sleep(1.0)


async def _evaluate_person(
    client: httpx.AsyncClient, schedule: dict[str, Any], seed: int, scale: FitScale, gate: asyncio.Semaphore
) -> tuple[int, Counter[str]]:
    reasons: Counter[str] = Counter()
    count = 0
    async with gate:
        for step, checkpoint in enumerate(schedule["checkpoints"]):
            form = simulate(schedule, checkpoint["months"], seed, step, scale)
            key = f"demo-{schedule['decision_id']}-{checkpoint['months']}"
            r = await client.post("/v1/evaluations", json=form, headers={"Idempotency-Key": key})
            if r.status_code >= 400:
                raise RuntimeError(f"evaluation {key}: {r.status_code} {r.text}")
            count += 1
            reasons.update(f["reason"] for f in r.json()["follow_ups"])
    return count, reasons


async def run(ctx: DemoContext) -> dict[str, Any]:
    client = ctx.client("evaluation")
    moved = set(ctx.facts.get("moved", []))
    if not moved:
        ctx.progress("evaluation: tidak ada ASN yang dimutasi; tidak ada yang dievaluasi")
        return {"evaluated": 0, "follow_ups": 0, "report": None}
    schedules = await _schedules(client, moved, ctx)
    if not schedules:
        raise RuntimeError("evaluation: no schedule arrived for the moved ASN (is mutation-decided flowing?)")
    round_id = ctx.facts.get("placement_round") or Counter(s["round_id"] for s in schedules).most_common(1)[0][0]
    await _training_known(client, round_id, ctx)
    gate = asyncio.Semaphore(PARALLEL)
    scale = FitScale.of(schedules)
    results = await asyncio.gather(*(_evaluate_person(client, s, ctx.dataset.seed, scale, gate) for s in schedules))
    reasons = sum((r for _, r in results), Counter[str]())
    ctx.progress(f"evaluation: {sum(n for n, _ in results)} checkpoint dicatat; tindak lanjut {dict(reasons)}")
    # The simulated checkpoints lie in the future; report as of the last one so the page reads consistently.
    as_of = {"as_of": max(c["due_on"] for s in schedules for c in s["checkpoints"])}
    report = (await client.get(f"/v1/reports/{round_id}", params=as_of)).raise_for_status().json()
    html_path = ctx.run_dir / "laporan-evaluasi.html"
    html = (await client.get(f"/v1/reports/{round_id}/html", params=as_of)).raise_for_status().text
    html_path.write_text(html, "utf-8")
    xlsx_path = ctx.run_dir / "laporan-evaluasi.xlsx"
    xlsx = (await client.get(f"/v1/reports/{round_id}/xlsx", params=as_of)).raise_for_status().content
    xlsx_path.write_bytes(xlsx)
    (ctx.run_dir / "laporan-evaluasi.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), "utf-8")
    ctx.progress(f"evaluation: laporan {html_path}")
    perf = report["performance"]
    return {
        "evaluated": report["evaluated"],
        "evaluations": report["evaluations"],
        "follow_ups": sum(report["follow_ups"].values()),
        "follow_ups_by_reason": report["follow_ups"],
        "mean_change": perf["mean_change"],
        "survey_response_rate": report["survey_response_rate"],
        "missing_schedules": len(moved) - len({s["nip"] for s in schedules}),
        "report": str(html_path),
        "xlsx": str(xlsx_path),
    }
