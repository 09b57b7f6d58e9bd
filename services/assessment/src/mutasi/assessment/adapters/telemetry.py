"""Business metrics on the service's Prometheus registry, labelled by agency."""

from __future__ import annotations

from mutasi.chassis.metrics import ServiceMetrics


class PrometheusTelemetry:
    """Counters for import rows and assessments, a gauge for expired assessments."""

    def __init__(self, metrics: ServiceMetrics) -> None:
        labels = ["agency", "kind", "outcome"]
        self._rows = metrics.counter("import_rows_total", "Import rows by template and outcome.", labels)
        self._recorded = metrics.counter("assessments_recorded_total", "Assessments stored.", ["agency"])
        self._completed = metrics.counter(
            "assessments_completed_total", "Assessments complete and announced (assessment-completed).", ["agency"]
        )
        self._expired = metrics.gauge("assessments_expired", "Employees whose latest assessment expired.", ["agency"])

    def import_rows(self, agency_id: str, kind: str, accepted: int, rejected: int) -> None:
        self._rows.labels(agency_id, kind, "accepted").inc(accepted)
        self._rows.labels(agency_id, kind, "rejected").inc(rejected)

    def assessments(self, agency_id: str, recorded: int, completed: int) -> None:
        self._recorded.labels(agency_id).inc(recorded)
        self._completed.labels(agency_id).inc(completed)

    def expired(self, agency_id: str, count: int) -> None:
        self._expired.labels(agency_id).set(count)
