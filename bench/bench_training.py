"""Benchmark: development plans for 10,000 moves at once (workshop, exact covering per person, seats, mentors)."""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from mutasi.training.adapters.cpsat_coverer import CpSatCoverer
from mutasi.training.domain.catalogue import Catalogue, Offering, OfferingKind, Session
from mutasi.training.domain.competency import MANAGERIAL, SOCIO_CULTURAL
from mutasi.training.domain.covering import Coverer, GreedyCoverer, MemoCoverer
from mutasi.training.domain.mentor import Colleague, MentorMatch
from mutasi.training.domain.plan import Move
from mutasi.training.domain.planning import Planner, SeatBook
from mutasi.training.domain.record import plan_round
from mutasi.training.domain.rules import TrainingRules

MOVES = 10_000
UNITS = 40
TECHNICAL = tuple(f"tek_bidang_{i:02d}" for i in range(24))
START = date(2027, 1, 4)


def catalogue(rng: random.Random) -> Catalogue:
    """~90 offerings: workshops, one or two per managerial/socio competency, three per technical field."""
    offerings = [
        Offering(
            f"MP-{i}",
            "Manajemen Perubahan",
            OfferingKind.CHANGE_MANAGEMENT,
            {"mengelola_perubahan": 1},
            24,
            "BPSDM",
            1_000_000,
            sessions(f"MP-{i}", 12, 60, rng),
        )
        for i in range(3)
    ]
    for code in (*MANAGERIAL, *SOCIO_CULTURAL):
        offerings.append(
            Offering(
                f"M-{code}",
                code,
                OfferingKind.MANAGERIAL,
                {code: 1},
                16,
                "BPSDM",
                1_500_000,
                sessions(f"M-{code}", 6, 40, rng),
            )
        )
        offerings.append(Offering(f"E-{code}", code, OfferingKind.E_LEARNING, {code: 1}, 8, "LAN", 300_000))
    for i, code in enumerate(TECHNICAL):
        pair = TECHNICAL[(i + 1) % len(TECHNICAL)]
        offerings += [
            Offering(
                f"T1-{code}",
                code,
                OfferingKind.TECHNICAL,
                {code: 1},
                24,
                "Dinas",
                3_000_000,
                sessions(f"T1-{code}", 4, 30, rng),
            ),
            Offering(
                f"T2-{code}",
                code,
                OfferingKind.TECHNICAL,
                {code: 2},
                40,
                "Dinas",
                6_500_000,
                sessions(f"T2-{code}", 3, 25, rng),
            ),
            Offering(
                f"TX-{code}",
                code,
                OfferingKind.BIMTEK,
                {code: 1, pair: 1},
                32,
                "Dinas",
                4_000_000,
                sessions(f"TX-{code}", 3, 25, rng),
            ),
        ]
    return Catalogue.of(offerings)


def sessions(prefix: str, count: int, capacity: int, rng: random.Random) -> tuple[Session, ...]:
    out = []
    for n in range(count):
        start = START + timedelta(days=rng.randrange(0, 300))
        out.append(Session(f"{prefix}-s{n}", start, start + timedelta(days=2), capacity))
    return tuple(out)


def moves(n: int, rng: random.Random) -> list[Move]:
    out = []
    for i in range(n):
        unit = f"u{rng.randrange(UNITS)}"
        required = rng.choice((1, 2, 2, 3, 3, 4))
        fields = rng.sample(TECHNICAL, 2)
        standard = {c: required for c in (*MANAGERIAL, *SOCIO_CULTURAL)} | {f: rng.choice((2, 3)) for f in fields}
        levels = {c: max(1, min(5, v + rng.choice((-1, 0, 0, 0, 1)))) for c, v in standard.items()}
        levels[fields[0]] = max(0, levels[fields[0]] - rng.choice((0, 1, 2)))
        out.append(
            Move(
                f"dec-{i}",
                "sumbar",
                f"{198001010000000000 + i}",
                f"Pegawai {i}",
                f"post-{i}",
                "Jabatan",
                unit,
                START,
                datetime(2026, 12, 1) + timedelta(seconds=i),
                levels,
                standard,
                post_rank=rng.choice((1, 1, 2, 3)),
            )
        )
    return out


def colleagues(rng: random.Random) -> dict[str, list[Colleague]]:
    by_unit: dict[str, list[Colleague]] = {}
    for i in range(UNITS * 50):
        unit = f"u{i % UNITS}"
        levels = {c: rng.randint(2, 5) for c in (*MANAGERIAL, *SOCIO_CULTURAL, *rng.sample(TECHNICAL, 3))}
        by_unit.setdefault(unit, []).append(
            Colleague(f"m{i}", f"Mentor {i}", unit, f"mp-{i}", levels, None, rng.randint(1, 4))
        )
    return by_unit


def plan_once(coverer: Coverer, n: int, seed: int = 7) -> tuple[float, dict[str, Any]]:
    rng = random.Random(seed)
    planner = Planner(catalogue(rng), SeatBook(), coverer, TrainingRules())
    the_moves, people = moves(n, rng), colleagues(rng)
    started = time.perf_counter()
    results = plan_round({}, the_moves, planner, people, {})
    elapsed = time.perf_counter() - started
    plans = [r.plan for r in results if r.plan is not None]
    gaps = sum(len(p.gaps) for p in plans)
    closed = sum(len(p.closed) for p in plans)
    return elapsed, {
        "plans": len(plans),
        "gap_coverage": round(closed / gaps, 4) if gaps else 1.0,
        "uncovered": sum(len(p.uncovered) for p in plans),
        "with_mentor": sum(isinstance(p.mentor, MentorMatch) for p in plans),
        "optimal_share": round(sum(p.optimal for p in plans) / len(plans), 4),
        "jp_mean": round(statistics.mean(p.jp_planned for p in plans), 1),
    }


