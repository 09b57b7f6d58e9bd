"""`placement.service_round`: a province round's use cases through placement's service layer on SecantusDB.

The province BKD's round across the regencies and cities (19 agencies; at full size ~100,000 people and ~15,000
posts), driven through the use cases the HTTP routes call — announce, preferences, close, plan, two approvals,
decide — without Kafka or HTTP, so that each use case's own cost is visible: seconds per use case and, inside plan
and decide, per step (store calls, loading the pool, building the problem, the exact solve, the greedy baseline,
the plan entries, the explanations). Steps are timed by wrapping the functions the use cases call; nothing else
changes.

Run alone: `python -m bench.placement_service [people ...]` (default 10,000); in `make bench` with
`BENCH_SERVICE_PEOPLE` (default 10000; the province size is 117000, of which the round covers everyone outside the
province government's own agency).
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np

from bench.procstat import cpu_seconds

PEOPLE = int(os.environ.get("BENCH_SERVICE_PEOPLE", "10000"))
FULL_PEOPLE, FULL_POSTS = 117_000, 15_000
PREFERRING = float(os.environ.get("BENCH_SERVICE_PREFERRING", "0.3"))  # share of people who rank posts (bench-round: 0)
MAX_OUTFLOW_PCT = os.environ.get("BENCH_SERVICE_MAX_OUTFLOW_PCT", "")  # "" = the service default (30%)


def agency_names() -> list[str]:
    """The 20 governments of the province; index 0 is the province government (not in the BKD's round)."""
    from bench.province import WEIGHTS
    from mutasi.cli.idp.users import PROVINCE_AGENCY

    return [PROVINCE_AGENCY, *sorted(a for a in WEIGHTS if a != PROVINCE_AGENCY)]


def province_pool(people: int, seed: int = 2026) -> tuple[list[Any], list[dict[str, Any]], dict[str, Any], list[str]]:
    """bench_placement's synthetic province as placement stores it: posts, pool documents (the snapshots the
    assessment-completed consumer keeps), preferences (a `PREFERRING` share of people ranks up to five posts of
    their agency with a seat) and the agencies of the round."""
    from bench.bench_placement import CODES, FIELDS, synthetic_province
    from bench.handler_rig import valid_nip
    from mutasi.placement.domain.options import Preference
    from mutasi.placement.domain.posts import Post
    from mutasi.placement.domain.ranks import GOLONGAN, MANAGERIAL_CODES, POST_TYPES

    posts_n = max(50, round(people * FULL_POSTS / FULL_PEOPLE))
    arr = synthetic_province(seed, people, posts_n)
    names = agency_names()
    codes = [*MANAGERIAL_CODES, "perekat_bangsa", "teknis_umum"][:CODES]
    edu = {5: "D3", 6: "S1", 7: "S2"}
    field = [f"bidang_{k:02d}" for k in range(FIELDS)]
    unit = [f"u{u % 30:02d}" for u in range(arr.n_units)]
    posts: list[Post] = []
    for j in range(arr.n_posts):
        ptype = POST_TYPES[int(arr.p_type[j])]
        mask = int(arr.field_mask[j])
        seats = int(arr.seats[j])
        posts.append(Post(
            post_id=f"P{j:05d}", agency_id=names[int(arr.p_agency[j])], unit_id=unit[int(arr.p_unit[j])],
            unit_name=f"Unit {int(arr.p_unit[j]) % 30}", name=f"Jabatan {j}", post_type=ptype,
            eselon="IV.a" if ptype == "pengawas" else ("III.a" if ptype == "administrator" else None),
            field=field[j % FIELDS], golongan_min=GOLONGAN[int(arr.gmin[j])], golongan_max=GOLONGAN[int(arr.gmax[j])],
            education_levels=() if arr.edu_min[j] < 0 else (edu[int(arr.edu_min[j])],),
            education_fields=tuple(field[k] for k in range(FIELDS) if mask >> k & 1),
            kebutuhan=float(seats), bezetting=int(arr.bezetting[j]),
            standard={c: int(arr.standard[j, k]) for k, c in enumerate(codes)},
            fields_mandatory=bool(arr.field_required[j]),
        ))  # fmt: skip
    on = date.fromordinal(int(arr.as_of[0]))
    docs: list[dict[str, Any]] = []
    for i in range(arr.n_people):
        j = int(arr.post[i])
        p = posts[j]
        until = int(arr.discipline_until[i])
        docs.append({
            "agency_id": p.agency_id, "nip": valid_nip(i), "name": f"Pegawai {i}",
            "employee_type": "PNS" if arr.kind[i] == 0 else "PPPK", "golongan": GOLONGAN[int(arr.golongan[i])],
            "post_id": p.post_id, "post_type": p.post_type, "unit_id": p.unit_id,
            "current_post": {"post_id": p.post_id, "post_name": p.name, "unit_id": p.unit_id,
                             "unit_name": p.unit_name, "post_type": p.post_type},
            "months_in_post": int(arr.months_in_post[i]), "as_of": on.isoformat(),
            "tmt_pns": date.fromordinal(int(arr.tmt_pns[i])).isoformat() if arr.tmt_pns[i] > 0 else None,
            "education_level": edu[int(arr.education[i])], "education_field": field[int(arr.field[i])],
            "years_to_bup": float(arr.years_to_bup[i]),
            "predicates": [[2025, "Baik" if arr.perf_pass[i, 0] else "Kurang"],
                           [2024, "Baik" if arr.perf_pass[i, 1] else "Kurang"]],
            "competencies": {c: int(arr.levels[i, k]) for k, c in enumerate(codes)},
            "talent_box": int(arr.box[i]), "jpm_current": float(arr.jpm_current[i]), "jpm_category": "Optimal",
            "box_recommendation": "", "discipline_active": until > 0,
            "discipline_until": date.fromordinal(until).isoformat() if until > 0 else None,
            "on_study_leave": bool(arr.study_leave[i]), "on_cltn": bool(arr.cltn[i]),
            "in_court_process": bool(arr.in_court[i]), "audit_finding_open": bool(arr.audit_open[i]),
            "assessment_id": f"as-{i}", "valid_until": (on + timedelta(days=1000)).isoformat(), "follow_up": None,
        })  # fmt: skip
    round_agencies = sorted(names[1:])
    rng = np.random.default_rng(seed + 1)
    by_agency: dict[str, list[str]] = defaultdict(list)
    for p in posts:
        if p.seats > 0:
            by_agency[p.agency_id].append(f"{p.agency_id}:{p.post_id}")
    prefs: dict[str, Any] = {}
    for d in docs:
        choices = by_agency[d["agency_id"]]
        if d["agency_id"] in round_agencies and choices and rng.random() < PREFERRING:
            k = int(rng.integers(1, 6))
            ranked = tuple(dict.fromkeys(choices[int(x)] for x in rng.integers(0, len(choices), k)))
            prefs[d["nip"]] = Preference(d["nip"], ranked)
    return posts, docs, prefs, round_agencies


class Steps:
    """Seconds per named step, summed over calls (nested steps are counted in each)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        if asyncio.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return await fn(*args, **kwargs)
                finally:
                    self.seconds[name] += time.perf_counter() - started
                    self.calls[name] += 1

            return timed_async

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started
                self.calls[name] += 1

        return timed

    def take(self) -> dict[str, float]:
        out = {k: round(v, 3) for k, v in sorted(self.seconds.items())}
        self.seconds.clear()
        self.calls.clear()
        return out


class TimedStore:
    """The store with every call timed as `store.<name>`."""

    def __init__(self, store: Any, steps: Steps) -> None:
        self._store, self._steps = store, steps

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._store, name)
        return self._steps.wrap(f"store.{name}", value) if callable(value) else value


@contextmanager
def timed_steps(steps: Steps) -> Iterator[None]:
    """Wrap the functions the plan and decide use cases call (where they look them up)."""
    from mutasi.placement.service_layer import planning, plans, rounds, shared, views

    targets = [
        (plans, "load_pool", "load_pool"), (rounds, "load_pool", "load_pool"),
        (planning, "greedy_plan", "greedy"), (planning, "greedy_baseline", "greedy"), (plans, "to_plan", "entries"),
        (plans, "explain_person", "explanations"), (plans, "explanations", "explanations"),
        (plans, "explanation_doc", "explanation_docs"),
        (plans, "post_names", "explanations"), (rounds, "emit_decisions", "emit_decisions"),
        (views, "reason_summary", "reason_summaries"), (shared, "emit_decisions", "emit_decisions"),
    ]  # fmt: skip
    with ExitStack() as stack:
        for module, attr, name in targets:
            if hasattr(module, attr):
                stack.enter_context(mock.patch.object(module, attr, steps.wrap(name, getattr(module, attr))))
        yield


async def service_round(mongo_uri: str, people: int) -> dict[str, Any]:
    """One province round through the use cases; seconds per use case and per step."""
    from bench.handler_rig import database_settings, started
    from mutasi.chassis.auth import Caller
    from mutasi.placement.adapters import repositories
    from mutasi.placement.bootstrap import create_app
    from mutasi.placement.service_layer import plans, rounds
    from mutasi.placement.service_layer.deps import Deps
    from mutasi.placement.service_layer.pool import PlanOptions
    from mutasi.placement.settings import PlacementSettings
    from tests.support.service import seal_keys

    t0 = time.perf_counter()
    posts, docs, prefs, agencies = province_pool(people)
    generated = time.perf_counter() - t0
    cap = {"max_outflow_pct": float(MAX_OUTFLOW_PCT)} if MAX_OUTFLOW_PCT else {}
    settings = PlacementSettings(**database_settings(mongo_uri), agencies=agency_names(),
                                 seal_private_keys=seal_keys()[0], **cap)  # fmt: skip
    kit = create_app(settings).state.kit
    await started(kit)
    steps = Steps()
    out: dict[str, Any] = {"generate_seconds": round(generated, 3)}
    try:
        deps = replace(kit.deps(Deps), store=TimedStore(repositories, steps))
        solver = deps.solver
        deps = replace(deps, solver=_TimedSolver(solver, steps), builder=steps.wrap("build", deps.builder))
        t0 = time.perf_counter()
        async with kit.uow() as uow:
            await repositories.save_posts(uow, posts)
            await uow.commit()
        for k in range(0, len(docs), 1000):  # a transaction's writes are bounded (SecantusDB: ~7.5 % of its cache)
            async with kit.uow() as uow:
                await repositories.save_candidates(uow, docs[k : k + 1000])
                await uow.commit()
        out["seed_seconds"] = round(time.perf_counter() - t0, 3)
        province = Caller("sumbar", "bkd", "province", None, frozenset({"province"}), frozenset(agencies))
        approvers = [Caller("sumbar", u, "approver", None, frozenset({"approver"})) for u in ("andi", "beni")]
        today = datetime.now(UTC).date()
        with timed_steps(steps):
            cmd = rounds.AnnounceRound("Mutasi Provinsi", "2026-II", today + timedelta(days=7),
                                       today + timedelta(days=30), agencies=tuple(agencies))  # fmt: skip
            announced = await _use_case(out, steps, "announce", rounds.announce(deps, province, cmd, None))
            round_id = announced["round_id"]
            t0 = time.perf_counter()
            ranked = list(prefs.values())
            for k in range(0, len(ranked), 5000):  # as people file them: many small transactions
                async with kit.uow() as uow:
                    r = await repositories.get_round_part(uow, "sumbar", round_id, None)
                    for pref in ranked[k : k + 5000]:
                        r.submit_preference(pref, today, frozenset(pref.ranked))
                    await repositories.save_round(uow, r)
                    await uow.commit()
            out["preferences_seconds"] = round(time.perf_counter() - t0, 3)
            await _use_case(out, steps, "close", rounds.close(deps, province, round_id))
            planned = await _use_case(out, steps, "plan", plans.plan(deps, province, round_id, PlanOptions()))
            out["plan_bytes"] = await _bytes(kit, ("round_plan_entries", "round_plan_entry_buckets",
                                                   "explanation_buckets", "rounds", "decision_log"))  # fmt: skip
            for who in approvers:
                await _use_case(out, steps, f"approve_{who.user}", rounds.approve(deps, who, round_id))
            decided = await _use_case(out, steps, "decide", rounds.decide(deps, province, round_id))
        out.update(
            people=int(announced["notices"]), posts=len(posts), agencies=len(agencies), preferences=len(prefs),
            method=getattr(solver, "last_method", ""), moves=len(decided["decisions"]),
            total_fit=planned.get("total_fit"), greedy_total_fit=planned.get("greedy_total_fit"),
            eligible_pairs=planned.get("eligible_pairs"),
        )  # fmt: skip
        return out
    finally:
        await kit.stop(stop_broker=False)


async def _bytes(kit: Any, collections: tuple[str, ...]) -> dict[str, int]:
    """BSON bytes each collection holds (what a plan writes in its one transaction)."""
    import bson

    out = {}
    for name in collections:
        docs = await kit.database().raw(name).find({})
        if docs:
            out[name] = sum(len(bson.encode(d)) for d in docs)
    return out


class _TimedSolver:
    def __init__(self, solver: Any, steps: Steps) -> None:
        self._solver, self.solve = solver, steps.wrap("solve", solver.solve)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._solver, name)


PROFILE = os.environ.get("BENCH_SERVICE_PROFILE", "")  # e.g. "plan,decide": cProfile of the event loop's thread


def _database_pid() -> int | None:
    """The SecantusDB this process started (its CPU is the database's share of a use case)."""
    for task in Path("/proc/self/task").iterdir():
        for pid in (task / "children").read_text().split():
            if b"secantus" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return int(pid)
    return None


async def _use_case(out: dict[str, Any], steps: Steps, name: str, call: Any) -> Any:
    steps.take()
    db_pid = _database_pid()
    cpu, db_cpu = time.process_time(), cpu_seconds(db_pid)
    profile = None
    if name in PROFILE.split(","):
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    started = time.perf_counter()
    result = await call
    if profile is not None:
        import io
        import pstats

        profile.disable()
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(30)
        sys.stderr.write(text.getvalue())
    out[f"{name}_seconds"] = round(time.perf_counter() - started, 3)
    out[f"{name}_cpu_seconds"] = round(time.process_time() - cpu, 3)  # this process, every thread
    out[f"{name}_db_cpu_seconds"] = round(cpu_seconds(db_pid) - db_cpu, 3)
    out[f"{name}_steps"] = steps.take()
    out[f"{name}_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # so far
    cpu_s, db_s, rss = out[f"{name}_cpu_seconds"], out[f"{name}_db_cpu_seconds"], out[f"{name}_peak_rss_mb"]
    sys.stderr.write(f"placement.service_round {name}: {out[f'{name}_seconds']} s (CPU {cpu_s} s, database CPU "
                     f"{db_s} s), peak RSS so far {rss} MB {out[f'{name}_steps']}\n")  # fmt: skip
    return result


def run_service(sizes: list[int] | None = None) -> list[dict[str, Any]]:
    """`placement.service_round` records: per size, one record per use case with its steps."""
    from bench.handler_rig import secantus

    out = []
    for people in sizes or [PEOPLE]:
        with secantus() as uri:
            result = asyncio.run(service_round(uri, people))
        base = {"bench": "placement.service_round", "people_generated": people, "people": result["people"],
                "posts": result["posts"], "agencies": result["agencies"], "preferences": result["preferences"],
                "method": result["method"], "moves": result["moves"], "eligible_pairs": result["eligible_pairs"],
                "total_fit": result["total_fit"], "greedy_total_fit": result["greedy_total_fit"],
                "cores": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}  # fmt: skip
        out.append({**base, "metric": "plan_bytes", "value": sum(result["plan_bytes"].values()), "unit": "B",
                    "collections": result["plan_bytes"]})  # fmt: skip
        for stage in ("generate", "seed", "announce", "preferences", "close", "plan", "approve_andi", "approve_beni",
                      "decide"):  # fmt: skip
            out.append({**base, "metric": f"{stage}_seconds", "value": result[f"{stage}_seconds"], "unit": "s",
                        "steps": result.get(f"{stage}_steps", {}), "cpu_seconds": result.get(f"{stage}_cpu_seconds"),
                        "db_cpu_seconds": result.get(f"{stage}_db_cpu_seconds")})  # fmt: skip
    return out


if __name__ == "__main__":
    for record in run_service([int(a) for a in sys.argv[1:]] or None):
        print(json.dumps(record), flush=True)
