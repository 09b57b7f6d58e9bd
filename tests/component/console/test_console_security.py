"""Sign-in, sessions, CSRF on every form, and that an employee's session reaches nobody else's pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.routing import APIRoute

from mutasi.console.entrypoints import approver_routes, auth_routes, employee_routes, hr_routes, pages
from mutasi.console.entrypoints.web import SESSION_COOKIE
from tests.component.placement.placement_world import ACCOUNTANT

from .console_world import Person, world


async def test_login_uses_pkce_s256_and_sets_an_httponly_samesite_session_cookie() -> None:
    async with world() as w:
        person = Person(w, "rina")
        r = await person.http.get("/masuk")
        q = parse_qs(urlsplit(r.headers["location"]).query)
        assert q["code_challenge_method"] == ["S256"]
        assert len(q["code_challenge"][0]) >= 43
        assert "code_verifier" not in r.headers["location"]
        await person.http.aclose()
        person = Person(w, "rina")
        back = await person.login()
        cookie = next(h for h in back.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        value = cookie.split(";")[0].split("=", 1)[1]
        assert "rina" not in value
        assert "eyJ" not in value
        assert (await person.page("/hr")).status_code == 200
        await person.http.aclose()


async def test_a_callback_with_a_forged_state_opens_no_session() -> None:
    async with world() as w:
        person = Person(w, "rina")
        await person.http.get("/masuk")
        r = await person.http.get("/auth/callback?code=abc&state=forged")
        assert r.status_code == 400
        assert "Gagal masuk" in r.text
        assert (await person.http.get("/hr")).headers["location"].startswith("/masuk")
        await person.http.aclose()


async def test_a_tampered_session_cookie_is_treated_as_no_session() -> None:
    async with world() as w, Person(w, "rina") as hr:
        sealed = hr.http.cookies[SESSION_COOKIE]
        hr.http.cookies.set(SESSION_COOKIE, sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB"))
        r = await hr.http.get("/hr")
        assert r.status_code == 303
        assert r.headers["location"].startswith("/masuk")


def post_routes() -> list[str]:
    """Every POST the console serves, from the routers bootstrap mounts."""
    routers = (pages.router, auth_routes.router, hr_routes.router, approver_routes.router, employee_routes.router)
    routes = [r for router in routers for r in router.routes if isinstance(r, APIRoute) and "POST" in r.methods]
    return [r.path.replace("{round_id}", "r1").replace("{objection_id}", "o1").replace("{upload_id}", "u1")
            .replace("{months}", "3")
            for r in routes]  # fmt: skip


@pytest.mark.parametrize("token", [None, "salah"])
async def test_every_form_rejects_a_missing_or_wrong_csrf_token_before_calling_any_service(token: str | None) -> None:
    async with world() as w, Person(w, "rina") as hr:
        paths = post_routes()
        assert len(paths) >= 14
        before = len(w.router.calls)
        for path in paths:
            data = {"csrf": token} if token else {}
            r = await hr.http.post(path, data={**data, "name": "x", "reason": "alasan yang cukup panjang"})
            assert r.status_code == 403, (path, r.status_code)
            assert "CSRF" in r.text
        service_calls = [c for c in w.router.calls[before:] if c[0] not in ("console",)]
        assert service_calls == []


async def test_a_csrf_token_of_another_session_is_refused() -> None:
    async with world() as w, Person(w, "rina") as hr, Person(w, "akuntan") as other:
        foreign = (await other.page("/saya")).text.split('name="csrf" value="')[1].split('"')[0]
        r = await hr.http.post("/hr/putaran", data={"csrf": foreign, "name": "Mutasi", "period": "2027"})
        assert r.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/hr",
        "/hr/kebutuhan",
        "/hr/impor",
        "/hr/pelatihan",
        f"/hr/pegawai/{ACCOUNTANT}",
        "/hr/putaran/r1",
        "/hr/putaran/r1/sk.xlsx",
        "/hr/putaran/r1/keberatan",
        "/hr/laporan/r1",
        "/hr/talenta.png",
        "/persetujuan",
        "/persetujuan/r1",
    ],
)
async def test_an_employee_cannot_open_staff_pages_or_another_persons_record(path: str) -> None:
    async with world() as w, Person(w, "it") as employee:
        before = len(w.router.calls)
        r = await employee.page(path)
        assert r.status_code == 403
        assert "Akses ditolak" in r.text
        assert [c for c in w.router.calls[before:] if c[0] != "console"] == []


async def test_an_employee_posting_preferences_acts_only_for_their_own_nip() -> None:
    async with world() as w, Person(w, "it") as employee:
        page = (await employee.page("/saya")).text
        csrf = page.split('name="csrf" value="')[1].split('"')[0]
        before = len(w.router.calls)
        await employee.http.post("/saya/putaran/r1/pilihan", data={"csrf": csrf, "ranked": "KOMINFO-SI",
                                                                   "nip": ACCOUNTANT})  # fmt: skip
        called = [c[2] for c in w.router.calls[before:] if c[0] == "placement"]
        assert called
        assert all(ACCOUNTANT not in path for path in called)
        assert all(employee.user.nip in path for path in called if "/preferences/" in path)


async def test_without_a_session_every_page_sends_the_person_to_sign_in() -> None:
    async with world() as w:
        person = Person(w, "it")
        for path in ("/", "/saya", "/hr", "/persetujuan/r1"):
            r = await person.http.get(path)
            assert r.status_code == 303
            assert r.headers["location"].startswith("/masuk?lanjut=")
        await person.http.aclose()


async def test_pages_forbid_framing_and_outside_scripts() -> None:
    async with world() as w, Person(w, "rina") as hr:
        r = await hr.page("/hr/impor")
        policy = r.headers["content-security-policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "http" not in r.text.split("<main")[0].replace('href="/', "")  # no outside asset in the head
