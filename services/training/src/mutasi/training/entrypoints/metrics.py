"""Business metrics of the training service, on the service's own Prometheus registry."""

from __future__ import annotations

from mutasi.chassis.metrics import ServiceMetrics
from mutasi.training.domain.mentor import NoMentor
from mutasi.training.domain.record import Result


class TrainingMetrics:
    """Counters for plans, JP assigned, open gaps, missing mentors and completions."""

    def __init__(self, metrics: ServiceMetrics) -> None:
        self.plans = metrics.counter("plans_total", "Decisions and follow-ups handled, by outcome.", ["outcome"])
        self.jp_assigned = metrics.counter("jp_assigned_total", "JP assigned in new plans.")
        self.uncovered = metrics.counter("uncovered_gaps_total", "Gaps no plan could close, by reason.", ["reason"])
        self.no_mentor = metrics.counter("no_mentor_total", "Plans without a mentor, by reason.", ["reason"])
        self.completions = metrics.counter("completions_total", "Plan items completed.")
        self.jp_completed = metrics.counter("jp_completed_total", "JP completed.")
        self.programme = metrics.gauge(
            "programme",
            "Programme figures per agency for the current year (plans, assigned_jp, completion_rate, "
            "gap_coverage, uncovered_gaps, people_under_minimum, people_without_mentor).",
            ["agency_id", "figure"],
        )

    def observe(self, result: Result) -> None:
        self.plans.labels(result.outcome.value).inc()
        plan = result.plan
        if plan is None:
            return
        self.jp_assigned.inc(plan.jp_planned)
        for gap in plan.uncovered:
            self.uncovered.labels(gap.reason.value).inc()
        if isinstance(plan.mentor, NoMentor):
            self.no_mentor.labels(plan.mentor.reason.value).inc()

    def observe_completion(self, jp: int) -> None:
        self.completions.inc()
        self.jp_completed.inc(jp)

    def observe_summary(self, agency_id: str, summary: dict[str, object]) -> None:
        for figure in FIGURES:
            value = summary.get(figure)
            if isinstance(value, int | float):
                self.programme.labels(agency_id, figure).set(value)


FIGURES = (
    "plans",
    "assigned_jp",
    "completion_rate",
    "gap_coverage",
    "uncovered_gaps",
    "people_under_minimum",
    "people_without_mentor",
)
