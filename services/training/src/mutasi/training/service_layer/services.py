"""Use cases of the training service: each runs inside one unit of work and emits what it decided."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from mutasi.chassis.spreadsheets import SheetLimits
from mutasi.chassis.store import UnitOfWork
from mutasi.contracts import topics
from mutasi.training.domain.covering import Coverer
from mutasi.training.domain.errors import CatalogueRejected, NotFound
from mutasi.training.domain.mentor import Colleague
from mutasi.training.domain.plan import DevelopmentPlan, Move, PlanItem
from mutasi.training.domain.planning import Planner
from mutasi.training.domain.progress import jp_by_year, record_attendance, record_completion
from mutasi.training.domain.record import (
    Outcome,
    PersonRecord,
    Result,
    on_follow_up,
    on_move_cancelled,
    on_mutation_decided,
)
from mutasi.training.domain.rules import TrainingRules
from mutasi.training.service_layer import commands, messages
from mutasi.training.service_layer.ports import Repository, TrainingPorts

PLANNING = "training.planning"  # an agency's (repository, planner) in a unit of work's memo: (PLANNING, agency)
REPOSITORY = "training.repository"  # an agency's repository in a unit of work's memo: (REPOSITORY, agency)
LEFT_AGENCY = ""  # the unit of a colleague who moved to another agency: none of the releasing agency's

log = logging.getLogger("mutasi.training")


class TrainingService:
    """Holds the rules, the coverer, the clock and the adapters; the state comes from the unit of work."""

    def __init__(self, rules: TrainingRules, coverer: Coverer, today: Callable[[], date], ports: TrainingPorts) -> None:
        self.rules = rules
        self.coverer = coverer
        self.today = today
        self.ports = ports

    async def _planner(self, repo: Repository) -> Planner:
        return Planner(await repo.catalogue(), await repo.seats(), self.coverer, self.rules)

    def _repository(self, uow: UnitOfWork, agency_id: str) -> Repository:
        """The agency's repository for this unit of work (one, so a batch's reads and writes are kept together)."""
        key = (REPOSITORY, agency_id)
        if key not in uow.memo:
            uow.memo[key] = self.ports.repository(uow, agency_id)
        repo: Repository = uow.memo[key]
        return repo

    async def _planning(self, uow: UnitOfWork, agency_id: str) -> tuple[Repository, Planner]:
        """The agency's repository and planner for this unit of work: the catalogue and seats are loaded once per
        batch of events, and each event's seat changes are written incrementally (only the seats it took)."""
        key = (PLANNING, agency_id)
        if key not in uow.memo:
            repo = self._repository(uow, agency_id)
            uow.memo[key] = (repo, await self._planner(repo))
        planning: tuple[Repository, Planner] = uow.memo[key]
        return planning

    # ---- catalogue ----
    async def import_catalogue(
        self, uow: UnitOfWork, agency_id: str, data: bytes, limits: SheetLimits
    ) -> dict[str, Any]:
        """All or nothing: with any bad cell nothing is stored and every bad cell is reported; otherwise each
        offering is stored, replacing one with the same id."""
        parsed = self.ports.read_catalogue(data, limits)
        if parsed.errors:
            raise CatalogueRejected(
                [
                    {
                        "field": f"{e.sheet}!{e.column or '-'}{e.row}",
                        "reason": f"{e.reason_id} / {e.reason_en}",
                        **e.__dict__,
                    }
                    for e in parsed.errors
                ]
            )
        repo = self.ports.repository(uow, agency_id)
        stored = await repo.save_offerings(parsed.offerings)
        report = {
            "imported": stored,
            "sessions": sum(len(o.sessions) for o in parsed.offerings),
            "offering_ids": [o.offering_id for o in parsed.offerings],
        }
        await repo.record_import({**report, "on": self.today().isoformat()})
        return report

    async def cancel_session(self, uow: UnitOfWork, agency_id: str, cmd: commands.CancelSession) -> dict[str, Any]:
        """Mark the session cancelled and re-plan everyone booked on it."""
        repo = self.ports.repository(uow, agency_id)
        planner = await self._planner(repo)
        offering = planner.catalogue.offering_of_session(cmd.session_id)
        if offering is None:
            raise NotFound("session", cmd.session_id, "session_id")
        planner.catalogue = planner.catalogue.with_session_cancelled(cmd.session_id)
        await repo.save_offerings([planner.catalogue.offerings[offering.offering_id]])
        replanned = []
        for plan in await repo.plans_with_session(cmd.session_id):
            if planner.replan_cancelled_session(plan, cmd.session_id, self.today()):
                replanned.append(plan)
                uow.emit(topics.TRAINING_ASSIGNED, messages.training_assigned(plan), agency_id=agency_id)
        await repo.save_plans(replanned)
        await repo.save_seats(planner.seats)
        return {"session_id": cmd.session_id, "replanned_plan_ids": [p.plan_id for p in replanned]}

    async def replan_open(self, uow: UnitOfWork, agency_id: str, unit_id: str | None) -> dict[str, Any]:
        """Re-plan active plans with open gaps or an unscheduled workshop against today's catalogue."""
        repo = self.ports.repository(uow, agency_id)
        planner = await self._planner(repo)
        query: dict[str, Any] = {"status": "active", **({"target_unit_id": unit_id} if unit_id else {})}
        candidates = [
            d["nip"]
            for d in await repo.plan_docs(query)
            if d["uncovered"] or any(_unscheduled_workshop(i) for i in d["items"])
        ]
        replanned = []
        for nip in sorted(set(candidates)):
            record = await repo.person(nip)
            for plan in record.plans:
                if planner.fill_open(plan, self.today(), record.offerings_done_or_open()):
                    replanned.append(plan)
                    uow.emit(topics.TRAINING_ASSIGNED, messages.training_assigned(plan), agency_id=agency_id)
        await repo.save_plans(replanned)
        await repo.save_seats(planner.seats)
        return {"replanned_plan_ids": [p.plan_id for p in replanned], "checked": len(set(candidates))}

    # ---- events ----
    async def prepare_moves(self, uow: UnitOfWork, moves: Sequence[tuple[str, commands.PlanMove]]) -> None:
        """Before a batch of decisions is planned one by one (`plan_move`, in delivery order): read the catalogue,
        seats, the people's plans and ledger, their target units' colleagues and mentor load once per agency, and
        the colleague records that people moving to another agency leave behind in theirs (`_left_agency`)."""
        nips: dict[str, set[str]] = {}
        units: dict[str, set[str]] = {}
        for agency_id, cmd in moves:
            nips.setdefault(agency_id, set()).add(cmd.move.nip)
            units.setdefault(agency_id, set())
            if not cmd.cancelled:
                units[agency_id].add(cmd.move.target_unit_id)
                if cmd.move.from_agency_id:
                    nips.setdefault(cmd.move.from_agency_id, set()).add(cmd.move.nip)
        for agency_id, people in nips.items():
            if agency_id in units:
                await self._planning(uow, agency_id)
            await self._repository(uow, agency_id).preload(people, units.get(agency_id, set()))

    async def finish_moves(self, uow: UnitOfWork) -> None:
        """After a batch of decisions: write its plans, colleagues and seats once per agency."""
        for key, value in list(uow.memo.items()):  # the memo also holds what adapters read (e.g. buckets)
            if isinstance(key, tuple) and key[0] == PLANNING:
                repo, planner = value
                await repo.save_seats(planner.seats)
        for key, value in list(uow.memo.items()):
            if isinstance(key, tuple) and key[0] == REPOSITORY:
                await value.flush()

    async def plan_move(self, uow: UnitOfWork, agency_id: str, cmd: commands.PlanMove) -> Result:
        move = cmd.move
        repo, planner = await self._planning(uow, agency_id)
        record = await repo.person(move.nip)
        if cmd.cancelled:
            result = on_move_cancelled(record, move.decision_id, move.decided_at, planner)
            if result.superseded is not None:
                await repo.save_plans([result.superseded])
                uow.emit(
                    topics.TRAINING_ASSIGNED,
                    messages.training_assigned(result.superseded, withdrawn=True),
                    agency_id=agency_id,
                )
        else:
            colleagues = await repo.colleagues(move.target_unit_id)
            load = await repo.mentor_load(move.target_unit_id)
            result = on_mutation_decided(record, move, planner, colleagues, load)
            if result.plan is not None:
                await repo.save_plans([p for p in (result.superseded, result.plan) if p is not None])
                replaces = result.superseded.plan_id if result.superseded else None
                uow.emit(
                    topics.TRAINING_ASSIGNED, messages.training_assigned(result.plan, replaces), agency_id=agency_id
                )
            if result.outcome in (Outcome.PLANNED, Outcome.REPLANNED):
                await repo.save_colleague(
                    Colleague(
                        move.nip, move.name, move.target_unit_id, move.target_post_id, move.levels, None, move.post_rank
                    ),
                    move.decided_at,
                )
                if move.from_agency_id:
                    await self._left_agency(uow, move)
        await repo.save_seats(planner.seats)
        log.info("decision handled", extra={"decision_id": move.decision_id, "outcome": result.outcome.value})
        return result

    async def _left_agency(self, uow: UnitOfWork, move: Move) -> None:
        """After a move between agencies the person is no longer a colleague in the releasing agency: their record
        there keeps no unit (`LEFT_AGENCY`), so they are not proposed as a mentor in the unit they left. The
        releasing agency's repository of this batch is used when it has one, so the batch's later decisions see the
        change too."""
        assert move.from_agency_id is not None
        repo = self._repository(uow, move.from_agency_id)
        await repo.save_colleague(
            Colleague(move.nip, move.name, LEFT_AGENCY, move.target_post_id, move.levels, None, move.post_rank),
            move.decided_at,
        )

    async def plan_follow_up(self, uow: UnitOfWork, agency_id: str, cmd: commands.PlanFollowUp) -> Result:
        repo, planner = await self._planning(uow, agency_id)
        record = await repo.person(cmd.nip)
        result = on_follow_up(record, cmd.follow_up_id, cmd.open_gaps, self.today(), planner)
        if result.plan is not None:
            await repo.save_plans([result.plan])
            await repo.save_seats(planner.seats)
            uow.emit(topics.TRAINING_ASSIGNED, messages.training_assigned(result.plan), agency_id=agency_id)
        log.info("follow-up handled", extra={"follow_up_id": cmd.follow_up_id, "outcome": result.outcome.value})
        return result

    async def remember_colleague(self, uow: UnitOfWork, agency_id: str, cmd: commands.RememberColleague) -> bool:
        return await self.ports.repository(uow, agency_id).save_colleague(cmd.colleague, cmd.as_of)

    async def remember_colleagues(
        self, uow: UnitOfWork, commands_by_agency: Sequence[tuple[str, commands.RememberColleague]]
    ) -> int:
        """`remember_colleague` for a batch (the newest picture of each person wins); returns how many were kept."""
        return await self.ports.save_colleagues(
            uow, [(agency, c.colleague, c.as_of) for agency, c in commands_by_agency]
        )

    # ---- progress ----
    async def _plan_and_item(
        self, repo: Repository, plan_id: str, item_id: str
    ) -> tuple[PersonRecord, DevelopmentPlan, PlanItem]:
        found = await repo.plan_docs({"plan_id": plan_id})
        if not found:
            raise NotFound("plan", plan_id, "plan_id")
        record = await repo.person(found[0]["nip"])
        plan = record.plan(plan_id)
        item = plan.item(item_id) if plan else None
        if plan is None or item is None:
            raise NotFound("item", item_id, "item_id")
        return record, plan, item

    async def record_attendance(
        self, uow: UnitOfWork, agency_id: str, cmd: commands.RecordAttendance
    ) -> dict[str, Any]:
        repo = self.ports.repository(uow, agency_id)
        _, plan, item = await self._plan_and_item(repo, cmd.plan_id, cmd.item_id)
        if record_attendance(item, cmd.attended_on, self.today(), self.rules.record_max_days_ahead):
            await repo.save_plans([plan])
        return {"plan_id": plan.plan_id, "item_id": item.item_id, "status": item.status.value}

    async def record_completion(
        self, uow: UnitOfWork, agency_id: str, cmd: commands.RecordCompletion
    ) -> dict[str, Any]:
        repo = self.ports.repository(uow, agency_id)
        record, plan, item = await self._plan_and_item(repo, cmd.plan_id, cmd.item_id)
        entry = record_completion(
            plan, item, cmd.completed_on, cmd.evidence_ref, self.today(), self.rules.record_max_days_ahead
        )
        year = cmd.completed_on.year
        year_jp = jp_by_year([*record.ledger, *([entry] if entry else [])]).get(year, 0)
        if entry is not None:
            await repo.add_entry(plan.nip, entry)
            await repo.save_plans([plan])
            uow.emit(topics.TRAINING_COMPLETED, messages.training_completed(plan, entry, year_jp), agency_id=agency_id)
        return {
            "plan_id": plan.plan_id,
            "item_id": item.item_id,
            "status": item.status.value,
            "jp": item.jp,
            "year": year,
            "year_jp": year_jp,
            "plan_status": plan.status.value,
            "newly_completed": entry is not None,
        }


def _unscheduled_workshop(item: dict[str, Any]) -> bool:
    return bool(
        item["purpose"] == "change_management"
        and item["status"] == "planned"
        and item["session_id"] is None
        and item["starts_on"] is None
    )
