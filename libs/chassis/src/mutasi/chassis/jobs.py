"""Long-running work (imports) as jobs: accepted at once, run in the background, progress and a final state
that is the truth.

A job is a document in the service's `jobs` collection: `state` (`running`, `succeeded`, `failed`), progress
counters the work updates as it goes (rows read, accepted, rejected; events emitted), `events_published` (its
outbox entries the relay has confirmed), and at the end either `result` or `error`. The running process
refreshes `heartbeat_at`; a job whose heartbeat is older than `job_stale_s` was interrupted (the process died)
and is shown as `failed` with `interrupted: true` — never as done with a partial count. Repeating the request
with the same Idempotency-Key returns the same job; if that job was interrupted, the repeat runs it again under
the same id (`attempt` + 1), which is safe because the work is written as idempotent upserts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from mutasi.chassis.faults import is_duplicate_key, is_transient
from mutasi.chassis.http import error_body
from mutasi.chassis.store import OUTBOX, Doc, IdempotencyConflict, UnitOfWork, storable

if TYPE_CHECKING:
    from mutasi.chassis.kit import ServiceKit

JOBS = "jobs"
RUNNING, SUCCEEDED, FAILED = "running", "succeeded", "failed"
PROGRESS_FIELDS = ("rows_read", "rows_accepted", "rows_rejected", "events_emitted")
log = logging.getLogger("mutasi.jobs")


class Job:
    """Handed to the work: its id, progress reporting, and units of work whose events are counted as its own."""

    def __init__(self, jobs: Jobs, agency_id: str, job_id: str, run_id: str) -> None:
        self._jobs = jobs
        self.agency_id = agency_id
        self.job_id = job_id
        self.run_id = run_id  # this attempt: a superseded attempt's late writes match nothing
        self.progress: dict[str, int] = dict.fromkeys(PROGRESS_FIELDS, 0)

    def uow(self) -> UnitOfWork:
        """A unit of work whose outbox entries carry this job's id (for `events_published`)."""
        uow = self._jobs.kit.uow()
        uow.outbox_tags = {"job_id": self.job_id}
        wake = uow.after_commit

        def counted() -> None:
            self.progress["events_emitted"] += uow.emitted
            if wake is not None:
                wake()

        uow.after_commit = counted
        return uow

    async def report(self, **counts: int) -> None:
        """Add to the progress counters (e.g. `rows_accepted=2000` after a batch) and save them (the heartbeat
        also saves them every `job_heartbeat_s`)."""
        for name, n in counts.items():
            self.progress[name] = self.progress.get(name, 0) + n
        await self._jobs.save_progress(self)


Work = Callable[[Job], Awaitable[dict[str, Any]]]


