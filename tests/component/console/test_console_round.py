"""A whole round through the console's pages, in one process with the real placement service: HR announces,
an employee gives preferences, HR plans, two approvers approve, the employee reads why and objects, an approver
resolves."""

from __future__ import annotations

import re
from datetime import date, timedelta

from mutasi.console.domain.formatting import tanggal
from mutasi.contracts import topics
from tests.component.placement.placement_world import IT_GRAD, POOL, posts_xlsx
from tests.support.service import publish_event

from .console_world import Person, World, world

XLSX = {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
HR = {"X-User": "rina", "X-Role": "hr"}


async def seed(w: World) -> None:
    r = await w.placement.http.post("/v1/posts/import", content=posts_xlsx(), headers={**XLSX, **HR})
    assert r.status_code == 201, r.text
    for event in POOL:
        await publish_event(w.placement, topics.ASSESSMENT_COMPLETED, event)


def round_id_of(location: str) -> str:
    match = re.search(r"/hr/putaran/([^/#?]+)", location)
    assert match, location
    return match.group(1)


async def test_a_round_goes_from_announcement_to_a_resolved_objection_through_the_pages() -> None:
    async with world() as w:
        await seed(w)
        open_until = date.today() + timedelta(days=7)
        async with Person(w, "rina") as hr, Person(w, "it") as it, Person(w, "ana") as ana, \
                Person(w, "bayu") as bayu:  # fmt: skip
            assert (await hr.page("/")).headers["location"] == "/hr"
            r = await hr.submit("/hr", "/hr/putaran", {"name": "Mutasi Sawahlunto 2027-I", "period": "2027-I",
                                "preferences_open_until": open_until.isoformat(),
                                "effective_date": (date.today() + timedelta(days=30)).isoformat()})  # fmt: skip
            assert r.status_code == 303, r.text
            rid = round_id_of(r.headers["location"])
            page = (await hr.page(f"/hr/putaran/{rid}")).text
            assert "Diumumkan" in page
            assert tanggal(open_until) in page

            mine = await it.page(f"/saya/putaran/{rid}")
            assert mine.status_code == 200
            assert "Pilihan ke-1" in mine.text
            assert "Pranata Sistem Informasi" in mine.text
            r = await it.submit(f"/saya/putaran/{rid}", f"/saya/putaran/{rid}/pilihan", {"ranked": "KOMINFO-SI"})
            assert r.status_code == 303
            assert "Pilihan Anda tersimpan" in (await it.page(r.headers["location"])).text

            assert (await hr.submit(f"/hr/putaran/{rid}", f"/hr/putaran/{rid}/tutup")).status_code == 303
            assert (await hr.submit(f"/hr/putaran/{rid}", f"/hr/putaran/{rid}/rencana")).status_code == 303
            plan_page = (await hr.page(f"/hr/putaran/{rid}")).text
            assert "Total kecocokan" in plan_page
            assert "Lebih baik dari greedy" in plan_page
            assert IT_GRAD in plan_page
            sk = await hr.page(f"/hr/putaran/{rid}/sk.xlsx")
            assert sk.status_code == 200
            assert sk.content[:2] == b"PK"

            approver_page = (await ana.page(f"/persetujuan/{rid}")).text
            assert "Kesesuaian kompetensi (JPM)" in approver_page
            assert (await ana.submit(f"/persetujuan/{rid}", f"/persetujuan/{rid}/setujui")).status_code == 303
            assert "Menunggu persetujuan kedua" in (await ana.page(f"/persetujuan/{rid}")).text
            assert (await bayu.submit(f"/persetujuan/{rid}", f"/persetujuan/{rid}/setujui")).status_code == 303
            assert (await ana.submit(f"/persetujuan/{rid}", f"/persetujuan/{rid}/putuskan")).status_code == 303

            explained = (await it.page(f"/saya/putaran/{rid}")).text
            assert "Penjelasan untuk Anda" in explained
            assert "Anda ditempatkan dari" in explained
            assert "Ajukan keberatan" in explained
            r = await it.submit(
                f"/saya/putaran/{rid}",
                f"/saya/putaran/{rid}/keberatan",
                {"reason": "Saya sedang merawat orang tua di Sawahlunto sehingga sulit pindah."},
            )
            assert r.status_code == 303

            queue = (await hr.page(f"/hr/putaran/{rid}/keberatan")).text
            assert "merawat orang tua" in queue
            assert "Diajukan" in queue
            objection_id = re.search(r"/keberatan/([^/]+)/tinjau", queue)
            assert objection_id
            r = await ana.submit(
                f"/persetujuan/{rid}",
                f"/persetujuan/{rid}/keberatan/{objection_id.group(1)}/putus",
                {"upheld": "tidak", "note": "Keputusan tetap: kebutuhan Kominfo mendesak."},
            )
            assert r.status_code == 303, r.text
            assert "Ditolak" in (await ana.page(f"/persetujuan/{rid}")).text


async def test_the_same_approver_cannot_approve_twice_and_is_told_why_in_indonesian() -> None:
    async with world() as w:
        await seed(w)
        async with Person(w, "rina") as hr, Person(w, "ana") as ana:
            r = await hr.submit("/hr", "/hr/putaran", {"name": "Mutasi Uji", "period": "2027-I",
                                "preferences_open_until": (date.today() + timedelta(days=7)).isoformat(),
                                "effective_date": (date.today() + timedelta(days=30)).isoformat()})  # fmt: skip
            rid = round_id_of(r.headers["location"])
            await hr.submit(f"/hr/putaran/{rid}", f"/hr/putaran/{rid}/tutup")
            await hr.submit(f"/hr/putaran/{rid}", f"/hr/putaran/{rid}/rencana")
            assert (await ana.submit(f"/persetujuan/{rid}", f"/persetujuan/{rid}/setujui")).status_code == 303
            again = await ana.submit(f"/persetujuan/{rid}", f"/persetujuan/{rid}/setujui")
            assert again.status_code in (403, 409, 422)
            assert 'lang="id"' in again.text
