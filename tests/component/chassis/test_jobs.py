"""Long work as chassis jobs: accepted at once, progress, a final state that is the truth, resumed by its key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mutasi.chassis.jobs import JOBS
from tests.support.service import running_service
from tests.support.toy import HALT, JOB_CONFLICTS, JOB_DUPLICATES, ToySettings, create_app


def toy_app():  # type: ignore[no-untyped-def]
    return create_app(ToySettings(mongo_uri="memory://", job_heartbeat_s=0.05, job_stale_s=1))


async def test_a_job_answers_at_once_and_ends_with_its_counts_and_published_events() -> None:
    async with running_service(toy_app()) as svc:
        started = await svc.http.post("/v1/batches/3", headers={"Idempotency-Key": "j1"})
        assert started.status_code == 202
        job_id = started.json()["job_id"]
        assert started.json()["state"] == "running"
        await svc.kit.jobs.wait_all()
        await svc.drain()
        done = (await svc.http.get(f"/v1/batches/{job_id}")).json()
        again = (await svc.http.post("/v1/batches/3", headers={"Idempotency-Key": "j1"})).json()
        other = await svc.http.post("/v1/batches/4", headers={"Idempotency-Key": "j1"})
    assert (done["state"], done["result"], done["rows_accepted"]) == ("succeeded", {"batches": 3}, 30)
    assert (done["events_emitted"], done["events_published"]) == (30, 30)
    assert (again["job_id"], again["state"], again["attempt"]) == (job_id, "succeeded", 1)
    assert other.status_code == 409


async def test_a_job_whose_process_died_is_shown_failed_and_the_same_key_resumes_it_to_the_true_end() -> None:
    HALT.set()
    async with running_service(toy_app()) as svc:
        job_id = (await svc.http.post("/v1/batches/3", headers={"Idempotency-Key": "j2"})).json()["job_id"]
        while (await svc.http.get(f"/v1/batches/{job_id}")).json()["rows_accepted"] < 10:
            pass
        # the process dies (kill -9): no final write, no heartbeat from now on
        jobs = svc.kit.database().raw(JOBS)
        old = datetime.now(UTC) - timedelta(minutes=1)
        await jobs.update_one({"job_id": job_id}, {"$set": {"run_id": "of a dead process", "heartbeat_at": old}})
        svc.kit.jobs._tasks.pop(job_id).cancel()
        seen = (await svc.http.get(f"/v1/batches/{job_id}")).json()
        HALT.clear()
        resumed = (await svc.http.post("/v1/batches/3", headers={"Idempotency-Key": "j2"})).json()
        await svc.kit.jobs.wait_all()
        final = (await svc.http.get(f"/v1/batches/{job_id}")).json()
        notes = await svc.kit.database().raw("notes").count({})
    assert (seen["state"], seen["interrupted"], seen["rows_accepted"]) == ("failed", True, 10)
    assert "Idempotency-Key" in seen["error"]["message"]
    assert (resumed["job_id"], resumed["state"], resumed["attempt"]) == (job_id, "running", 2)
    assert (final["state"], final["result"]) == ("succeeded", {"batches": 3})
    assert notes == 30  # the batch written before the crash was written again, not twice


async def test_a_job_that_meets_a_write_conflict_runs_again_and_ends_succeeded_with_true_counts() -> None:
    """A resumed import met the open transaction of the killed process it resumes (a write conflict): the job
    failed, although running it again a moment later succeeds. The chassis now runs the work again."""
    JOB_CONFLICTS[0] = 2
    try:
        async with running_service(toy_app()) as svc:
            job_id = (await svc.http.post("/v1/batches/3", headers={"Idempotency-Key": "j3"})).json()["job_id"]
            await svc.kit.jobs.wait_all()
            final = (await svc.http.get(f"/v1/batches/{job_id}")).json()
            notes = await svc.kit.database().raw("notes").count({})
    finally:
        JOB_CONFLICTS[0] = 0
    assert (final["state"], final["result"], final["rows_accepted"]) == ("succeeded", {"batches": 3}, 30)
    assert notes == 30


async def test_a_job_that_meets_a_duplicate_key_runs_again_and_ends_succeeded() -> None:
    """Two imports of the same new rows at once: one pass inserts a row the other read as absent, and that pass
    meets a duplicate key. Running it again reads the row as present, so the job ends succeeded, not failed."""
    JOB_DUPLICATES[0] = 1
    try:
        async with running_service(toy_app()) as svc:
            job_id = (await svc.http.post("/v1/batches/3", headers={"Idempotency-Key": "j4"})).json()["job_id"]
            await svc.kit.jobs.wait_all()
            final = (await svc.http.get(f"/v1/batches/{job_id}")).json()
            notes = await svc.kit.database().raw("notes").count({})
    finally:
        JOB_DUPLICATES[0] = 0
    assert (final["state"], final["result"], final["rows_accepted"]) == ("succeeded", {"batches": 3}, 30)
    assert notes == 30
