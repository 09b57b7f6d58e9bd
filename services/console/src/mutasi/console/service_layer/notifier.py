"""Turns events into notices (one per person, channel and event id) and sends the pending ones with retries."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from mutasi.chassis.store import Database, UnitOfWork, is_duplicate_key
from mutasi.console.domain import notices as texts
from mutasi.console.service_layer.ports import Channel, Outgoing
from mutasi.contracts.assessment import AssessmentCompletedV2
from mutasi.contracts.envelope import CloudEvent
from mutasi.contracts.placement import MutationDecidedV1, RoundAnnouncedV1
from mutasi.contracts.training import TrainingAssignedV1

log = logging.getLogger("mutasi.console.notifier")
PEOPLE, CONTACTS, NOTICES, ROUNDS = "people", "contacts", "notices", "rounds"
PENDING, SENT, FAILED, CANCELLED = "pending", "sent", "failed", "cancelled"


@dataclass(frozen=True)
class NoticeRules:
    """What the notifier needs from the settings."""

    public_url: str
    email_fallback: str | None
    channels: tuple[str, ...]  # channels switched on, e.g. ("email", "whatsapp")
    checkpoint_months: tuple[int, ...]

    def link(self, path: str) -> str:
        return self.public_url.rstrip("/") + path


@dataclass(frozen=True)
class Origin:
    """The event a notice comes from: its id makes the notice's id, so a redelivery adds nothing."""

    event_id: str
    agency_id: str
    day: date

    @classmethod
    def of(cls, event: CloudEvent[Any]) -> Origin:
        return cls(event.id, event.agencyid, event.time.date())


def person_handler(rules: NoticeRules):  # type: ignore[no-untyped-def]
    async def on_assessments_completed(events: Sequence[CloudEvent[AssessmentCompletedV2]], uow: UnitOfWork) -> None:
        """Keeps the directory of people per agency and unit (who a round announcement reaches), a whole batch at
        once: one bulk upsert of the people, one read of the rounds still open, one announcement per round.

        Someone who joins the directory while a round's window is open gets that round's announcement too: the
        directory may fill after the announcement (the events travel on different topics), and the notice id is
        the announcing event's, so nobody gets it twice. The result is that of handling the events one by one:
        a person's last event of the batch is the directory entry, and each event is matched against the rounds
        open on its own day with its own unit."""
        people: dict[tuple[str, str], dict[str, Any]] = {}
        for event in events:
            d = event.data
            people[(event.agencyid, d.nip)] = {"agency_id": event.agencyid, "nip": d.nip, "name": d.name,
                                               "unit_id": d.current_post.unit_id}  # fmt: skip
        await uow.collection(PEOPLE).bulk_upsert(list(people.values()), ("agency_id", "nip"))
        agencies = sorted({event.agencyid for event in events})
        earliest = min(event.time.date() for event in events).isoformat()
        open_rounds = await uow.collection(ROUNDS).find(
            {"$or": [{"agency_id": {"$in": agencies}}, {"agencies": {"$in": agencies}}],
             "open_until": {"$gte": earliest}}, sort=[("agency_id", 1), ("round_id", 1)],
        )  # fmt: skip
        reached: dict[int, dict[str, set[str]]] = {}  # round (its place in open_rounds) -> agency -> NIPs
        for event in events:
            day, unit_id = event.time.date().isoformat(), event.data.current_post.unit_id
            for i, r in enumerate(open_rounds):
                if r["open_until"] >= day and event.agencyid in _reached(r) and _unit_in(r, unit_id):
                    reached.setdefault(i, {}).setdefault(event.agencyid, set()).add(event.data.nip)
        for i, by_agency in sorted(reached.items()):
            await _announce(uow, rules, open_rounds[i], {a: sorted(nips) for a, nips in by_agency.items()})

    return on_assessments_completed


def _unit_in(round_doc: dict[str, Any], unit_id: str) -> bool:
    return not round_doc["scope_units"] or unit_id in round_doc["scope_units"]


def _reached(round_doc: dict[str, Any]) -> list[str]:
    """The agencies whose people a round announcement reaches: a province round names them (mutasi
    antarinstansi, PP 11/2017 Pasal 190); any other round reaches its own agency."""
    return list(round_doc.get("agencies") or [round_doc["agency_id"]])


def _in_scope(round_doc: dict[str, Any]) -> dict[str, Any]:
    scope: dict[str, Any] = {"agency_id": {"$in": _reached(round_doc)}}
    if round_doc["scope_units"]:
        scope["unit_id"] = {"$in": list(round_doc["scope_units"])}
    return scope


