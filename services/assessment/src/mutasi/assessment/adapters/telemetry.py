"""Business metrics on the service's Prometheus registry, labelled by agency."""

from __future__ import annotations

from mutasi.chassis.metrics import ServiceMetrics

IMPORT_KINDS = ("skj", "employees", "assessments")
OUTCOMES = ("accepted", "rejected")


class PrometheusTelemetry:
    """Counters for import rows and assessments, a gauge for expired assessments (refreshed on a timer)."""

    def __init__(self, metrics: ServiceMetrics) -> None:
        self._m = metrics
        self._rows = metrics.counter(
            "import_rows_total",
            "Spreadsheet rows imported, by template and outcome.",
            ["agency", "kind", "outcome"],
            known={"kind": IMPORT_KINDS, "outcome": OUTCOMES},
        )
        self._recorded = metrics.counter("assessments_recorded_total", "Assessments stored.", ["agency"])
        self._completed = metrics.counter(
            "assessments_completed_total", "Assessments complete and announced (assessment-completed).", ["agency"]
        )
        self._expired = metrics.gauge(
            "assessments_expired", "Employees whose latest assessment is past its validity.", ["agency"]
        )

    def import_rows(self, agency_id: str, kind: str, accepted: int, rejected: int) -> None:
        agency = self._m.agency(agency_id)
        self._rows.labels(agency, kind, "accepted").inc(accepted)
        self._rows.labels(agency, kind, "rejected").inc(rejected)

    def assessments(self, agency_id: str, recorded: int, completed: int) -> None:
        agency = self._m.agency(agency_id)
        self._recorded.labels(agency).inc(recorded)
        self._completed.labels(agency).inc(completed)

    def expired(self, agency_id: str, count: int) -> None:
        self._expired.labels(self._m.agency(agency_id)).set(count)
