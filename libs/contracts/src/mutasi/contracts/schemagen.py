"""Generates the committed JSON Schema of every topic's envelope (run by `make schemas`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mutasi.contracts.envelope import event_model
from mutasi.contracts.topics import ALL, Topic

PACKAGE_DIR = Path(__file__).parent
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# CloudEvents 1.0 REQUIRED context attributes, plus the Mutasi attributes every producer always sets.
ENVELOPE_REQUIRED = ("specversion", "id", "source", "type", "time", "subject", "datacontenttype", "dataschema")
MUTASI_REQUIRED = ("agencyid", "correlationid", "data")


def schema_id(topic: Topic) -> str:
    """A location-independent, absolute `$id` (the served copy lives under each producer's /schemas/)."""
    return f"urn:mutasi:schema:{topic.name}"


def schema_for(topic: Topic) -> dict[str, Any]:
    """The JSON Schema of a whole message on `topic`: envelope with the payload inlined as `data`."""
    schema = event_model(topic.payload).model_json_schema()
    schema["title"] = topic.name
    schema["description"] = topic.description
    schema["required"] = sorted(set(schema.get("required", [])) | set(ENVELOPE_REQUIRED) | set(MUTASI_REQUIRED))
    schema["properties"]["type"]["const"] = topic.name
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": schema_id(topic), **schema}


def released_path(topic: Topic) -> Path:
    """The schema as first released for this topic version: what existing subscribers were written against."""
    return PACKAGE_DIR / "schemas" / "released" / f"{topic.name}.json"


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    from mutasi.contracts.examples import EXAMPLES_DIR, example_event

    EXAMPLES_DIR.mkdir(exist_ok=True)
    for topic in ALL:
        path = PACKAGE_DIR / topic.schema_file
        path.parent.mkdir(exist_ok=True)
        path.write_text(render(schema_for(topic)), encoding="utf-8")
        (EXAMPLES_DIR / f"{topic.name}.json").write_text(render(example_event(topic)), encoding="utf-8")
        released = released_path(topic)
        if not released.exists():  # first release of this topic version; never rewritten afterwards
            released.parent.mkdir(exist_ok=True)
            released.write_text(render(schema_for(topic)), encoding="utf-8")
        print(f"wrote {topic.schema_file} and examples/{topic.name}.json")


if __name__ == "__main__":
    main()
