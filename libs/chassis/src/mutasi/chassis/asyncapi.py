"""The AsyncAPI 3.0 document of one service, generated from the topic registry and what the kit wires.

A subscriber can generate a client from it: the payload of every message is the CloudEvents envelope on the
wire (structured mode) with `data` typed per topic, the Kafka key binding (the employee's NIP), the
correlation id inside the envelope, and the dead-letter channel of every topic the service consumes."""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from mutasi.chassis.relay import STRUCTURED_MODE_HEADERS
from mutasi.contracts.schemagen import schema_for
from mutasi.contracts.topics import Topic

KAFKA_BINDING = "0.5.0"
DLQ_HEADERS = {
    "x-mutasi-error": "What failed (validation error or handler message).",
    "x-mutasi-reason": "invalid | rejected | handler_error.",
    "x-mutasi-original-topic": "The topic the message was read from.",
}


def message_name(topic: Topic) -> str:
    """`mutasi.mutation-decided.v1` → `MutationDecidedV1` (the payload class name, which is unique)."""
    return topic.payload.__name__


def envelope_schemas(topic: Topic) -> dict[str, Any]:
    """The envelope schema of `topic` and its `$defs`, as component schemas with document-level refs."""
    schema = copy.deepcopy(schema_for(topic))
    schema.pop("$schema", None)
    schema.pop("$id", None)  # an $id would change the base the component refs resolve against
    defs = schema.pop("$defs", {})
    found: dict[str, Any] = _rewrite_refs({**defs, f"{message_name(topic)}Event": schema})
    return found


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: re.sub(r"^#/\$defs/", "#/components/schemas/", v) if k == "$ref" else _rewrite_refs(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(v) for v in node]
    return node


def document(
    *, service: str, version: str, bootstrap: str, consumed: Sequence[Topic], produced: Sequence[Topic]
) -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for topic in dict.fromkeys([*produced, *consumed]):
        name = message_name(topic)
        schemas.update(envelope_schemas(topic))
        messages[name] = _message(topic)
        channels[topic.name] = {
            "address": topic.name,
            "title": topic.name,
            "description": f"{topic.description} Producer: {topic.producer}; key: {topic.key}.",
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "bindings": {"kafka": {"topic": topic.name, "bindingVersion": KAFKA_BINDING}},
        }
    for topic in produced:
        operations[f"publish.{topic.name}"] = _operation("send", topic.name, message_name(topic), topic.description)
    for topic in consumed:
        name = message_name(topic)
        operations[f"receive.{topic.name}"] = _operation("receive", topic.name, name, f"{service} consumes it.")
        channels[topic.dlq] = {
            "address": topic.dlq,
            "title": topic.dlq,
            "description": f"Messages of {topic.name} that {service} could not process, re-published unchanged "
            "(same key and body) with the error in headers; the original was acked.",
            "messages": {"DeadLetter": {"$ref": "#/components/messages/DeadLetter"}},
            "bindings": {"kafka": {"topic": topic.dlq, "bindingVersion": KAFKA_BINDING}},
        }
        operations[f"dead-letter.{topic.name}"] = _operation(
            "send", topic.dlq, "DeadLetter", f"{service} dead-letters what it cannot process from {topic.name}."
        )
    if consumed:
        messages["DeadLetter"] = {
            "name": "DeadLetter",
            "title": "A message that could not be processed",
            "summary": "The original key and body (which may be malformed), with the reason in headers.",
            "headers": {"type": "object", "properties": {h: {"type": "string", "description": d}
                                                         for h, d in DLQ_HEADERS.items()}},
            "payload": {"description": "The original message value, unchanged."},
            "bindings": {"kafka": {"key": {"type": "string"}, "bindingVersion": KAFKA_BINDING}},
        }  # fmt: skip
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": f"Mutasi {service}",
            "version": version,
            "description": f"Events the Mutasi {service} service publishes and consumes: CloudEvents 1.0 in "
            "structured mode (application/cloudevents+json), keyed by the employee's NIP.",
        },
        "defaultContentType": "application/cloudevents+json",
        "servers": {
            "kafka": {"host": bootstrap.split(",")[0], "protocol": "kafka", "description": "Kafka bootstrap server."}
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def _operation(action: str, channel: str, message: str, summary: str) -> dict[str, Any]:
    return {
        "action": action,
        "summary": summary,
        "channel": {"$ref": f"#/channels/{_escape(channel)}"},
        "messages": [{"$ref": f"#/channels/{_escape(channel)}/messages/{message}"}],
    }


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _message(topic: Topic) -> dict[str, Any]:
    name = message_name(topic)
    return {
        "name": name,
        "title": topic.name,
        "summary": topic.description,
        "contentType": STRUCTURED_MODE_HEADERS["content-type"].split(";")[0],
        "headers": {
            "type": "object",
            "properties": {"content-type": {"type": "string", "const": STRUCTURED_MODE_HEADERS["content-type"]}},
        },
        "correlationId": {
            "description": "Shared by every event of one business flow (CloudEvents extension).",
            "location": "$message.payload#/correlationid",
        },
        "payload": {"$ref": f"#/components/schemas/{name}Event"},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": f"The partition key: the payload's `{topic.key}`."},
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }
