"""The planning problem of a round (options, seats, side constraints), the greedy baseline and plan diffs."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from mutasi.placement.domain.scoring import SCALE


@dataclass(frozen=True)
class Option:
    """One way a person can end the round: stay in the current post or move to an eligible post."""

    nip: str
    post_id: str
    score: float
    stay: bool
    parts: Mapping[str, float] = field(default_factory=dict)
    jpm: float = 0.0

    @property
    def scaled(self) -> int:
        return round(self.score * SCALE)

    @classmethod
    def bare(cls, nip: str, post_id: str, score: float, stay: bool) -> Option:
        """`Option(nip, post_id, score, stay)` (no parts, JPM 0) without the frozen dataclass's per-field setattr:
        a province plan makes ~600,000 options from its arrays (the plan, the baseline, the explanations)."""
        option = object.__new__(cls)
        option.__dict__.update(nip=nip, post_id=post_id, score=score, stay=stay, parts={}, jpm=0.0)
        return option


@dataclass(frozen=True)
class Person:
    nip: str
    unit_id: str
    post_id: str


Assignment = dict[str, Option]


class OptionTable(Mapping[str, list[Option]], ABC):
    """A builder's options kept as arrays (a province round has millions): a person's options are made on
    demand, and what needs every option — the greedy baseline — runs on the arrays (same picks as
    `greedy_plan`). Read through `PlanProblem` as a mapping NIP -> options."""

    @abstractmethod
    def stay(self, nip: str) -> Option: ...

    @abstractmethod
    def greedy(self, problem: PlanProblem) -> Assignment: ...

    @abstractmethod
    def shortlist(self, nip: str, keep: Collection[str], count: int) -> list[Option]: ...

    def shortlists(self, count: int) -> Iterator[tuple[str, list[Option]]]:
        """`shortlist(nip, (), count)` of everyone, in the table's (NIP) order."""
        for nip in self:
            yield nip, self.shortlist(nip, (), count)

    def stay_fit(self, nip: str) -> tuple[dict[str, float], float] | None:
        """The parts and raw JPM of the person's stay option (what `scoring.fit_for_stay` gives), when the table
        kept them; None: score it again."""
        return None

    def stays_scaled(self) -> int:
        """Everyone's stay score in hundredths, summed (the status quo's total fit, scaled)."""
        return sum(self.stay(nip).scaled for nip in self)


@dataclass
class PlanProblem:
    """Everything the solver needs: people with their options (stay first), seats and side constraints.

    `capacity[p]` counts seats open to pool members on post p: the ABK gap plus the seats pool members hold
    now, so a person who moves frees a seat for someone else (a vacancy chain). A stay option on a post
    outside `capacity` is unlimited. `options` is a dict, or an `OptionTable` a builder kept as arrays.
    """

    people: list[Person]
    options: Mapping[str, list[Option]]
    capacity: dict[str, int]
    post_unit: dict[str, str]
    must_fill: frozenset[str] = frozenset()
    must_stay: frozenset[str] = frozenset()
    max_leavers: dict[str, int] = field(default_factory=dict)  # unit -> most pool members that may leave it

    def stay_option(self, nip: str) -> Option:
        table = self.options
        return table.stay(nip) if isinstance(table, OptionTable) else table[nip][0]

    def status_quo_fit(self) -> float:
        """The total fit of everyone staying (`total_fit` of every stay option)."""
        table = self.options
        if isinstance(table, OptionTable):
            return round(table.stays_scaled() / SCALE, 2)
        return total_fit({p.nip: self.stay_option(p.nip) for p in self.people})

    def shortlist(self, nip: str, keep: Collection[str], count: int) -> list[Option]:
        """The person's options an explanation can name: staying, the moves to the posts in `keep`, and at least
        the `count` best moves, in the order of `options[nip]` (so a stable sort by score ranks them as it ranks
        the full list). A table makes only these; a dict gives the full list."""
        table = self.options
        if isinstance(table, OptionTable):
            return table.shortlist(nip, keep, count)
        return list(table.get(nip, []))

    def shortlists(self, count: int) -> Iterator[tuple[str, list[Option]]]:
        """`shortlist(nip, (), count)` of every person, in NIP order, with the NIP (a table reads them in one
        pass over its arrays)."""
        table = self.options
        if isinstance(table, OptionTable):
            yield from table.shortlists(count)
            return
        for nip in sorted(table):
            yield nip, list(table[nip])

    def leaves_unit(self, person: Person, option: Option) -> bool:
        return not option.stay and self.post_unit.get(option.post_id) != person.unit_id


