"""The AsyncAPI documents, validated by the official AsyncAPI parser (npm @asyncapi/parser, tools/asyncapi)."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mutasi.contracts.topics import ALL
from tests.support.service import seal_settings

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "asyncapi"
SERVICES = ("assessment", "placement", "training", "evaluation", "console")
node = shutil.which("node")
pytestmark = pytest.mark.skipif(
    node is None or not (TOOL / "node_modules" / "@asyncapi" / "parser").is_dir(),
    reason="node or the AsyncAPI parser is missing (make test runs `npm ci --prefix tools/asyncapi`)",
)


def document(service: str) -> dict[str, Any]:
    bootstrap = importlib.import_module(f"mutasi.{service}.bootstrap")
    settings = getattr(importlib.import_module(f"mutasi.{service}.settings"), f"{service.capitalize()}Settings")
    doc: dict[str, Any] = json.loads(
        bootstrap.create_app(settings(mongo_uri="memory://", **seal_settings())).state.kit.asyncapi()
    )
    return doc


def parse(paths: list[Path]) -> list[dict[str, Any]]:
    assert node is not None
    run = subprocess.run([node, str(TOOL / "validate.mjs"), *map(str, paths)], capture_output=True, text=True)
    return [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]


def parsed(tmp: Path) -> dict[str, dict[str, Any]]:
    paths = []
    for service in SERVICES:
        path = tmp / f"{service}.json"
        path.write_text(json.dumps(document(service)), encoding="utf-8")
        paths.append(path)
    return {Path(r["path"]).stem: r for r in parse(paths)}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    return parsed(tmp_path_factory.mktemp("asyncapi"))


def test_the_parser_reports_no_error_in_any_service_document(reports: dict[str, dict[str, Any]]) -> None:
    assert set(reports) == set(SERVICES)
    assert {s: r["errors"] for s, r in reports.items() if r["errors"]} == {}


def test_the_parser_does_report_a_broken_document(tmp_path: Path) -> None:
    doc = document("training")
    first = next(iter(doc["components"]["messages"].values()))
    first["payload"] = {"$ref": "#/components/schemas/Missing"}
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    (report,) = parse([path])
    assert report["errors"]


def test_every_topic_appears_with_its_producer_its_consumers_and_their_dead_letter_channel(
    reports: dict[str, dict[str, Any]],
) -> None:
    for topic in ALL:
        producer = {(o["action"], tuple(o["channel"])) for o in reports[topic.producer]["operations"]}
        assert ("send", (topic.name,)) in producer, topic.name
        for consumer in topic.consumers:
            ops = {(o["action"], tuple(o["channel"])) for o in reports[consumer]["operations"]}
            assert ("receive", (topic.name,)) in ops, (consumer, topic.name)
            assert ("send", (topic.dlq,)) in ops, (consumer, topic.dlq)


def test_the_payload_is_the_envelope_with_data_typed_key_bound_and_correlation_in_the_envelope() -> None:
    doc = document("placement")
    message = doc["components"]["messages"]["MutationDecidedV1"]
    envelope = doc["components"]["schemas"][message["payload"]["$ref"].rsplit("/", 1)[1]]
    assert {"specversion", "id", "source", "type", "time", "agencyid", "correlationid", "data"} <= set(
        envelope["required"]
    )
    assert envelope["properties"]["data"]["$ref"] == "#/components/schemas/MutationDecidedV1"
    assert message["correlationId"]["location"] == "$message.payload#/correlationid"
    assert message["bindings"]["kafka"]["key"]["type"] == "string"
    assert message["contentType"] == "application/cloudevents+json"
