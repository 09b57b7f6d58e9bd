"""One Prometheus registry per service, the chassis counters, and a factory for business metrics."""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class ServiceMetrics:
    """Metrics of one service, all named `mutasi_<service>_…` on the service's own registry."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.prefix = f"mutasi_{service}_"
        self.events_consumed = self.counter("events_consumed_total", "Events processed and committed.", ["topic"])
        self.events_duplicate = self.counter(
            "events_duplicate_total", "Redelivered events skipped via the inbox.", ["topic"]
        )
        self.events_dead_lettered = self.counter(
            "events_dead_lettered_total", "Messages sent to the dead-letter topic.", ["topic", "reason"]
        )
        self.events_retried = self.counter("events_retried_total", "Transient failures retried.", ["topic"])
        self.outbox_published = self.counter("outbox_published_total", "Outbox events published.", ["topic"])
        self.outbox_pending = self.gauge("outbox_pending", "Outbox events not yet published.")

    def counter(self, name: str, doc: str, labels: Sequence[str] = ()) -> Counter:
        return Counter(self.prefix + name.removeprefix(self.prefix), doc, list(labels), registry=self.registry)

    def gauge(self, name: str, doc: str, labels: Sequence[str] = ()) -> Gauge:
        return Gauge(self.prefix + name.removeprefix(self.prefix), doc, list(labels), registry=self.registry)

    def histogram(
        self, name: str, doc: str, labels: Sequence[str] = (), buckets: Sequence[float] | None = None
    ) -> Histogram:
        if buckets is None:
            return Histogram(self.prefix + name, doc, list(labels), registry=self.registry)
        return Histogram(self.prefix + name, doc, list(labels), registry=self.registry, buckets=list(buckets))
