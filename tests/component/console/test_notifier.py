"""Notices: who each event reaches, once per event id, retried when a send fails, over SMTP and WhatsApp."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from mutasi.cli.mailbox import read_mailbox, start
from mutasi.cli.servers import free_port
from mutasi.console.adapters.channels import SmtpChannel, WhatsAppChannel
from mutasi.console.bootstrap import create_app
from mutasi.console.service_layer import notifier
from mutasi.console.service_layer.ports import Outgoing
from mutasi.contracts import topics
from mutasi.contracts.common import PostRef
from mutasi.contracts.placement import MutationDecidedV1, RoundAnnouncedV1
from mutasi.contracts.training import TrainingAssignedV1
from tests.component.placement.placement_world import POOL
from tests.support.service import publish_event, running_service

from .console_world import RecordingChannel, console_settings

TODAY = date.today()
KOMINFO = PostRef(post_id="KOMINFO-SI", post_name="Pranata Sistem Informasi", unit_id="kominfo",
                  unit_name="Dinas Kominfo", post_type="pelaksana")  # fmt: skip
SETDA = PostRef(post_id="SETDA-ADM", post_name="Pengadministrasi Umum", unit_id="setda",
                unit_name="Sekretariat Daerah", post_type="pelaksana")  # fmt: skip


RULES = notifier.NoticeRules("http://console", "{nip}@asn.sawahlunto.go.id", ("email",), (3, 6, 12))


def announced(scope: list[str] | None = None) -> RoundAnnouncedV1:
    return RoundAnnouncedV1(round_id="r1", name="Mutasi Sawahlunto 2027-I", period="2027-I",
                            preferences_open_until=date(2027, 3, 12), scope_units=scope or [])  # fmt: skip


def decided(nip: str, decision_id: str = "d1", **over: Any) -> MutationDecidedV1:
    return MutationDecidedV1(decision_id=decision_id, round_id="r1", nip=nip, name="Pegawai 001", from_post=SETDA,
                             to_post=KOMINFO, kind="rotasi", effective_date=TODAY, reason_summary="Cocok.",
                             fit_score=80.0, **over)  # fmt: skip


async def notices(svc: Any, **query: Any) -> list[dict[str, Any]]:
    return await svc.kit.database().raw(notifier.NOTICES).find(query, sort=[("notice_id", 1)])


async def send(svc: Any) -> None:
    await svc.app.state.send_notices()


async def test_a_round_announcement_reaches_everyone_in_scope_once_even_when_redelivered() -> None:
    channel = RecordingChannel()
    async with running_service(create_app(console_settings(), channels={"email": channel})) as svc:
        for event in POOL:
            await publish_event(svc, topics.ASSESSMENT_COMPLETED, event)
        for _ in range(2):  # a redelivery of the same event id
            await publish_event(svc, topics.ROUND_ANNOUNCED, announced(), subject="r1", event_id="ev-round-1")
        await send(svc)
        await send(svc)
    assert sorted(m.to for m in channel.sent) == sorted(f"{e.nip}@asn.sawahlunto.go.id" for e in POOL)
    assert all("12 Maret 2027" in m.body and "http://console/saya" in m.body for m in channel.sent)


async def test_a_scoped_round_reaches_only_its_units() -> None:
    channel = RecordingChannel()
    async with running_service(create_app(console_settings(), channels={"email": channel})) as svc:
        for event in POOL:
            await publish_event(svc, topics.ASSESSMENT_COMPLETED, event)
        await publish_event(svc, topics.ROUND_ANNOUNCED, announced(["kominfo"]), subject="r1")
        await send(svc)
    in_kominfo = {e.nip for e in POOL if e.current_post.unit_id == "kominfo"}
    assert in_kominfo
    assert {m.to.split("@")[0] for m in channel.sent} == in_kominfo


async def test_people_known_only_after_the_announcement_still_get_it_once_while_the_window_is_open() -> None:
    channel = RecordingChannel()
    async with running_service(create_app(console_settings(), channels={"email": channel})) as svc:
        await publish_event(svc, topics.ROUND_ANNOUNCED, announced(["kominfo"]), subject="r1")
        await send(svc)
        assert channel.sent == []  # nobody known yet
        for _ in range(2):  # every assessment arrives after the announcement, and again (a re-assessment)
            for event in POOL:
                await publish_event(svc, topics.ASSESSMENT_COMPLETED, event)
            await send(svc)
    in_kominfo = sorted(f"{e.nip}@asn.sawahlunto.go.id" for e in POOL if e.current_post.unit_id == "kominfo")
    assert in_kominfo
    assert sorted(m.to for m in channel.sent) == in_kominfo
    assert {m.subject for m in channel.sent} == {"Putaran mutasi Mutasi Sawahlunto 2027-I diumumkan"}


async def test_a_province_round_reaches_the_people_of_the_agencies_it_names_each_under_their_own_agency() -> None:
    """The province BKD announces one round across two agencies (mutasi antarinstansi): their people get it, a
    third agency's do not, and someone of a named agency known only afterwards still gets it once."""
    channel = RecordingChannel()
    homes = {POOL[0].nip: "sawahlunto", POOL[1].nip: "sawahlunto", POOL[2].nip: "kota-solok",
             POOL[3].nip: "kota-solok", POOL[4].nip: "padang"}  # fmt: skip
    province = RoundAnnouncedV1(
        round_id="p1", name="Mutasi antarinstansi Sumatera Barat 2027", period="2027-prov",
        preferences_open_until=date(2027, 3, 12), agencies=["sawahlunto", "kota-solok"],
    )  # fmt: skip
    async with running_service(create_app(console_settings(), channels={"email": channel})) as svc:
        for event in POOL[:3] + POOL[4:]:
            await publish_event(svc, topics.ASSESSMENT_COMPLETED, event, agency_id=homes[event.nip])
        for _ in range(2):  # a redelivery of the same event id
            await publish_event(svc, topics.ROUND_ANNOUNCED, province, agency_id="sumbar", subject="p1",
                                event_id="ev-province-1")  # fmt: skip
        await publish_event(svc, topics.ASSESSMENT_COMPLETED, POOL[3], agency_id="kota-solok")  # a latecomer
        await notifier.announce_to_latecomers(svc.kit.database(), RULES, TODAY)
        await send(svc)
        await send(svc)
        stored = await notices(svc, kind="round_announced")
    assert sorted(m.to.split("@")[0] for m in channel.sent) == sorted(e.nip for e in POOL[:4])
    assert {n["nip"]: n["agency_id"] for n in stored} == {e.nip: homes[e.nip] for e in POOL[:4]}


