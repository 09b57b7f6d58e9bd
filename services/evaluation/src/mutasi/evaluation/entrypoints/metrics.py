"""Business metrics of the evaluation service, on the service's own registry."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from mutasi.chassis.metrics import ServiceMetrics
from mutasi.evaluation.domain.followup import FollowUpReason
from mutasi.evaluation.domain.schedule import CheckpointState, EvaluationSchedule, ScheduleChange, worklist
from mutasi.evaluation.service_layer.config import EvaluationConfig
from mutasi.evaluation.service_layer.services import Recorded


class EvaluationMetrics:
    """Checkpoints due/overdue, evaluations recorded, survey response rate, follow-ups by reason."""

    def __init__(self, metrics: ServiceMetrics, checkpoint_months: Sequence[int] = ()) -> None:
        self._m = metrics
        self.due = metrics.gauge("checkpoints_due", "Checkpoints due and not yet recorded.", ["agency"])
        self.overdue = metrics.gauge("checkpoints_overdue", "Checkpoints past their grace period.", ["agency"])
        self.recorded = metrics.counter(
            "evaluations_recorded_total",
            "Evaluations recorded.",
            ["agency", "checkpoint_months"],
            known={"checkpoint_months": [str(m) for m in checkpoint_months]},
        )
        self.surveys = metrics.counter("survey_responses_total", "Evaluations with a feedback survey.", ["agency"])
        self.response_rate = metrics.gauge(
            "survey_response_ratio", "Share of evaluations recorded (since start) with a survey (0..1).", ["agency"]
        )
        self.follow_ups = metrics.counter(
            "follow_ups_recommended_total",
            "Follow-ups recommended.",
            ["reason"],
            known={"reason": [r.value for r in FollowUpReason]},
        )
        self.schedules = metrics.counter(
            "schedules_changed_total",
            "Evaluation schedules opened or updated.",
            ["change"],
            known={"change": [c.value for c in ScheduleChange]},
        )
        self._counts: dict[str, Counter[str]] = {}

    def observe_recorded(self, r: Recorded) -> None:
        if not r.created:
            return
        agency = self._m.agency(r.evaluation.agency_id)
        counts = self._counts.setdefault(agency, Counter())
        counts["evaluations"] += 1
        self.recorded.labels(agency, str(r.evaluation.checkpoint_months)).inc()
        if r.evaluation.survey is not None:
            counts["surveys"] += 1
            self.surveys.labels(agency).inc()
        self.response_rate.labels(agency).set(counts["surveys"] / counts["evaluations"])
        for f in r.follow_ups:
            self.follow_ups.labels(f.reason.value).inc()

    def observe_worklist(
        self, agency: str, schedules: list[EvaluationSchedule], today: date, config: EvaluationConfig
    ) -> None:
        states = Counter(i.state for i in worklist(schedules, today, config.policy))
        agency = self._m.agency(agency)
        self.due.labels(agency).set(states[CheckpointState.DUE])
        self.overdue.labels(agency).set(states[CheckpointState.OVERDUE])
