"""Access on the live stack, as a new user would try it: tokens from the local identity provider only."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from mutasi.cli import stack
from mutasi.cli.idp.login import sign_in
from mutasi.cli.idp.users import DEMO_PASSWORD, EMPLOYEE_NIPS
from tests.e2e.conftest import RoundOnStack

pytestmark = pytest.mark.e2e
HOME, OTHER = "sawahlunto", "kota-solok"  # the demo round ran in HOME


def _routes(url: str) -> list[tuple[str, str]]:
    spec = httpx.get(f"{url}/openapi.json", timeout=10).json()
    return [(m.upper(), p) for p, ops in spec["paths"].items() for m in ops if p.startswith("/v1/")]


def _fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{([a-z_]+)\}", lambda m: values.get(m.group(1), "x1"), path)


def test_every_v1_route_of_every_service_without_a_token_gets_401(round_on_stack: RoundOnStack) -> None:
    statuses: dict[str, int] = {}
    for service in stack.SERVICES:
        url = round_on_stack.state.url(service)
        for method, path in _routes(url):
            r = httpx.request(method, url + _fill(path, {}), timeout=30)
            statuses[f"{service} {method} {path}"] = r.status_code
            assert r.headers.get("www-authenticate") == "Bearer"
    assert len(statuses) > 60
    assert {k: v for k, v in statuses.items() if v != 401} == {}


async def _token(issuer: str, username: str) -> str:
    return (await sign_in(issuer, username, DEMO_PASSWORD)).access_token


async def test_no_user_of_another_agency_reads_or_changes_anything_of_the_demo_agency(
    round_on_stack: RoundOnStack,
) -> None:
    """Every route, as every kind of user of the other agency (and as them naming the demo agency in
    X-Agency-Id): nothing of the demo round's people or round comes back, and no write that names them or the
    demo agency is accepted (writes to the other agency's own data are its business)."""
    state, facts = round_on_stack.state, round_on_stack.results["facts"]
    round_id, moved = facts["placement_round"], facts["moved"]
    values = {"round_id": round_id, "nip": moved[0]}
    people = moved[:20]
    attempts, leaks = 0, []
    async with httpx.AsyncClient(timeout=60) as client:
        for who in ("hr", "approver1", "auditor", "employee"):
            token = await _token(state.issuer, f"{who}.{OTHER}")
            for service in stack.SERVICES:
                url = state.url(service)
                for method, path in _routes(url):
                    target = _fill(path, values)
                    for select in ({}, {"X-Agency-Id": HOME}):
                        headers = {"Authorization": f"Bearer {token}", **select}
                        r = await client.request(method, url + target, headers=headers)
                        attempts += 1
                        shows_home = any(nip in r.text for nip in people)
                        if path == "/v1/audit/trail" and r.status_code == 200:
                            # The other agency's auditor sees its own users' attempts (this test's, naming the
                            # demo agency's NIPs in paths they typed), never a record of the demo agency.
                            shows_home = any(x["agency_id"] != OTHER for x in r.json()["records"])
                        names_home = target != _fill(path, {})  # the path names the demo round or person
                        if r.status_code < 300 and (select or shows_home or (method != "GET" and names_home)):
                            leaks.append(f"{who} {method} {service}{path} {select}: {r.status_code}")
    assert attempts > 400
    assert leaks == []


async def test_an_employee_reads_only_their_own_record(round_on_stack: RoundOnStack) -> None:
    state, facts = round_on_stack.state, round_on_stack.results["facts"]
    own, other = EMPLOYEE_NIPS[HOME], facts["moved"][0]
    round_id = facts["placement_round"]
    token = await _token(state.issuer, f"employee.{HOME}")
    headers = {"Authorization": f"Bearer {token}"}
    reads: dict[str, list[tuple[str, str]]] = {
        "assessment": [("/v1/me", ""), (f"/v1/employees/{other}", "other")],
        "placement": [
            (f"/v1/rounds/{round_id}/explanations/{other}", "other"),
            (f"/v1/rounds/{round_id}/people/{other}", "other"),
            (f"/v1/rounds/{round_id}/people/{own}", ""),
            (f"/v1/rounds/{round_id}/plan", "other"),
        ],
        "training": [(f"/v1/people/{other}", "other"), (f"/v1/people/{own}", ""), ("/v1/plans", "other")],
        "evaluation": [("/v1/me/evaluations", ""), (f"/v1/evaluations?nip={other}", "other")],
    }
    got: dict[str, Any] = {}
    async with httpx.AsyncClient(timeout=30) as client:
        for service, paths in reads.items():
            for path, whose in paths:
                r = await client.get(state.url(service) + path, headers=headers)
                got[path] = (whose, r.status_code)
    assert {p: s for p, (w, s) in got.items() if w == "other" and s != 403} == {}
    assert {p: s for p, (w, s) in got.items() if w == "" and s in (401, 403)} == {}