def run(n: int = MOVES, repeats: int = 3) -> list[dict[str, Any]]:
    """Median seconds over `repeats` for the exact (CP-SAT, memoised) planner, one run for greedy and unmemoised."""
    records: list[dict[str, Any]] = []
    exact = [plan_once(MemoCoverer(CpSatCoverer()), n) for _ in range(repeats)]
    seconds = statistics.median(t for t, _ in exact)
    records.append(
        {
            "bench": "training.plan_10000_moves",
            "metric": "seconds_median",
            "value": round(seconds, 2),
            "unit": "s",
            "n": n,
            "runs": repeats,
            "optimiser": "cpsat+memo",
            **exact[0][1],
        }
    )
    records.append(
        {
            "bench": "training.plan_10000_moves",
            "metric": "moves_per_second",
            "value": round(n / seconds),
            "unit": "moves/s",
            "n": n,
            "optimiser": "cpsat+memo",
        }
    )
    raw_t, raw = plan_once(CpSatCoverer(), n)
    records.append(
        {
            "bench": "training.plan_10000_moves",
            "metric": "seconds",
            "value": round(raw_t, 2),
            "unit": "s",
            "n": n,
            "runs": 1,
            "optimiser": "cpsat",
            **raw,
        }
    )
    greedy_t, greedy = plan_once(GreedyCoverer(), n)
    records.append(
        {
            "bench": "training.plan_10000_moves",
            "metric": "seconds",
            "value": round(greedy_t, 2),
            "unit": "s",
            "n": n,
            "runs": 1,
            "optimiser": "greedy",
            **greedy,
        }
    )
    return records + run_handler()


if __name__ == "__main__":
    for record in run(int(sys.argv[1]) if len(sys.argv) > 1 else MOVES):
        print(json.dumps(record))


# ---- the mutation-decided handler on a real database ----------------------------------------------------------

HANDLER_DECISIONS = 2_000


def decided_payloads(n: int, seed: int = 7) -> tuple[Catalogue, list[Any], list[tuple[str, Any]]]:
    """The catalogue, the colleagues (possible mentors) and `n` decisions as `mutation-decided` payloads."""
    from bench.handler_rig import valid_nip
    from mutasi.contracts import topics
    from mutasi.contracts.common import PostRef
    from mutasi.contracts.examples import PAYLOADS

    rng = random.Random(seed)
    book, the_moves, people = catalogue(rng), moves(n, rng), colleagues(rng)
    base = PAYLOADS[topics.MUTATION_DECIDED.name]
    payloads = []
    for m in the_moves:
        to_post = PostRef(
            post_id=m.target_post_id, post_name=m.target_post_name, unit_id=m.target_unit_id,
            unit_name=m.target_unit_id, post_type=("pelaksana", "fungsional", "administrator")[(m.post_rank or 1) - 1],
        )  # fmt: skip
        nip = valid_nip(int(m.decision_id.removeprefix("dec-")))
        payload = base.model_copy(
            update={
                "decision_id": m.decision_id,
                "nip": nip,
                "name": m.name,
                "to_post": to_post,
                "competencies": dict(m.levels),
                "target_standard": dict(m.standard),
            }
        )
        payloads.append((nip, payload))
    mentors = [replace(c, nip=valid_nip(500_000 + i)) for i, c in enumerate(c for u in people.values() for c in u)]
    return book, mentors, payloads


async def handler_rate(mongo_uri: str, n: int) -> float:
    """Decisions per second through training's mutation-decided handler, batches of 500, one fresh database."""
    from datetime import UTC

    from bench.handler_rig import consume_rate as rate
    from bench.handler_rig import database_settings, records, started
    from mutasi.contracts import topics
    from mutasi.training.adapters.repository import TrainingRepository, save_colleagues
    from mutasi.training.bootstrap import create_app
    from mutasi.training.entrypoints.dependencies import Deps
    from mutasi.training.entrypoints.subscribers import Subscribers
    from mutasi.training.settings import TrainingSettings

    settings = TrainingSettings(**database_settings(mongo_uri), agencies=["sumbar"], metrics_refresh_s=0)
    kit = create_app(settings).state.kit
    await started(kit)
    try:
        book, people, payloads = decided_payloads(n)
        async with kit.uow() as uow:
            await TrainingRepository(uow, "sumbar").save_offerings(book.offerings.values())
            mentors = [("sumbar", c, datetime(2026, 1, 1, tzinfo=UTC)) for c in people]
            await save_colleagues(uow, mentors, settle_from=1)  # in their units now, not in the timed decisions
            await uow.commit()
        deps = kit.deps(Deps)
        subscribers = Subscribers(deps.service, deps.metrics)
        handler = subscribers.on_mutation_decided_batch
        return await rate(kit, topics.MUTATION_DECIDED, handler, records(topics.MUTATION_DECIDED, payloads, "sumbar"))
    finally:
        await kit.stop(stop_broker=False)


def run_handler(n: int = HANDLER_DECISIONS, repeats: int = 3) -> list[dict[str, Any]]:
    """`training.consume_decisions`: the handler's decisions/s on SecantusDB, median of `repeats` fresh databases."""
    import asyncio

    from bench.handler_rig import median_record, secantus

    with secantus() as uri:
        rates = [asyncio.run(handler_rate(uri, n)) for _ in range(repeats)]
    return [median_record("training.consume_decisions", rates, n=n, batch=500, handler="mutation-decided")]
