"""Business metrics of the training service, on the service's own Prometheus registry."""

from __future__ import annotations

from prometheus_client import Gauge

from mutasi.chassis.metrics import Family, ServiceMetrics
from mutasi.training.domain.mentor import NoMentor, NoMentorReason
from mutasi.training.domain.plan import UncoveredReason
from mutasi.training.domain.record import Outcome, Result

# Summary figure → (metric name, help): one gauge per concept, ratios as 0..1 with `_ratio`.
FIGURES = {
    "plans": ("training_programme_plans", "Development plans of the current year."),
    "assigned_jp": ("training_programme_jp_assigned", "JP (jam pelajaran) assigned in the current year."),
    "completion_rate": ("training_completion_ratio", "Share of planned items completed (0..1)."),
    "gap_coverage": ("training_gap_coverage_ratio", "Share of competency gaps a plan covers (0..1)."),
    "uncovered_gaps": ("training_gaps_open", "Competency gaps no plan could close (current year)."),
    "people_under_minimum": ("training_people_under_minimum", "People below the yearly JP minimum."),
    "people_without_mentor": ("training_people_without_mentor", "People with a plan but no mentor."),
}


class TrainingMetrics:
    """Counters for plans, JP assigned, open gaps, missing mentors and completions; programme gauges."""

    def __init__(self, metrics: ServiceMetrics) -> None:
        self._m = metrics
        self.plans = metrics.counter(
            "training_plans_total",
            "Decisions and follow-ups handled, by outcome.",
            ["outcome"],
            known={"outcome": [o.value for o in Outcome]},
        )
        self.jp_assigned = metrics.counter("training_jp_assigned_total", "JP assigned in new plans.")
        self.uncovered = metrics.counter(
            "training_gaps_uncovered_total",
            "Gaps no plan could close, by reason.",
            ["reason"],
            known={"reason": [r.value for r in UncoveredReason]},
        )
        self.no_mentor = metrics.counter(
            "training_plans_without_mentor_total",
            "Plans without a mentor, by reason.",
            ["reason"],
            known={"reason": [r.value for r in NoMentorReason]},
        )
        self.completions = metrics.counter("training_items_completed_total", "Plan items completed.")
        self.jp_completed = metrics.counter("training_jp_completed_total", "JP completed.")
        self.programme: dict[str, Family[Gauge]] = {
            figure: metrics.gauge(name, doc, ["agency"]) for figure, (name, doc) in FIGURES.items()
        }

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
        agency = self._m.agency(agency_id)
        for figure, gauge in self.programme.items():
            value = summary.get(figure)
            if isinstance(value, int | float):
                gauge.labels(agency).set(value)
