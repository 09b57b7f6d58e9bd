"""Composition root of the console: web pages, sign-in, sessions, the services' client and the notifier."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from mutasi.chassis.kit import ServiceKit
from mutasi.chassis.lease import Lease
from mutasi.console.adapters.channels import SmtpChannel, WhatsAppChannel
from mutasi.console.adapters.oidc import OidcClient
from mutasi.console.adapters.services import Services
from mutasi.console.adapters.session import Sealer, new_key
from mutasi.console.entrypoints import approver_routes, auth_routes, employee_routes, hr_routes, pages
from mutasi.console.entrypoints.metrics import NoticeMetrics
from mutasi.console.entrypoints.web import Web, environment, install_handlers
from mutasi.console.service_layer import notifier
from mutasi.console.service_layer.ports import Channel
from mutasi.console.settings import ConsoleSettings
from mutasi.contracts import topics

STATIC = Path(__file__).resolve().parent / "static"
CATCH_UP_S = 5.0


def create_app(settings: ConsoleSettings, *, transport: httpx.AsyncBaseTransport | None = None,
               channels: dict[str, Channel] | None = None) -> FastAPI:  # fmt: skip
    """`transport` and `channels` replace the network in tests (services and provider; e-mail and WhatsApp)."""
    kit = ServiceKit(settings, service="console", version="1")
    kit.index(notifier.NOTICES, [("notice_id", 1)], unique=True)
    kit.index(notifier.NOTICES, [("channel", 1), ("state", 1), ("due_on", 1)])
    kit.index(notifier.NOTICES, [("event_id", 1), ("kind", 1)])
    kit.index(notifier.PEOPLE, [("agency_id", 1), ("nip", 1)], unique=True)
    kit.index(notifier.CONTACTS, [("agency_id", 1), ("nip", 1)], unique=True)
    kit.index(notifier.ROUNDS, [("agency_id", 1), ("round_id", 1)], unique=True)
    kit.index(notifier.ROUNDS, [("agency_id", 1), ("open_until", 1)])
    kit.index(hr_routes.UPLOADS, [("upload_id", 1)], unique=True)
    chosen = channels if channels is not None else _channels(settings)
    send_notices = _notifier(kit, settings, chosen) if settings.notify_enabled else None
    key = settings.session_key.get_secret_value() if settings.session_key else new_key()
    secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
    urls = {"assessment": settings.assessment_url, "placement": settings.placement_url,
            "training": settings.training_url, "evaluation": settings.evaluation_url}  # fmt: skip
    web = Web(settings, environment(), Sealer(key, "sesi"), Sealer(key, "masuk"),
              OidcClient(settings.oidc_issuer, settings.oidc_client_id, secret, settings.oidc_scope,
                         settings.oidc_internal_url, transport),
              Services(urls, settings.service_timeout_s, transport), kit.clock.today)  # fmt: skip
    app = kit.build_app(routers=[pages.router, auth_routes.router, hr_routes.router, approver_routes.router,
                                 employee_routes.router], title="Konsol Mutasi",
                        bearer_auth=False)  # people sign in here (OIDC); the services get their tokens  # fmt: skip
    app.state.web = web
    app.state.send_notices = send_notices  # one pass of the sender (tests call it instead of waiting)
    app.mount("/aset", StaticFiles(directory=STATIC), name="aset")
    install_handlers(app, web)
    _security_headers(app, settings)
    return app


def _channels(settings: ConsoleSettings) -> dict[str, Channel]:
    out: dict[str, Channel] = {}
    if settings.smtp_host:
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        out["email"] = SmtpChannel(settings.smtp_host, settings.smtp_port, settings.smtp_from,
                                   starttls=settings.smtp_starttls, username=settings.smtp_username,
                                   password=password)  # fmt: skip
    if settings.whatsapp_url:
        token = settings.whatsapp_token.get_secret_value() if settings.whatsapp_token else None
        out["whatsapp"] = WhatsAppChannel(settings.whatsapp_url, token)
    return out


def _notifier(
    kit: ServiceKit, settings: ConsoleSettings, channels: dict[str, Channel]
) -> Callable[[], Awaitable[None]]:
    rules = notifier.NoticeRules(settings.public_url, settings.notify_email_fallback, tuple(channels),
                                 tuple(settings.notify_checkpoint_months))  # fmt: skip
    kit.consume_batch(topics.ASSESSMENT_COMPLETED, notifier.person_handler(rules))
    kit.consume(topics.ROUND_ANNOUNCED, notifier.round_handler(rules))
    kit.consume(topics.MUTATION_DECIDED, notifier.decision_handler(rules))
    kit.consume(topics.TRAINING_ASSIGNED, notifier.training_handler(rules))
    counters = NoticeMetrics(kit.metrics)
    leases: list[Lease] = []
    next_catch_up = [0.0]  # announcements for people the directory learnt of late: at most every CATCH_UP_S

    one_pass = asyncio.Lock()  # the periodic pass and a test's own call never send the same notice side by side

    async def send() -> None:
        async with one_pass:
            await send_once()

    async def send_once() -> None:
        if not leases:
            leases.append(Lease(kit.database(), "console-notices", settings.relay_lease_s))
        if not await leases[0].hold():  # with several replicas only one sends: a notice goes out once
            return
        if time.monotonic() >= next_catch_up[0]:
            next_catch_up[0] = time.monotonic() + CATCH_UP_S
            await notifier.announce_to_latecomers(kit.database(), rules, kit.clock.today())
        sender = notifier.NoticeSender(kit.database(), channels, settings.notify_batch, settings.notify_max_attempts,
                                       settings.notify_backoff_s, counters)  # fmt: skip
        await sender.send_due(kit.clock.today())
        for name in channels:
            pending = await kit.database().raw(notifier.NOTICES).count({"channel": name, "state": notifier.PENDING})
            counters.pending.labels(name).set(pending)

    if channels:
        kit.every(settings.notify_interval_s, send, name="notices")
    return send


def _security_headers(app: FastAPI, settings: ConsoleSettings) -> None:
    issuer = urlsplit(settings.oidc_issuer)
    provider = f"{issuer.scheme}://{issuer.netloc}"
    policy = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
              f"form-action 'self' {provider}; frame-ancestors 'none'; base-uri 'none'")  # fmt: skip

    @app.middleware("http")
    async def headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        if not request.url.path.startswith(("/metrics", "/health", "/asyncapi", "/docs", "/openapi")):
            response.headers.setdefault("Content-Security-Policy", policy)
            response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
