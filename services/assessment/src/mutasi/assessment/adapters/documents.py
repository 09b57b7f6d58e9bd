"""Map domain records to the MongoDB documents of this service and back (dates as ISO text, enums as codes)."""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import date
from typing import Any

from mutasi.assessment.domain.assessment import Assessment, Evaluation
from mutasi.assessment.domain.competency import CompetencyStandard, Post, PostType
from mutasi.assessment.domain.employee import Employee, YearPredicate
from mutasi.assessment.domain.performance import Predicate, Rating
from mutasi.assessment.domain.skj_rows import PostStandard
from mutasi.assessment.domain.talent import Potential

Doc = dict[str, Any]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


# `json.dumps(content, sort_keys=True, default=str)`, with the encoder built once instead of once per record (the
# same text, so stored fingerprints stay valid).
_FINGERPRINT_JSON = json.JSONEncoder(sort_keys=True, default=str)


def fingerprint(content: Doc) -> str:
    """A stable hash of a record's content: equal hashes mean a re-import changes nothing."""
    return hashlib.sha256(_FINGERPRINT_JSON.encode(content).encode()).hexdigest()[:32]


def employee_content(e: Employee) -> Doc:
    """The imported fields of an employee (what the history keeps and the fingerprint covers)."""
    return {
        "nip": e.nip,
        "name": e.name,
        "sex": e.sex,
        "employee_type": e.employee_type,
        "golongan": e.golongan,
        "tmt_golongan": _iso(e.tmt_golongan),
        "post_id": e.post_id,
        "unit_id": e.unit_id,
        "post_type": e.post_type,
        "tmt_post": _iso(e.tmt_post),
        "education_level": e.education_level,
        "education_field": e.education_field,
        "tmt_cpns": _iso(e.tmt_cpns),
        "tmt_pns": _iso(e.tmt_pns),
        "discipline": e.discipline,
        "discipline_until": _iso(e.discipline_until),
        "predicates": [{"year": p.year, "predicate": p.predicate.value} for p in e.predicates],
        "bup_age": e.bup_age,
        "on_study_leave": e.on_study_leave,
        "on_cltn": e.on_cltn,
        "in_court_process": e.in_court_process,
        "audit_finding_open": e.audit_finding_open,
    }


def employee_from_doc(doc: Doc) -> Employee:
    """Rebuild the domain record from a stored employee document."""
    return Employee(
        agency_id=doc["agency_id"],
        nip=doc["nip"],
        name=doc["name"],
        sex=doc["sex"],
        employee_type=doc["employee_type"],
        golongan=doc["golongan"],
        tmt_golongan=_req(doc["tmt_golongan"]),
        post_id=doc["post_id"],
        unit_id=doc["unit_id"],
        post_type=doc["post_type"],
        tmt_post=_req(doc["tmt_post"]),
        education_level=doc["education_level"],
        education_field=doc["education_field"],
        tmt_cpns=_req(doc["tmt_cpns"]),
        tmt_pns=_date(doc.get("tmt_pns")),
        discipline=doc["discipline"],
        discipline_until=_date(doc.get("discipline_until")),
        predicates=tuple(_year_predicate(p["year"], p["predicate"]) for p in doc.get("predicates", [])),
        bup_age=doc["bup_age"],
        on_study_leave=doc.get("on_study_leave", False),
        on_cltn=doc.get("on_cltn", False),
        in_court_process=doc.get("in_court_process", False),
        audit_finding_open=doc.get("audit_finding_open", False),
    )


@functools.lru_cache(maxsize=1024)  # a few years × five predicates; the record is frozen, one instance serves all
def _year_predicate(year: int, predicate: str) -> YearPredicate:
    return YearPredicate(year, Predicate(predicate))


def _req(value: Any) -> date:
    parsed = _date(value)
    assert parsed is not None, "required date missing from a stored document"
    return parsed


def post_doc(agency_id: str, item: PostStandard) -> Doc:
    """A post with its full SKJ and the explicit overrides it was imported with."""
    p = item.post
    return {
        "agency_id": agency_id,
        "post_id": p.post_id,
        "unit_id": p.unit_id,
        "unit_name": p.unit_name,
        "name": p.name,
        "post_type": p.post_type.value,
        "jenjang": p.jenjang,
        "field": p.field,
        "eselon": p.eselon,
        "standard": dict(item.standard.levels),
        "overrides": dict(item.overrides),
    }


def post_from_doc(doc: Doc) -> tuple[Post, CompetencyStandard]:
    """The post and its SKJ from a stored document."""
    post = Post(
        doc["post_id"],
        doc["unit_id"],
        doc["name"],
        PostType(doc["post_type"]),
        doc.get("jenjang"),
        doc.get("unit_name", ""),
        doc.get("field", ""),
        doc.get("eselon"),
    )
    return post, CompetencyStandard(post.post_id, doc["standard"])


def assessment_content(a: Assessment) -> Doc:
    """What was measured (the fingerprint covers this; derived results are recomputable)."""
    return {
        "nip": a.nip,
        "assessed_on": _iso(a.assessed_on),
        "method": a.method,
        "assessor_body": a.assessor_body,
        "levels": dict(a.levels),
        "validity_years": a.validity_years,
        "potential": a.potential.value if a.potential else None,
        "potential_score": a.potential_score,
        "hasil_kerja": a.hasil_kerja.value if a.hasil_kerja else None,
        "perilaku_kerja": a.perilaku_kerja.value if a.perilaku_kerja else None,
    }


def assessment_from_doc(doc: Doc) -> Assessment:
    """Rebuild an assessment from its stored document."""
    return Assessment(
        doc["nip"],
        _req(doc["assessed_on"]),
        doc["method"],
        doc["assessor_body"],
        doc["levels"],
        doc["validity_years"],
        Potential(doc["potential"]) if doc.get("potential") else None,
        doc.get("potential_score"),
        Rating(doc["hasil_kerja"]) if doc.get("hasil_kerja") else None,
        Rating(doc["perilaku_kerja"]) if doc.get("perilaku_kerja") else None,
        doc.get("follow_up_id"),
    )


def evaluation_doc(ev: Evaluation, assessment: Assessment) -> Doc:
    """The derived result stored with an assessment and summarised on the employee."""
    return {
        "post_id": ev.jpm.post_id,
        "jpm": ev.jpm.percent,
        "jpm_category": ev.jpm.category.code,
        "jpm_category_label": ev.jpm.category.label,
        "gaps": [{"code": g.code, "standard": g.standard, "actual": g.actual, "gap": g.gap} for g in ev.jpm.gaps],
        "predicate": ev.predicate.value if ev.predicate else None,
        "kinerja": ev.kinerja.value if ev.kinerja else None,
        "potential": ev.potential.value,
        "box": ev.box.number if ev.box else None,
        "valid_until": assessment.expires_on().isoformat(),
    }
