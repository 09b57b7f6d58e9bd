"""`mutasi audit verify` on the demo round: it passes, and after a decision is edited or deleted directly in
placement's MongoDB database it fails and names the entry (each edit is undone before the next check)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from tests.e2e.conftest import RoundOnStack

pytestmark = pytest.mark.e2e
AGENCY = "sawahlunto"


def audit_verify(round_on_stack: RoundOnStack, *agencies: str) -> subprocess.CompletedProcess[str]:
    """The command as an auditor types it (signs in as `auditor.<agency>` at the stack's identity provider)."""
    args = [sys.executable, "-m", "mutasi.cli.main", "audit", "verify"]
    for agency in agencies:
        args += ["--agency", agency]
    env = {**os.environ, "MUTASI_RUN_DIR": str(round_on_stack.run_dir)}
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=120, check=False)


@asynccontextmanager
async def placement_db(round_on_stack: RoundOnStack) -> AsyncIterator[Any]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(round_on_stack.state.mongo_uri, tz_aware=True)
    try:
        yield client["mutasi_placement"]
    finally:
        await client.close()


async def test_the_demo_rounds_verify(round_on_stack: RoundOnStack) -> None:
    done = audit_verify(round_on_stack, AGENCY, "sumbar")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"audit verify {AGENCY}: ok" in done.stdout
    assert "audit verify sumbar: ok" in done.stdout


async def test_a_decision_edited_in_the_database_is_named(round_on_stack: RoundOnStack) -> None:
    round_id = round_on_stack.results["placement"]["round_id"]
    async with placement_db(round_on_stack) as db:
        victim = await db.round_decisions.find_one({"agency_id": AGENCY, "round_id": round_id}, sort=[("nip", 1)])
        assert victim is not None
        logged = await db.decision_log.find_one(
            {"agency_id": AGENCY, "kind": "decision", "content.decisions.decision_id": victim["decision_id"]}
        )
        assert logged is not None
        where = {"agency_id": AGENCY, "round_id": round_id, "decision_id": victim["decision_id"]}
        await db.round_decisions.update_one(where, {"$set": {"to_post": "JABATAN-LAIN"}})
        try:
            done = audit_verify(round_on_stack, AGENCY)
        finally:
            await db.round_decisions.update_one(where, {"$set": {"to_post": victim["to_post"]}})
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"FAILED at entry {logged['seq']}: altered" in done.stdout
    assert f"decision {victim['decision_id']} differs from entry {logged['seq']} in: to_post" in done.stdout
    assert audit_verify(round_on_stack, AGENCY).returncode == 0  # restored


async def test_a_decision_deleted_from_the_database_is_named(round_on_stack: RoundOnStack) -> None:
    round_id = round_on_stack.results["placement"]["round_id"]
    async with placement_db(round_on_stack) as db:
        victim = await db.round_decisions.find_one({"agency_id": AGENCY, "round_id": round_id}, sort=[("nip", -1)])
        assert victim is not None
        logged = await db.decision_log.find_one(
            {"agency_id": AGENCY, "kind": "decision", "content.decisions.decision_id": victim["decision_id"]}
        )
        assert logged is not None
        await db.round_decisions.delete_one({"_id": victim["_id"]})
        try:
            done = audit_verify(round_on_stack, AGENCY)
        finally:
            await db.round_decisions.insert_one(victim)
        assert done.returncode == 1, done.stdout + done.stderr
        assert f"FAILED at entry {logged['seq']}: deleted" in done.stdout
        assert f"decision {victim['decision_id']} (logged in entry {logged['seq']}) is no longer stored" in done.stdout

        # A log entry removed directly (to hide that a decision was ever taken) is named too.
        first = await db.decision_log.find_one({"agency_id": AGENCY}, sort=[("seq", 1)])
        assert first is not None
        await db.decision_log.delete_one({"_id": first["_id"]})
        try:
            done = audit_verify(round_on_stack, AGENCY)
        finally:
            await db.decision_log.insert_one(first)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"FAILED at entry {first['seq']}: deleted" in done.stdout
    assert audit_verify(round_on_stack, AGENCY).returncode == 0  # restored
