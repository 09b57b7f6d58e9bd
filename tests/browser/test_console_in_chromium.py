"""A whole round in a real browser (Debian's headless Chromium) on the local stack, as the people who do it: HR
imports and announces, an employee gives preferences, HR plans, two approvers approve and decide, the employee
reads the explanation and objects, an approver resolves. Everyone signs in at the stack's identity provider
(mutasi.cli.idp) through its login page. Each page is saved as a screenshot under `.run/console-screens/`;
every request any page made must stay on this machine (others are refused at the browser), and every notice
of the round must be in the local mailbox exactly once."""

from __future__ import annotations

import asyncio
import io
import re
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from mutasi.cli import stack
from mutasi.cli.console import EMAIL_FALLBACK, MAILBOX_DIR
from mutasi.cli.demo import step_assessment, step_training
from mutasi.cli.demo.context import DemoContext
from mutasi.cli.demo.step_placement import IT_FIELDS, posts_workbook
from mutasi.cli.demo.synth import generate, with_demo_employee
from mutasi.cli.idp.login import sign_in
from mutasi.cli.idp.users import DEMO_PASSWORD, EMPLOYEE_NIPS
from mutasi.cli.mailbox import Mail, read_mailbox

from .conftest import Requests

AGENCY = "sawahlunto"
EMPLOYEE_NIP = EMPLOYEE_NIPS[AGENCY]  # the identity provider's demo employee of Kota Sawahlunto
OTHER_NIP = "199102022015032002"  # someone else's NIP, for URL tampering
HR, APPROVER1, APPROVER2, EMPLOYEE = (f"{w}.{AGENCY}" for w in ("hr", "approver1", "approver2", "employee"))
SUBJECTS = {  # the notifier's subject line of each kind of notice (services/console/.../domain/notices.py)
    "round_announced": re.compile(r"^Putaran mutasi .+ diumumkan$"),
    "mutation_decided": re.compile(r"^Keputusan mutasi Anda$"),
    "training_assigned": re.compile(r"^Rencana pengembangan Anda$"),
}


def small_round() -> Any:
    """The demo's Kota Sawahlunto, small; one IT graduate in an administration post is the demo employee."""
    return with_demo_employee(generate(seed=11, size=160), EMPLOYEE_NIP)


