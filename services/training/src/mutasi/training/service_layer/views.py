"""Reads: a person's plans and JP, plans by unit or agency, reminders, programme figures, the export."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from mutasi.chassis.store import UnitOfWork
from mutasi.training.domain.errors import NotFound
from mutasi.training.domain.metrics import summarize
from mutasi.training.domain.progress import jp_by_year, reminders
from mutasi.training.domain.rules import TrainingRules
from mutasi.training.service_layer.ports import TrainingPorts

INTERNAL = ("created_at", "updated_at", "session_ids")


def _public(plan: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in plan.items() if k not in INTERNAL}


def _scope(unit_id: str | None, status: str | None) -> dict[str, Any]:
    query: dict[str, Any] = {}
    if unit_id:
        query["target_unit_id"] = unit_id
    if status:
        query["status"] = status
    return query


class TrainingViews:
    """The read side, over the injected adapters."""

    def __init__(self, ports: TrainingPorts) -> None:
        self.ports = ports

    async def person(
        self, uow: UnitOfWork, agency_id: str, nip: str, today: date, rules: TrainingRules
    ) -> dict[str, Any]:
        record = await self.ports.repository(uow, agency_id).person(nip)
        if not record.plans and not record.ledger:
            raise NotFound("person", nip, "nip")
        by_year = jp_by_year(record.ledger)
        return {
            "nip": nip,
            "plans": [_public(self.ports.documents.plan_to_doc(p)) for p in record.plans],
            "jp_by_year": {str(y): jp for y, jp in sorted(by_year.items())},
            "jp_this_year": by_year.get(today.year, 0),
            "jp_minimum": rules.jp_minimum_per_year,
            "jp_minimum_source": rules.jp_minimum_source,
            "ledger": [self.ports.documents.entry_to_doc(agency_id, nip, e) for e in record.ledger],
            "reminders": [
                r.__dict__ | {"kind": r.kind.value} for r in reminders(nip, record.plans, record.ledger, today, rules)
            ],
        }

    async def plan(self, uow: UnitOfWork, agency_id: str, plan_id: str) -> dict[str, Any]:
        found = await self.ports.repository(uow, agency_id).plan_docs({"plan_id": plan_id})
        if not found:
            raise NotFound("plan", plan_id, "plan_id")
        return _public(found[0])

    async def plans(
        self, uow: UnitOfWork, agency_id: str, unit_id: str | None, status: str | None, limit: int, offset: int
    ) -> dict[str, Any]:
        found = await self.ports.repository(uow, agency_id).plan_docs(_scope(unit_id, status))
        return {"total": len(found), "plans": [_public(p) for p in found[offset : offset + limit]]}

    async def _people(
        self, uow: UnitOfWork, agency_id: str, unit_id: str | None
    ) -> list[tuple[str, list[Any], list[Any]]]:
        repo = self.ports.repository(uow, agency_id)
        plan_docs = await repo.plan_docs(_scope(unit_id, None))
        nips = sorted({p["nip"] for p in plan_docs})
        ledger_docs = await repo.ledger_of(nips) if nips else []
        plans_by: dict[str, list[Any]] = defaultdict(list)
        ledger_by: dict[str, list[Any]] = defaultdict(list)
        for p in plan_docs:
            plans_by[p["nip"]].append(self.ports.documents.plan_from_doc(p))
        for e in ledger_docs:
            ledger_by[e["nip"]].append(self.ports.documents.entry_from_doc(e))
        return [(nip, plans_by[nip], ledger_by[nip]) for nip in nips]

    async def reminder_list(
        self, uow: UnitOfWork, agency_id: str, unit_id: str | None, today: date, rules: TrainingRules
    ) -> dict[str, Any]:
        out = []
        for nip, person_plans, ledger in await self._people(uow, agency_id, unit_id):
            out += [r.__dict__ | {"kind": r.kind.value} for r in reminders(nip, person_plans, ledger, today, rules)]
        return {"on": today.isoformat(), "reminders": out}

    async def summary(
        self, uow: UnitOfWork, agency_id: str, unit_id: str | None, year: int, rules: TrainingRules
    ) -> dict[str, Any]:
        s = summarize(await self._people(uow, agency_id, unit_id), year, rules.jp_minimum_per_year)
        return {
            "agency_id": agency_id,
            "unit_id": unit_id,
            "year": year,
            "people": s.people,
            "plans": s.plans,
            "plans_active": s.plans_active,
            "plans_completed": s.plans_completed,
            "assigned_jp": s.assigned_jp,
            "items": s.items,
            "items_completed": s.items_completed,
            "completion_rate": round(s.completion_rate, 4),
            "gaps": s.gaps,
            "gaps_covered": s.gaps_covered,
            "gap_coverage": round(s.gap_coverage, 4),
            "uncovered_gaps": sum(s.uncovered_by_reason.values()),
            "uncovered_by_reason": s.uncovered_by_reason,
            "people_without_mentor": s.people_without_mentor,
            "people_under_minimum": s.people_under_minimum,
            "jp_minimum": s.jp_minimum,
        }

    async def attendance_export(self, uow: UnitOfWork, agency_id: str, unit_id: str | None) -> bytes:
        repo = self.ports.repository(uow, agency_id)
        found = await repo.plan_docs(_scope(unit_id, None))
        offerings = [
            self.ports.documents.offering_to_doc(agency_id, o) for o in (await repo.catalogue()).offerings.values()
        ]
        return self.ports.attendance_workbook((p for p in found if p["status"] != "superseded"), offerings)

    async def catalogue(self, uow: UnitOfWork, agency_id: str) -> dict[str, Any]:
        found = await self.ports.repository(uow, agency_id).catalogue()
        repo_seats = await self.ports.repository(uow, agency_id).seats()
        offerings = []
        for o in found.offerings.values():
            doc = self.ports.documents.offering_to_doc(agency_id, o)
            for s in doc["sessions"]:
                s["seats_taken"] = repo_seats.taken.get(s["session_id"], 0)
            offerings.append(doc)
        return {"offerings": offerings}
