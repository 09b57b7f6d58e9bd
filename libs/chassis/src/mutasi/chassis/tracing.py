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
from opentelemetry import context, trace
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
    if not recording():
        return  # no exporter: a PyMongo command span would go nowhere, and its listener costs on every command
    instrumentor = PymongoInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument()


def recording() -> bool:
    """Whether a span started now reaches anything. The SDK's provider without a span processor (no exporter
    configured, no test exporter added) builds each span and drops it; per-event spans are skipped then, since
    at a few hundred events per batch they cost more than the events' own handling."""
    provider = trace.get_tracer_provider()
    if isinstance(provider, trace.ProxyTracerProvider):
        return False  # OTEL_SDK_DISABLED: no SDK, every span is a no-op
    processors = getattr(getattr(provider, "_active_span_processor", None), "_span_processors", None)
    return processors is None or bool(processors)  # another SDK: assume it records


def instrument_app(app: FastAPI) -> None:
    """A server span per HTTP request (health and metrics scrapes excluded)."""
    FastAPIInstrumentor.instrument_app(app, excluded_urls="health/live,health/ready,metrics")


_last_traceparent: tuple[Any, str | None] = (None, None)  # (span context, its traceparent)


def current_traceparent() -> str | None:
    """The W3C `traceparent` of the current span, for the CloudEvents distributed-tracing extension."""
    global _last_traceparent
    span_context = trace.get_current_span().get_span_context()
    if not span_context.is_valid:
        return None  # no trace to carry on (what the propagator would find too, at a fraction of its cost)
    last_context, last = _last_traceparent
    if span_context is last_context:  # the same span emits again (an import's thousands of events): the same header
        return last
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    _last_traceparent = (span_context, carrier.get("traceparent"))
    return _last_traceparent[1]


@contextmanager
def consuming(event: CloudEvent[Any], service: str) -> Iterator[None]:
    """A consumer span for one event, child of the span that emitted it (its `traceparent`).

    When no span is recorded the emitter's context is made current instead, so what the handler emits still
    carries the same trace (the `traceparent` of the event it handles)."""
    parent = _propagator.extract({"traceparent": event.traceparent}) if event.traceparent else None
    if not recording():
        token = context.attach(parent) if parent is not None else None
        try:
            yield
        finally:
            if token is not None:
                context.detach(token)
        return
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
    batch's time), child of the span that emitted the event: one person's trace goes on through batched hops.
    Nothing is built when no span is recorded (see `recording`)."""
    if not recording():
        return
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