class JobFailed(Exception):
    """Raised by work that ran to the end but achieved nothing (e.g. an import whose every row was refused):
    the job ends `failed` with this message and errors, and keeps `result` for the details."""

    def __init__(self, message: str, result: dict[str, Any], errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.result = result
        self.errors = errors or [{"field": "job", "reason": message}]


class Jobs:
    """The service's jobs: submit, look up, and keep the heartbeats of those this process runs."""

    def __init__(self, kit: ServiceKit) -> None:
        self.kit = kit
        self.owner = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._tasks: dict[str, asyncio.Task[None]] = {}

    @property
    def _stale(self) -> timedelta:
        return timedelta(seconds=self.kit.settings.job_stale_s)

    async def submit(
        self, agency_id: str, kind: str, work: Work, *, key: str | None, fingerprint: Any, job_id: str | None = None
    ) -> Doc:
        """Start `work` as a job and return its view at once; a repeated key returns the same job."""
        now = datetime.now(UTC)
        job_id = job_id or uuid.uuid4().hex
        print_ = json.dumps(storable(fingerprint), sort_keys=True, default=str)
        doc: Doc = {
            "agency_id": agency_id, "job_id": job_id, "kind": kind, "key": key or f"job:{job_id}",
            "fingerprint": print_, "state": RUNNING, "attempt": 1, "owner": self.owner, "run_id": uuid.uuid4().hex,
            "created_at": now,
            "heartbeat_at": now, "finished_at": None, "result": None, "error": None, "interrupted": False,
            **dict.fromkeys(PROGRESS_FIELDS, 0),
        }  # fmt: skip
        async with self.kit.uow() as uow:
            jobs = uow.collection(JOBS)
            found = await jobs.find_one({"agency_id": agency_id, "key": doc["key"]}) if key else None
            if found is not None:
                if found["fingerprint"] != print_:
                    raise IdempotencyConflict(key or "")
                found = self._judged(found)
                if found["state"] != FAILED or not found.get("interrupted"):
                    return self.view(found)
                job_id = found["job_id"]
                doc = {
                    **doc,
                    "job_id": job_id,
                    "attempt": found["attempt"] + 1,
                    "created_at": found["created_at"],
                }
                await jobs.replace_one({"agency_id": agency_id, "job_id": found["job_id"]}, doc)
            else:
                await jobs.insert_one(doc)
            await uow.commit()
        self._start(Job(self, agency_id, job_id, doc["run_id"]), work)
        return self.view(doc)

    def _start(self, job: Job, work: Work) -> None:
        self._tasks[job.job_id] = asyncio.create_task(self._run(job, work), name=f"job-{job.job_id}")

    async def _attempts(self, job: Job, work: Work) -> dict[str, Any]:
        """`work`, run again from the start while it fails with a transient error and `job_retry_s` lasts. A
        duplicate key counts as one: another writer (a second import of the same file) inserted a row this pass
        read as absent, and the next pass reads it as present and replaces it.

        The row counters start again with each pass (a pass reports them from scratch); the events counter keeps
        what earlier passes committed, as those events stay in the outbox."""
        deadline = asyncio.get_running_loop().time() + self.kit.settings.job_retry_s
        backoff = max(0.1, self.kit.settings.retry_backoff_s)
        while True:
            try:
                return await work(job)
            except Exception as exc:
                again = is_transient(exc) or is_duplicate_key(exc)
                if not again or asyncio.get_running_loop().time() + backoff > deadline:
                    raise
                log.warning("job pass failed, running it again", extra={"job_id": job.job_id, "error": repr(exc)})
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
                job.progress.update({k: 0 for k in PROGRESS_FIELDS if k != "events_emitted"})

    async def _run(self, job: Job, work: Work) -> None:
        beat = asyncio.create_task(self._heartbeat(job))
        try:
            result = await self._attempts(job, work)
            await self._finish(job, {"state": SUCCEEDED, "result": storable(result)})
        except asyncio.CancelledError:
            await asyncio.shield(self._finish(job, {"state": FAILED, "interrupted": True,
                                                    "error": _interrupted("the service stopped")}))  # fmt: skip
            raise
        except JobFailed as exc:
            await self._finish(job, {"state": FAILED, "result": storable(exc.result), "error": error_body(exc)})
        except Exception as exc:
            log.exception("job failed", extra={"job_id": job.job_id})
            await self._finish(job, {"state": FAILED, "error": error_body(exc)})
        finally:
            beat.cancel()
            if self._tasks.get(job.job_id) is asyncio.current_task():
                del self._tasks[job.job_id]

    async def _heartbeat(self, job: Job) -> None:
        while True:
            await asyncio.sleep(self.kit.settings.job_heartbeat_s)
            with contextlib.suppress(Exception):  # a missed beat only makes the job look older
                await self.save_progress(job)

    async def _update(self, job: Job, fields: Doc) -> None:
        await (
            self.kit.database()
            .raw(JOBS)
            .update_one({"agency_id": job.agency_id, "job_id": job.job_id, "owner": self.owner}, {"$set": fields})
        )

    async def save_progress(self, job: Job) -> None:
        await self._update(job, {**job.progress, "heartbeat_at": datetime.now(UTC)})

    async def _finish(self, job: Job, fields: Doc) -> None:
        now = datetime.now(UTC)
        await self._update(job, {**job.progress, **fields, "finished_at": now, "heartbeat_at": now})

    def _judged(self, doc: Doc) -> Doc:
        """A running job whose heartbeat stopped was interrupted: say so instead of showing it as running."""
        beat = doc.get("heartbeat_at")
        if doc["state"] == RUNNING and doc["job_id"] not in self._tasks and beat is not None:
            beat = beat if beat.tzinfo else beat.replace(tzinfo=UTC)
            if datetime.now(UTC) - beat > self._stale:
                return {**doc, "state": FAILED, "interrupted": True, "error": _interrupted("the service restarted")}
        return doc

    async def get(self, agency_id: str, job_id: str) -> Doc | None:
        """The job's view with `events_published` counted now, or None."""
        database = self.kit.database()
        doc = await database.raw(JOBS).find_one({"agency_id": agency_id, "job_id": job_id})
        if doc is None:
            return None
        judged = self._judged(doc)
        if judged is not doc:  # record the verdict, so every reader sees the same final state
            fields = {k: judged[k] for k in ("state", "interrupted", "error")}
            await database.raw(JOBS).update_one({"agency_id": agency_id, "job_id": job_id, "state": RUNNING},
                                                {"$set": fields})  # fmt: skip
        view = self.view(judged)
        sent = await database.raw(OUTBOX).find({"job_id": job_id, "sent": True}, fields=["n"])
        view["events_published"] = sum(d.get("n", 0) for d in sent)
        return view

    async def wait(self, job_id: str) -> None:
        """Until this process's run of the job ends (tests, and a graceful shutdown)."""
        task = self._tasks.get(job_id)
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(task)

    async def wait_all(self) -> None:
        for job_id in list(self._tasks):
            await self.wait(job_id)

    async def stop(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        for task in list(self._tasks.values()):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    @staticmethod
    def view(doc: Doc) -> Doc:
        hidden = ("fingerprint", "owner", "key", "run_id")
        return {k: v for k, v in doc.items() if k not in hidden}


def _interrupted(why: str) -> Doc:
    reason = (f"impor terputus ({why}); kirim ulang dengan Idempotency-Key yang sama untuk melanjutkan / "
              f"interrupted ({why}); repeat the request with the same Idempotency-Key to resume")  # fmt: skip
    return {"message": reason, "errors": [{"field": "job", "reason": reason}]}
