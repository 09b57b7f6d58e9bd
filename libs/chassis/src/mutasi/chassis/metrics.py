"""One Prometheus registry per service, the chassis metrics, and a factory for business metrics.

Naming follows the Prometheus conventions: one metric name per concept (`mutasi_<concept>_<unit>`), the
service in a `service` label (never in the name), base units and suffixes (`_seconds`, `_ratio`, `_total`),
and every known label combination exported at 0 from the start, so that `increase()` sees the first event
and dashboards show 0 instead of "No data".
"""

from __future__ import annotations

import itertools
import platform
from collections.abc import Mapping, Sequence
from typing import Generic, TypeVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info
from prometheus_client.metrics import MetricWrapperBase

PREFIX = "mutasi_"
OTHER_AGENCY = "other"
# The reasons of mutasi.chassis.deadletter.Reason (a bounded label).
DEAD_LETTER_REASONS = ("too_large", "invalid", "unknown_agency", "rejected", "handler_error")

M = TypeVar("M", bound=MetricWrapperBase)


class Family(Generic[M]):
    """A metric family of one service: `labels(...)` prepends the service label for the caller."""

    def __init__(self, metric: M, service: str, labelnames: Sequence[str]) -> None:
        self.metric = metric
        self.service = service
        self.labelnames = tuple(labelnames)

    def labels(self, *values: str) -> M:
        if len(values) != len(self.labelnames):
            raise ValueError(f"{self.metric._name} expects labels {self.labelnames}, got {values}")
        return self.metric.labels(self.service, *values)

    def init(self, known: Mapping[str, Sequence[str]]) -> None:
        """Export every combination of the known label values (at 0) before anything happens."""
        if not self.labelnames:
            self.metric.labels(self.service)
            return
        if any(not known.get(name) for name in self.labelnames):
            return  # a label without known values (e.g. no configured agency): nothing to initialise
        for combination in itertools.product(*(known[name] for name in self.labelnames)):
            self.metric.labels(self.service, *combination)

    # Shortcuts for a family without labels other than `service`.
    def inc(self, amount: float = 1) -> None:
        self.labels().inc(amount)  # type: ignore[attr-defined]

    def dec(self, amount: float = 1) -> None:
        self.labels().dec(amount)  # type: ignore[attr-defined]

    def set(self, value: float) -> None:
        self.labels().set(value)  # type: ignore[attr-defined]

    def observe(self, value: float) -> None:
        self.labels().observe(value)  # type: ignore[attr-defined]


class ServiceMetrics:
    """Metrics of one service on its own registry, all named `mutasi_…` and labelled `service`."""

    def __init__(self, service: str, *, version: str = "1", agencies: Sequence[str] = ()) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.service = service
        self.agencies = (*dict.fromkeys(a for a in agencies if a), OTHER_AGENCY) if agencies else ()
        build = Info("mutasi_build", "Build of the running service.", ["service"], registry=self.registry)
        build.labels(service).info({"version": version, "python": platform.python_version()})
        self.events_consumed = self.counter("events_consumed_total", "Events processed and committed.", ["topic"])
        self.events_duplicate = self.counter(
            "events_duplicate_total", "Redelivered events skipped via the inbox.", ["topic"]
        )
        self.events_dead_lettered = self.counter(
            "events_dead_lettered_total", "Messages sent to the dead-letter topic.", ["topic", "reason"]
        )
        self.events_retried = self.counter("events_retried_total", "Transient failures retried.", ["topic"])
        self.outbox_published = self.counter("outbox_published_total", "Outbox events published.", ["topic"])
        self.outbox_pending = self.gauge("outbox_pending", "Outbox documents (one per commit chunk) not yet published.")
        self.consumer_lag = self.gauge(
            "consumer_lag",
            "Messages in a partition not yet consumed by the group (high watermark minus position).",
            ["group", "topic", "partition"],
        )

    def agency(self, agency_id: str) -> str:
        """The agency label value: a configured agency, or `other` (label values stay bounded)."""
        if not self.agencies:
            return agency_id
        return agency_id if agency_id in self.agencies else OTHER_AGENCY

    def consumed(self, topic: str) -> None:
        """Start the consumer-side series of a subscribed topic at 0."""
        known = {"topic": [topic], "reason": DEAD_LETTER_REASONS}
        for family in (self.events_consumed, self.events_duplicate, self.events_dead_lettered, self.events_retried):
            family.init(known)

    def produced(self, topic: str) -> None:
        """Start the publisher-side series of a produced topic at 0."""
        self.outbox_published.init({"topic": [topic]})

    def counter(
        self, name: str, doc: str, labels: Sequence[str] = (), known: Mapping[str, Sequence[str]] | None = None
    ) -> Family[Counter]:
        metric = Counter(_name(name), doc, ["service", *labels], registry=self.registry)
        return self._family(metric, labels, known)

    def gauge(
        self, name: str, doc: str, labels: Sequence[str] = (), known: Mapping[str, Sequence[str]] | None = None
    ) -> Family[Gauge]:
        metric = Gauge(_name(name), doc, ["service", *labels], registry=self.registry)
        return self._family(metric, labels, known)

    def histogram(
        self,
        name: str,
        doc: str,
        labels: Sequence[str] = (),
        buckets: Sequence[float] | None = None,
        known: Mapping[str, Sequence[str]] | None = None,
    ) -> Family[Histogram]:
        kwargs = {} if buckets is None else {"buckets": list(buckets)}
        metric = Histogram(_name(name), doc, ["service", *labels], registry=self.registry, **kwargs)  # type: ignore[arg-type]
        return self._family(metric, labels, known)

    def _family(self, metric: M, labels: Sequence[str], known: Mapping[str, Sequence[str]] | None) -> Family[M]:
        family = Family(metric, self.service, labels)
        defaults: dict[str, Sequence[str]] = {"agency": self.agencies} if self.agencies else {}
        family.init({**defaults, **(known or {})})
        return family


def _name(name: str) -> str:
    return name if name.startswith(PREFIX) else PREFIX + name
