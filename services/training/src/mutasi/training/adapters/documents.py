"""Domain objects to and from the documents stored in training's own database (dates as ISO strings)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from mutasi.training.domain.catalogue import Offering, OfferingKind, Session
from mutasi.training.domain.competency import Gap
from mutasi.training.domain.mentor import Colleague, MentorMatch, MentorOutcome, NoMentor, NoMentorReason
from mutasi.training.domain.plan import (
    DevelopmentPlan,
    ItemPurpose,
    ItemStatus,
    PlanItem,
    PlanKind,
    PlanStatus,
    UncoveredGap,
    UncoveredReason,
)
from mutasi.training.domain.progress import JpEntry

Doc = dict[str, Any]


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _parse_day(value: Any) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _must_day(value: Any) -> date:
    parsed = _parse_day(value)
    if parsed is None:
        raise ValueError("missing date")
    return parsed


def offering_to_doc(agency_id: str, o: Offering) -> Doc:
    return {
        "agency_id": agency_id,
        "offering_id": o.offering_id,
        "title": o.title,
        "kind": o.kind.value,
        "delivery": o.kind.delivery.value,
        "raises": dict(o.raises),
        "jp": o.jp,
        "provider": o.provider,
        "cost": o.cost,
        "sessions": [
            {
                "session_id": s.session_id,
                "starts_on": _day(s.starts_on),
                "ends_on": _day(s.ends_on),
                "capacity": s.capacity,
                "cancelled": s.cancelled,
            }
            for s in o.sessions
        ],
    }


def offering_from_doc(d: Doc) -> Offering:
    sessions = tuple(
        Session(s["session_id"], _must_day(s["starts_on"]), _must_day(s["ends_on"]), s["capacity"], s["cancelled"])
        for s in d["sessions"]
    )
    return Offering(
        d["offering_id"], d["title"], OfferingKind(d["kind"]), d["raises"], d["jp"], d["provider"], d["cost"], sessions
    )


def mentor_to_doc(m: MentorOutcome | None) -> Doc | None:
    if isinstance(m, MentorMatch):
        return {
            "matched": True,
            "mentor_nip": m.mentor_nip,
            "mentor_name": m.mentor_name,
            "competencies": list(m.competencies),
            "reasons": list(m.reasons),
        }
    if isinstance(m, NoMentor):
        return {"matched": False, "reason": m.reason.value, "detail": m.detail}
    return None


def mentor_from_doc(d: Doc | None) -> MentorOutcome | None:
    if d is None:
        return None
    if d["matched"]:
        return MentorMatch(d["mentor_nip"], d["mentor_name"], tuple(d["competencies"]), tuple(d["reasons"]))
    return NoMentor(NoMentorReason(d["reason"]), d["detail"])


def item_to_doc(i: PlanItem) -> Doc:
    return {
        "item_id": i.item_id,
        "offering_id": i.offering_id,
        "title": i.title,
        "kind": i.kind,
        "purpose": i.purpose.value,
        "competencies": list(i.competencies),
        "raises": dict(i.raises),
        "jp": i.jp,
        "cost": i.cost,
        "session_id": i.session_id,
        "starts_on": _day(i.starts_on),
        "ends_on": _day(i.ends_on),
        "due_on": _day(i.due_on),
        "status": i.status.value,
        "attended_on": _day(i.attended_on),
        "completed_on": _day(i.completed_on),
        "evidence_ref": i.evidence_ref,
        "note": i.note,
        "provider": i.provider,
    }


def item_from_doc(d: Doc) -> PlanItem:
    return PlanItem(
        item_id=d["item_id"],
        offering_id=d["offering_id"],
        title=d["title"],
        kind=d["kind"],
        purpose=ItemPurpose(d["purpose"]),
        competencies=tuple(d["competencies"]),
        raises=d["raises"],
        jp=d["jp"],
        cost=d["cost"],
        session_id=d["session_id"],
        starts_on=_parse_day(d["starts_on"]),
        ends_on=_parse_day(d["ends_on"]),
        due_on=_must_day(d["due_on"]),
        status=ItemStatus(d["status"]),
        attended_on=_parse_day(d["attended_on"]),
        completed_on=_parse_day(d["completed_on"]),
        evidence_ref=d["evidence_ref"],
        note=d["note"],
        provider=d.get("provider", ""),
    )


def plan_to_doc(p: DevelopmentPlan) -> Doc:
    """The stored plan, with derived figures (JP, cost, coverage) kept for reads and queries."""
    return {
        "plan_id": p.plan_id,
        "kind": p.kind.value,
        "source_id": p.source_id,
        "agency_id": p.agency_id,
        "nip": p.nip,
        "name": p.name,
        "target_post_id": p.target_post_id,
        "target_post_name": p.target_post_name,
        "target_unit_id": p.target_unit_id,
        "effective_date": _day(p.effective_date),
        "decided_at": p.decided_at.isoformat(),
        "levels": dict(p.levels),
        "gaps": [{"competency": g.competency, "current": g.current, "required": g.required} for g in p.gaps],
        "items": [item_to_doc(i) for i in p.items],
        "uncovered": [{"competency": u.competency, "levels": u.levels, "reason": u.reason.value} for u in p.uncovered],
        "mentor": mentor_to_doc(p.mentor),
        "mentor_nip": p.mentor.mentor_nip if isinstance(p.mentor, MentorMatch) else None,
        "optimal": p.optimal,
        "status": p.status.value,
        "revision": p.revision,
        "superseded_by": p.superseded_by,
        "jp_planned": p.jp_planned,
        "cost_planned": p.cost_planned,
        "gap_coverage": round(p.gap_coverage, 4),
        "session_ids": sorted({i.session_id for i in p.live_items if i.session_id}),
    }


def plan_from_doc(d: Doc) -> DevelopmentPlan:
    return DevelopmentPlan(
        plan_id=d["plan_id"],
        kind=PlanKind(d["kind"]),
        source_id=d["source_id"],
        agency_id=d["agency_id"],
        nip=d["nip"],
        name=d["name"],
        target_post_id=d["target_post_id"],
        target_post_name=d["target_post_name"],
        target_unit_id=d["target_unit_id"],
        effective_date=_must_day(d["effective_date"]),
        decided_at=datetime.fromisoformat(d["decided_at"]),
        levels=d["levels"],
        gaps=tuple(Gap(g["competency"], g["current"], g["required"]) for g in d["gaps"]),
        items=[item_from_doc(i) for i in d["items"]],
        uncovered=[UncoveredGap(u["competency"], u["levels"], UncoveredReason(u["reason"])) for u in d["uncovered"]],
        mentor=mentor_from_doc(d["mentor"]),
        optimal=d["optimal"],
        status=PlanStatus(d["status"]),
        revision=d["revision"],
        superseded_by=d["superseded_by"],
    )


def entry_to_doc(agency_id: str, nip: str, e: JpEntry) -> Doc:
    return {
        "agency_id": agency_id,
        "nip": nip,
        "plan_id": e.plan_id,
        "item_id": e.item_id,
        "offering_id": e.offering_id,
        "title": e.title,
        "jp": e.jp,
        "completed_on": _day(e.completed_on),
        "year": e.completed_on.year,
        "evidence_ref": e.evidence_ref,
    }


def entry_from_doc(d: Doc) -> JpEntry:
    return JpEntry(
        d["plan_id"],
        d["item_id"],
        d["offering_id"],
        d["title"],
        d["jp"],
        _must_day(d["completed_on"]),
        d["evidence_ref"],
    )


def colleague_to_doc(agency_id: str, c: Colleague, as_of: datetime) -> Doc:
    return {
        "agency_id": agency_id,
        "nip": c.nip,
        "name": c.name,
        "unit_id": c.unit_id,
        "post_id": c.post_id,
        "levels": dict(c.levels),
        "reports_to_post_id": c.reports_to_post_id,
        "post_rank": c.post_rank,
        "as_of": as_of.isoformat(),
    }


def colleague_from_doc(d: Doc) -> Colleague:
    return Colleague(
        d["nip"], d["name"], d["unit_id"], d["post_id"], d["levels"], d.get("reports_to_post_id"), d.get("post_rank")
    )
