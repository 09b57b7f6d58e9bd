"""Import a file: validate every row, store good rows (all-or-nothing unless partial is asked), log the import."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from mutasi.assessment.domain.cells import RowError
from mutasi.assessment.domain.rows import Cells, RowsOutcome, header_errors
from mutasi.assessment.service_layer.deps import Deps
from mutasi.assessment.service_layer.policy import Policy, policy_for
from mutasi.assessment.service_layer.store_assessments import store_assessments, validate_assessments
from mutasi.assessment.service_layer.store_employees import store_employees, validate_employees
from mutasi.assessment.service_layer.store_posts import store_posts, validate_posts
from mutasi.chassis.collector import collector_paused
from mutasi.chassis.jobs import JobFailed

NO_ROWS = RowError(2, "", "NO_ROWS", "Berkas tidak berisi baris data", "The file has no data rows")


class Progress(Protocol):
    """A job's progress counters (the chassis job)."""

    async def report(self, **counts: int) -> None: ...


Validator = Callable[[Deps, Any, str, Iterable[Cells]], Awaitable[RowsOutcome[Any]]]
Storer = Callable[[Deps, Any, str, list[Any], str], Awaitable[dict[str, int]]]
STEPS: dict[str, tuple[Validator, Storer]] = {
    "skj": (validate_posts, store_posts),
    "employees": (validate_employees, store_employees),
    "assessments": (validate_assessments, store_assessments),
}


@dataclass(frozen=True)
class ImportRequest:
    """One uploaded file, already split into a header and text rows by the spreadsheet adapter."""

    agency_id: str
    kind: str
    filename: str
    content_sha256: str
    header: list[str]
    rows: Iterable[Cells]
    accept_partial: bool = False
    idempotency_key: str | None = None

    @property
    def fingerprint(self) -> dict[str, Any]:
        """What makes two requests the same request (for idempotency keys)."""
        return {"kind": self.kind, "sha256": self.content_sha256, "accept_partial": self.accept_partial}