async def test_a_person_both_handlers_missed_is_caught_up_by_the_sender_once() -> None:
    """The announcement's transaction did not see the person, the person's did not see the round (write skew):
    the sender's pass over committed data adds the notice, and only once."""
    channel = RecordingChannel()
    late = POOL[0]
    async with running_service(create_app(console_settings(), channels={"email": channel})) as svc:
        await publish_event(svc, topics.ROUND_ANNOUNCED, announced(), subject="r1")
        await (
            svc.kit.database()
            .raw(notifier.PEOPLE)
            .insert_one(
                {"agency_id": "sawahlunto", "nip": late.nip, "name": late.name, "unit_id": late.current_post.unit_id}
            )
        )  # stored as the person handler does, without its look at the open rounds
        for _ in range(3):
            await notifier.announce_to_latecomers(svc.kit.database(), RULES, TODAY)
            await send(svc)
    assert [m.to for m in channel.sent] == [f"{late.nip}@asn.sawahlunto.go.id"]


async def test_a_decision_sends_one_notice_now_and_schedules_the_check_ins() -> None:
    channel = RecordingChannel()
    nip = POOL[0].nip
    async with running_service(create_app(console_settings(), channels={"email": channel})) as svc:
        await publish_event(svc, topics.MUTATION_DECIDED, decided(nip), subject=nip)
        await send(svc)
        assert [m.subject for m in channel.sent] == ["Keputusan mutasi Anda"]
        later = await notices(svc, kind="checkpoint_due")
        assert sorted(n["due_on"] for n in later) == sorted(
            notifier.texts.add_months(TODAY, m).isoformat() for m in (3, 6, 12)
        )
        sender = notifier.NoticeSender(svc.kit.database(), {"email": channel}, 50, 3, 0)
        await sender.send_due(today=TODAY + timedelta(days=200))
        assert [m.subject for m in channel.sent][1:] == ["Evaluasi 3 bulan setelah mutasi",
                                                         "Evaluasi 6 bulan setelah mutasi"]  # fmt: skip


async def test_a_superseding_decision_cancels_the_old_check_in_reminders() -> None:
    channel = RecordingChannel()
    nip = POOL[0].nip
    async with running_service(create_app(console_settings(), channels={"email": channel})) as svc:
        await publish_event(svc, topics.MUTATION_DECIDED, decided(nip), subject=nip)
        await publish_event(svc, topics.MUTATION_DECIDED, decided(nip, "d2", supersedes="d1", cancelled=True),
                            subject=nip)  # fmt: skip
        pending = await notices(svc, kind="checkpoint_due", state="pending")
    assert pending == []


async def test_a_training_plan_tells_the_person_their_jp_and_mentor() -> None:
    channel = RecordingChannel()
    nip = POOL[0].nip
    plan = TrainingAssignedV1(plan_id="p1", nip=nip, items=[], total_jp=20, mentor_nip=POOL[1].nip)
    async with running_service(create_app(console_settings(), channels={"email": channel})) as svc:
        await publish_event(svc, topics.TRAINING_ASSIGNED, plan, subject=nip)
        await send(svc)
    assert len(channel.sent) == 1
    assert "20 JP dan seorang mentor" in channel.sent[0].body


