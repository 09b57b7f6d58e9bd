"""The console in one process with the real placement service, a test OIDC provider and a recording channel."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from mutasi.console.bootstrap import create_app
from mutasi.console.service_layer.ports import Outgoing
from mutasi.console.settings import ConsoleSettings
from mutasi.evaluation.bootstrap import create_app as evaluation_app
from mutasi.evaluation.settings import EvaluationSettings
from tests.component.placement.placement_world import ACCOUNTANT, IT_GRAD
from tests.component.placement.placement_world import app as placement_app
from tests.support.oidc_provider import Provider, User
from tests.support.service import RunningService, running_service

USERS = {
    "rina": User("rina", "rahasia-rina", "Rina BKPSDM", ("hr",)),
    "ana": User("ana", "rahasia-ana", "Ana Sekda", ("approver",)),
    "bayu": User("bayu", "rahasia-bayu", "Bayu Kepala BKPSDM", ("approver",)),
    "it": User("it", "rahasia-it", "Pegawai 001", ("employee",), nip=IT_GRAD),
    "akuntan": User("akuntan", "rahasia-akuntan", "Pegawai 002", ("employee",), nip=ACCOUNTANT),
}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class HostRouter(httpx.AsyncBaseTransport):
    """Sends each request to the in-process app of its host name; records every call."""

    def __init__(self, apps: dict[str, Any]) -> None:
        self.transports = {host: httpx.ASGITransport(app=a) for host, a in apps.items()}
        self.calls: list[tuple[str, str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls.append((request.url.host, request.method, request.url.path))
        if request.url.host not in self.transports:  # a service this world does not run: as if it were down
            raise httpx.ConnectError(f"no route to {request.url.host}", request=request)
        return await self.transports[request.url.host].handle_async_request(request)


@dataclass
class RecordingChannel:
    """A channel that keeps what it was given; `fail_next` makes that many sends fail first."""

    name: str = "email"
    sent: list[Outgoing] = field(default_factory=list)
    fail_next: int = 0

    async def send(self, batch: list[Outgoing]) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for item in batch:
            if self.fail_next > 0:
                self.fail_next -= 1
                out[item.notice_id] = "server tidak menjawab"
            else:
                self.sent.append(item)
                out[item.notice_id] = None
        return out


def console_settings(**over: Any) -> ConsoleSettings:
    base: dict[str, Any] = {"mongo_uri": "memory://", "public_url": "http://console", "oidc_issuer": "http://idp",
                            "placement_url": "http://placement", "assessment_url": "http://assessment",
                            "training_url": "http://training", "evaluation_url": "http://evaluation",
                            "notify_email_fallback": "{nip}@asn.sawahlunto.go.id", "smtp_host": None}  # fmt: skip
    return ConsoleSettings(**{**base, **over})


@dataclass
class World:
    console: RunningService
    placement: RunningService
    provider: Provider
    router: HostRouter
    channel: RecordingChannel
    evaluation: RunningService | None = None


@asynccontextmanager
async def world(*, evaluation_today: date | None = None, **settings: Any) -> AsyncIterator[World]:
    """The console with placement; with `evaluation_today`, also the evaluation service on that calendar day."""
    provider = Provider("http://idp", USERS)
    apps: dict[str, Any] = {"placement": placement_app()}
    if evaluation_today is not None:
        apps["evaluation"] = evaluation_app(EvaluationSettings(mongo_uri="memory://", metrics_refresh_s=0,
                                                               today=evaluation_today))  # fmt: skip
    router = HostRouter({"idp": provider.app(), **apps})
    channel = RecordingChannel()
    app = create_app(console_settings(**settings), transport=router, channels={"email": channel})
    router.transports["console"] = httpx.ASGITransport(app=app)
    async with AsyncExitStack() as stack:
        # the services trust the provider the console signs people in with (the console forwards their tokens)
        running = {name: await stack.enter_async_context(running_service(a, issuer=provider.issuer,
                                                                         also_trusted=[provider.jwks()]))
                   for name, a in apps.items()}  # fmt: skip
        c = await stack.enter_async_context(running_service(app))
        yield World(c, running["placement"], provider, router, channel, running.get("evaluation"))


class Person:
    """One person's browser: a cookie jar on the console, signing in through the provider's form."""

    def __init__(self, w: World, username: str) -> None:
        self.w = w
        self.user = USERS[username]
        self.http = httpx.AsyncClient(transport=w.router, base_url="http://console")

    async def __aenter__(self) -> Person:
        await self.login()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()

    async def login(self) -> httpx.Response:
        r = await self.http.get("/masuk")
        assert r.status_code == 303, r.text
        authorize = urlsplit(r.headers["location"])
        q = {k: v[0] for k, v in parse_qs(authorize.query).items()}
        form = {"username": self.user.username, "password": self.user.password, "redirect_uri": q["redirect_uri"],
                "state": q["state"], "nonce": q["nonce"], "code_challenge": q["code_challenge"]}  # fmt: skip
        async with httpx.AsyncClient(transport=self.w.router, base_url="http://idp") as idp:
            back = await idp.post("/authorize", data=form)
        assert back.status_code == 302, back.text
        callback = urlsplit(back.headers["location"])
        return await self.http.get(f"{callback.path}?{callback.query}")

    async def page(self, path: str) -> httpx.Response:
        return await self.http.get(path)

    async def submit(self, page: str, action: str, data: dict[str, Any] | None = None, **kw: Any) -> httpx.Response:
        """Open `page`, take its CSRF token, post the form to `action` (as a browser would)."""
        html = (await self.http.get(page)).text
        match = CSRF.search(html)
        assert match, f"no CSRF token on {page}"
        return await self.http.post(action, data={"csrf": match.group(1), **(data or {})}, **kw)
