"""The official CloudEvents SDK's Kafka binding reads every example exactly as the relay puts it on the wire."""

from __future__ import annotations

import json

import pytest
from cloudevents.core.bindings import kafka

from mutasi.chassis.relay import STRUCTURED_MODE_HEADERS
from mutasi.chassis.settings import ServiceSettings
from mutasi.contracts.examples import EXAMPLES_DIR
from mutasi.contracts.topics import ALL, Topic


def wire_message(topic: Topic) -> kafka.KafkaMessage:
    body = (EXAMPLES_DIR / f"{topic.name}.json").read_bytes()
    key = json.loads(body)["subject"].encode()
    headers = {k: v.encode() for k, v in STRUCTURED_MODE_HEADERS.items()}
    return kafka.KafkaMessage(headers=headers, key=key, value=body)


def test_the_relay_sets_no_binary_mode_header() -> None:
    assert not [h for h in STRUCTURED_MODE_HEADERS if h.lower().startswith("ce_")]
    assert STRUCTURED_MODE_HEADERS["content-type"].startswith("application/cloudevents+json")


@pytest.mark.parametrize("topic", ALL, ids=lambda t: t.name)
def test_the_sdk_decodes_the_example_in_structured_mode(topic: Topic) -> None:
    message = wire_message(topic)
    event = kafka.from_kafka_event(message)
    body = json.loads(message.value)
    attributes = event.get_attributes()
    assert attributes["specversion"] == "1.0"
    assert (attributes["id"], attributes["type"], attributes["source"]) == (body["id"], topic.name, body["source"])
    assert attributes["dataschema"].startswith("https://")
    assert attributes["dataschema"].endswith(f"/{topic.name}.json")
    assert attributes["partitionkey"] == body["subject"]
    assert (attributes["agencyid"], attributes["correlationid"]) == (body["agencyid"], body["correlationid"])
    assert event.get_data() == body["data"]


def test_the_schema_base_is_a_setting_with_a_resolvable_default() -> None:
    assert ServiceSettings(http_host="10.0.0.5", http_port=8003).resolved_schema_base == "http://10.0.0.5:8003/schemas/"
    configured = ServiceSettings(schema_base_url="https://mutasi.example.go.id/training/schemas")
    assert configured.resolved_schema_base == "https://mutasi.example.go.id/training/schemas/"
