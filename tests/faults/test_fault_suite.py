"""The fault suite: one seeded round with every service killed (-9) mid-stream in turn and the database stopped and
restarted mid-round, against a clean run of the same seed on a second stack: nothing lost, nothing done twice.

Both rounds run at once, each on its own local stack. The faulted round's faults fire in programme order when
their moment comes (counted in the databases), one at a time; each is restarted at once and timed until ready.
The table (case → lost / duplicated / time to recover, and each kind of effect) is printed and written to
out/fault-suite.txt and out/fault-suite.json. Effects that depend on arrival order (training seats) are shown and
checked through their flows, not key by key (see harness.Effects and docs/faults.md). About 7 minutes on the
shared 2-core machine; it runs last in make test's in-process lane.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mutasi.cli import stack
from mutasi.cli.demo import step_evaluation, step_placement, step_training
from mutasi.cli.demo.runner import run_demo
from mutasi.cli.demo.synth import generate
from tests.faults.harness import Effects, Fault, Injector, PatientTransport, count, pooled, read_effects

pytestmark = [pytest.mark.e2e, pytest.mark.faults]
SEED, SIZE = 11, 300
SETTLE_S = 8.0  # effects unchanged this long = the round is over (follow-ups consumed)
IN_FLIGHT_S = 180.0  # how long events still in transit may take to arrive (a killed consumer rejoins its group)


def faults(assessed: int) -> list[Fault]:
    return [
        Fault(
            "assessment killed during the import",
            "assessment",
            lambda s: count(s, "mutasi_assessment", "employee_ranges") > 0,
        ),
        Fault(
            "placement killed while consuming assessment-completed",
            "placement",
            lambda s: pooled(s) >= assessed // 3,
        ),
        Fault("training killed while planning", "training", lambda s: count(s, "mutasi_training", "plans") >= 2),
        Fault(
            "database killed (-9) and restarted mid-round",
            "mongo",
            lambda s: count(s, "mutasi_evaluation", "evaluations") >= 1,
        ),
        Fault(
            "evaluation killed while recording",
            "evaluation",
            lambda s: count(s, "mutasi_evaluation", "evaluations") >= 15,
        ),
    ]


# The effects each case puts at risk: what the killed process writes, and what its consumers derive from the
# events it publishes. All cases run in one round, so a loss is counted once per round and attributed to every
# case whose effects it touches (0 for the round means 0 for each case).
AT_RISK = {
    "assessment": ("candidates",),
    "placement": ("candidates", "decisions", "schedules"),
    "training": ("plans",),
    "mongo": ("candidates", "decisions", "plans", "schedules", "evaluations", "follow_ups"),
    "evaluation": ("schedules", "evaluations", "follow_ups"),
}


class Round(threading.Thread):
    """One demo round on its own stack, in a thread (each stack is its own set of processes)."""

    def __init__(self, run_dir: Path, name: str) -> None:
        super().__init__(daemon=True, name=name)
        self.run_dir = run_dir
        self.lines: list[str] = []
        self.state = stack.up(run_dir, self.lines.append, console=False)  # the console plays no part here
        self.result: dict[str, Any] | None = None
        self.error: BaseException | None = None
        self.effects: Effects | None = None

    def run(self) -> None:
        try:
            urls = {s: self.state.url(s) for s in stack.SERVICES}
            out = self.run_dir / "demo"
            out.mkdir(exist_ok=True)
            self.result = asyncio.run(
                run_demo(
                    urls, out, self.lines.append, self.state.issuer, seed=SEED, size=SIZE, transport=PatientTransport()
                )
            )
            self.effects = settled(self.state)
        except BaseException as exc:
            self.error = exc


def settled(state: stack.StackState) -> Effects:
    """The effects once the round is over: unchanged for SETTLE_S and nothing in flight. An event still in a
    producer's outbox or a consumer's partition is late, not lost (a restarted consumer rejoins its group first),
    so the wait goes on while events are in transit, up to IN_FLIGHT_S; what is still missing then is reported."""
    last, since = read_effects(state), time.monotonic()
    deadline = since + IN_FLIGHT_S
    while True:
        quiet = time.monotonic() - since >= SETTLE_S
        if quiet and (sum(last.transit.values()) == 0 or time.monotonic() > deadline):
            return last
        time.sleep(1.0)
        now = read_effects(state)
        if now.kinds != last.kinds or now.transit != last.transit:
            since = time.monotonic()
        last = now


@pytest.fixture
def two_stacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Round, Round]]:
    # The demo's waits give up after a while (a round must end); a restart under load may take longer.
    monkeypatch.setattr(step_placement, "STALL_S", 300.0)
    for step in (step_placement, step_training, step_evaluation):
        monkeypatch.setattr(step, "WAIT_S", 600.0)
    try:
        clean = Round(tmp_path / "clean", "clean-round")
        faulted = Round(tmp_path / "faulted", "faulted-round")
    except BaseException:
        stack.down(tmp_path / "clean")
        stack.down(tmp_path / "faulted")
        raise
    try:
        yield clean, faulted
    finally:
        stack.down(clean.run_dir)
        stack.down(faulted.run_dir)


def test_killing_each_service_and_the_database_mid_round_loses_nothing_and_doubles_nothing(
    two_stacks: tuple[Round, Round],
) -> None:
    clean, faulted = two_stacks
    plan = faults(len(generate(seed=SEED, size=SIZE).assessments))
    injector = Injector(faulted.state, plan)
    started = time.monotonic()
    clean.start()
    faulted.start()
    injector.start()
    clean.join(900)
    faulted.join(900)
    injector.stop.set()
    injector.join(10)
    assert not injector.errors, injector.errors
    assert clean.error is None, f"clean round failed: {clean.error!r}\n" + "\n".join(clean.lines[-15:])
    assert faulted.error is None, f"faulted round failed: {faulted.error!r}\n" + "\n".join(faulted.lines[-15:])
    assert clean.effects is not None
    assert faulted.effects is not None
    lost, doubled = faulted.effects.lost(clean.effects), faulted.effects.doubled(clean.effects)
    transit = faulted.effects.transit
    wall = time.monotonic() - started
    cases = [
        {
            "case": f.name,
            "fired_s": round(f.fired_at - started, 1) if f.fired_at else None,
            "lost": sum(lost[k] for k in AT_RISK[f.target])
            + sum(n for route, n in transit.items() if f.target == "mongo" or f.target in route),
            "duplicated": sum(doubled[k] for k in AT_RISK[f.target]),
            "recovered_s": round(f.recovered_s, 1) if f.recovered_s is not None else None,
        }
        for f in plan
    ]
    table = [f"{'case':<56} {'fired':>6} {'lost':>5} {'dup':>5} {'recover':>8}"]
    for c in cases:
        fired = f"{c['fired_s']:5.0f}s" if c["fired_s"] is not None else " never"
        table.append(f"{c['case']:<56} {fired:>6} {c['lost']:>5} {c['duplicated']:>5} {c['recovered_s'] or 0:7.1f}s")
    table.append("effects (clean / faulted / lost / duplicated):")
    for kind, counter in clean.effects.kinds.items():
        got = sum(faulted.effects.kinds[kind].values())
        table.append(f"  {kind:<12} {sum(counter.values()):>5} {got:>5} {lost[kind]:>5} {doubled[kind]:>5}")
    table.append("order-dependent effects (clean / faulted; seats are first come, first served):")
    for kind, counter in clean.effects.order_dependent.items():
        got = sum(faulted.effects.order_dependent[kind].values())
        table.append(f"  {kind:<16} {sum(counter.values()):>5} {got:>5}")
    table.append("events not processed by a consumer (topic → consumer: lost):")
    table += [f"  {route:<52} {n:>5}" for route, n in transit.items()]
    table += faulted.effects.differences(clean.effects)
    text = f"fault suite (seed {SEED}, size {SIZE}, {wall:.0f}s)\n" + "\n".join(table)
    print("\n" + text)
    write_report(text, cases, clean.effects, faulted.effects, lost, doubled, wall)
    assert all(f.fired_at is not None for f in plan), text
    assert sum(lost.values()) == 0, text
    assert sum(doubled.values()) == 0, text
    assert sum(clean.effects.kinds["evaluations"].values()) > 0
    assert sum(clean.effects.kinds["follow_ups"].values()) > 0
    assert len(transit) >= 6, transit  # every flow of the round was seen consumed
    assert sum(transit.values()) == 0, text


def write_report(
    text: str,
    cases: list[dict[str, Any]],
    clean: Effects,
    faulted: Effects,
    lost: dict[str, int],
    doubled: dict[str, int],
    wall: float,
) -> None:
    """out/fault-suite.txt (the table as printed) and out/fault-suite.json (the same numbers), for CI's log."""
    out = Path(__file__).resolve().parents[2] / "out"
    out.mkdir(exist_ok=True)
    (out / "fault-suite.txt").write_text(text + "\n", "utf-8")
    effects: dict[str, Any] = {
        kind: {"clean": sum(c.values()), "faulted": sum(faulted.kinds[kind].values()), "lost": lost[kind],
               "duplicated": doubled[kind]}
        for kind, c in clean.kinds.items()
    }  # fmt: skip
    effects["in_transit_lost"] = faulted.transit
    effects["order_dependent"] = {
        kind: {"clean": sum(c.values()), "faulted": sum(faulted.order_dependent[kind].values())}
        for kind, c in clean.order_dependent.items()
    }
    report = {"seed": SEED, "size": SIZE, "wall_s": round(wall), "cases": cases, "effects": effects}
    (out / "fault-suite.json").write_text(json.dumps(report, indent=2) + "\n", "utf-8")
