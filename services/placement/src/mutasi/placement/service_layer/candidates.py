"""The candidate pool: kept from `assessment-completed`; evaluation's follow-ups flag people for the next round."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mutasi.chassis.store import UnitOfWork
from mutasi.contracts.assessment import AssessmentCompletedV2, EligibilityFlagsV1
from mutasi.contracts.evaluation import FollowUpRecommendedV1
from mutasi.placement.service_layer.ports import Store

PLACEMENT_FOLLOW_UPS = ("re_placement", "talent_pool")


Assessed = tuple[str, AssessmentCompletedV2, EligibilityFlagsV1]  # agency, the event, its opened sealed flags


def candidate_doc(agency_id: str, a: AssessmentCompletedV2, f: EligibilityFlagsV1) -> dict[str, Any]:
    """The pool snapshot of one assessed ASN with its opened eligibility flags (no NIK, family or health data)."""
    post = a.current_post
    return {
        "agency_id": agency_id, "nip": a.nip, "name": a.name, "employee_type": a.employee_type,
        "golongan": a.golongan, "post_id": post.post_id, "post_type": post.post_type, "unit_id": post.unit_id,
        "current_post": post.model_dump(mode="json"), "months_in_post": a.months_in_post,
        "as_of": a.assessed_on.isoformat(), "tmt_pns": a.tmt_pns.isoformat() if a.tmt_pns else None,
        "education_level": a.education_level, "education_field": a.education_field, "years_to_bup": a.years_to_bup,
        "predicates": [[p.year, p.predicate] for p in a.predicates], "competencies": dict(a.competencies),
        "talent_box": a.talent_box, "jpm_current": a.jpm_current, "jpm_category": a.jpm_category,
        "box_recommendation": a.box_recommendation, "discipline_active": f.discipline_active,
        "discipline_until": f.discipline_until.isoformat() if f.discipline_until else None,
        "on_study_leave": f.on_study_leave, "on_cltn": f.on_cltn, "in_court_process": f.in_court_process,
        "audit_finding_open": f.audit_finding_open, "assessment_id": a.assessment_id,
        "valid_until": a.valid_until.isoformat(), "follow_up": None,
    }  # fmt: skip


async def keep_assessment(
    store: Store, uow: UnitOfWork, agency_id: str, a: AssessmentCompletedV2, flags: EligibilityFlagsV1
) -> bool:
    """Upsert the person's snapshot; an older assessment than the one kept changes nothing."""
    kept = await store.candidate_doc(uow, agency_id, a.nip)
    if kept is not None and kept["as_of"] > a.assessed_on.isoformat():
        return False
    doc = candidate_doc(agency_id, a, flags)
    pending = await store.waiting_follow_up(uow, agency_id, a.nip)
    if kept is not None and kept.get("follow_up"):
        doc["follow_up"] = kept["follow_up"]
    elif pending is not None:
        doc["follow_up"] = pending["reason"]
    await store.save_candidate(uow, doc)
    return True


async def keep_assessments(store: Store, uow: UnitOfWork, assessed: Sequence[Assessed]) -> int:
    """`keep_assessment` for a whole batch: two `$in` reads and one bulk upsert; returns how many were kept.

    The same rules per person: an older assessment than the kept one (or than a later one in the batch) changes
    nothing, and a follow-up flag already kept or waiting is carried over."""
    newest: dict[tuple[str, str], tuple[AssessmentCompletedV2, EligibilityFlagsV1]] = {}
    for agency_id, a, flags in assessed:
        previous = newest.get((agency_id, a.nip))
        if previous is None or a.assessed_on >= previous[0].assessed_on:
            newest[(agency_id, a.nip)] = (a, flags)
    keys = list(newest)
    kept = await store.candidates_by_key(uow, keys)
    pending = await store.waiting_follow_ups(uow, keys)
    docs = []
    for key, (a, flags) in newest.items():
        old = kept.get(key)
        if old is not None and old["as_of"] > a.assessed_on.isoformat():
            continue
        doc = candidate_doc(key[0], a, flags)
        if old is not None and old.get("follow_up"):
            doc["follow_up"] = old["follow_up"]
        elif key in pending:
            doc["follow_up"] = pending[key]["reason"]
        docs.append(doc)
    await store.save_candidates(uow, docs)
    return len(docs)


async def flag_follow_up(store: Store, uow: UnitOfWork, agency_id: str, f: FollowUpRecommendedV1) -> bool:
    """re_placement or talent_pool marks the person for the next round; other reasons are not placement's."""
    if f.reason not in PLACEMENT_FOLLOW_UPS:
        return False
    if not await store.flag_candidate(uow, agency_id, f.nip, f.reason):
        doc = {"agency_id": agency_id, "nip": f.nip, "reason": f.reason, "follow_up_id": f.follow_up_id,
               "detail": f.detail}  # fmt: skip
        await store.save_waiting_follow_up(uow, doc)
    return True
