"""The console's directory consumer takes `assessment-completed` a batch at a time (one bulk upsert of the people,
one read of the open rounds): what it stores, the directory and the latecomers' announcements, must be exactly
what handling the same events one at a time stores, duplicates inside a batch and redeliveries included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from mutasi.console.bootstrap import create_app
from mutasi.console.service_layer import notifier
from mutasi.contracts import topics
from mutasi.contracts.assessment import AssessmentCompletedV2
from mutasi.contracts.placement import RoundAnnouncedV1
from tests.component.placement.placement_world import POOL
from tests.support.service import envelope, publish_event, running_service

from .console_world import RecordingChannel, console_settings
from .test_notifier import KOMINFO, SETDA, TODAY

HOMES = ["sawahlunto", "sawahlunto", "kota-solok", "kota-solok", "sawahlunto"]  # POOL[4] works in kominfo
NOW = datetime.now(UTC)


def record(agency_id: str, data: AssessmentCompletedV2, event_id: str, days_ago: int = 0) -> SimpleNamespace:
    event = envelope(topics.ASSESSMENT_COMPLETED, data, agency_id=agency_id, event_id=event_id)
    event = event.model_copy(update={"time": NOW - timedelta(days=days_ago)})
    return SimpleNamespace(value=event.model_dump_json().encode(), key=data.nip.encode(), headers=[])


def feed() -> list[SimpleNamespace]:
    """Everyone assessed (two of them two days ago), one event twice in the batch, one person moving into
    kominfo and one moving out of it later in the same feed."""
    events = [record(HOMES[i], a, f"a{i}", days_ago=2 if i < 2 else 0) for i, a in enumerate(POOL)]
    events.insert(3, events[1])  # the same event twice in one batch
    moved_in = POOL[1].model_copy(update={"current_post": KOMINFO, "assessment_id": "as-again"})
    moved_out = POOL[4].model_copy(update={"current_post": SETDA, "assessment_id": "as-out"})
    events += [record(HOMES[1], moved_in, "a1-kominfo"), record(HOMES[4], moved_out, "a4-setda")]
    return events


def rounds() -> list[tuple[str, RoundAnnouncedV1]]:
    """A kominfo round, a province round over two agencies and a round whose window closed yesterday."""
    scoped = RoundAnnouncedV1(round_id="r1", name="Mutasi Sawahlunto 2027-I", period="2027-I",
                              preferences_open_until=TODAY + timedelta(days=60), scope_units=["kominfo"])  # fmt: skip
    province = RoundAnnouncedV1(round_id="p1", name="Mutasi antarinstansi 2027", period="2027-prov",
                                preferences_open_until=TODAY + timedelta(days=60),
                                agencies=["sawahlunto", "kota-solok"])  # fmt: skip
    closing = RoundAnnouncedV1(round_id="r0", name="Mutasi Sawahlunto 2026-II", period="2026-II",
                               preferences_open_until=TODAY - timedelta(days=1))  # fmt: skip
    return [("sawahlunto", scoped), ("sumbar", province), ("sawahlunto", closing)]


async def stored_after(batch_size: int) -> dict[str, list[dict[str, Any]]]:
    settings = console_settings()
    rules = notifier.NoticeRules(settings.public_url, settings.notify_email_fallback, ("email",),
                                 tuple(settings.notify_checkpoint_months))  # fmt: skip
    async with running_service(create_app(settings, channels={"email": RecordingChannel()})) as svc:
        for agency_id, announced in rounds():  # nobody is in the directory yet: these reach no one
            await publish_event(
                svc,
                topics.ROUND_ANNOUNCED,
                announced,
                agency_id=agency_id,
                subject=announced.round_id,
                event_id=f"ev-{announced.round_id}",
            )
        handler, records = notifier.person_handler(rules), feed()
        for redelivery in range(2):  # the whole feed again: the inbox makes it change nothing
            for i in range(0, len(records), batch_size):
                await svc.kit.consumer.process_batch(topics.ASSESSMENT_COMPLETED, handler, records[i : i + batch_size])
            if redelivery == 0:
                first = await _stored(svc)
        assert await _stored(svc) == first
        return first


async def _stored(svc: Any) -> dict[str, list[dict[str, Any]]]:
    db = svc.kit.database()
    people = sorted(await db.raw(notifier.PEOPLE).find({}), key=lambda p: (p["agency_id"], p["nip"]))
    told = [{k: v for k, v in n.items() if k not in ("created_at", "next_try_at")}
            for n in await db.raw(notifier.NOTICES).find({}, sort=[("notice_id", 1)])]  # fmt: skip
    return {"people": people, "notices": told}


async def test_a_batch_stores_exactly_what_one_event_at_a_time_stores() -> None:
    together = await stored_after(batch_size=100)
    alone = await stored_after(batch_size=1)
    assert together == alone
    units = {p["nip"]: p["unit_id"] for p in together["people"]}
    assert units == {POOL[0].nip: "setda", POOL[1].nip: "kominfo", POOL[2].nip: "setda", POOL[3].nip: "setda",
                     POOL[4].nip: "setda"}  # fmt: skip
    reached: dict[str, set[str]] = {}
    for n in together["notices"]:
        reached.setdefault(n["round_id"], set()).add(n["nip"])
    # kominfo's round: whoever was in kominfo when assessed, even if they moved out later in the batch
    assert reached["r1"] == {POOL[4].nip, POOL[1].nip}
    assert reached["p1"] == {a.nip for a in POOL}  # both named agencies, each under its own agency
    assert {n["agency_id"] for n in together["notices"] if n["nip"] == POOL[2].nip} == {"kota-solok"}
    assert reached["r0"] == {POOL[0].nip, POOL[1].nip}  # assessed two days ago, while that window was open
    assert len(together["notices"]) == len({n["notice_id"] for n in together["notices"]}) == 2 + 5 + 2
