"""Choosing offerings that close a person's gaps: the problem, the port, and a greedy fallback.

Objective (every coverer): close as many gaps as possible, then spend as little as possible, then
use as few JP as possible, within the person's JP limit and budget. An exact coverer lives in
`adapters/` (CP-SAT); the greedy one here needs no solver and is used when none is configured.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Candidate:
    """An offering that still has a seat for this person after their effective date."""

    offering_id: str
    cost: int
    jp: int
    raises: Mapping[str, int]


@dataclass(frozen=True)
class CoveringProblem:
    """Gaps to close (competency -> levels needed) with the offerings available and the limits."""

    gaps: Mapping[str, int]
    candidates: tuple[Candidate, ...]
    jp_limit: int
    budget: int

    def closed_by(self, chosen: frozenset[str] | set[str]) -> frozenset[str]:
        raised: dict[str, int] = {}
        for c in self.candidates:
            if c.offering_id in chosen:
                for code, levels in c.raises.items():
                    raised[code] = raised.get(code, 0) + levels
        return frozenset(code for code, need in self.gaps.items() if raised.get(code, 0) >= need)

    def key(self) -> tuple[object, ...]:
        """Problems with equal keys have equal answers (used to memoise across many people)."""
        return (
            tuple(sorted(self.gaps.items())),
            tuple(
                (c.offering_id, c.cost, c.jp, tuple(sorted(c.raises.items())))
                for c in sorted(self.candidates, key=lambda c: c.offering_id)
            ),
            self.jp_limit,
            self.budget,
        )


@dataclass(frozen=True)
class CoveringChoice:
    """The offerings chosen, the gaps they close, and whether the answer is proven optimal."""

    chosen: tuple[str, ...]
    closed: frozenset[str]
    optimal: bool


class Coverer(Protocol):
    """The port: any strategy that answers a covering problem."""

    def choose(self, problem: CoveringProblem) -> CoveringChoice: ...


class GreedyCoverer:
    """Repeatedly take the offering with the most still-needed levels per rupiah that fits, then prune."""

    def choose(self, problem: CoveringProblem) -> CoveringChoice:
        need = dict(problem.gaps)
        chosen: list[Candidate] = []
        jp = cost = 0
        pool = [c for c in problem.candidates if any(need.get(k, 0) > 0 for k in c.raises)]
        while pool:
            fitting = [c for c in pool if jp + c.jp <= problem.jp_limit and cost + c.cost <= problem.budget]
            scored = [(self._useful(c, need), c) for c in fitting]
            scored = [(u, c) for u, c in scored if u > 0]
            if not scored:
                break
            _, best = max(scored, key=lambda uc: (uc[0] / (uc[1].cost + 1), -uc[1].jp, uc[1].offering_id))
            chosen.append(best)
            pool.remove(best)
            jp, cost = jp + best.jp, cost + best.cost
            for code, levels in best.raises.items():
                if code in need:
                    need[code] = max(0, need[code] - levels)
        ids = self._prune(problem, chosen)
        return CoveringChoice(tuple(sorted(ids)), problem.closed_by(ids), optimal=False)

    @staticmethod
    def _useful(c: Candidate, need: Mapping[str, int]) -> int:
        return sum(min(levels, need.get(code, 0)) for code, levels in c.raises.items())

    @staticmethod
    def _prune(problem: CoveringProblem, chosen: list[Candidate]) -> set[str]:
        ids = {c.offering_id for c in chosen}
        closed = problem.closed_by(ids)
        for c in sorted(chosen, key=lambda c: (-c.cost, -c.jp)):
            if problem.closed_by(ids - {c.offering_id}) >= closed:
                ids.discard(c.offering_id)
        return ids


class MemoCoverer:
    """Wraps a coverer and remembers answers: in one round many people share a gap pattern."""

    def __init__(self, inner: Coverer, max_size: int = 50_000) -> None:
        self.inner = inner
        self.max_size = max_size
        self._answers: dict[tuple[object, ...], CoveringChoice] = {}

    def choose(self, problem: CoveringProblem) -> CoveringChoice:
        key = problem.key()
        if key not in self._answers:
            if len(self._answers) >= self.max_size:
                self._answers.clear()
            self._answers[key] = self.inner.choose(problem)
        return self._answers[key]