async def run_import(
    deps: Deps, req: ImportRequest, import_id: str | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """Validate, store and log one import; a repeated Idempotency-Key returns the first answer.

    Run as a job, `import_id` is the job's id, `progress` its counters, and `deps.uow` the job's units of work;
    rows are stored in batches of `batch_size`, one transaction each, and the events of each batch with it."""
    if req.idempotency_key:
        async with deps.uow() as uow:
            earlier = await uow.idempotent_response(req.agency_id, req.idempotency_key, req.fingerprint)
        if earlier is not None:
            return earlier
    async with deps.uow() as uow:
        policy = await policy_for(uow, req.agency_id, deps.defaults)
    # The file's rows are read, checked and stored with the cyclic collector paused: every row's objects live until
    # the import ends, and the collector otherwise walks that growing heap again and again (~17% of an import's
    # CPU in-process; libs/chassis/README.md, "Running a service"). Objects are still freed when unreferenced, and
    # the rows are dropped before the collector resumes, so its first pass has little left to walk.
    with collector_paused():
        return await _validated_and_stored(deps, req, policy, import_id, progress)


async def _validated_and_stored(
    deps: Deps, req: ImportRequest, policy: Policy, import_id: str | None, progress: Progress | None
) -> dict[str, Any]:
    validate, store = STEPS[req.kind]
    outcome: RowsOutcome[Any] = RowsOutcome(errors=header_errors(req.kind, req.header))
    if not outcome.errors:
        outcome = await validate(deps, policy, req.agency_id, req.rows)
    if not outcome.errors and outcome.rows_read == 0:
        outcome.errors.append(NO_ROWS)
    import_id = import_id or uuid.uuid4().hex
    if progress is not None:
        await progress.report(rows_read=outcome.rows_read, rows_accepted=len(outcome.accepted),
                              rows_rejected=len(outcome.rejected_rows))  # fmt: skip
    stored = bool(outcome.accepted) and (not outcome.errors or req.accept_partial)
    counts = await store(deps, policy, req.agency_id, outcome.accepted, import_id) if stored else {}
    result = _result(req, import_id, outcome, stored, counts)
    await _log(deps, req, result, outcome)
    deps.telemetry.import_rows(req.agency_id, req.kind, len(outcome.accepted), len(outcome.rejected_rows))
    return result


def header_refusal(kind: str, header: list[str]) -> dict[str, Any] | None:
    """The 422 body for a file that lacks a required column (no job is started for it), or None."""
    errors = header_errors(kind, header)
    if not errors:
        return None
    message = "Kolom wajib tidak ada / required columns are missing: " + ", ".join(e.column for e in errors)
    return {"message": message, "stored": False, "errors": [_error(e) for e in errors]}


def import_work(deps: Deps, req: ImportRequest) -> Callable[[Any], Awaitable[dict[str, Any]]]:
    """The import as a chassis job: its units of work count its events; nothing stored → the job fails."""

    async def work(job: Any) -> dict[str, Any]:
        result = await run_import(replace(deps, uow=job.uow), req, import_id=job.job_id, progress=job)
        if not result["stored"]:
            raise JobFailed(result["message"], result, result["errors"][:100] or None)
        return result

    return work


OUTCOMES = {201: "stored", 200: "partial", 422: "rejected"}


def import_view(job: dict[str, Any]) -> dict[str, Any]:
    """The job and, once it ended, the import's result: what `GET /v1/imports/{id}` answers."""
    result = job.get("result") or {}
    view = {**result, **{k: v for k, v in job.items() if k not in ("result", "agency_id")}}
    view["import_id"] = job["job_id"]
    view["outcome"] = OUTCOMES[http_status(result)] if result else None
    if not result and job.get("error"):  # failed before a result: the file itself (a limit, damage) is named
        view.update(message=job["error"]["message"], errors=job["error"]["errors"])
    for name in ("rows_read", "rows_accepted", "rows_rejected"):
        view[name] = result.get(name, job.get(name, 0))
    return view


def _result(
    req: ImportRequest, import_id: str, outcome: RowsOutcome[Any], stored: bool, counts: dict[str, int]
) -> dict[str, Any]:
    rejected = len(outcome.rejected_rows)
    if stored:
        message = f"{len(outcome.accepted)} baris disimpan, {rejected} baris ditolak"
    elif outcome.errors:
        message = (
            f"Tidak ada yang disimpan: {rejected} baris salah (kirim accept_partial=true untuk menyimpan yang benar)"
        )
    else:
        message = "Berkas tidak berisi baris data"
    return {
        "import_id": import_id,
        "kind": req.kind,
        "filename": req.filename,
        "rows_read": outcome.rows_read,
        "rows_accepted": len(outcome.accepted),
        "rows_rejected": rejected,
        "stored": stored,
        "accept_partial": req.accept_partial,
        "counts": {"created": 0, "updated": 0, "unchanged": 0, **counts},
        "message": message,
        "errors": [_error(e) for e in outcome.errors],
        "errors_xlsx": f"/v1/imports/{import_id}/errors.xlsx" if outcome.errors else None,
    }


def _error(e: RowError) -> dict[str, Any]:
    """A row error with the `field`/`reason` pair every 4xx body of the API carries."""
    return {**asdict(e), "field": f"baris {e.row}.{e.column}", "reason": f"{e.message_id} / {e.message_en}"}


async def _log(deps: Deps, req: ImportRequest, result: dict[str, Any], outcome: RowsOutcome[Any]) -> None:
    """The import record, the bad rows for the annotated workbook, and the idempotent answer: one transaction."""
    by_row: dict[int, list[dict[str, Any]]] = {}
    for error in result["errors"]:
        by_row.setdefault(error["row"], []).append(error)
    bad = [
        {
            "agency_id": req.agency_id,
            "import_id": result["import_id"],
            "row": row,
            "cells": dict(outcome.bad_cells.get(row, {})),
            "errors": errors,
        }
        for row, errors in sorted(by_row.items())
    ]
    summary = {k: v for k, v in result.items() if k != "errors"}
    async with deps.uow() as uow:
        # replace, not insert: a job resumed after a crash logs its import again under the same id
        record = {**summary, "agency_id": req.agency_id, "header": req.header, "at": datetime.now(UTC)}
        await deps.store.log_import(uow, req.agency_id, result["import_id"], record, bad, deps.batch_size)
        if req.idempotency_key:
            await uow.remember_response(req.agency_id, req.idempotency_key, req.fingerprint, result)
        await uow.commit()


def http_status(result: dict[str, Any]) -> int:
    """201 all stored, 200 stored with rejected rows (partial), 422 nothing stored because of errors."""
    if result["stored"]:
        return 200 if result["errors"] else 201
    return 422
