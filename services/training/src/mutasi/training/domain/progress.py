"""Progress against plans and the 20 JP a year right: attendance, completion with evidence, reminders."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from mutasi.training.domain.catalogue import Delivery, OfferingKind
from mutasi.training.domain.errors import Conflict, InvalidInput
from mutasi.training.domain.plan import DevelopmentPlan, ItemStatus, PlanItem
from mutasi.training.domain.rules import TrainingRules


@dataclass(frozen=True)
class JpEntry:
    """JP credited to a person; counted in the calendar year of `completed_on` (the certificate date),
    so a session running from December into January counts in January's year."""

    plan_id: str
    item_id: str
    offering_id: str
    title: str
    jp: int
    completed_on: date
    evidence_ref: str


def jp_by_year(entries: Iterable[JpEntry]) -> dict[int, int]:
    totals: dict[int, int] = {}
    for entry in entries:
        totals[entry.completed_on.year] = totals.get(entry.completed_on.year, 0) + entry.jp
    return totals


def record_attendance(item: PlanItem, attended_on: date, today: date, max_days_ahead: int | None = 0) -> bool:
    """Mark an item attended; returns False when nothing changed (already attended or completed)."""
    _check_day(item, attended_on, today, "attended_on", max_days_ahead)
    if item.status is ItemStatus.CANCELLED:
        raise Conflict("item_id", f"item {item.item_id} was cancelled: {item.note}")
    if item.status is not ItemStatus.PLANNED:
        return False
    item.status, item.attended_on = ItemStatus.ATTENDED, attended_on
    return True


def record_completion(
    plan: DevelopmentPlan,
    item: PlanItem,
    completed_on: date,
    evidence_ref: str,
    today: date,
    max_days_ahead: int | None = 0,
) -> JpEntry | None:
    """Complete an item with its evidence; returns the JP entry, or None if the same completion was already
    recorded (a repeated request changes nothing)."""
    if not evidence_ref.strip():
        raise InvalidInput("evidence_ref", "a certificate or attendance-list reference is required")
    _check_day(item, completed_on, today, "completed_on", max_days_ahead)
    if item.status is ItemStatus.CANCELLED:
        raise Conflict("item_id", f"item {item.item_id} was cancelled: {item.note}")
    if needs_session(item):
        raise Conflict(
            "session_id",
            f"'{item.title}' belum dijadwalkan pada sesi mana pun; jadwalkan sesinya dulu / "
            "no session is scheduled for this classroom item: schedule one first",
        )
    if item.status is ItemStatus.COMPLETED:
        if item.completed_on == completed_on and item.evidence_ref == evidence_ref:
            return None
        raise Conflict("item_id", f"item {item.item_id} was already completed on {item.completed_on}")
    item.status, item.completed_on, item.evidence_ref = ItemStatus.COMPLETED, completed_on, evidence_ref
    item.attended_on = item.attended_on or item.starts_on or completed_on
    plan.settle()
    return JpEntry(plan.plan_id, item.item_id, item.offering_id, item.title, item.jp, completed_on, evidence_ref)


def needs_session(item: PlanItem) -> bool:
    """A classroom item (workshop, course, bimtek …, Peraturan LAN 10/2018 klasikal) is held in a session; one
    with no session scheduled cannot have been attended or completed."""
    kind = OfferingKind(item.kind) if item.kind in OfferingKind._value2member_map_ else None
    return kind is not None and kind.delivery is Delivery.KLASIKAL and item.session_id is None


def _check_day(item: PlanItem, day: date, today: date, field: str, max_days_ahead: int | None) -> None:
    if max_days_ahead is not None and day > today + timedelta(days=max_days_ahead):
        raise InvalidInput(field, f"{day} is in the future")
    if item.starts_on is not None and day < item.starts_on:
        raise InvalidInput(field, f"{day} is before the session starts ({item.starts_on})")


class ReminderKind(StrEnum):
    OVERDUE_ITEM = "OVERDUE_ITEM"
    JP_BELOW_MINIMUM = "JP_BELOW_MINIMUM"


@dataclass(frozen=True)
class Reminder:
    kind: ReminderKind
    nip: str
    detail: str
    plan_id: str | None = None
    item_id: str | None = None
    jp_short: int = 0


def reminders(
    nip: str, plans: Iterable[DevelopmentPlan], entries: Iterable[JpEntry], today: date, rules: TrainingRules
) -> list[Reminder]:
    """Items not completed `overdue_grace_days` after they should have ended, and the JP still missing
    this calendar year against the yearly minimum (with its source)."""
    grace = timedelta(days=rules.overdue_grace_days)
    out: list[Reminder] = []
    plans = list(plans)
    for plan in plans:
        for item in plan.items:
            if item.is_open and (item.ends_on or item.due_on) + grace < today:
                out.append(
                    Reminder(
                        ReminderKind.OVERDUE_ITEM,
                        nip,
                        f"'{item.title}' was due {item.ends_on or item.due_on} and is not completed",
                        plan.plan_id,
                        item.item_id,
                    )
                )
    done = jp_by_year(entries).get(today.year, 0)
    if done < rules.jp_minimum_per_year:
        short = rules.jp_minimum_per_year - done
        planned = sum(
            i.jp
            for p in plans
            for i in p.items
            if i.is_open and (i.ends_on or i.due_on).year == today.year and (i.ends_on or i.due_on) >= today
        )
        out.append(
            Reminder(
                ReminderKind.JP_BELOW_MINIMUM,
                nip,
                f"{done} JP completed in {today.year}, {short} short of {rules.jp_minimum_per_year} "
                f"({rules.jp_minimum_source}); {planned} JP still planned this year",
                jp_short=short,
            )
        )
    return out
