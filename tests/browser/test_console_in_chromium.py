"""A whole round in a real browser (Debian's headless Chromium) on the local stack, as four people: HR imports
and announces, an employee gives preferences, HR plans, two approvers approve and decide, the employee reads
the explanation and objects, an approver resolves. Each page is saved as a screenshot under
`.run/console-screens/`; every request any page made must stay on this machine."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from mutasi.cli import stack
from mutasi.cli.console import MAILBOX_DIR
from mutasi.cli.demo import step_assessment, step_training
from mutasi.cli.demo.context import DemoContext
from mutasi.cli.demo.step_placement import IT_FIELDS, posts_workbook
from mutasi.cli.demo.synth import generate
from mutasi.cli.mailbox import read_mailbox

from .conftest import Requests, stack_has_a_provider

DEMO_PASSWORD = "mutasi-demo"  # the demo users' password on the local stack
AGENCY = "sawahlunto"
EMPLOYEE_NIP = "199001012015031001"  # the demo employee of Kota Sawahlunto

HR, APPROVER1, APPROVER2, EMPLOYEE = (f"{w}.{AGENCY}" for w in ("hr", "approver1", "approver2", "employee"))


def small_round() -> Any:
    """The demo's Kota Sawahlunto, small; one IT graduate in an administration post is the demo employee."""
    data = generate(seed=11, size=160)
    chosen = data.it_graduates_in_admin[0]

    def renamed(row: Any) -> Any:
        return dataclasses.replace(row, nip=EMPLOYEE_NIP) if row.nip == chosen else row

    return dataclasses.replace(data, employees=[renamed(e) for e in data.employees],
                               assessments=[renamed(a) for a in data.assessments],
                               it_graduates_in_admin=[EMPLOYEE_NIP])  # fmt: skip


