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
    ]  # fmt: skip


if __name__ == "__main__":
    for record in run(int(sys.argv[1]) if len(sys.argv) > 1 else MOVED):
        print(json.dumps(record))
