"""Business metrics on the service's Prometheus registry."""

from __future__ import annotations

from mutasi.chassis.metrics import ServiceMetrics
from mutasi.placement.domain.rounds import RoundState

OBJECTION_OUTCOMES = ("filed", "rejected", "upheld")


class PrometheusTelemetry:
    """Rounds by state, plan solve seconds, eligible pairs, moves, overrides and objections."""

    def __init__(self, metrics: ServiceMetrics) -> None:
        self.rounds = metrics.gauge(
            "rounds", "Rounds by state.", ["state"], known={"state": [s.value for s in RoundState]}
        )
        self.solve = metrics.histogram(
            "plan_solve_seconds",
            "Eligibility, scoring and exact solve of one plan.",
            buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60),
        )
        self.pairs = metrics.gauge("plan_eligible_pairs", "Eligible candidate-post pairs of the last plan.")
        self.planned_moves = metrics.gauge("plan_moves", "Moves in the last plan.")
        self.moves = metrics.counter("moves_decided_total", "Moves decided (one mutation-decided each).")
        self.overrides = metrics.counter("plan_overrides_total", "Assignments overridden by an approver.")
        self.objections = metrics.counter(
            "objections_total", "Objections by outcome.", ["outcome"], known={"outcome": OBJECTION_OUTCOMES}
        )

    def restore_rounds(self, counts: dict[str, int]) -> None:
        """Start the gauge from the stored rounds (a restart must not reset it)."""
        for state, n in counts.items():
            self.rounds.labels(state).set(n)

    def round_state(self, agency_id: str, old: str | None, new: str) -> None:
        if old == new:
            return
        if old is not None:
            self.rounds.labels(old).dec()
        self.rounds.labels(new).inc()

    def plan_solved(self, seconds: float, eligible_pairs: int, moves: int) -> None:
        self.solve.observe(seconds)
        self.pairs.set(eligible_pairs)
        self.planned_moves.set(moves)

    def decided(self, moves: int) -> None:
        self.moves.inc(moves)

    def override(self) -> None:
        self.overrides.inc()

    def objection(self, outcome: str) -> None:
        self.objections.labels(outcome).inc()
