"""Business metrics of the evaluation service, on the service's own registry."""

from __future__ import annotations

from collections import Counter
from datetime import date

from mutasi.chassis.metrics import ServiceMetrics
from mutasi.evaluation.domain.schedule import CheckpointState, EvaluationSchedule, worklist
from mutasi.evaluation.service_layer.config import EvaluationConfig
from mutasi.evaluation.service_layer.services import Recorded


class EvaluationMetrics:
    """Checkpoints due/overdue, evaluations recorded, survey response rate, follow-ups by reason."""

    def __init__(self, metrics: ServiceMetrics) -> None:
        self.due = metrics.gauge("checkpoints_due", "Checkpoints due and not yet recorded.", ["agency"])
        self.overdue = metrics.gauge("checkpoints_overdue", "Checkpoints past their grace period.", ["agency"])
        self.recorded = metrics.counter(
            "evaluations_recorded_total", "Evaluations recorded.", ["agency", "checkpoint_months"]
        )
        self.surveys = metrics.counter("survey_responses_total", "Evaluations with a feedback survey.", ["agency"])
        self.response_rate = metrics.gauge(
            "survey_response_rate", "Share of evaluations recorded (since start) with a survey.", ["agency"]
        )
        self.follow_ups = metrics.counter("follow_ups_total", "Follow-ups recommended.", ["reason"])
        self.schedules = metrics.counter("schedules_changed_total", "Schedules opened or updated.", ["change"])
        self._counts: dict[str, Counter[str]] = {}

    def observe_recorded(self, r: Recorded) -> None:
        if not r.created:
            return
        agency = r.evaluation.agency_id
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
        self.due.labels(agency).set(states[CheckpointState.DUE])
        self.overdue.labels(agency).set(states[CheckpointState.OVERDUE])