async def test_a_failed_send_is_retried_counted_and_then_delivered_once() -> None:
    channel = RecordingChannel(fail_next=2)
    nip = POOL[0].nip
    async with running_service(create_app(console_settings(notify_backoff_s=0), channels={"email": channel})) as svc:
        await publish_event(svc, topics.MUTATION_DECIDED, decided(nip), subject=nip)
        for _ in range(4):
            await send(svc)
        now = await notices(svc, kind="mutation_decided")
        metrics = (await svc.http.get("/metrics")).text
    assert len(channel.sent) == 1
    assert now[0]["state"] == "sent"
    assert now[0]["attempts"] == 3
    assert 'mutasi_notice_send_failures_total{channel="email",service="console"} 2.0' in metrics
    assert 'mutasi_notices_sent_total{channel="email",service="console"} 1.0' in metrics


async def test_a_notice_that_fails_every_attempt_is_given_up_and_counted() -> None:
    channel = RecordingChannel(fail_next=99)
    nip = POOL[0].nip
    settings = console_settings(notify_backoff_s=0, notify_max_attempts=2)
    async with running_service(create_app(settings, channels={"email": channel})) as svc:
        await publish_event(svc, topics.MUTATION_DECIDED, decided(nip), subject=nip)
        for _ in range(4):
            await send(svc)
        now = await notices(svc, kind="mutation_decided")
        metrics = (await svc.http.get("/metrics")).text
    assert now[0]["state"] == "failed"
    assert now[0]["attempts"] == 2
    assert 'mutasi_notices_given_up_total{channel="email",service="console"} 1.0' in metrics


async def test_smtp_delivers_each_notice_to_a_real_mailbox(tmp_path: Path) -> None:
    port = free_port()
    controller = start(tmp_path, port)
    try:
        sent = await SmtpChannel("127.0.0.1", port, "Mutasi <noreply@mutasi.local>").send(
            [Outgoing("e1:1990:email", "a@asn.go.id", "Putaran mutasi diumumkan", "Isi pesan 12 Maret 2027")]
        )
    finally:
        controller.stop()
    assert sent == {"e1:1990:email": None}
    [mail] = read_mailbox(tmp_path)
    assert (mail.to, mail.subject, mail.notice_id) == ("a@asn.go.id", "Putaran mutasi diumumkan", "e1:1990:email")
    assert "12 Maret 2027" in mail.body


async def test_smtp_to_a_server_that_is_down_reports_every_notice_failed() -> None:
    result = await SmtpChannel("127.0.0.1", free_port(), "x@mutasi.local", timeout_s=2).send(
        [Outgoing("n1", "a@b.go.id", "s", "b"), Outgoing("n2", "c@d.go.id", "s", "b")]
    )
    assert set(result) == {"n1", "n2"}
    assert all(result.values())


async def test_the_whatsapp_gateway_gets_the_documented_request() -> None:
    seen: list[httpx.Request] = []

    def gateway(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202 if json.loads(request.content)["to"] != "+620" else 500)

    channel = WhatsAppChannel("http://wa.local/v1/messages", "rahasia", transport=httpx.MockTransport(gateway))
    result = await channel.send([Outgoing("n1", "+6281234567890", "Keputusan mutasi Anda", "Baca: http://c/saya"),
                                 Outgoing("n2", "+620", "s", "b")])  # fmt: skip
    assert result["n1"] is None
    assert result["n2"] == "gateway answered 500"
    body = json.loads(seen[0].content)
    assert body == {"to": "+6281234567890", "message": "Keputusan mutasi Anda\nBaca: http://c/saya", "reference": "n1"}
    assert seen[0].headers["authorization"] == "Bearer rahasia"
    assert seen[0].headers["idempotency-key"] == "n1"


@pytest.mark.parametrize("channels", [{}])
async def test_without_a_channel_no_notice_is_kept(channels: dict[str, Any]) -> None:
    async with running_service(create_app(console_settings(), channels=channels)) as svc:
        await publish_event(svc, topics.MUTATION_DECIDED, decided(POOL[0].nip), subject=POOL[0].nip)
        assert await notices(svc) == []


class SlowChannel(RecordingChannel):
    """Takes a moment per batch, as a real mail server does: two senders without a lease would both send it."""

    async def send(self, batch: list[Outgoing]) -> dict[str, str | None]:
        await asyncio.sleep(0.05)
        return await super().send(batch)


async def test_with_two_replicas_only_the_lease_holder_sends_so_each_notice_goes_out_once() -> None:
    first, second = SlowChannel(), SlowChannel()
    async with running_service(create_app(console_settings(), channels={"email": first})) as svc:
        for event in POOL:
            await publish_event(svc, topics.ASSESSMENT_COMPLETED, event)
        await publish_event(svc, topics.ROUND_ANNOUNCED, announced(), subject="r1")
        replica = create_app(console_settings(notify_interval_s=3600), channels={"email": second})
        kit = replica.state.kit
        kit.use_database(svc.kit.database)  # the same database, as two pods of one Deployment share it
        await kit.start(start_broker=False)
        try:
            for _ in range(3):  # both replicas' senders at the same moment
                await asyncio.gather(replica.state.send_notices(), send(svc))
        finally:
            await kit.stop(stop_broker=False)
    sent = [m.notice_id for m in first.sent + second.sent]
    assert sorted(sent) == sorted(set(sent))
    assert len(sent) == len(POOL)
    assert [] in (first.sent, second.sent)  # one replica holds the lease; the other waits
