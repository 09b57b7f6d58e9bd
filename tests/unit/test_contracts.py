"""The event contracts: examples validate, committed schemas are current and compatible, no personal data."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mutasi.contracts import schemagen
from mutasi.contracts.compat import breaking_changes
from mutasi.contracts.envelope import event_model
from mutasi.contracts.examples import EXAMPLES_DIR, example_event
from mutasi.contracts.topics import ALL, BY_NAME, Topic

PACKAGE = Path(schemagen.__file__).parent
FORBIDDEN = re.compile(r"nik|birth|lahir|pasangan|spouse|anak|child|family|keluarga|health|kesehatan_|narrative")


def committed_schema(topic: Topic) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PACKAGE / topic.schema_file).read_text())
    return loaded


@pytest.mark.parametrize("topic", ALL, ids=lambda t: t.name)
def test_committed_schema_is_what_the_code_generates(topic: Topic) -> None:
    assert committed_schema(topic) == json.loads(schemagen.render(schemagen.schema_for(topic))), (
        "run `make schemas` and commit the result"
    )


@pytest.mark.parametrize("topic", ALL, ids=lambda t: t.name)
def test_checked_in_example_validates_against_the_committed_schema(topic: Topic) -> None:
    example = json.loads((EXAMPLES_DIR / f"{topic.name}.json").read_text())
    jsonschema.validate(example, committed_schema(topic))
    assert example == example_event(topic)
    event_model(topic.payload).model_validate(example)


@pytest.mark.parametrize("topic", ALL, ids=lambda t: t.name)
def test_no_event_carries_nik_birth_date_family_or_health_data(topic: Topic) -> None:
    fields = _all_property_names(committed_schema(topic))
    assert not [f for f in fields if FORBIDDEN.search(f.lower())]


@pytest.mark.parametrize("topic", ALL, ids=lambda t: t.name)
def test_every_topic_is_keyed_by_a_payload_field_and_versioned(topic: Topic) -> None:
    assert topic.key in topic.payload.model_fields
    assert re.fullmatch(r"mutasi\.[a-z-]+\.v\d+", topic.name)
    assert BY_NAME[topic.name] is topic
    assert topic.dlq == f"{topic.name}.dlq"


def test_consumers_ignore_unknown_fields_of_a_newer_producer() -> None:
    topic = BY_NAME["mutasi.mutation-decided.v1"]
    example = example_event(topic)
    example["data"]["added_in_a_later_release"] = {"any": "thing"}
    example["newextension"] = "x"
    assert event_model(topic.payload).model_validate(example).data.nip == example["data"]["nip"]


def test_removing_a_field_or_requiring_a_new_one_is_a_breaking_change() -> None:
    old = {"properties": {"nip": {"type": "string"}, "jp": {"type": "integer"}}, "required": ["nip"]}
    removed = {"properties": {"nip": {"type": "string"}}, "required": ["nip"]}
    retyped = {"properties": {"nip": {"type": "integer"}, "jp": {"type": "integer"}}, "required": ["nip"]}
    required = {**old, "required": ["nip", "jp"]}
    additive = {"properties": {**old["properties"], "mentor": {"type": "string"}}, "required": ["nip"]}
    assert breaking_changes(old, removed) == ["jp: removed"]
    assert breaking_changes(old, retyped) == ["nip: type changed string -> integer"]
    assert breaking_changes(old, required) == ["jp: newly required"]
    assert breaking_changes(old, additive) == []


@pytest.mark.parametrize("topic", ALL, ids=lambda t: t.name)
def test_the_current_model_does_not_break_the_released_schema_of_its_version(topic: Topic) -> None:
    released = json.loads(schemagen.released_path(topic).read_text())
    assert breaking_changes(released, schemagen.schema_for(topic)) == [], (
        "a breaking change needs a new topic version (…v2), not an edit of v1"
    )


def _all_property_names(schema: dict[str, Any]) -> list[str]:
    names = list(schema.get("properties", {}))
    for sub in schema.get("$defs", {}).values():
        names += _all_property_names(sub)
    for prop in schema.get("properties", {}).values():
        if isinstance(prop, dict):
            names += _all_property_names(prop)
    return names
