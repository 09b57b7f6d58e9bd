"""Assessment import: evaluate each result against the current post, store it, link follow-ups, announce it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from mutasi.assessment.domain.assessment import Assessment, Evaluation, evaluate
from mutasi.assessment.domain.assessment_rows import validate_assessment_rows
from mutasi.assessment.domain.competency import CompetencyStandard, Post
from mutasi.assessment.domain.employee import Employee
from mutasi.assessment.domain.rows import Cells, RowsOutcome
from mutasi.assessment.service_layer.deps import Deps, chunks, in_batch
from mutasi.assessment.service_layer.policy import Policy
from mutasi.assessment.service_layer.snapshot import completed_event
from mutasi.chassis.store import UnitOfWork
from mutasi.contracts import topics

Doc = dict[str, Any]


async def validate_assessments(
    deps: Deps, policy: Policy, agency_id: str, rows: Iterable[Cells]
) -> RowsOutcome[Assessment]:
    """Rows of the assessment template; the NIP must be in the registry."""
    async with deps.uow() as uow:
        known = await deps.store.registered_nips(uow, agency_id)
    # in a thread: reading and checking 100,000 rows must not stop the service answering (health checks)
    return await asyncio.to_thread(validate_assessment_rows, rows, known, policy.validity, deps.today())


def assessment_id(a: Assessment) -> str:
    """Deterministic, so importing the same result twice finds the first one."""
    return f"{a.nip}-{a.assessed_on.isoformat()}-{a.method}"


@dataclass
class Batch:
    """What one transaction of an assessment import has loaded and will write."""

    employees: dict[str, Doc]
    existing: dict[str, Doc]
    follow_ups: dict[str, Doc]
    assessments: list[Doc]
    counts: dict[str, int]


def assess(
    deps: Deps, employee_doc: Doc, a: Assessment, posts: dict[str, tuple[Post, CompetencyStandard]], policy: Policy
) -> tuple[Employee, Post, Evaluation]:
    """Evaluate a result against the employee's current post with the agency policy."""
    today = deps.today()
    employee = deps.docs.employee_from_doc(employee_doc)
    post, standard = posts[employee.post_id]
    level_key = post.jenjang or post.post_type.value
    ev = evaluate(a, standard, employee.latest_predicate, policy.jpm, policy.cutoffs, today, level_key)
    return employee, post, ev


async def refresh_latest(
    uow: UnitOfWork, deps: Deps, policy: Policy, agency_id: str, docs: list[Doc], only_changed: bool = False
) -> int:
    """Recompute each employee's latest result (post, predicate or policy may differ) and re-announce it.

    Employees whose record changed are always re-announced (the snapshot changed); after a policy change only
    those whose result changed (`only_changed`).
    """
    with_latest = [d for d in docs if d.get("latest")]
    if not with_latest:
        return 0
    posts = await deps.store.load_posts(uow, agency_id)
    ids = (d["latest"]["assessment_id"] for d in with_latest)
    stored = await deps.store.assessments_by_id(uow, agency_id, ids)
    announced = 0
    for doc in with_latest:
        found = stored.get(doc["latest"]["assessment_id"])
        if found is None:
            continue
        a = deps.docs.assessment_from_doc(found)
        employee, post, ev = assess(deps, doc, a, posts, policy)
        fresh = summary(deps, found["assessment_id"], a, ev)
        unchanged = fresh == doc["latest"]
        doc["latest"] = fresh
        if ev.box is not None and not ev.expired and not (only_changed and unchanged):
            event = completed_event(found["assessment_id"], employee, post, a, ev, deps.seal)
            uow.emit(topics.ASSESSMENT_COMPLETED, event, agency_id=agency_id, subject=a.nip)
            announced += 1
    return announced


def summary(deps: Deps, aid: str, a: Assessment, ev: Evaluation) -> Doc:
    """The latest-assessment summary kept on the employee for grids and worklists."""
    return {"assessment_id": aid, "assessed_on": a.assessed_on.isoformat(), **deps.docs.evaluation_doc(ev, a)}


def _is_latest(employee: Doc, a: Assessment) -> bool:
    latest = employee.get("latest")
    return latest is None or latest["assessed_on"] <= a.assessed_on.isoformat()