async def _announce(
    uow: UnitOfWork, rules: NoticeRules, round_doc: dict[str, Any], nips_by_agency: dict[str, list[str]]
) -> None:
    """The round's announcement to these people, each under their own agency (whose staff may read it)."""
    day = date.fromisoformat(round_doc["announced_on"])
    text = texts.NoticeText(round_doc["subject"], round_doc["body"])
    for agency_id, nips in sorted(nips_by_agency.items()):
        await _add(uow, rules, Origin(round_doc["event_id"], agency_id, day), nips, "round_announced", text,
                   round_id=round_doc["round_id"])  # fmt: skip


def _by_agency(people: Sequence[dict[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, set[str]] = {}
    for p in people:
        out.setdefault(p["agency_id"], set()).add(p["nip"])
    return {agency_id: sorted(nips) for agency_id, nips in out.items()}


async def _not_told(db: Database, round_doc: dict[str, Any]) -> list[dict[str, Any]]:
    told = {
        n["nip"] for n in await db.raw(NOTICES).find({"event_id": round_doc["event_id"], "kind": "round_announced"})
    }
    return [p for p in await db.raw(PEOPLE).find(_in_scope(round_doc)) if p["nip"] not in told]


async def announce_to_latecomers(db: Database, rules: NoticeRules, today: date) -> int:
    """Adds the announcement of every round whose window is open for people in its scope who have none yet.

    The directory (assessment-completed) and the announcement (round-announced) arrive on different topics: two
    transactions that each commit without seeing the other's write would leave a person out. This pass reads
    what is committed; the notice id is the announcing event's and unique, so nobody gets it twice."""
    added = 0
    for r in await db.raw(ROUNDS).find({"open_until": {"$gte": today.isoformat()}}, sort=[("round_id", 1)]):
        missing = await _not_told(db, r)
        if not missing:
            continue
        try:
            async with db.uow("console") as uow:
                await _announce(uow, rules, r, _by_agency(missing))
                await uow.commit()
        except Exception as exc:
            if is_duplicate_key(exc):  # a subscriber added one of them meanwhile: the next pass sees it
                continue
            raise
        added += len(missing)
    return added


def round_handler(rules: NoticeRules):  # type: ignore[no-untyped-def]
    async def on_round_announced(event: CloudEvent[RoundAnnouncedV1], uow: UnitOfWork) -> None:
        d = event.data
        text = texts.round_announced(d.name, d.period, d.preferences_open_until, rules.link("/saya"))
        round_doc = {"agency_id": event.agencyid, "round_id": d.round_id, "event_id": event.id,
                     "agencies": list(d.agencies) or [event.agencyid], "announced_on": event.time.date().isoformat(),
                     "open_until": d.preferences_open_until.isoformat(), "scope_units": list(d.scope_units),
                     "subject": text.subject, "body": text.body}  # fmt: skip
        await uow.collection(ROUNDS).replace_one(
            {"agency_id": event.agencyid, "round_id": d.round_id}, round_doc, upsert=True
        )
        people = await uow.collection(PEOPLE).find(_in_scope(round_doc), sort=[("nip", 1)])
        await _announce(uow, rules, round_doc, _by_agency(people))

    return on_round_announced


def decision_handler(rules: NoticeRules):  # type: ignore[no-untyped-def]
    async def on_mutation_decided(event: CloudEvent[MutationDecidedV1], uow: UnitOfWork) -> None:
        d = event.data
        notices = uow.collection(NOTICES)
        if d.supersedes:  # the replaced decision's check-in reminders must not go out
            await notices.update_many({"agency_id": event.agencyid, "decision_id": d.supersedes, "state": PENDING,
                                       "kind": "checkpoint_due"}, {"$set": {"state": CANCELLED}})  # fmt: skip
        link = rules.link(f"/saya/putaran/{d.round_id}")
        text = texts.mutation_decided(d.to_post.post_name, d.to_post.unit_name, d.effective_date, not d.cancelled, link)
        await _add(uow, rules, Origin.of(event), [d.nip], "mutation_decided", text, round_id=d.round_id,
                   decision_id=d.decision_id)  # fmt: skip
        if d.cancelled:
            return
        for month in rules.checkpoint_months:
            due = texts.add_months(d.effective_date, month)
            text = texts.checkpoint_due(month, due, rules.link("/saya/evaluasi"))
            await _add(uow, rules, Origin.of(event), [d.nip], "checkpoint_due", text, round_id=d.round_id,
                       decision_id=d.decision_id, due_on=due, suffix=f"m{month}")  # fmt: skip

    return on_mutation_decided


def training_handler(rules: NoticeRules):  # type: ignore[no-untyped-def]
    async def on_training_assigned(event: CloudEvent[TrainingAssignedV1], uow: UnitOfWork) -> None:
        d = event.data
        text = texts.training_assigned(
            d.total_jp, len(d.items), d.mentor_nip is not None, rules.link("/saya/pelatihan")
        )
        await _add(uow, rules, Origin.of(event), [d.nip], "training_assigned", text, decision_id=d.decision_id)

    return on_training_assigned


async def _add(
    uow: UnitOfWork, rules: NoticeRules, event: Origin, nips: Sequence[str], kind: str,
    text: texts.NoticeText, *, round_id: str | None = None, decision_id: str | None = None,
    due_on: date | None = None, suffix: str = "",
) -> None:  # fmt: skip
    """One notice per person and channel; the id is derived from the event id, so a redelivery adds nothing."""
    if not nips:
        return
    contacts = {c["nip"]: c for c in await uow.collection(CONTACTS).find(
        {"agency_id": event.agency_id, "nip": {"$in": list(nips)}})}  # fmt: skip
    now = datetime.now(UTC)
    docs = []
    for nip in nips:
        for channel in rules.channels:
            to = _address(channel, nip, contacts.get(nip), rules)
            if not to:
                continue
            notice_id = ":".join(x for x in (event.event_id, nip, channel, suffix) if x)
            docs.append({"notice_id": notice_id, "event_id": event.event_id, "agency_id": event.agency_id, "nip": nip,
                         "kind": kind, "channel": channel, "to": to, "subject": text.subject, "body": text.body,
                         "round_id": round_id, "decision_id": decision_id,
                         "due_on": (due_on or event.day).isoformat(), "state": PENDING, "attempts": 0,
                         "next_try_at": now, "created_at": now, "last_error": None})  # fmt: skip
    existing = {d["notice_id"] for d in await uow.collection(NOTICES).find(
        {"notice_id": {"$in": [d["notice_id"] for d in docs]}})}  # fmt: skip
    fresh = [d for d in docs if d["notice_id"] not in existing]
    if fresh:
        await uow.collection(NOTICES).insert_many(fresh)


def _address(channel: str, nip: str, contact: dict[str, Any] | None, rules: NoticeRules) -> str | None:
    if channel == "email":
        if contact and contact.get("email"):
            return str(contact["email"])
        return rules.email_fallback.format(nip=nip) if rules.email_fallback else None
    if channel == "whatsapp" and contact and contact.get("whatsapp"):
        return str(contact["whatsapp"])
    return None


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    given_up: int = 0


class NoticeSender:
    """Sends due pending notices per channel; a failure is retried with doubling backoff up to max_attempts."""

    def __init__(self, db: Database, channels: dict[str, Channel], batch: int, max_attempts: int,
                 backoff_s: float, counters: Any | None = None) -> None:  # fmt: skip
        self.db, self.channels, self.batch = db, channels, batch
        self.max_attempts, self.backoff_s, self.counters = max_attempts, backoff_s, counters

    async def send_due(self, today: date | None = None) -> SendReport:
        report = SendReport()
        now = datetime.now(UTC)
        day = (today or now.date()).isoformat()
        for name, channel in self.channels.items():
            while True:
                async with self.db.uow("console") as uow:
                    due = await uow.collection(NOTICES).find(
                        {"channel": name, "state": PENDING, "due_on": {"$lte": day}, "next_try_at": {"$lte": now}},
                        sort=[("created_at", 1), ("notice_id", 1)], limit=self.batch,
                    )  # fmt: skip
                if not due:
                    break
                batch = [Outgoing(d["notice_id"], d["to"], d["subject"], d["body"]) for d in due]
                results = await channel.send(batch)
                await self._record(due, results, now, report, name)
                if len(due) < self.batch:
                    break
        return report

    async def _record(self, due: list[dict[str, Any]], results: dict[str, str | None], now: datetime,
                      report: SendReport, channel: str) -> None:  # fmt: skip
        ok = [d["notice_id"] for d in due if results.get(d["notice_id"], "no result") is None]
        failed = given_up = 0
        async with self.db.uow("console") as uow:
            notices = uow.collection(NOTICES)
            if ok:
                await notices.update_many({"notice_id": {"$in": ok}}, {"$set": {"state": SENT, "sent_at": now},
                                                                       "$inc": {"attempts": 1}})  # fmt: skip
            for d in due:
                error = results.get(d["notice_id"], "no result")
                if error is None:
                    continue
                attempts = int(d.get("attempts", 0)) + 1
                gave_up = attempts >= self.max_attempts
                retry_at = now + timedelta(seconds=self.backoff_s * 2 ** (attempts - 1))
                await notices.update_one({"notice_id": d["notice_id"]}, {"$set": {
                    "state": FAILED if gave_up else PENDING, "attempts": attempts, "next_try_at": retry_at,
                    "last_error": error[:300]}})  # fmt: skip
                failed += 1
                given_up += int(gave_up)
                log.warning("notice send failed", extra={"notice_id": d["notice_id"], "attempt": attempts,
                                                         "channel": channel})  # fmt: skip
            await uow.commit()
        report.sent += len(ok)
        report.failed += failed
        report.given_up += given_up
        if self.counters is not None:
            self.counters.record(channel, len(ok), failed, given_up)
