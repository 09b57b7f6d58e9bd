"""A corpus of garbage messages per topic, each with the dead-letter reason the consumer must give it."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mutasi.contracts.examples import example_event
from mutasi.contracts.topics import Topic

# Per topic: a date field the consumer checks against its window, and a bounded-vocabulary field.
DATE_FIELD = {
    "mutasi.mutation-decided.v1": "effective_date",
    "mutasi.round-announced.v1": "preferences_open_until",
    "mutasi.training-assigned.v1": "effective_date",
    "mutasi.training-completed.v1": "completed_on",
    "mutasi.evaluation-recorded.v1": "recorded_on",
}
LEVELS_FIELD = {
    "mutasi.assessment-completed.v1": "competencies",
    "mutasi.mutation-decided.v1": "competencies",
    "mutasi.training-assigned.v1": "gaps",
    "mutasi.follow-up-recommended.v1": "competencies",
}
VOCABULARY_FIELD = {
    "mutasi.assessment-completed.v1": "employee_type",
    "mutasi.training-assigned.v1": "status",
    "mutasi.evaluation-recorded.v1": "outcome",
    "mutasi.follow-up-recommended.v1": "reason",
}


@dataclass(frozen=True)
class Garbage:
    label: str
    body: bytes
    key: bytes
    reason: str  # the x-mutasi-reason the consumer must give it


def good(topic: Topic, nip: str | None = None) -> dict[str, Any]:
    """The topic's example message with a fresh id and time (so it passes the date window)."""
    event = example_event(topic)
    event["id"] = str(uuid.uuid4())
    event["time"] = datetime.now(UTC).isoformat()
    if nip is not None and "nip" in event["data"]:
        event["data"]["nip"] = nip
        event["subject"] = nip
    return event


def _mutated(topic: Topic, change: Callable[[dict[str, Any]], None]) -> bytes:
    event = copy.deepcopy(good(topic))
    change(event)
    return json.dumps(event).encode()


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(event: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = event
        for part in parents:
            node = node[part]
        node[last] = value

    return change


def corpus(topic: Topic) -> list[Garbage]:
    """Every kind of garbage the door must stop, for one topic."""
    key = f"garbage-{uuid.uuid4().hex[:8]}".encode()
    items = [
        Garbage("not json", b"{not json", key, "invalid"),
        Garbage("not utf-8", b"\xff\xfe\x00garbage", key, "invalid"),
        Garbage("a bare number", b"42", key, "invalid"),
        Garbage("no data", _mutated(topic, lambda e: e.pop("data")), key, "invalid"),
        Garbage("wrong type", _mutated(topic, _set("type", "mutasi.something-else.v1")), key, "invalid"),
        Garbage("empty agency", _mutated(topic, _set("agencyid", "")), key, "invalid"),
        Garbage("path in agency", _mutated(topic, _set("agencyid", "../../Other Agency")), key, "invalid"),
        Garbage("unknown agency", _mutated(topic, _set("agencyid", "atlantis")), key, "unknown_agency"),
        Garbage("time in 2099", _mutated(topic, _set("time", "2099-01-01T00:00:00Z")), key, "invalid"),
        Garbage("empty id", _mutated(topic, _set("id", "")), key, "invalid"),
        Garbage("1.2 MB", _mutated(topic, _set("data.padding", "x" * 1_200_000)), key, "too_large"),
    ]
    if "nip" in good(topic)["data"]:
        items += [
            Garbage("NIP not digits", _mutated(topic, _set("data.nip", "NOT-A-NIP")), key, "invalid"),
            Garbage(
                "NIP birth date 13th month", _mutated(topic, _set("data.nip", "196613011988031001")), key, "invalid"
            ),
            Garbage("NIP sex digit 7", _mutated(topic, _set("data.nip", "196608011988037001")), key, "invalid"),
        ]
    if topic.name in DATE_FIELD:
        field = DATE_FIELD[topic.name]
        items += [
            Garbage(f"{field} 2099", _mutated(topic, _set(f"data.{field}", "2099-12-31")), key, "invalid"),
            Garbage(f"{field} 1900", _mutated(topic, _set(f"data.{field}", "1900-01-01")), key, "invalid"),
        ]
    if topic.name in LEVELS_FIELD:
        field = LEVELS_FIELD[topic.name]
        items.append(
            Garbage(f"{field} level -5", _mutated(topic, _set(f"data.{field}", {"komunikasi": -5})), key, "invalid")
        )
    if topic.name in VOCABULARY_FIELD:
        field = VOCABULARY_FIELD[topic.name]
        items.append(
            Garbage(f"{field} off the list", _mutated(topic, _set(f"data.{field}", "whatever")), key, "invalid")
        )
    return items
