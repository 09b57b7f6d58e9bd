"""What HR and employees read: the 9-box grid, the JPM distribution, missing/expired lists, one record."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from mutasi.assessment.domain.talent import BOXES
from mutasi.assessment.service_layer.ports import Store
from mutasi.chassis.store import UnitOfWork

Doc = dict[str, Any]
JPM_BINS = tuple(range(0, 110, 10))  # 0–9, 10–19, … 90–99, ≥100


def status_of(employee: Doc, today: date) -> str:
    """assessed | expired | not_assessed | incomplete (no performance predicate, so no box)."""
    latest = employee.get("latest")
    if latest is None:
        return "not_assessed"
    if latest["valid_until"] < today.isoformat():
        return "expired"
    return "assessed" if latest.get("box") else "incomplete"


async def employees_of(store: Store, uow: UnitOfWork, agency_id: str, unit_id: str | None) -> list[Doc]:
    """The agency's employees, or one unit's, in NIP order."""
    return await store.employees(uow, agency_id, unit_id)


async def expired_by_agency(store: Store, uow: UnitOfWork, today: date) -> dict[str, int]:
    """Employees whose latest assessment is past its validity, per agency (for the gauge)."""
    return await store.expired_by_agency(uow, today)


def nine_box(employees: list[Doc], today: date, with_names: bool = True) -> dict[str, Any]:
    """Counts (and people) per box; expired results are counted apart, never placed in a box."""
    statuses = Counter(status_of(e, today) for e in employees)
    cells: dict[int, list[Doc]] = {n: [] for n in BOXES}
    for e in employees:
        if status_of(e, today) == "assessed":
            cells[e["latest"]["box"]].append(e)
    boxes = []
    for number in sorted(BOXES, reverse=True):
        box = BOXES[number]
        entry: dict[str, Any] = {
            "box": number,
            "label": box.label,
            "recommendation": box.recommendation,
            "recommendation_en": box.recommendation_en,
            "count": len(cells[number]),
        }
        if with_names:
            entry["people"] = [_person(e) for e in cells[number]]
        boxes.append(entry)
    return {"total": len(employees), **{s: statuses.get(s, 0) for s in _STATUSES}, "boxes": boxes}


_STATUSES = ("assessed", "expired", "not_assessed", "incomplete")


def _person(e: Doc) -> Doc:
    return {
        "nip": e["nip"],
        "name": e["name"],
        "unit_id": e["unit_id"],
        "post_id": e["post_id"],
        "jpm": e["latest"]["jpm"],
    }


def jpm_distribution(employees: list[Doc], today: date) -> dict[str, Any]:
    """Valid results per 10-point JPM bin and per category of the agency's family."""
    valid = [e["latest"] for e in employees if status_of(e, today) in ("assessed", "incomplete")]
    bins = Counter(min(int(r["jpm"] // 10) * 10, 100) for r in valid)
    categories = Counter(r["jpm_category"] for r in valid)
    return {
        "total": len(employees),
        "with_valid_assessment": len(valid),
        "bins": [{"from": b, "to": b + 10 if b < 100 else None, "count": bins.get(b, 0)} for b in JPM_BINS],
        "categories": dict(sorted(categories.items())),
        "mean": round(sum(r["jpm"] for r in valid) / len(valid), 2) if valid else None,
    }


def missing_or_expired(employees: list[Doc], today: date) -> list[Doc]:
    """Who needs an assessment: none yet, expired, incomplete, or re-assessment requested by a follow-up."""
    out = []
    for e in employees:
        status = status_of(e, today)
        requested = e.get("reassessment")
        if status == "assessed" and not requested:
            continue
        out.append(
            {
                "nip": e["nip"],
                "name": e["name"],
                "unit_id": e["unit_id"],
                "post_id": e["post_id"],
                "status": status,
                "valid_until": (e.get("latest") or {}).get("valid_until"),
                "reassessment_requested": bool(requested),
                "follow_up_id": requested["follow_up_id"] if requested else None,
            }
        )
    return out
