"""A bounded fuzz run of every service's OpenAPI (schemathesis): no generated request is answered with a 5xx, and
every answer conforms to the document: its status code is documented for the route, its content type is the
documented one, and its body validates against the documented schema (schemathesis' own conformance checks).

Fixed: the seed (derandomized generation) and the number of examples per operation, so every run sends the same
requests and `make test` stays bounded. Requests go in-process to the app on the in-memory database."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mutasi.assessment.bootstrap import create_app as assessment_app
from mutasi.assessment.settings import AssessmentSettings
from mutasi.evaluation.bootstrap import create_app as evaluation_app
from mutasi.evaluation.settings import EvaluationSettings
from mutasi.placement.bootstrap import create_app as placement_app
from mutasi.placement.settings import PlacementSettings
from mutasi.training.bootstrap import create_app as training_app
from mutasi.training.settings import TrainingSettings
from tests.support.service import running_service, seal_settings

EXAMPLES = 6  # per operation: a fixed number, with derandomized generation, so every run sends the same requests
SKIP = {"/metrics", "/asyncapi.json"}
CONFORMANCE = [status_code_conformance, content_type_conformance, response_schema_conformance]
# The caller's identity is the test's (a signed token from HEADERS): a generated bearer token or agency selection
# would only ever meet the 401/403 at the door, and no request would reach the routes being fuzzed.
IDENTITY = {"authorization", "x-agency-id"}  # not part of the API contract; answered by libraries
HEADERS = {"X-Agency-Id": "sawahlunto", "X-User": "fuzz", "X-Role": "hr"}
APPS: dict[str, Callable[[], FastAPI]] = {
    "assessment": lambda: assessment_app(
        AssessmentSettings(mongo_uri="memory://", **seal_settings(), today=date(2026, 11, 28))
    ),
    "placement": lambda: placement_app(PlacementSettings(mongo_uri="memory://", **seal_settings())),
    "training": lambda: training_app(TrainingSettings(mongo_uri="memory://")),
    "evaluation": lambda: evaluation_app(EvaluationSettings(mongo_uri="memory://")),
}


@schemathesis.serializer("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv")
def _raw_bytes(ctx: Any, value: Any) -> bytes:
    """Uploads are raw bodies: whatever was generated, as bytes (a spreadsheet reader must refuse it, not fail)."""
    return value if isinstance(value, bytes) else str(value).encode()


def cases_of(spec: dict[str, Any]) -> list[Any]:
    schema = schemathesis.openapi.from_dict(spec)
    cases: list[Any] = []
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):
            continue
        operation = result.ok()
        if operation.path in SKIP:
            continue

        @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(operation.as_strategy())
        def collect(case: Any) -> None:
            cases.append(case)

        try:
            collect()
        except Unsatisfiable:
            continue
    return cases


SERVICES = ["assessment", "evaluation", "placement", "training"]


def record(service: str, counts: dict[str, int]) -> None:
    """Each service's counts in out/fuzz.json (tried / 4xx / 5xx), for the README's table and the CI log."""
    path = Path(__file__).resolve().parents[2] / "out" / "fuzz.json"
    path.parent.mkdir(exist_ok=True)
    try:
        found = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        found = {}
    found[service] = counts
    path.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n", "utf-8")


@pytest.mark.parametrize("service", SERVICES)
async def test_no_generated_request_gets_a_5xx(service: str) -> None:
    async with running_service(APPS[service]()) as svc:
        spec = (await svc.http.get("/openapi.json")).json()
        cases = cases_of(spec)
        statuses: Counter[int] = Counter()
        exact: Counter[int] = Counter()
        failures: list[str] = []
        mismatches: list[str] = []
        for case in cases:
            kwargs = case.as_transport_kwargs(base_url="http://test")
            generated = {k: v for k, v in (kwargs.get("headers") or {}).items() if v is not None}
            headers = {**HEADERS, **{k: v for k, v in generated.items() if k.lower() not in IDENTITY}}
            r = await svc.http.request(
                kwargs["method"], kwargs["url"], params=kwargs.get("params"), headers=headers,
                content=kwargs.get("data") if isinstance(kwargs.get("data"), bytes) else None,
                json=kwargs.get("json"),
            )  # fmt: skip
            statuses[r.status_code // 100 * 100] += 1
            exact[r.status_code] += 1
            if r.status_code >= 500:
                failures.append(
                    f"{case.method} {kwargs['url']} {kwargs.get('params')} → {r.status_code} {r.text[:200]}"
                )
            if mismatch := conformance_failure(case, r):
                mismatches.append(f"{case.method} {kwargs['url']} → {r.status_code}: {mismatch}")
    counts = {"tried": len(cases), "4xx": statuses[400], "5xx": statuses[500], "2xx": statuses[200],
              "mismatches": len(mismatches)}  # fmt: skip
    print(f"fuzz {service}: {counts} {dict(exact)}")
    record(service, counts)
    assert cases
    assert failures == []
    assert mismatches == []


def conformance_failure(case: Any, response: Any) -> str | None:
    """What schemathesis finds wrong with the answer against the document (status, content type, body schema)."""
    try:
        case.validate_response(response, checks=CONFORMANCE)
    except FailureGroup as found:
        return "; ".join(f"{failure.title} ({failure.message.splitlines()[0]})" for failure in found.exceptions)
    return None