def _follow_up_for(batch: Batch, a: Assessment) -> str | None:
    follow = batch.follow_ups.get(a.nip)
    if follow is not None and follow["received_on"] <= a.assessed_on.isoformat():
        return str(follow["follow_up_id"])
    return None


async def _record(
    uow: UnitOfWork,
    deps: Deps,
    policy: Policy,
    agency_id: str,
    batch: Batch,
    posts: dict[str, tuple[Post, CompetencyStandard]],
    a: Assessment,
    import_id: str,
) -> None:
    aid = assessment_id(a)
    content = deps.docs.assessment_content(a)
    print_ = deps.docs.fingerprint(content)
    old = batch.existing.get(aid)
    if old is not None and old.get("fingerprint") == print_:
        batch.counts["unchanged"] += 1
        return
    batch.counts["updated" if old else "created"] += 1
    follow_up_id = (old or {}).get("follow_up_id") or _follow_up_for(batch, a)
    if follow_up_id != a.follow_up_id:  # `replace` rebuilds the whole record; most results answer no follow-up
        a = replace(a, follow_up_id=follow_up_id)
    employee_doc = batch.employees[a.nip]
    employee, post, ev = assess(deps, employee_doc, a, posts, policy)
    result = deps.docs.evaluation_doc(ev, a)
    batch.assessments.append(
        {
            **content,
            "agency_id": agency_id,
            "assessment_id": aid,
            "follow_up_id": a.follow_up_id,
            "fingerprint": print_,
            "unit_id": employee.unit_id,
            "result": result,
            "import_id": import_id,
            "recorded_at": datetime.now(UTC),
        }
    )
    if _is_latest(employee_doc, a):
        # what `summary` builds, from the result computed once above
        employee_doc["latest"] = {"assessment_id": aid, "assessed_on": a.assessed_on.isoformat(), **result}
        if a.follow_up_id:
            employee_doc["reassessment"] = None
        if ev.box is not None and not ev.expired:
            uow.emit(
                topics.ASSESSMENT_COMPLETED,
                completed_event(aid, employee, post, a, ev, deps.seal),
                agency_id=agency_id,
                subject=a.nip,
            )
            batch.counts["completed"] += 1
    if a.follow_up_id and a.follow_up_id == _follow_up_for(batch, a):
        await deps.store.answer_follow_up(uow, agency_id, a.follow_up_id, aid, deps.today())


async def store_assessments(
    deps: Deps, policy: Policy, agency_id: str, items: list[Assessment], import_id: str
) -> dict[str, int]:
    """Store results in bulk; each complete, unexpired, latest result emits `assessment-completed`."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "completed": 0}
    async with deps.uow() as uow:
        posts = await deps.store.load_posts(uow, agency_id)
    for part in chunks(sorted(items, key=lambda a: (a.nip, a.assessed_on)), deps.batch_size):

        async def write(uow: UnitOfWork, part: Sequence[Assessment] = part) -> dict[str, int]:
            batch = Batch(
                employees=await deps.store.employees_by_nip(uow, agency_id, (a.nip for a in part)),
                existing=await deps.store.assessments_by_id(uow, agency_id, map(assessment_id, part)),
                follow_ups=await deps.store.open_follow_ups(uow, agency_id, [a.nip for a in part]),
                assessments=[],
                counts=dict.fromkeys(counts, 0),  # this attempt's: a batch run again counts from scratch
            )
            for a in part:
                await _record(uow, deps, policy, agency_id, batch, posts, a, import_id)
            await deps.store.save_assessments(uow, batch.assessments, stored=batch.existing)
            touched = [batch.employees[d["nip"]] for d in batch.assessments]
            # every employee touched was read in this unit of work: replaced with no second lookup; an assessment
            # changes only the employee's result, so the registry record is not compared nor written
            await deps.store.save_results(uow, list({d["nip"]: d for d in touched}.values()), stored=batch.employees)
            return batch.counts

        for name, n in (await in_batch(deps, agency_id, write)).items():
            counts[name] += n
    deps.telemetry.assessments(agency_id, counts["created"] + counts["updated"], counts["completed"])
    return counts
