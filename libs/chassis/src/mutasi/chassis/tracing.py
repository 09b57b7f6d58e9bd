"""OpenTelemetry tracing: HTTP (FastAPI) → Kafka (the CloudEvents `traceparent` extension) → MongoDB (PyMongo).

Configured by the standard `OTEL_*` environment variables: `OTEL_SERVICE_NAME` (default `mutasi-<service>`),
`OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (spans are exported over OTLP/HTTP only when
one is set), `OTEL_SDK_DISABLED=true` (no tracing at all), `OTEL_TRACES_SAMPLER` and the other SDK variables.
A process that already installed a tracer provider (a test with the in-memory exporter) keeps it."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.pymongo import PymongoInstrumentor
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from mutasi.contracts.envelope import CloudEvent

_propagator = TraceContextTextMapPropagator()
_tracer = trace.get_tracer("mutasi.chassis")


def configure(service: str) -> None:
    """Install the SDK tracer provider (once per process) and instrument PyMongo."""
    if os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return
    if not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        return  # already configured (by this process or by a test)
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider

    provider = TracerProvider(
        resource=Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", f"mutasi-{service}")})
    )
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    instrumentor = PymongoInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument()


def instrument_app(app: FastAPI) -> None:
    """A server span per HTTP request (health and metrics scrapes excluded)."""
    FastAPIInstrumentor.instrument_app(app, excluded_urls="health/live,health/ready,metrics")


def current_traceparent() -> str | None:
    """The W3C `traceparent` of the current span, for the CloudEvents distributed-tracing extension."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get("traceparent")


@contextmanager
def consuming(event: CloudEvent[Any], service: str) -> Iterator[None]:
    """A consumer span for one event, child of the span that emitted it (its `traceparent`)."""
    parent = _propagator.extract({"traceparent": event.traceparent}) if event.traceparent else None
    with _tracer.start_as_current_span(
        f"{event.type} process", context=parent, kind=trace.SpanKind.CONSUMER, attributes=_attributes(event, service)
    ):
        yield


def _attributes(event: CloudEvent[Any], service: str) -> dict[str, Any]:
    return {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.destination.name": event.type,
        "messaging.message.id": event.id,
        "cloudevents.event_id": event.id,
        "cloudevents.event_type": event.type,
        "cloudevents.event_subject": event.subject,
        "mutasi.correlation_id": event.correlationid,
        "mutasi.service": service,
    }


def processed_in_batch(events: Sequence[CloudEvent[Any]], service: str, started_ns: int) -> None:
    """A consumer span per event a batch handler committed (it handles them together, so each span covers the
    batch's time), child of the span that emitted the event: one person's trace goes on through batched hops."""
    for event in events:
        parent = _propagator.extract({"traceparent": event.traceparent}) if event.traceparent else None
        span = _tracer.start_span(
            f"{event.type} process",
            context=parent,
            kind=trace.SpanKind.CONSUMER,
            start_time=started_ns,
            attributes={**_attributes(event, service), "messaging.batch.message_count": len(events)},
        )
        span.end()
