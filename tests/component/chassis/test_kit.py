"""The chassis plumbing, exercised through a toy service on TestKafkaBroker and the in-memory database."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from faststream.kafka.annotations import KafkaMessage
from pymongo.errors import AutoReconnect

from mutasi.chassis.store import INBOX
from mutasi.contracts import topics
from mutasi.contracts.examples import PAYLOADS
from mutasi.contracts.placement import MutationDecidedV1
from mutasi.contracts.schemagen import schema_for
from tests.support.service import publish_event, publish_raw, running_service
from tests.support.toy import BUGGY_NIP, HANDLED, REJECTED_NIP, TRANSIENT_FAILURES, ToySettings, create_app

DECIDED: MutationDecidedV1 = PAYLOADS[topics.MUTATION_DECIDED.name]  # type: ignore[assignment]


def toy_app():  # type: ignore[no-untyped-def]
    return create_app(ToySettings(mongo_uri="memory://"))


def dlq_spy(app: Any) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []

    @app.state.kit.broker.subscriber(topics.MUTATION_DECIDED.dlq)
    async def spy(msg: KafkaMessage) -> None:
        seen.append({"body": msg.body, "headers": dict(msg.headers)})

    return seen


async def test_event_is_handled_and_its_consequence_published_through_the_outbox() -> None:
    async with running_service(toy_app()) as svc:
        await publish_event(svc, topics.MUTATION_DECIDED, DECIDED)
        emitted = await svc.published(topics.TRAINING_ASSIGNED)
    assert [e["data"]["nip"] for e in emitted] == [DECIDED.nip]
    assert emitted[0]["type"] == topics.TRAINING_ASSIGNED.name
    assert emitted[0]["agencyid"] == "sawahlunto"
    assert emitted[0]["correlationid"] == "test-correlation"


async def test_duplicate_delivery_changes_nothing_and_runs_no_handler_code() -> None:
    app = toy_app()
    nip = "198001012006041099"
    async with running_service(app) as svc:
        await publish_event(svc, topics.MUTATION_DECIDED, DECIDED.model_copy(update={"nip": nip}), event_id="evt-1")
        await publish_event(svc, topics.MUTATION_DECIDED, DECIDED.model_copy(update={"nip": nip}), event_id="evt-1")
        plans = await svc.kit.database().raw("plans").count({})
        emitted = await svc.published(topics.TRAINING_ASSIGNED)
        duplicates = svc.kit.metrics.events_duplicate.labels(topics.MUTATION_DECIDED.name)._value.get()
    assert plans == 1
    assert len(emitted) == 1
    assert duplicates == 1
    assert HANDLED[nip] == 1  # the inbox answered before the handler ran: no side effect happened twice


@pytest.mark.parametrize(
    ("body", "error_fragment"),
    [
        (b"not json at all", "body is not JSON"),
        (json.dumps({"specversion": "1.0", "type": "x"}).encode(), "data"),
    ],
)
async def test_malformed_message_goes_to_the_dlq_with_its_error_and_the_next_good_one_is_processed(
    body: bytes, error_fragment: str
) -> None:
    app = toy_app()
    seen = dlq_spy(app)
    async with running_service(app) as svc:
        await publish_raw(svc, topics.MUTATION_DECIDED, body, key=b"k1")
        await publish_event(svc, topics.MUTATION_DECIDED, DECIDED)
        plans = await svc.kit.database().raw("plans").count({})
    assert len(seen) == 1
    assert seen[0]["body"] == body
    assert error_fragment in seen[0]["headers"]["x-mutasi-error"]
    assert seen[0]["headers"]["x-mutasi-original-topic"] == topics.MUTATION_DECIDED.name
    assert plans == 1


async def test_rejected_and_failing_handlers_dead_letter_and_roll_back() -> None:
    app = toy_app()
    seen = dlq_spy(app)
    async with running_service(app) as svc:
        for nip in (REJECTED_NIP, BUGGY_NIP):
            await publish_event(svc, topics.MUTATION_DECIDED, DECIDED.model_copy(update={"nip": nip}))
        inbox = await svc.kit.database().raw(INBOX).count({})
    assert [s["headers"]["x-mutasi-reason"] for s in seen] == ["rejected", "handler_error"]
    assert inbox == 0


async def test_idempotency_key_returns_the_first_response_and_refuses_another_body() -> None:
    async with running_service(toy_app()) as svc:
        first = await svc.http.post("/v1/notes", json={"nip": "1", "text": "a"}, headers={"Idempotency-Key": "k"})
        again = await svc.http.post("/v1/notes", json={"nip": "1", "text": "a"}, headers={"Idempotency-Key": "k"})
        other = await svc.http.post("/v1/notes", json={"nip": "1", "text": "b"}, headers={"Idempotency-Key": "k"})
        listed = await svc.http.get("/v1/notes")
    assert first.status_code == 201
    assert again.json() == first.json()
    assert other.status_code == 409
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert len(listed.json()) == 1


async def test_requests_are_scoped_by_agency_and_a_token_without_one_is_refused() -> None:
    async with running_service(toy_app()) as svc:
        await svc.http.post("/v1/notes", json={"nip": "1", "text": "a"})
        other_agency = await svc.http.get("/v1/notes", headers={"X-Agency-Id": "kota-solok"})
        missing = await svc.http.get("/v1/notes", headers={"X-Agency-Id": ""})
    assert other_agency.json() == []
    assert missing.status_code == 403
    assert missing.json()["errors"][0]["field"] == "token.agency"


async def test_bad_body_names_the_field_and_the_reason() -> None:
    async with running_service(toy_app()) as svc:
        r = await svc.http.post("/v1/notes", json={"nip": "1"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "body.text"
    assert "required" in r.json()["errors"][0]["reason"].lower()


async def test_operations_endpoints_report_health_metrics_and_asyncapi() -> None:
    async with running_service(toy_app()) as svc:
        await publish_event(svc, topics.MUTATION_DECIDED, DECIDED)
        live = await svc.http.get("/health/live")
        metrics = await svc.http.get("/metrics")
        asyncapi = await svc.http.get("/asyncapi.json")
    assert live.json() == {"status": "ok"}
    assert 'mutasi_events_consumed_total{service="toy",topic="mutasi.mutation-decided.v1"} 1.0' in metrics.text
    assert 'mutasi_outbox_published_total{service="toy",topic="mutasi.training-assigned.v1"} 1.0' in metrics.text
    channels = json.dumps(asyncapi.json()["channels"])
    assert topics.MUTATION_DECIDED.name in channels
    assert topics.TRAINING_ASSIGNED.name in channels


async def test_a_transient_database_error_is_retried_with_backoff_until_it_succeeds() -> None:
    nip = "197201011996031001"
    TRANSIENT_FAILURES[nip] = 2
    app = create_app(ToySettings(mongo_uri="memory://", retry_backoff_s=0.001))
    async with running_service(app) as svc:
        await publish_event(svc, topics.MUTATION_DECIDED, DECIDED.model_copy(update={"nip": nip}))
        plans = await svc.kit.database().raw("plans").count({"nip": nip})
        retried = svc.kit.metrics.events_retried.labels(topics.MUTATION_DECIDED.name)._value.get()
    assert plans == 1
    assert retried == 2


async def test_a_persistent_transient_error_is_not_acked_so_the_message_is_redelivered() -> None:
    nip = "197201011996031002"
    TRANSIENT_FAILURES[nip] = 99
    app = create_app(ToySettings(mongo_uri="memory://", retry_backoff_s=0.001, retry_attempts=3))
    seen = dlq_spy(app)
    async with running_service(app) as svc:
        with pytest.raises(AutoReconnect):
            await publish_event(svc, topics.MUTATION_DECIDED, DECIDED.model_copy(update={"nip": nip}))
        inbox = await svc.kit.database().raw(INBOX).count({})
    assert inbox == 0
    assert seen == []


async def test_two_agencies_using_the_same_idempotency_key_never_see_each_others_answer() -> None:
    async with running_service(toy_app()) as svc:
        solok = {"Idempotency-Key": "k", "X-Agency-Id": "kota-solok"}
        first = await svc.http.post("/v1/notes", json={"nip": "1", "text": "a"}, headers={"Idempotency-Key": "k"})
        other = await svc.http.post("/v1/notes", json={"nip": "2", "text": "b"}, headers=solok)
    assert first.status_code == 201
    assert other.status_code == 201
    assert other.json()["agency_id"] == "kota-solok"
    assert other.json()["nip"] == "2"


async def test_a_periodic_task_runs_while_the_service_runs_survives_failures_and_stops_with_it() -> None:
    app = toy_app()
    calls: list[int] = []

    async def flaky() -> None:
        calls.append(len(calls))
        if len(calls) == 1:
            raise RuntimeError("first run fails")

    app.state.kit.every(0.01, flaky, name="toy-gauges")
    async with running_service(app):
        await asyncio.sleep(0.1)
    stopped_at = len(calls)
    await asyncio.sleep(0.05)
    assert stopped_at >= 3
    assert len(calls) == stopped_at


async def test_every_emitted_event_names_an_absolute_dataschema_the_service_serves() -> None:
    async with running_service(toy_app()) as svc:
        await publish_event(svc, topics.MUTATION_DECIDED, DECIDED, event_id="evt-cause")
        (emitted,) = await svc.published(topics.TRAINING_ASSIGNED)
        path = emitted["dataschema"].removeprefix(svc.kit.settings.resolved_schema_base)
        served = await svc.http.get(f"/schemas/{path}")
        unknown = await svc.http.get(f"/schemas/{topics.MUTATION_DECIDED.name}.json")  # consumed, not produced
    assert emitted["dataschema"] == f"http://127.0.0.1:8000/schemas/{topics.TRAINING_ASSIGNED.name}.json"
    assert emitted["causationid"] == "evt-cause"
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("application/schema+json")
    assert served.json() == schema_for(topics.TRAINING_ASSIGNED)
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["field"] == "path.topic"


async def test_metrics_start_at_zero_for_every_topic_and_reason_and_count_http_requests() -> None:
    async with running_service(toy_app()) as svc:
        await svc.http.get("/health/live")
        text = (await svc.http.get("/metrics")).text
    decided = topics.MUTATION_DECIDED.name
    for reason in ("invalid", "rejected", "handler_error"):
        labels = f'reason="{reason}",service="toy",topic="{decided}"'
        assert f"mutasi_events_dead_lettered_total{{{labels}}} 0.0" in text
    assert f'mutasi_outbox_published_total{{service="toy",topic="{topics.TRAINING_ASSIGNED.name}"}} 0.0' in text
    assert 'mutasi_build_info{python="' in text
    assert 'http_requests_total{handler="/health/live",method="GET",service="toy",status="2xx"} 1.0' in text


async def test_openapi_documents_the_real_error_body_and_the_docs_need_no_cdn() -> None:
    async with running_service(toy_app()) as svc:
        spec = (await svc.http.get("/openapi.json")).json()
        docs = (await svc.http.get("/docs")).text
        redoc = (await svc.http.get("/redoc")).text
        bundle = await svc.http.get("/static-offline-docs/swagger-ui-bundle.js")
        invalid = await svc.http.post("/v1/notes", json={})
    v1 = [op for path, ops in spec["paths"].items() if path.startswith("/v1/") for op in ops.values()]
    assert v1
    for op in v1:
        for status in ("401", "403", "409", "422"):
            assert op["responses"][status]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorBody"
            }
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert set(spec["components"]["schemas"]["ErrorBody"]["required"]) == {"message", "errors"}
    assert "cdn" not in docs.lower()
    assert "/static-offline-docs/swagger-ui-bundle.js" in docs
    assert "cdn" not in redoc.lower()
    assert bundle.status_code == 200
    assert invalid.status_code == 422
    assert set(invalid.json()) == {"message", "errors"}