class PlanSolver(Protocol):
    """Port: an exact solver of a PlanProblem (the OR-Tools adapter implements it)."""

    def solve(self, problem: PlanProblem) -> Assignment: ...


def max_leavers_by_unit(people: list[Person], max_outflow_pct: float | None) -> dict[str, int]:
    """A unit may lose at most this share of its pool members (floor), None = no limit."""
    if max_outflow_pct is None:
        return {}
    counts: dict[str, int] = {}
    for p in people:
        counts[p.unit_id] = counts.get(p.unit_id, 0) + 1
    return {u: math.floor(n * max_outflow_pct / 100.0) for u, n in counts.items()}


def total_fit(assignment: Assignment) -> float:
    return round(sum(o.scaled for o in assignment.values()) / SCALE, 2)


def violations(problem: PlanProblem, assignment: Assignment) -> list[str]:
    """Every constraint the assignment breaks (empty for a feasible plan)."""
    out: list[str] = []
    used: dict[str, int] = {}
    leavers: dict[str, int] = {}
    for person in problem.people:
        option = assignment.get(person.nip)
        if option is None:
            out.append(f"{person.nip}: no option")
            continue
        if option not in problem.options[person.nip]:
            out.append(f"{person.nip}: {option.post_id} is not one of the person's options")
        if person.nip in problem.must_stay and not option.stay:
            out.append(f"{person.nip}: must stay")
        if option.post_id in problem.capacity:
            used[option.post_id] = used.get(option.post_id, 0) + 1
        if problem.leaves_unit(person, option):
            leavers[person.unit_id] = leavers.get(person.unit_id, 0) + 1
    out += [f"post {p}: {n} > {problem.capacity[p]} seats" for p, n in used.items() if n > problem.capacity[p]]
    out += [
        f"unit {u}: {n} leavers > {problem.max_leavers[u]}"
        for u, n in leavers.items()
        if u in problem.max_leavers and n > problem.max_leavers[u]
    ]
    return out


def greedy_plan(problem: PlanProblem) -> Assignment:
    """The peers' method: fill one vacancy at a time with the highest-ranked candidate who still prefers it
    to staying; a seat freed by a mover becomes the next vacancy. Posts that must be filled go first.

    Linear in the options: each post keeps its place in its ranking, because whoever is passed over can never
    be picked for that post later (a mover never stays again, a stay score does not change while staying, and a
    unit that has lost as many people as it may only loses more)."""
    people = {p.nip: p for p in problem.people}
    chosen: Assignment = {nip: problem.stay_option(nip) for nip in people}
    holders: dict[str, int] = {}
    for p in problem.people:
        if p.post_id in problem.capacity:
            holders[p.post_id] = holders.get(p.post_id, 0) + 1
    free = {post: cap - holders.get(post, 0) for post, cap in problem.capacity.items()}
    ranked: dict[str, list[tuple[int, str, Option]]] = {}
    for nip, options in problem.options.items():
        if nip in problem.must_stay:
            continue
        for o in options[1:]:
            ranked.setdefault(o.post_id, []).append((-o.scaled, o.nip, o))
    for opts in ranked.values():
        opts.sort(key=lambda t: (t[0], t[1]))
    seen: dict[str, int] = {}  # post -> how far down its ranking the search has gone
    leavers: dict[str, int] = {}
    order = sorted((p for p, n in free.items() if n > 0), key=lambda p: (p not in problem.must_fill, p))
    queue = deque(order)
    while queue:
        post = queue.popleft()
        if free.get(post, 0) <= 0:
            continue
        opts = ranked.get(post, [])
        k = seen.get(post, 0)
        pick = None
        while k < len(opts):
            minus_score, nip, o = opts[k]
            k += 1
            now = chosen[nip]
            if now.stay and -minus_score > now.scaled and _may_leave(problem, people[nip], o, leavers):
                pick = o
                break
        seen[post] = k
        if pick is None:
            continue
        person = people[pick.nip]
        chosen[pick.nip] = pick
        free[post] -= 1
        if problem.leaves_unit(person, pick):
            leavers[person.unit_id] = leavers.get(person.unit_id, 0) + 1
        if person.post_id in free:
            free[person.post_id] += 1
            queue.append(person.post_id)
        if free[post] > 0:
            queue.append(post)
    return chosen


