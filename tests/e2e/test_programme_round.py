"""End to end: a small programme round on the local stack, then redelivery, poison and crash cases."""

from __future__ import annotations

import json
import os
import signal
import uuid
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from mutasi.cli import stack
from mutasi.cli.demo.synth import generate
from mutasi.contracts import topics
from mutasi.contracts.common import PostRef
from mutasi.contracts.examples import PAYLOADS
from mutasi.contracts.placement import MutationDecidedV1
from tests.e2e.conftest import RoundOnStack
from tests.support.wire import consume, eventually, produce

pytestmark = pytest.mark.e2e
TEMPLATE: MutationDecidedV1 = PAYLOADS[topics.MUTATION_DECIDED.name]  # type: ignore[assignment]


def test_a_small_round_flows_from_assessment_to_evaluation(round_on_stack: RoundOnStack) -> None:
    r = round_on_stack.results
    summary = [line for line in round_on_stack.lines if line.startswith("demo:")]
    assert r["assessment"]["assessed"] > 0
    assert r["placement"]["decided"] > 0
    assert r["placement"]["moved"] > 0
    assert r["training"]["trained"] > 0
    assert r["evaluation"]["evaluated"] > 0
    assert r["placement"]["demosi_without_basis"] == 0  # a demosi only at the person's request or as a penalty
    assert r["province"]["inter_agency_moves"] > 0  # a Sawahlunto ASN placed in a Kota Solok post
    assert len(summary) == 1
    assert any(line.startswith("audit verify sumbar: ok") for line in round_on_stack.lines)


def decision_event(nip: str, event_id: str, decision_id: str) -> bytes:
    """A `mutation-decided` as placement would publish it, for a person of the demo agency."""
    data = TEMPLATE.model_copy(
        update={
            "nip": nip,
            "decision_id": decision_id,
            "round_id": "rnd-e2e",
            "to_post": PostRef(
                post_id="KOMINFO-JF-PRAKOM",
                post_name="Pranata Komputer Ahli Pertama",
                unit_id="KOMINFO",
                unit_name="Dinas Komunikasi dan Informatika",
                post_type="fungsional",
            ),
        }
    )
    body = {
        "specversion": "1.0",
        "id": event_id,
        "source": "/mutasi/placement",
        "type": topics.MUTATION_DECIDED.name,
        "time": "2026-11-28T08:00:00Z",
        "subject": nip,
        "datacontenttype": "application/json",
        "agencyid": "sawahlunto",
        "correlationid": str(uuid.uuid4()),
        "data": json.loads(data.model_dump_json()),
    }
    return json.dumps(body).encode()


def unmoved_nip(round_on_stack: RoundOnStack, offset: int) -> str:
    moved = set(round_on_stack.results["facts"].get("moved", []))
    people = [e.nip for e in generate(seed=7, size=220).employees if e.nip not in moved]
    return people[offset]


async def events_for(kafka: str, topic: str, nip: str, at_least: int = 1, timeout: float = 30) -> list[Any]:
    records = await consume(kafka, topic, lambda rs: sum(r.key == nip.encode() for r in rs) >= at_least, timeout)
    return [json.loads(r.value) for r in records if r.key == nip.encode()]


def metric(url: str, name: str, **labels: str) -> float:
    """One sample of a service's /metrics (0 when absent)."""
    text = httpx.get(f"{url}/metrics", timeout=5).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and labels.items() <= sample.labels.items():
                return float(sample.value)
    return 0.0


async def test_a_duplicate_decision_changes_nothing(round_on_stack: RoundOnStack) -> None:
    state = round_on_stack.state
    nip = unmoved_nip(round_on_stack, 0)
    body = decision_event(nip, f"dup-{uuid.uuid4()}", f"dec-dup-{nip}")
    await produce(state.kafka, topics.MUTATION_DECIDED.name, body, nip.encode())
    await events_for(state.kafka, topics.TRAINING_ASSIGNED.name, nip)
    await produce(state.kafka, topics.MUTATION_DECIDED.name, body, nip.encode())

    def duplicates_seen() -> Any:
        async def check() -> bool:
            return all(
                metric(state.url(s), "mutasi_events_duplicate_total", service=s, topic=topics.MUTATION_DECIDED.name)
                >= 1
                for s in ("training", "evaluation")
            )

        return check

    await eventually(duplicates_seen(), timeout=30)
    assigned = await events_for(state.kafka, topics.TRAINING_ASSIGNED.name, nip, at_least=2, timeout=3)
    assert len(assigned) == 1


async def test_a_malformed_message_goes_to_the_dlq_and_the_next_good_one_is_processed(
    round_on_stack: RoundOnStack,
) -> None:
    state = round_on_stack.state
    poison_key = f"poison-{uuid.uuid4().hex[:6]}".encode()
    await produce(state.kafka, topics.MUTATION_DECIDED.name, b'{"specversion": "1.0", "data": 42}', poison_key)
    nip = unmoved_nip(round_on_stack, 1)
    await produce(
        state.kafka, topics.MUTATION_DECIDED.name, decision_event(nip, str(uuid.uuid4()), f"dec-{nip}"), nip.encode()
    )

    assert await events_for(state.kafka, topics.TRAINING_ASSIGNED.name, nip)
    dead = await consume(
        state.kafka, topics.MUTATION_DECIDED.dlq, lambda rs: sum(r.key == poison_key for r in rs) >= 2, timeout=30
    )
    poisoned = [r for r in dead if r.key == poison_key]
    # Both consumers of the topic (training and evaluation) dead-letter their copy and move on.
    assert len(poisoned) == 2
    assert all("x-mutasi-error" in dict(r.headers) for r in poisoned)


async def test_an_event_published_while_a_consumer_is_down_is_processed_after_restart(
    round_on_stack: RoundOnStack,
) -> None:
    state = round_on_stack.state
    os.kill(state.pids["training"], signal.SIGKILL)
    nip = unmoved_nip(round_on_stack, 2)
    await produce(
        state.kafka, topics.MUTATION_DECIDED.name, decision_event(nip, str(uuid.uuid4()), f"dec-{nip}"), nip.encode()
    )
    proc = stack.start_service(state, "training")
    stack.wait_ready(state.url("training"), 60, proc)
    state.save()
    assert await events_for(state.kafka, topics.TRAINING_ASSIGNED.name, nip, timeout=45)
