"""A bounded fuzz run of every service's OpenAPI (schemathesis): no generated request is answered with a 5xx.

Fixed: the seed (derandomized generation), the number of examples per operation and a time budget per service,
so `make test` stays bounded. Requests go in-process to the app on the in-memory database."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core.result import Ok

from mutasi.assessment.bootstrap import create_app as assessment_app
from mutasi.assessment.settings import AssessmentSettings
from mutasi.evaluation.bootstrap import create_app as evaluation_app
from mutasi.evaluation.settings import EvaluationSettings
from mutasi.placement.bootstrap import create_app as placement_app
from mutasi.placement.settings import PlacementSettings
from mutasi.training.bootstrap import create_app as training_app
from mutasi.training.settings import TrainingSettings
from tests.support.service import running_service

EXAMPLES = 6  # per operation
BUDGET_S = 10.0  # per service: generation stops here, whatever is left ...
MIN_CASES = 30  # ... once this many requests exist, so a loaded machine still fuzzes something
SKIP = {"/metrics", "/asyncapi.json"}  # not part of the API contract; answered by libraries
HEADERS = {"X-Agency-Id": "sawahlunto", "X-User": "fuzz", "X-Role": "hr"}
APPS: dict[str, Callable[[], FastAPI]] = {
    "assessment": lambda: assessment_app(AssessmentSettings(mongo_uri="memory://", today=date(2026, 11, 28))),
    "placement": lambda: placement_app(PlacementSettings(mongo_uri="memory://")),
    "training": lambda: training_app(TrainingSettings(mongo_uri="memory://")),
    "evaluation": lambda: evaluation_app(EvaluationSettings(mongo_uri="memory://")),
}


@schemathesis.serializer("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv")
def _raw_bytes(ctx: Any, value: Any) -> bytes:
    """Uploads are raw bodies: whatever was generated, as bytes (a spreadsheet reader must refuse it, not fail)."""
    return value if isinstance(value, bytes) else str(value).encode()


def cases_of(spec: dict[str, Any], deadline: float) -> list[Any]:
    schema = schemathesis.openapi.from_dict(spec)
    cases: list[Any] = []
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):
            continue
        operation = result.ok()
        if operation.path in SKIP or (len(cases) >= MIN_CASES and time.monotonic() > deadline):
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


SERVICES = [
    pytest.param(
        "assessment",
        marks=pytest.mark.skip(
            reason="schemathesis 4.32 takes minutes to build assessment's operations (raw-body "
            "uploads with several media types); until that is solved its door is covered by "
            "tests/component/hostile"
        ),
    ),
    "evaluation",
    "placement",
    "training",
]


@pytest.mark.parametrize("service", SERVICES)
async def test_no_generated_request_gets_a_5xx(service: str) -> None:
    async with running_service(APPS[service]()) as svc:
        spec = (await svc.http.get("/openapi.json")).json()
        cases = cases_of(spec, time.monotonic() + BUDGET_S)
        statuses: Counter[int] = Counter()
        failures = []
        for case in cases:
            kwargs = case.as_transport_kwargs(base_url="http://test")
            headers = {**HEADERS, **{k: v for k, v in (kwargs.get("headers") or {}).items() if v is not None}}
            r = await svc.http.request(
                kwargs["method"], kwargs["url"], params=kwargs.get("params"), headers=headers,
                content=kwargs.get("data") if isinstance(kwargs.get("data"), bytes) else None,
                json=kwargs.get("json"),
            )  # fmt: skip
            statuses[r.status_code // 100 * 100] += 1
            if r.status_code >= 500:
                failures.append(
                    f"{case.method} {kwargs['url']} {kwargs.get('params')} → {r.status_code} {r.text[:200]}"
                )
    print(f"fuzz {service}: {len(cases)} requests, by class {dict(statuses)}")
    assert cases
    assert failures == []