def broken(workbook: bytes) -> bytes:
    """The same posts workbook with one impossible number, to see the row-error preview."""
    book = load_workbook(io.BytesIO(workbook))
    sheet = book.active
    assert sheet is not None
    sheet.cell(row=3, column=12, value="banyak")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def assess_everyone(state: stack.StackState, data: Any, run_dir: Path) -> int:
    """HR's spreadsheets through the services' import APIs (the console's upload page is tested on posts)."""
    if stack_has_a_provider():
        from mutasi.cli.idp.login import sign_in

        token = (await sign_in(state.issuer, HR, DEMO_PASSWORD)).access_token  # type: ignore[attr-defined]
        headers = {"Authorization": f"Bearer {token}"}
    else:  # services that still read the identity headers
        token, headers = "", {"X-Agency-Id": AGENCY, "X-User": HR, "X-Role": "hr"}
    clients = {s: httpx.AsyncClient(base_url=state.url(s), headers=headers, timeout=300) for s in stack.SERVICES}
    ctx = DemoContext(dataset=data, clients=clients, run_dir=run_dir, progress=lambda _: None)
    if token:
        ctx.tokens = {HR: token}  # type: ignore[attr-defined]
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
    """One browser context (own cookies) per person, signed in through the provider's login form."""

    def __init__(self, browser: Any, console: str, seen: Requests, screens: Path) -> None:
        self.browser, self.console, self.seen, self.screens = browser, console, seen, screens
        self.pages: dict[str, Any] = {}
        self.shots: list[Path] = []

    def __call__(self, username: str) -> Any:
        if username not in self.pages:
            context = self.browser.new_context(viewport={"width": 1180, "height": 900}, locale="id-ID")
            context.route("**/*", self._record)
            context.set_default_timeout(120_000)  # a loaded 2-core machine answers slowly
            page = context.new_page()
            page.goto(f"{self.console}/masuk")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{self.console}/**", wait_until="domcontentloaded")
            self.pages[username] = page
        return self.pages[username]

    def _record(self, route: Any) -> None:
        self.seen.urls.append(route.request.url)
        route.continue_()

    def shot(self, page: Any, name: str) -> None:
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


def submit(page: Any, button: str) -> None:
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("button", name=button).click()


def test_a_whole_round_as_hr_an_employee_and_two_approvers(
    people: People, live_stack: stack.StackState, tmp_path: Path
) -> None:
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
    people.shot(hr, "hr-impor-kesalahan-baris")
    hr.set_input_files("#file", {"name": "jabatan.xlsx", "mimeType": "application/octet-stream",
                                 "buffer": workbook})  # fmt: skip
    submit(hr, "Periksa berkas")
    assert "Tersimpan" in hr.content()
    people.shot(hr, "hr-impor-tersimpan")

    with ThreadPoolExecutor(1) as worker:  # Playwright's sync API owns this thread's event loop
        pool = worker.submit(asyncio.run, assess_everyone(live_stack, data, tmp_path)).result()

    hr.goto(f"{console}/hr")
    hr.fill("#name", "Mutasi Kota Sawahlunto 2027-I")
    hr.fill("#period", "2027-I")
    hr.fill("#pou", _days(data.today, 7))
    hr.fill("#tmt", _days(data.today, 30))
    submit(hr, "Umumkan putaran")
    round_id = re.search(r"/hr/putaran/([^/#?]+)", hr.url).group(1)  # type: ignore[union-attr]
    assert "Diumumkan" in hr.content()
    people.shot(hr, "hr-putaran-diumumkan")

    me = people(EMPLOYEE)
    me.goto(f"{console}/saya")
    assert "Buka status saya" in me.content()
    people.shot(me, "asn-status-saya")
    me.goto(f"{console}/saya/putaran/{round_id}")
    offered = set(me.locator("#pilihan-0 option").evaluate_all("options => options.map(o => o.value)"))
    wanted = [p.post_id for p in data.posts if p.post_id in offered and
              (p.field in IT_FIELDS or set(p.education_fields) & set(IT_FIELDS))]  # fmt: skip
    assert wanted, "no open information-systems post to ask for"
    me.select_option("#pilihan-0", value=wanted[0])
    submit(me, "Simpan pilihan")
    assert "Pilihan Anda tersimpan" in me.content()
    people.shot(me, "asn-pilihan-tersimpan")

    hr.goto(f"{console}/hr/putaran/{round_id}")
    assert "1" in hr.locator(".angka-besar div").nth(1).inner_text()
    submit(hr, "Tutup pengisian pilihan")
    submit(hr, "Susun rencana")
    page = hr.content()
    assert "Total kecocokan" in page
    assert "Lebih baik dari greedy" in page
    assert EMPLOYEE_NIP in page
    people.shot(hr, "hr-rencana")
    hr.fill("#w_jpm", "0,6")
    submit(hr, "Jalankan simulasi")
    assert "Total kecocokan simulasi" in hr.content()
    people.shot(hr, "hr-simulasi")

    first = people(APPROVER1)
    first.goto(f"{console}/persetujuan/{round_id}")
    assert "Kesesuaian kompetensi (JPM)" in first.content()
    people.shot(first, "penyetuju-rencana")
    submit(first, "Setujui rencana")
    assert "Menunggu persetujuan kedua" in first.content()
    second = people(APPROVER2)
    second.goto(f"{console}/persetujuan/{round_id}")
    submit(second, "Setujui rencana")
    submit(second, "Tetapkan keputusan")
    assert "berlaku" in second.content()
    people.shot(second, "penyetuju-keputusan")

    me.goto(f"{console}/saya/putaran/{round_id}")
    assert "Penjelasan untuk Anda" in me.content()
    assert "Anda ditempatkan dari" in me.content()
    people.shot(me, "asn-penjelasan")
    me.fill("#reason", "Saya merawat orang tua di Talawi sehingga belum dapat pindah ke unit lain saat ini.")
    submit(me, "Kirim keberatan")
    assert "Keberatan Anda sudah diterima" in me.content()
    people.shot(me, "asn-keberatan")

    first.goto(f"{console}/persetujuan/{round_id}#keberatan")
    first.check("input[name=upheld][value=tidak]")
    first.locator("textarea[name=note]").first.fill("Kebutuhan unit tujuan mendesak; keputusan tetap berlaku.")
    submit(first, "Simpan putusan")
    assert "Ditolak" in first.content()
    people.shot(first, "penyetuju-keberatan-diputus")

    hr.goto(f"{console}/hr/putaran/{round_id}/keberatan")
    assert "merawat orang tua" in hr.content()
    people.shot(hr, "hr-antrean-keberatan")
    hr.goto(f"{console}/hr/kebutuhan")
    people.shot(hr, "hr-kebutuhan-per-unit")

    _notices_of_the_round(live_stack, pool, len(data.employees))
    me.goto(f"{console}/saya/pelatihan")
    people.shot(me, "asn-pelatihan")


def _days(today: Any, n: int) -> str:
    from datetime import timedelta

    return (today + timedelta(days=n)).isoformat()


def _notices_of_the_round(state: stack.StackState, pool: int, employees: int) -> None:
    """Every person of the pool got the announcement once; the moved person got their decision once."""
    mailbox = Path(state.run_dir) / MAILBOX_DIR
    deadline = time.monotonic() + 60
    mails = []
    while time.monotonic() < deadline:
        mails = read_mailbox(mailbox)
        announced = [m for m in mails if m.subject.startswith("Putaran mutasi")]
        decided = [m for m in mails if m.subject == "Keputusan mutasi Anda"]
        if len(announced) >= pool and any(m.to.startswith(EMPLOYEE_NIP) for m in decided):
            break
        time.sleep(1)
    ids = [m.notice_id for m in mails]
    assert len(ids) == len(set(ids)), "a notice was sent twice"
    announced_to = [m.to for m in mails if m.subject.startswith("Putaran mutasi")]
    assert len(announced_to) == len(set(announced_to)) >= pool
    assert [m for m in mails if m.subject == "Keputusan mutasi Anda" and m.to.startswith(EMPLOYEE_NIP)]


def test_an_employee_cannot_reach_staff_pages_or_another_persons_record(
    people: People, live_stack: stack.StackState
) -> None:
    console = live_stack.url("console")
    me = people(EMPLOYEE)
    for path in ("/hr", "/hr/pegawai/199102022015032002", "/persetujuan", "/hr/putaran/x/sk.xlsx"):
        response = me.goto(f"{console}{path}")
        assert response is not None, path
        assert response.status == 403, path
        assert "Akses ditolak" in me.content()
    people.shot(me, "asn-akses-ditolak")


def test_no_page_asked_anything_of_the_internet(people: People, requests_seen: Requests) -> None:
    assert requests_seen.urls, "no page was opened"
    assert requests_seen.outside() == []