def broken(workbook: bytes) -> bytes:
    """The same posts workbook with one impossible number, to see the row-error preview."""
    book = load_workbook(io.BytesIO(workbook))
    sheet = book.active
    assert sheet is not None
    sheet.cell(row=3, column=12, value="banyak")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def in_thread(coroutine: Any) -> Any:
    """Run async client code beside Playwright's sync API, which owns this thread's event loop."""
    with ThreadPoolExecutor(1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


async def hr_headers(state: stack.StackState) -> dict[str, str]:
    token = (await sign_in(state.issuer, HR, DEMO_PASSWORD)).access_token
    return {"Authorization": f"Bearer {token}"}


async def assess_everyone(state: stack.StackState, data: Any, run_dir: Path) -> int:
    """SKJ, employees, assessments and the training catalogue through the services' import APIs (the console's
    upload page is driven with the posts workbook); returns the size of the candidate pool."""
    headers = await hr_headers(state)
    clients = {s: httpx.AsyncClient(base_url=state.url(s), headers=headers, timeout=300) for s in stack.SERVICES}
    ctx = DemoContext(dataset=data, clients=clients, run_dir=run_dir, progress=lambda _: None)
    try:
        await step_training.prepare(ctx)
        await step_assessment.prepare(ctx)
        await step_assessment.run(ctx)
        expected = int(ctx.facts["assessment"]["completed"])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            r = await clients["placement"].get("/v1/candidates", params={"list": "false"})
            if r.status_code == 200 and r.json()["count"] >= expected:
                return expected
            await asyncio.sleep(1)
        raise AssertionError("the candidate pool did not fill")
    finally:
        for client in clients.values():
            await client.aclose()


class People:
    """One browser context (own cookies) per person, signed in through the provider's login page."""

    def __init__(self, browser: Any, console: str, seen: Requests, screens: Path) -> None:
        self.browser, self.console, self.seen, self.screens = browser, console, seen, screens
        self.pages: dict[str, Any] = {}
        self.shots: list[Path] = []

    def __call__(self, username: str) -> Any:
        if username not in self.pages:
            context = self.browser.new_context(viewport={"width": 1180, "height": 900}, locale="id-ID")
            context.route("**/*", self.seen.route)
            context.set_default_timeout(90_000)  # a loaded 2-core machine answers slowly
            page = context.new_page()
            page.goto(f"{self.console}/masuk")
            assert "Masuk" in page.content()  # the provider's own login page, not the console
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{self.console}/**", wait_until="load")
            self.pages[username] = page
        return self.pages[username]

    def shot(self, page: Any, name: str) -> None:
        page.wait_for_load_state("load")  # pictures (the 9-box) are in before the shot
        path = self.screens / f"{len(self.shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@pytest.fixture(scope="module")
def people(live_stack: stack.StackState, browser: Any, requests_seen: Requests, screens: Path) -> Iterator[People]:
    # The stack starts first: Playwright's sync API runs an event loop in this thread from then on.
    crowd = People(browser, live_stack.url("console"), requests_seen, screens)
    yield crowd
    crowd.close()


@pytest.fixture(scope="module")
def round_id(people: People, live_stack: stack.StackState, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The whole round, once: the tests below read what it left behind."""
    return whole_round(people, live_stack, tmp_path_factory.mktemp("round"))


def submit(page: Any, button: str) -> None:
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name=button).click()


def whole_round(people: People, live_stack: stack.StackState, run_dir: Path) -> str:
    data = small_round()
    console = live_stack.url("console")
    hr = people(HR)
    assert "Putaran mutasi" in hr.content()
    people.shot(hr, "hr-beranda")

    hr.goto(f"{console}/hr/impor")
    workbook = posts_workbook(data)
    hr.select_option("#kind", "posts")
    hr.set_input_files("#file", {"name": "jabatan.xlsx", "mimeType": "application/octet-stream",
                                 "buffer": broken(workbook)})  # fmt: skip
    submit(hr, "Periksa berkas")
    assert "Belum ada yang disimpan" in hr.content()
    assert "banyak" in hr.content() or "angka" in hr.content()
    people.shot(hr, "hr-impor-kesalahan-baris")
    hr.set_input_files("#file", {"name": "jabatan.xlsx", "mimeType": "application/octet-stream",
                                 "buffer": workbook})  # fmt: skip
    submit(hr, "Periksa berkas")
    assert "Tersimpan" in hr.content()
    people.shot(hr, "hr-impor-tersimpan")

    in_thread(assess_everyone(live_stack, data, run_dir))

    hr.goto(f"{console}/hr")
    hr.fill("#name", "Mutasi Kota Sawahlunto 2027-I")
    hr.fill("#period", "2027-I")
    hr.fill("#pou", (data.today + timedelta(days=7)).isoformat())
    hr.fill("#tmt", (data.today + timedelta(days=30)).isoformat())
    submit(hr, "Umumkan putaran")
    found = re.search(r"/hr/putaran/([^/#?]+)", hr.url)
    assert found, hr.url
    rid = found.group(1)
    assert "Diumumkan" in hr.content()
    people.shot(hr, "hr-putaran-diumumkan")

    me = people(EMPLOYEE)
    me.goto(f"{console}/saya")
    assert "Buka status saya" in me.content()
    people.shot(me, "asn-status-saya")
    me.goto(f"{console}/saya/putaran/{rid}")
    offered = set(me.locator("#pilihan-0 option").evaluate_all("options => options.map(o => o.value)"))
    wanted = [p.post_id for p in data.posts if p.post_id in offered and
              (p.field in IT_FIELDS or set(p.education_fields) & set(IT_FIELDS))]  # fmt: skip
    assert wanted, "no open information-systems post to ask for"
    me.select_option("#pilihan-0", value=wanted[0])
    submit(me, "Simpan pilihan")
    assert "Pilihan Anda tersimpan" in me.content()
    people.shot(me, "asn-pilihan-tersimpan")

    hr.goto(f"{console}/hr/putaran/{rid}")
    assert "1" in hr.locator(".angka-besar div").nth(1).inner_text()
    submit(hr, "Tutup pengisian pilihan")
    submit(hr, "Susun rencana")
    page = hr.content()
    assert "Total kecocokan" in page
    assert "Lebih baik dari greedy" in page
    assert EMPLOYEE_NIP in page
    assert "Kotak 9" in page
    assert hr.evaluate("document.querySelector('img.grafik').naturalWidth") > 0  # the 9-box picture is there
    people.shot(hr, "hr-rencana")
    hr.fill("#w_jpm", "0,6")
    submit(hr, "Jalankan simulasi")
    assert "Total kecocokan simulasi" in hr.content()
    people.shot(hr, "hr-simulasi")

    first = people(APPROVER1)
    first.goto(f"{console}/persetujuan/{rid}")
    assert "Kesesuaian kompetensi (JPM)" in first.content()
    people.shot(first, "penyetuju-rencana")
    submit(first, "Setujui rencana")
    assert "Menunggu persetujuan kedua" in first.content()
    second = people(APPROVER2)
    second.goto(f"{console}/persetujuan/{rid}")
    submit(second, "Setujui rencana")
    submit(second, "Tetapkan keputusan")
    assert "berlaku" in second.content()
    assert "Rantai hash terverifikasi" in second.content()  # the decision log, checked by placement
    people.shot(second, "penyetuju-keputusan")

    me.goto(f"{console}/saya/putaran/{rid}")
    assert "Penjelasan untuk Anda" in me.content()
    assert "Anda ditempatkan dari" in me.content()
    assert "[PROMOSI_" not in me.content()  # rule codes are named, not shown raw
    people.shot(me, "asn-penjelasan")
    me.fill("#reason", "Saya merawat orang tua di Talawi sehingga belum dapat pindah ke unit lain saat ini.")
    submit(me, "Kirim keberatan")
    assert "Keberatan Anda sudah diterima" in me.content()
    people.shot(me, "asn-keberatan")

    first.goto(f"{console}/persetujuan/{rid}")  # a full load: only a new fragment would keep the old page
    first.check("input[name=upheld][value=tidak]")
    first.locator("textarea[name=note]").first.fill("Kebutuhan unit tujuan mendesak; keputusan tetap berlaku.")
    submit(first, "Simpan putusan")
    assert "Ditolak" in first.content()
    people.shot(first, "penyetuju-keberatan-diputus")

    hr.goto(f"{console}/hr/putaran/{rid}/keberatan")
    assert "merawat orang tua" in hr.content()
    people.shot(hr, "hr-antrean-keberatan")
    hr.goto(f"{console}/hr/kebutuhan")
    people.shot(hr, "hr-kebutuhan-per-unit")
    hr.goto(f"{console}/hr/talenta")
    assert "Kotak 5" in hr.content()
    people.shot(hr, "hr-peta-talenta")
    return rid


def test_a_whole_round_as_hr_an_employee_and_two_approvers(round_id: str, people: People) -> None:
    assert len(people.shots) >= 15
    assert all(p.stat().st_size > 10_000 for p in people.shots)


def test_every_notice_of_the_round_is_in_the_mailbox_exactly_once(
    round_id: str, live_stack: stack.StackState, people: People
) -> None:
    """The announcement to every person of the pool, the decision to every moved person, the development plan
    to every planned person: each exactly once, and nothing else."""
    pool, decided, planned = in_thread(_facts(live_stack, round_id))
    expected = Counter({**{(EMAIL_FALLBACK.format(nip=n), "round_announced"): 1 for n in pool}})
    expected.update((EMAIL_FALLBACK.format(nip=n), "mutation_decided") for n in decided)
    expected.update((EMAIL_FALLBACK.format(nip=n), "training_assigned") for n in planned)
    assert EMPLOYEE_NIP in decided
    mailbox = Path(live_stack.run_dir) / MAILBOX_DIR
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and sum(_kinds(read_mailbox(mailbox)).values()) < expected.total():
        time.sleep(1)
    time.sleep(3)  # several sender passes more: a second copy would have arrived by now
    mails = read_mailbox(mailbox)
    ids = Counter(m.notice_id for m in mails)
    assert [i for i, n in ids.items() if n > 1] == [], "a notice was sent twice"
    assert _kinds(mails) == expected
    mine = [m for m in mails if m.to.startswith(EMPLOYEE_NIP)]
    assert {m.subject for m in mine} >= {"Keputusan mutasi Anda", "Rencana pengembangan Anda"}
    assert all(live_stack.url("console") in m.body for m in mine)  # each links into the console
    me = people(EMPLOYEE)
    me.goto(f"{live_stack.url('console')}/saya/pelatihan")
    assert "JP" in me.content()
    people.shot(me, "asn-pelatihan")
    me.goto(f"{live_stack.url('console')}/saya/evaluasi")
    assert "Evaluasi 3 bulan" in me.content()
    people.shot(me, "asn-evaluasi")


def _kinds(mails: list[Mail]) -> Counter[tuple[str, str]]:
    out: Counter[tuple[str, str]] = Counter()
    for m in mails:
        kind = next((k for k, pattern in SUBJECTS.items() if pattern.match(m.subject)), f"other: {m.subject}")
        out[(m.to, kind)] += 1
    return out


async def _facts(state: stack.StackState, round_id: str) -> tuple[list[str], list[str], list[str]]:
    """Who the services say was in the pool, was decided, got a development plan (once training has them all)."""
    headers = await hr_headers(state)
    async with httpx.AsyncClient(headers=headers, timeout=60) as client:
        pool = (await client.get(f"{state.url('placement')}/v1/candidates")).json()["candidates"]
        url, params = f"{state.url('placement')}/v1/rounds/{round_id}/decisions", {"limit": 5000}
        decisions = (await client.get(url, params=params)).json()
        assert decisions["next"] is None  # a demo round has far fewer decisions than one page
        decided = [d["nip"] for d in decisions["decisions"]]
        deadline = time.monotonic() + 90
        while True:
            plans = (await client.get(f"{state.url('training')}/v1/plans", params={"limit": 1000})).json()["plans"]
            if len(plans) >= len(decided) or time.monotonic() > deadline:
                break
            await asyncio.sleep(1)
    return [p["nip"] for p in pool], decided, [p["nip"] for p in plans]


def test_an_employee_cannot_reach_staff_pages_or_another_persons_record(
    round_id: str, people: People, live_stack: stack.StackState
) -> None:
    console = live_stack.url("console")
    me = people(EMPLOYEE)
    for path in ("/hr", f"/hr/pegawai/{OTHER_NIP}", "/persetujuan", f"/persetujuan/{round_id}",
                 f"/hr/putaran/{round_id}", f"/hr/putaran/{round_id}/sk.xlsx", f"/hr/putaran/{round_id}/keberatan",
                 f"/hr/laporan/{round_id}", "/hr/talenta.png"):  # fmt: skip
        response = me.goto(f"{console}{path}")
        assert response is not None, path
        assert response.status == 403, path
        assert "Akses ditolak" in me.content(), path
        assert OTHER_NIP not in me.content()
    people.shot(me, "asn-akses-ditolak")


def test_a_form_with_a_missing_or_wrong_csrf_token_is_refused(
    round_id: str, people: People, live_stack: stack.StackState
) -> None:
    console = live_stack.url("console")
    hr = people(HR)
    rounds_before = hr.goto(f"{console}/hr")
    assert rounds_before is not None
    before = hr.content().count("/hr/putaran/")
    for tamper in ("el => el.value = 'palsu'", "el => el.remove()"):
        hr.goto(f"{console}/hr")
        hr.fill("#name", "Putaran palsu")
        hr.fill("#period", "2027-II")
        hr.fill("#pou", (date.today() + timedelta(days=7)).isoformat())
        hr.fill("#tmt", (date.today() + timedelta(days=30)).isoformat())
        hr.locator("form:has(#name) input[name=csrf]").evaluate(tamper)
        with hr.expect_navigation(wait_until="load") as nav:
            hr.get_by_role("button", name="Umumkan putaran").click()
        assert nav.value.status == 403
        assert "Formulir ditolak" in hr.content()
    people.shot(hr, "hr-formulir-ditolak")
    hr.goto(f"{console}/hr")
    assert hr.content().count("/hr/putaran/") == before  # nothing was announced
    assert "Putaran palsu" not in hr.content()


def test_no_page_asked_anything_of_the_internet(round_id: str, requests_seen: Requests) -> None:
    assert len(requests_seen.urls) > 50, "the pages were not opened"
    assert any("/aset/konsol.css" in u for u in requests_seen.urls)
    assert requests_seen.refused == []
