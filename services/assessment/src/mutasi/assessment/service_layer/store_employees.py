"""Employee import: validate rows against the agency's posts, upsert changed employees, keep their history."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from mutasi.assessment.domain.employee import Employee
from mutasi.assessment.domain.employee_rows import validate_employee_rows
from mutasi.assessment.domain.rows import Cells, RowsOutcome
from mutasi.assessment.service_layer.deps import Deps, chunks, in_batch
from mutasi.assessment.service_layer.policy import Policy
from mutasi.assessment.service_layer.store_assessments import refresh_latest
from mutasi.chassis.store import UnitOfWork


async def validate_employees(
    deps: Deps, policy: Policy, agency_id: str, rows: Iterable[Cells]
) -> RowsOutcome[Employee]:
    """Rows of the employee template; posts and units must already be in the agency's SKJ."""
    async with deps.uow() as uow:
        posts = {post_id: post for post_id, (post, _) in (await deps.store.load_posts(uow, agency_id)).items()}
    # in a thread: reading and checking 100,000 rows must not stop the service answering (health checks)
    return await asyncio.to_thread(validate_employee_rows, rows, agency_id, posts, deps.today())


def _history(old: dict[str, Any], import_id: str) -> dict[str, Any]:
    content = {k: old.get(k) for k in ("fingerprint", *employee_content_keys())}
    return {
        "agency_id": old["agency_id"],
        "nip": old["nip"],
        "version": old["version"],
        "content": content,
        "replaced_at": datetime.now(UTC),
        "replaced_by_import": import_id,
    }


def employee_content_keys() -> tuple[str, ...]:
    """Field names of an employee's imported content."""
    return (
        "name",
        "sex",
        "employee_type",
        "golongan",
        "tmt_golongan",
        "post_id",
        "unit_id",
        "post_type",
        "tmt_post",
        "education_level",
        "education_field",
        "tmt_cpns",
        "tmt_pns",
        "discipline",
        "discipline_until",
        "predicates",
        "bup_age",
        "on_study_leave",
        "on_cltn",
        "in_court_process",
        "audit_finding_open",
    )


async def store_employees(
    deps: Deps, policy: Policy, agency_id: str, items: list[Employee], import_id: str
) -> dict[str, int]:
    """Unchanged rows are skipped; a changed row updates the employee and files the old version in history."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "reannounced": 0}
    for part in chunks(sorted(items, key=lambda e: e.nip), deps.batch_size):

        async def write(uow: UnitOfWork, part: Sequence[Employee] = part) -> dict[str, int]:
            done = dict.fromkeys(counts, 0)  # this attempt's: a batch run again counts from scratch
            existing = await deps.store.employees_by_nip(uow, agency_id, (e.nip for e in part))
            docs, history = [], []
            for employee in part:
                content = deps.docs.employee_content(employee)
                print_ = deps.docs.fingerprint(content)
                old = existing.get(employee.nip)
                if old is not None and old.get("fingerprint") == print_:
                    done["unchanged"] += 1
                    continue
                done["updated" if old else "created"] += 1
                if old is not None:
                    history.append(_history(old, import_id))
                version = old["version"] + 1 if old else 1
                docs.append(
                    {
                        **(old or {}),
                        **content,
                        "agency_id": agency_id,
                        "fingerprint": print_,
                        "version": version,
                        "import_id": import_id,
                        "updated_at": datetime.now(UTC),
                    }
                )
            changed = [d for d in docs if d["version"] > 1]
            done["reannounced"] += await refresh_latest(uow, deps, policy, agency_id, changed)
            await deps.store.save_employees(uow, docs, stored=existing)
            await deps.store.add_history(uow, history)
            return done

        for name, n in (await in_batch(deps, agency_id, write)).items():
            counts[name] += n
    return counts
