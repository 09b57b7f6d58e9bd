"""One person's round is one trace: the demo's steps run against the four services in-process, the events go from
service to service as Kafka would carry them (the CloudEvents JSON, `traceparent` inside), and OpenTelemetry's
in-memory exporter sees every hop — assessment import (HTTP), placement, training, evaluation checkpoint — under
the one root span the driver opened for the round. A hop that lost the context would start a trace of its own."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from mutasi.assessment.bootstrap import create_app as assessment_app
from mutasi.assessment.settings import AssessmentSettings
from mutasi.cli.demo import step_assessment, step_evaluation, step_placement, step_training
from mutasi.cli.demo.context import DemoContext
from mutasi.cli.demo.synth import generate
from mutasi.contracts import topics
from mutasi.contracts.topics import Topic
from mutasi.evaluation.bootstrap import create_app as evaluation_app
from mutasi.evaluation.settings import EvaluationSettings
from mutasi.placement.bootstrap import create_app as placement_app
from mutasi.placement.settings import PlacementSettings
from mutasi.training.bootstrap import create_app as training_app
from mutasi.training.settings import TrainingSettings
from tests.component.test_tracing import spans  # noqa: F401  (the in-memory exporter fixture)
from tests.support.service import RunningService, publish_raw, running_service, seal_settings

SIZE = 60  # ASN in the synthetic agency: enough for a plan that moves someone, small enough for a component test


class OverTheWire(httpx.AsyncBaseTransport):
    """What an instrumented client in another process does: the current span's context goes out as the
    `traceparent` header, and the service handles the request in a context of its own (in-process it would
    otherwise see the caller's span directly and never read the header)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        propagate.inject(request.headers)
        token = otel_context.attach(otel_context.Context())
        try:
            return await self.inner.handle_async_request(request)
        finally:
            otel_context.detach(token)


async def forward(source: RunningService, topic: Topic, *sinks: RunningService) -> list[dict[str, Any]]:
    """Every event `source` emitted on `topic`, delivered to `sinks` as the bytes on the wire (key = subject),
    handled in an empty context: the consumer knows the trace only from the envelope's `traceparent`."""
    events = await source.published(topic)
    token = otel_context.attach(otel_context.Context())
    try:
        for sink in sinks:
            for event in events:
                await publish_raw(sink, topic, json.dumps(event).encode(), event["subject"].encode())
    finally:
        otel_context.detach(token)
    return events


def _tokens(placement: RunningService, agency: str) -> dict[str, str]:
    return {
        f"{who}.{agency}": placement.issuer.token(sub=f"{agency}:{who}", agency=agency, roles=[role])
        for who, role in (("hr", "hr"), ("approver1", "approver"), ("approver2", "approver"))
    }


def hops(finished: Sequence[ReadableSpan], person: str) -> list[str]:
    """The requests (each route once) and the person's own events handled, in the order they started."""
    wanted = {trace.SpanKind.SERVER, trace.SpanKind.CONSUMER}
    path: list[str] = []
    for s in sorted((s for s in finished if s.kind in wanted), key=lambda s: s.start_time or 0):
        attributes = s.attributes or {}
        if s.kind == trace.SpanKind.CONSUMER and attributes.get("cloudevents.event_subject") != person:
            continue
        hop = f"{attributes['mutasi.service']}: {s.name}" if s.kind == trace.SpanKind.CONSUMER else s.name
        if hop not in path:
            path.append(hop)
    return path


async def test_one_persons_round_from_the_assessment_import_to_the_evaluation_checkpoint_is_one_trace(
    spans: InMemorySpanExporter,  # noqa: F811
    tmp_path: Path,
) -> None:
    data = generate(seed=7, size=SIZE)
    tracer = trace.get_tracer("tests.round")
    async with (
        running_service(
            assessment_app(AssessmentSettings(mongo_uri="memory://", metrics_refresh_s=0, **seal_settings()))
        ) as a,
        running_service(placement_app(PlacementSettings(mongo_uri="memory://", **seal_settings()))) as p,
        running_service(training_app(TrainingSettings(mongo_uri="memory://"))) as t,
        running_service(evaluation_app(EvaluationSettings(mongo_uri="memory://", metrics_refresh_s=0))) as e,
    ):
        clients = {"assessment": a.http, "placement": p.http, "training": t.http, "evaluation": e.http}
        for client in clients.values():
            client._transport = OverTheWire(client._transport)
        ctx = DemoContext(dataset=data, clients=clients, run_dir=tmp_path, progress=lambda _: None,
                          tokens=_tokens(p, data.agency_id))  # fmt: skip
        for step in (step_placement, step_training, step_assessment, step_evaluation):
            await step.prepare(ctx)
        spans.clear()
        with tracer.start_as_current_span("demo round") as root:
            await step_assessment.run(ctx)
            await forward(a, topics.ASSESSMENT_COMPLETED, p)
            await step_placement.run(ctx)
            decided = await forward(p, topics.MUTATION_DECIDED, t, e)
            await t.drain()
            await forward(t, topics.TRAINING_ASSIGNED, e)
            await step_training.run(ctx)
            await forward(t, topics.TRAINING_COMPLETED, e)
            await step_evaluation.run(ctx)
            recorded = await e.published(topics.EVALUATION_RECORDED)
    trace_id = root.get_span_context().trace_id
    moved = {d["subject"] for d in decided if d["data"].get("moved", True)}
    person = next(r["subject"] for r in recorded if r["subject"] in moved)
    finished = spans.get_finished_spans()
    path = hops(finished, person)
    print("trace", f"{trace_id:032x}", "of", person, ":", " → ".join(path))

    assert {s.context.trace_id for s in finished} == {trace_id}  # no hop started a trace of its own
    assert {f"placement: {topics.ASSESSMENT_COMPLETED.name} process", f"training: {topics.MUTATION_DECIDED.name} "
            f"process", f"evaluation: {topics.MUTATION_DECIDED.name} process",
            f"evaluation: {topics.TRAINING_ASSIGNED.name} process"} <= set(path)  # fmt: skip
    names = {s.name for s in finished}
    assert any(n.startswith("POST /v1/imports/") for n in names)
    assert f"{topics.ASSESSMENT_COMPLETED.name} process" in names
    assert any(n.startswith("POST /v1/rounds/{round_id}/decide") for n in names)
    assert f"{topics.MUTATION_DECIDED.name} process" in names
    assert f"{topics.TRAINING_ASSIGNED.name} process" in names
    assert any(n.startswith("POST /v1/plans/{plan_id}/items/{item_id}/completion") for n in names)
    assert f"{topics.TRAINING_COMPLETED.name} process" in names
    assert any(n.startswith("POST /v1/evaluations") for n in names)
    consumed_by = {(s.attributes or {}).get("mutasi.service") for s in finished if s.kind == trace.SpanKind.CONSUMER}
    assert {"placement", "training", "evaluation"} <= consumed_by
    for event in (*decided, *recorded):
        assert event["traceparent"].split("-")[1] == f"{trace_id:032x}"
