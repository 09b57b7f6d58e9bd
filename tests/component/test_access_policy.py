"""The access policy: every route of every service has a rule, and every route answers every role as the rule says.

The matrix calls every /v1 route of the four services (from their OpenAPI) as every role × own agency, another
agency the province coordinates, and an agency no token names × own NIP and another NIP (where the path has
a `{nip}`), with real signed tokens, and compares allowed (anything but 401/403) / denied (403) with the table.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI

from mutasi.assessment.bootstrap import create_app as assessment_app
from mutasi.assessment.settings import AssessmentSettings
from mutasi.chassis.auth import ROLES
from mutasi.chassis.policy import POLICY, Scope, is_public
from mutasi.evaluation.bootstrap import create_app as evaluation_app
from mutasi.evaluation.settings import EvaluationSettings
from mutasi.placement.bootstrap import create_app as placement_app
from mutasi.placement.settings import PlacementSettings
from mutasi.training.bootstrap import create_app as training_app
from mutasi.training.settings import TrainingSettings
from tests.support.service import running_service, seal_settings

APPS: dict[str, Callable[[], FastAPI]] = {
    "assessment": lambda: assessment_app(AssessmentSettings(mongo_uri="memory://", **seal_settings())),
    "placement": lambda: placement_app(PlacementSettings(mongo_uri="memory://", **seal_settings())),
    "training": lambda: training_app(TrainingSettings(mongo_uri="memory://")),
    "evaluation": lambda: evaluation_app(EvaluationSettings(mongo_uri="memory://", metrics_refresh_s=0)),
}
HOME, COORDINATED, FOREIGN, PROVINCE_HOME = "kota-a", "kota-b", "kota-z", "sumbar"
OWN_NIP, OTHER_NIP = "199001012015031001", "198505052010012002"
AGENCY_CASES = ("own", "coordinated", "foreign")
NIP_CASES = ("own", "other")


def routes(app: FastAPI) -> list[tuple[str, str]]:
    return [(m.upper(), path) for path, ops in app.openapi()["paths"].items() for m in ops]


@pytest.mark.parametrize("service", list(APPS))
def test_every_route_has_a_rule_and_every_rule_a_route(service: str) -> None:
    found = routes(APPS[service]())
    api = {r for r in found if r[1].startswith("/v1/")}
    unruled = sorted(api - set(POLICY[service]))
    stale = sorted(set(POLICY[service]) - api)
    outside = sorted(p for _, p in found if not p.startswith("/v1/") and not is_public(p))
    assert unruled == [], f"routes without an access rule in mutasi.chassis.policy.POLICY: {unruled}"
    assert stale == [], f"rules for routes that do not exist: {stale}"
    assert outside == [], f"routes outside /v1 that are neither public nor ruled: {outside}"
    for rule in POLICY[service].values():
        assert set(rule) <= set(ROLES)
        assert "ops" not in rule


@pytest.mark.parametrize("service", list(APPS))
def test_the_openapi_document_requires_a_bearer_jwt_on_every_v1_route(service: str) -> None:
    doc = APPS[service]().openapi()
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": doc["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert doc["security"] == [{"bearerAuth": []}]
    security = {(m, p): op.get("security") for p, ops in doc["paths"].items() for m, op in ops.items()}
    assert {k: v for k, v in security.items() if k[1].startswith("/v1/") and v != [{"bearerAuth": []}]} == {}
    assert {k: v for k, v in security.items() if is_public(k[1]) and v != []} == {}


def expected(rule: dict[str, Scope], role: str, agency: str, nip: str | None) -> bool:
    """The table read as a person would: the role is named, the agency is its own (or, for `round_agencies`,
    one its token names), and an `own_nip` grant sees only its own NIP."""
    scope = rule.get(role)
    if scope is None or agency == "foreign":
        return False
    if scope is Scope.ROUND_AGENCIES:
        return True
    return agency == "own" and (scope is not Scope.OWN_NIP or nip in (None, "own"))


def token_claims(role: str) -> dict[str, Any]:
    claims: dict[str, Any] = {"sub": f"user-{role}", "roles": [role], "nip": OWN_NIP, "agency": HOME}
    if role == "province":
        claims.update(agency=PROVINCE_HOME, agencies=[HOME, COORDINATED])
    return claims


def fill(path: str, nip: str | None) -> str:
    path = path.replace("{nip}", OWN_NIP if nip == "own" else OTHER_NIP)
    return re.sub(r"\{[a-z_]+\}", "x1", path)


def selection(role: str, agency: str) -> dict[str, str]:
    if agency == "own":
        return {}
    return {"X-Agency-Id": COORDINATED if agency == "coordinated" else FOREIGN}


@pytest.mark.parametrize("service", list(APPS))
async def test_every_route_answers_every_role_agency_and_nip_as_the_table_says(service: str) -> None:
    app = APPS[service]()
    counts: Counter[str] = Counter()
    wrong: list[str] = []
    async with running_service(app) as svc:
        tokens = {role: svc.issuer.token(**token_claims(role)) for role in ROLES}
        for method, path in routes(app):
            if not path.startswith("/v1/"):
                continue
            rule = dict(POLICY[service][(method, path)])
            for role in ROLES:
                for agency in AGENCY_CASES:
                    for nip in NIP_CASES if "{nip}" in path else (None,):
                        headers = {"Authorization": f"Bearer {tokens[role]}", **selection(role, agency)}
                        r = await svc.raw.request(method, fill(path, nip), headers=headers)
                        allowed = r.status_code not in (401, 403)
                        want = expected(rule, role, agency, nip)
                        counts["cases"] += 1
                        counts["allowed" if allowed else "denied"] += 1
                        if allowed != want or r.status_code >= 500 or r.status_code == 401:
                            wrong.append(f"{method} {path} as {role}/{agency}/{nip}: {r.status_code} want {want}")
        anonymous = [(await svc.raw.request(m, fill(p, "own"))).status_code for m, p in routes(app) if "/v1/" in p]
    print(f"\naccess matrix {service}: {dict(counts)}")
    assert wrong == []
    assert set(anonymous) == {401}
    assert counts["allowed"] > 0
    assert counts["denied"] > 0
