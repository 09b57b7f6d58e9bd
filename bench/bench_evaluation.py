"""Benchmark: the programme report (with weight learning) and its HTML/XLSX renderings for a province round."""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from mutasi.evaluation.adapters import html_report, xlsx_report
from mutasi.evaluation.domain.followup import FollowUpRules, RuleContext, recommend_follow_ups
from mutasi.evaluation.domain.performance import Predicate
from mutasi.evaluation.domain.recording import SURVEY_ITEMS, RecordEvaluation, register, validate_evaluation
from mutasi.evaluation.domain.report import build_report
from mutasi.evaluation.domain.schedule import Baseline, CheckpointPolicy, MoveDecided, PeriodPredicate, apply_decision

MOVED = 10_000  # one province-wide round; about 9% of Sumatera Barat's 117,000 ASN (docs/domain.md#scale)
RATINGS = ("di_atas", "sesuai", "sesuai", "di_bawah")
POST_TYPES = ("pelaksana", "fungsional", "pengawas", "administrator")
POLICY = CheckpointPolicy()


def round_of(moved: int) -> dict[str, Any]:
    rng = random.Random(11)
    schedules, evaluations, follow_ups = [], [], []
    for i in range(moved):
        parts = {"jpm": rng.uniform(20, 45), "education": rng.uniform(0, 25), "preference": rng.uniform(0, 15)}
        decision = MoveDecided(
            f"d{i}", "sumbar", "r1", f"{i:018d}", date(2026, 1 + i % 12, 1 + i % 28), "u0", f"u{i % 60}",
            f"p{i}", POST_TYPES[i % 4], Baseline((PeriodPredicate("2025", Predicate.BAIK),), 75.0,
                                                 sum(parts.values()), parts),
        )  # fmt: skip
        s, _ = apply_decision(None, decision, POLICY)
        for c in s.checkpoints:
            cmd = RecordEvaluation(
                s.nip, c.months, c.due_on, "p", rng.choice(RATINGS), rng.choice(RATINGS),
                review_scores={k: rng.randint(2, 5) for k in ("work_quality", "adaptation", "collaboration",
                                                               "fit_to_post")},
                review_recommendation="continue", survey_answers={k: rng.randint(1, 5) for k in SURVEY_ITEMS},
            )  # fmt: skip
            ev = validate_evaluation(cmd, s, POLICY, "sumbar")
            follow_ups.extend(recommend_follow_ups(RuleContext(ev, s, (), None, FollowUpRules())))
            s, _ = register(s, ev, None)
            evaluations.append(ev)
        schedules.append(s)
    return {"schedules": schedules, "evaluations": evaluations, "follow_ups": follow_ups}


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def run(moved: int = MOVED, repeats: int = 3) -> list[dict[str, Any]]:
    data = round_of(moved)
    seconds, report = timed(
        lambda: build_report(agency_id="sumbar", round_id="r1", as_of=date(2027, 12, 31), training={}, **data),
        repeats,
    )
    html_s, _ = timed(lambda: html_report.render(report), 1)
    xlsx_s, _ = timed(lambda: xlsx_report.render(report), 1)
    n = len(data["evaluations"])
    return [
        {"bench": "evaluation.build_report", "metric": "seconds_median", "value": round(seconds, 3), "unit": "s",
         "n": n, "people": moved, "runs": repeats},
        {"bench": "evaluation.render_html", "metric": "seconds", "value": round(html_s, 3), "unit": "s", "n": n},
        {"bench": "evaluation.render_xlsx", "metric": "seconds", "value": round(xlsx_s, 3), "unit": "s", "n": n},
        *run_handler(),
    ]  # fmt: skip


if __name__ == "__main__":
    for record in run(int(sys.argv[1]) if len(sys.argv) > 1 else MOVED):
        print(json.dumps(record))


# ---- the consumers on a real database -------------------------------------------------------------------------

HANDLER_EVENTS = 2_000


def consumed_payloads(n: int) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    """`n` decisions (one per person, 60 units) and the training plan of each, as payloads."""
    from bench.handler_rig import valid_nip
    from mutasi.contracts import topics
    from mutasi.contracts.examples import PAYLOADS

    decided, assigned = PAYLOADS[topics.MUTATION_DECIDED.name], PAYLOADS[topics.TRAINING_ASSIGNED.name]
    decisions, plans = [], []
    for i in range(n):
        nip = valid_nip(i)
        to_post = decided.to_post.model_copy(update={"unit_id": f"u{i % 60}", "post_id": f"p{i}"})
        decisions.append((nip, decided.model_copy(update={"decision_id": f"d{i}", "nip": nip, "to_post": to_post})))
        plans.append((nip, assigned.model_copy(update={"plan_id": f"pl{i}", "nip": nip, "decision_id": f"d{i}"})))
    return decisions, plans


async def handler_rates(mongo_uri: str, n: int) -> tuple[float, float]:
    """Events per second through evaluation's mutation-decided and training-assigned handlers (batches of 500)."""
    from bench.handler_rig import consume_rate, database_settings, records, started
    from mutasi.contracts import topics
    from mutasi.evaluation.bootstrap import create_app
    from mutasi.evaluation.entrypoints.dependencies import Deps
    from mutasi.evaluation.entrypoints.subscribers import Subscribers
    from mutasi.evaluation.settings import EvaluationSettings

    settings = EvaluationSettings(**database_settings(mongo_uri), agencies=["sumbar"], metrics_refresh_s=0)
    kit = create_app(settings).state.kit
    await started(kit)
    try:
        subscribers = Subscribers(kit.deps(Deps).service)
        decisions, plans = consumed_payloads(n)
        on_decided, on_assigned = subscribers.on_mutation_decided_batch, subscribers.on_training_assigned_batch
        decided = await consume_rate(
            kit, topics.MUTATION_DECIDED, on_decided, records(topics.MUTATION_DECIDED, decisions, "sumbar")
        )
        assigned = await consume_rate(
            kit, topics.TRAINING_ASSIGNED, on_assigned, records(topics.TRAINING_ASSIGNED, plans, "sumbar")
        )
        return decided, assigned
    finally:
        await kit.stop(stop_broker=False)


def run_handler(n: int = HANDLER_EVENTS, repeats: int = 3) -> list[dict[str, Any]]:
    """`evaluation.consume_*`: each handler's events/s on SecantusDB, median of `repeats` fresh databases."""
    import asyncio

    from bench.handler_rig import median_record, secantus

    with secantus() as uri:
        runs = [asyncio.run(handler_rates(uri, n)) for _ in range(repeats)]
    return [
        median_record("evaluation.consume_decisions", [d for d, _ in runs], n=n, batch=500, handler="mutation-decided"),
        median_record("evaluation.consume_training", [a for _, a in runs], n=n, batch=500, handler="training-assigned"),
    ]