def greedy_baseline(problem: PlanProblem) -> Assignment:
    """`greedy_plan`, on the arrays when the builder kept the options as a table (same picks)."""
    table = problem.options
    return table.greedy(problem) if isinstance(table, OptionTable) else greedy_plan(problem)


def _may_leave(problem: PlanProblem, person: Person, option: Option, leavers: dict[str, int]) -> bool:
    if not problem.leaves_unit(person, option) or person.unit_id not in problem.max_leavers:
        return True
    return leavers.get(person.unit_id, 0) < problem.max_leavers[person.unit_id]


def gain_pct(optimal: float, baseline: float) -> float:
    """How much more total fit the optimum has than the baseline, in percent of the baseline."""
    return round(100.0 * (optimal - baseline) / baseline, 2) if baseline else 0.0


@dataclass(frozen=True)
class PlanChange:
    nip: str
    base_post: str
    scenario_post: str
    base_score: float
    scenario_score: float


@dataclass(frozen=True)
class UnitEffect:
    unit_id: str
    in_base: int
    out_base: int
    in_scenario: int
    out_scenario: int


@dataclass(frozen=True)
class PlanDiff:
    """What a what-if scenario changes against the base plan."""

    changes: tuple[PlanChange, ...]
    total_base: float
    total_scenario: float
    moves_base: int
    moves_scenario: int
    units: tuple[UnitEffect, ...]


def _flows(
    assignment: Assignment, people: Mapping[str, Person], post_unit: Mapping[str, str]
) -> tuple[dict[str, int], dict[str, int]]:
    ins: dict[str, int] = {}
    outs: dict[str, int] = {}
    for nip, option in assignment.items():
        if option.stay:
            continue
        origin = people[nip].unit_id
        target = post_unit.get(option.post_id, "")
        if origin != target:
            outs[origin] = outs.get(origin, 0) + 1
            ins[target] = ins.get(target, 0) + 1
    return ins, outs


def diff_plans(problem: PlanProblem, base: Assignment, scenario: Assignment) -> PlanDiff:
    """Who changes, total fit of both and per-unit inflow/outflow of both."""
    people = {p.nip: p for p in problem.people}
    changes = tuple(
        PlanChange(nip, base[nip].post_id, scenario[nip].post_id, base[nip].score, scenario[nip].score)
        for nip in sorted(base)
        if nip in scenario and base[nip].post_id != scenario[nip].post_id
    )
    in_b, out_b = _flows(base, people, problem.post_unit)
    in_s, out_s = _flows(scenario, people, problem.post_unit)
    units = sorted(set(in_b) | set(out_b) | set(in_s) | set(out_s))
    effects = tuple(UnitEffect(u, in_b.get(u, 0), out_b.get(u, 0), in_s.get(u, 0), out_s.get(u, 0)) for u in units)
    return PlanDiff(
        changes,
        total_fit(base),
        total_fit(scenario),
        sum(not o.stay for o in base.values()),
        sum(not o.stay for o in scenario.values()),
        effects,
    )


def replan_person(problem: PlanProblem, assignment: Assignment, nip: str, excluded: frozenset[str]) -> Option:
    """The affected part of a plan after an upheld objection: the person's best option among posts that still
    have a free seat, other than the excluded ones; staying is always possible."""
    used: dict[str, int] = {}
    for other, option in assignment.items():
        if other != nip:
            used[option.post_id] = used.get(option.post_id, 0) + 1
    stay = problem.stay_option(nip)
    free = [
        o
        for o in problem.options[nip][1:]
        if o.post_id not in excluded and used.get(o.post_id, 0) < problem.capacity.get(o.post_id, 0)
    ]
    return max([stay, *free], key=lambda o: (o.scaled, o.stay))
