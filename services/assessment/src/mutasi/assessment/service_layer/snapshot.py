"""Turn a completed assessment into `assessment-completed`: no NIK or narrative, eligibility flags sealed."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date

from mutasi.assessment.domain.assessment import Assessment, Evaluation
from mutasi.assessment.domain.competency import Post
from mutasi.assessment.domain.employee import Employee
from mutasi.assessment.domain.nip import parse_nip
from mutasi.assessment.domain.talent import BOXES
from mutasi.contracts.assessment import AssessmentCompletedV2, EligibilityFlagsV1
from mutasi.contracts.common import PostRef, PredicateYear


def years_to_bup(employee: Employee, on: date) -> float:
    """Years until retirement age, one decimal; the birth date stays inside the NIP and is not sent."""
    birth = parse_nip(employee.nip, employee.employee_type).birth_date
    return round(employee.bup_age - (on - birth).days / 365.25, 1)


def completed_event(
    assessment_id: str,
    employee: Employee,
    post: Post,
    assessment: Assessment,
    ev: Evaluation,
    seal: Callable[[EligibilityFlagsV1], str],
) -> AssessmentCompletedV2:
    """The snapshot placement needs at the assessment date; the flags only placement may read are sealed."""
    assert ev.box is not None, "only complete evaluations are announced"
    assert ev.kinerja is not None
    on = assessment.assessed_on
    flags = EligibilityFlagsV1(
        nip=employee.nip,
        assessment_id=assessment_id,
        discipline_active=employee.under_discipline(on),
        discipline_until=employee.discipline_until,
        on_study_leave=employee.on_study_leave,
        on_cltn=employee.on_cltn,
        in_court_process=employee.in_court_process,
        audit_finding_open=employee.audit_finding_open,
    )
    return AssessmentCompletedV2(
        assessment_id=assessment_id,
        nip=employee.nip,
        name=employee.name,
        employee_type=employee.employee_type,
        golongan=employee.golongan,
        current_post=post_ref(post),
        months_in_post=max(employee.months_in_post(on), 0),
        tmt_pns=employee.tmt_pns,
        education_level=employee.education_level,
        education_field=employee.education_field,
        sealed_flags=seal(flags),
        years_to_bup=years_to_bup(employee, on),
        predicates=[_predicate_year(p.year, p.predicate.value) for p in employee.predicates],
        performance=ev.kinerja.value,
        potential=ev.potential.value,
        competencies=dict(assessment.levels),
        jpm_current=ev.jpm.percent,
        jpm_category=ev.jpm.category.code,
        talent_box=ev.box.number,
        box_recommendation=BOXES[ev.box.number].recommendation,
        assessed_on=on,
        valid_until=assessment.expires_on(),
        follow_up_id=assessment.follow_up_id,
    )


@functools.lru_cache(maxsize=256)
def _predicate_year(year: int, predicate: str) -> PredicateYear:
    """Payloads are frozen: one instance serves every event that names the same year and predicate."""
    return PredicateYear(year=year, predicate=predicate)


@functools.lru_cache(maxsize=16_384)  # an agency's posts; a Post is frozen, and so is the PostRef
def post_ref(post: Post) -> PostRef:
    """A post as events name it."""
    return PostRef(
        post_id=post.post_id,
        post_name=post.name,
        unit_id=post.unit_id,
        unit_name=post.unit_name or post.unit_id,
        post_type=post.post_type.value,
        eselon=post.eselon,
    )
