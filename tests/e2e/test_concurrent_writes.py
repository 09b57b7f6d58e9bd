"""Concurrent writes on the local stack (SecantusDB transactions): write conflicts are retried, never a 5xx."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from typing import Any

import httpx
import pytest

from mutasi.cli.demo.step_evaluation import FitScale, simulate
from mutasi.cli.idp.login import sign_in
from mutasi.cli.idp.users import DEMO_PASSWORD
from mutasi.contracts import topics
from tests.e2e.conftest import RoundOnStack
from tests.e2e.test_programme_round import decision_event, unmoved_nip
from tests.support.wire import eventually, produce

pytestmark = pytest.mark.e2e
PEOPLE = 20


async def bearer(round_on_stack: RoundOnStack, username: str) -> dict[str, str]:
    """Sign in at the stack's identity provider as `username` (a demo user of sawahlunto)."""
    tokens = await sign_in(round_on_stack.state.issuer, username, DEMO_PASSWORD)
    return {"Authorization": f"Bearer {tokens.access_token}"}


async def test_sixty_concurrent_evaluation_writes_get_no_5xx_and_record_each_checkpoint_once(
    round_on_stack: RoundOnStack,
) -> None:
    state = round_on_stack.state
    nips = [unmoved_nip(round_on_stack, 100 + i) for i in range(PEOPLE)]
    for nip in nips:
        body = decision_event(nip, f"conc-{uuid.uuid4()}", f"dec-conc-{nip}")
        await produce(state.kafka, topics.MUTATION_DECIDED.name, body, nip.encode())
    hr = await bearer(round_on_stack, "hr.sawahlunto")
    async with httpx.AsyncClient(base_url=state.url("evaluation"), headers=hr, timeout=60) as client:

        async def scheduled() -> list[dict[str, Any]]:
            found = [(await client.get("/v1/schedules", params={"nip": n})).json() for n in nips]
            return [s[0] for s in found] if all(found) else []

        schedules = await eventually(scheduled, timeout=60, interval=0.5)
        scale = FitScale.of(schedules)
        forms = [simulate(s, c["months"], 7, step, scale) for s in schedules for step, c in enumerate(s["checkpoints"])]
        answers = await asyncio.gather(
            *(client.post("/v1/evaluations", json=f, headers={"Idempotency-Key": f"conc-{f['nip']}-{i}"})
              for i, f in enumerate(forms))
        )  # fmt: skip
        recorded = [(await client.get("/v1/evaluations", params={"nip": n})).json() for n in nips]
    assert len(forms) == 3 * PEOPLE
    assert Counter(r.status_code for r in answers) == {201: 3 * PEOPLE}, [
        r.text for r in answers if r.status_code >= 300
    ]
    assert [len(e) for e in recorded] == [3] * PEOPLE


async def test_two_approvers_approving_at_the_same_moment_both_count(round_on_stack: RoundOnStack) -> None:
    HR = await bearer(round_on_stack, "hr.sawahlunto")
    APPROVERS = [await bearer(round_on_stack, f"approver{i}.sawahlunto") for i in (1, 2)]
    async with httpx.AsyncClient(base_url=round_on_stack.state.url("placement"), timeout=600) as client:
        first = (await client.get("/v1/rounds", headers=HR)).json()[0]
        body = {"name": "Putaran serentak", "period": "2027-I", "effective_date": first["effective_date"],
                "preferences_open_until": first["preferences_open_until"]}  # fmt: skip
        announced = await client.post("/v1/rounds", json=body, headers=HR)
        assert announced.status_code == 201, announced.text
        round_id = announced.json()["round_id"]
        (await client.post(f"/v1/rounds/{round_id}/close", headers=HR)).raise_for_status()
        (await client.post(f"/v1/rounds/{round_id}/plan", headers=HR)).raise_for_status()
        approvals = await asyncio.gather(
            *(client.post(f"/v1/rounds/{round_id}/approvals", headers=a) for a in APPROVERS)
        )
        final = (await client.get(f"/v1/rounds/{round_id}", headers=HR)).json()
    assert [r.status_code for r in approvals] == [200, 200], [r.text for r in approvals]
    assert final["state"] == "approved"
    assert {a["user"] for a in final["approvals"]} == {"sawahlunto:approver1", "sawahlunto:approver2"}  # token subs
