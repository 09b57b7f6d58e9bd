"""One trace across services: an evaluation checkpoint recorded over HTTP, its follow-up through Kafka, handled
by the services that consume it; spans collected by OpenTelemetry's in-memory exporter."""

from __future__ import annotations

import json
from datetime import date

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from mutasi.assessment.bootstrap import create_app as assessment_app
from mutasi.assessment.settings import AssessmentSettings
from mutasi.contracts import topics
from mutasi.evaluation.bootstrap import create_app as evaluation_app
from mutasi.evaluation.settings import EvaluationSettings
from mutasi.placement.bootstrap import create_app as placement_app
from mutasi.placement.settings import PlacementSettings
from tests.component.evaluation.evaluation_events import body, decided
from tests.support.service import publish_event, publish_raw, running_service, seal_settings


@pytest.fixture
def spans() -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):  # no service built yet in this process: install the SDK's
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


async def test_a_checkpoint_and_the_follow_up_it_causes_are_one_trace_across_three_services(
    spans: InMemorySpanExporter,
) -> None:
    settings = EvaluationSettings(mongo_uri="memory://", metrics_refresh_s=0, today=date(2027, 4, 10))
    async with running_service(evaluation_app(settings)) as evaluation:
        await publish_event(evaluation, topics.MUTATION_DECIDED, decided(1))
        await evaluation.http.post("/v1/evaluations", json=body(review=2))
        spans.clear()
        recorded = await evaluation.http.post("/v1/evaluations", json=body(months=6, review=2))
        assert recorded.status_code == 201
        (follow_up,) = await evaluation.published(topics.FOLLOW_UP_RECOMMENDED)
    wire = json.dumps(follow_up).encode()
    for app in (
        assessment_app(AssessmentSettings(mongo_uri="memory://", **seal_settings(), metrics_refresh_s=0)),
        placement_app(PlacementSettings(mongo_uri="memory://", **seal_settings())),
    ):
        async with running_service(app) as consumer:
            await publish_raw(consumer, topics.FOLLOW_UP_RECOMMENDED, wire, follow_up["subject"].encode())

    finished = spans.get_finished_spans()
    (request,) = [s for s in finished if s.kind == trace.SpanKind.SERVER and "/v1/evaluations" in s.name]
    handled = [s for s in finished if s.name == f"{topics.FOLLOW_UP_RECOMMENDED.name} process"]
    trace_id = request.context.trace_id
    assert follow_up["traceparent"].split("-")[1] == f"{trace_id:032x}"
    assert len(handled) == 2
    assert {s.context.trace_id for s in handled} == {trace_id}
    assert all(s.parent is not None and s.parent.trace_id == trace_id for s in handled)
    assert {s.attributes["cloudevents.event_id"] for s in handled} == {follow_up["id"]}
    assert {s.attributes["mutasi.service"] for s in handled} == {"assessment", "placement"}
    ordered = sorted(finished, key=lambda s: s.start_time or 0)
    path = [
        (s.attributes.get("mutasi.service", "evaluation"), s.name) for s in ordered if s.kind != trace.SpanKind.INTERNAL
    ]
    print("trace", f"{trace_id:032x}", path)
