"""ServiceKit: one service's broker, database, relay, consumer and metrics, assembled into one ASGI app."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib.metadata
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_fastapi_instrumentator import Instrumentator
from prometheus_fastapi_instrumentator import metrics as prom_http

from mutasi.chassis import asyncapi, openapi, retention, tracing
from mutasi.chassis.audit import INDEXES as AUDIT_INDEXES
from mutasi.chassis.audit import AuditTrail
from mutasi.chassis.auth import AuthenticationError, TokenVerifier
from mutasi.chassis.clock import Clock
from mutasi.chassis.consumer import BatchHandler, EventConsumer, Handler
from mutasi.chassis.context import flow
from mutasi.chassis.http import ErrorBody, authorize, install_error_handlers, not_found, unauthenticated
from mutasi.chassis.jobs import JOBS, Jobs
from mutasi.chassis.kafka_security import kafka_security
from mutasi.chassis.lag import record_lag
from mutasi.chassis.logs import configure_logging
from mutasi.chassis.metrics import ServiceMetrics
from mutasi.chassis.mongo import MongoDatabase
from mutasi.chassis.outage import Outages, quiet_library_logs
from mutasi.chassis.policy import POLICY, Rule, is_public
from mutasi.chassis.relay import OutboxRelay
from mutasi.chassis.settings import ServiceSettings
from mutasi.chassis.spreadsheets import SheetLimits
from mutasi.chassis.store import IDEMPOTENCY, INBOX, LEASES, OUTBOX, Database, IdempotencyConflict, UnitOfWork
from mutasi.chassis.writes import RetryWrites, install_fault_handlers
from mutasi.contracts.schemagen import schema_for
from mutasi.contracts.topics import Topic

log = logging.getLogger("mutasi.kit")
Startup = Callable[["ServiceKit"], Awaitable[None]]
D = TypeVar("D")


class ServiceKit:
    """Built by a service's composition root; nothing connects until the app's lifespan starts."""

    def __init__(
        self,
        settings: ServiceSettings,
        *,
        service: str,
        version: str = "1",
        policy: Mapping[str, Mapping[tuple[str, str], Rule]] = POLICY,
    ) -> None:
        if settings.service_name == "service":  # a subclass that did not name itself
            settings.service_name = service
        self.settings = settings
        self.service = service
        self.version = version
        self.metrics = ServiceMetrics(service, version=_build_version(service), agencies=settings.agencies)
        self.clock = Clock(settings.timezone, settings.today)
        self.policy = policy  # the chassis table; only the chassis' own toy service in tests passes another
        self.verifier = TokenVerifier(
            issuer=settings.auth_issuer,
            audience=settings.auth_audience,
            leeway_s=settings.auth_leeway_s,
            jwks_url=settings.auth_jwks_url,
        )
        self.broker = KafkaBroker(
            settings.kafka_bootstrap,
            enable_idempotence=settings.kafka_enable_idempotence,
            max_batch_size=settings.kafka_producer_batch_bytes,
            security=kafka_security(settings),
            client_id=f"mutasi-{service}",
            middlewares=[KafkaPrometheusMiddleware(registry=self.metrics.registry, app_name=f"mutasi-{service}")],
            description=f"Mutasi {service} service",
            logger=logging.getLogger(f"mutasi.{service}.broker"),
        )
        self._db: Database | None = None
        self._database_factory: Callable[[], Database] | None = None
        self.jobs = Jobs(self)
        self.relay: OutboxRelay | None = None
        self.outages = Outages(settings.outage_summary_s)
        self.consumer = EventConsumer(
            service, settings, self.broker, self.database, self.metrics, self._committed, outages=self.outages
        )
        self._indexes: list[tuple[str, list[tuple[str, int]], bool]] = [
            (INBOX, [("event_ids", 1)], True),
            (OUTBOX, [("sent", 1), ("seq", 1)], False),
            (IDEMPOTENCY, [("agency_id", 1), ("key", 1)], True),
            (LEASES, [("name", 1)], True),
            (OUTBOX, [("job_id", 1), ("sent", 1)], False),
            (JOBS, [("agency_id", 1), ("job_id", 1)], True),
            (JOBS, [("agency_id", 1), ("key", 1)], True),
            *AUDIT_INDEXES,
        ]
        self.audit = AuditTrail(service, self.database)
        self._errors: dict[type[Exception], int] = {IdempotencyConflict: 409}
        self._startup: list[Startup] = []
        self._periodic: list[tuple[str, float, Callable[[], Awaitable[None]]]] = []
        self.every(settings.retention_purge_s, self._purge_expired, name="retention-purge")
        self._tasks: list[asyncio.Task[None]] = []
        self.consumed: list[Topic] = []
        self.produced: list[Topic] = []
        self._deps: object | None = None  # the service's typed dependencies, set by its composition root

    # --- composition -----------------------------------------------------------------------
    def index(self, collection: str, keys: Sequence[tuple[str, int]], unique: bool = False) -> None:
        self._indexes.append((collection, list(keys), unique))

    def consume(self, topic: Topic, handler: Handler) -> None:
        """Consume `topic` with a per-event handler; events still arrive in batches, one transaction per batch."""
        self.consumed.append(topic)
        self.metrics.consumed(topic.name)
        self.consumer.subscribe(topic, handler)

    def consume_batch(self, topic: Topic, handler: BatchHandler, max_records: int | None = None) -> None:
        """Consume `topic` with a handler that takes a whole batch (loads once, writes in bulk); `max_records`: most
        records of this topic in one batch (one transaction), instead of the setting `kafka_batch_max_records`."""
        self.consumed.append(topic)
        self.metrics.consumed(topic.name)
        self.consumer.subscribe_batch(topic, handler, max_records)

    def produce(self, *topics: Topic) -> None:
        """Declare the topics this service publishes (for the AsyncAPI document)."""
        for topic in topics:
            self.produced.append(topic)
            self.metrics.produced(topic.name)
            self.broker.publisher(
                topic.name,
                title=f"{self.service}:{topic.name}",
                description=topic.description,
                schema=topic.payload,
            )

    def use_database(self, factory: Callable[[], Database]) -> None:
        """Run on another implementation of the `Database` port (tests' in-memory one); never set by configuration."""
        self._database_factory = factory

    def provide(self, deps: object) -> None:
        """Hand the service's dependencies object (a dataclass of its own) to routes and periodic tasks."""
        self._deps = deps

    def deps(self, kind: type[D]) -> D:
        """The dependencies object given to `provide`, checked to be of the type the caller expects."""
        if not isinstance(self._deps, kind):
            raise RuntimeError(f"{self.service}: provide() a {kind.__name__} in create_app before serving")
        return self._deps

    def map_error(self, exc_type: type[Exception], status: int) -> None:
        self._errors[exc_type] = status

    def on_startup(self, fn: Startup) -> None:
        self._startup.append(fn)

    def every(self, seconds: float, fn: Callable[[], Awaitable[None]], *, name: str) -> None:
        """Run `fn` every `seconds` while the service runs (e.g. gauges that change with the calendar).

        A failing run is logged and the next one happens on schedule."""
        self._periodic.append((name, seconds, fn))

    # --- runtime ---------------------------------------------------------------------------
    def database(self) -> Database:
        if self._db is None:
            raise RuntimeError("service not started")
        return self._db

    def uow(self) -> UnitOfWork:
        """A new unit of work; events it emits are published right after it commits."""
        uow = self.database().uow(self.service, self.settings.default_program_id)
        uow.schema_base = self.settings.resolved_schema_base
        uow.after_commit = functools.partial(self._committed, uow)
        return uow

    @property
    def sheet_limits(self) -> SheetLimits:
        """The upload limits from the settings, for the spreadsheet reader."""
        s = self.settings
        return SheetLimits(s.upload_max_mb, s.upload_max_unzipped_mb, s.upload_max_rows, s.upload_max_columns,
                           s.upload_max_cell_chars)  # fmt: skip

    async def _purge_expired(self) -> None:
        gone = await retention.purge(self.database(), self.settings, datetime.now(UTC))
        if any(gone.values()):
            log.info("expired records purged", extra={"purged": gone})

    def _committed(self, uow: UnitOfWork) -> None:
        """After a unit of work that emitted events commits: the relay publishes its outbox documents."""
        if self.relay is not None:
            self.relay.committed(uow.outbox_documents)

    async def start(self, *, start_broker: bool = True) -> None:
        s = self.settings
        self._db = (
            self._database_factory()
            if self._database_factory is not None
            else MongoDatabase(s.mongo_uri, s.resolved_database, s.mongo_timeout_ms, s.mongo_max_idle_time_ms)
        )
        await self._db.connect()
        for collection, keys, unique in self._indexes:
            await self._db.ensure_index(collection, keys, unique)
        await retention.install(self._db, s)
        for fn in self._startup:
            await fn(self)
        if start_broker:
            await self.broker.start()
        self.relay = OutboxRelay(
            self._db,
            self.broker,
            self.metrics,
            s.relay_interval_s,
            s.relay_batch,
            s.relay_lease_s,
            self.outages,
            read_interval_s=s.relay_read_interval_s,
        )
        self.relay.start()
        self.relay.wake()
        periodic = list(self._periodic)
        if start_broker and s.consumer_lag_interval_s > 0 and self.consumed:
            periodic.append(("consumer-lag", s.consumer_lag_interval_s, lambda: record_lag(self.broker, self.metrics)))
        self._tasks = [asyncio.create_task(_repeat(fn, seconds), name=name) for name, seconds, fn in periodic]

    async def stop(self, *, stop_broker: bool = True) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        await self.jobs.stop()
        if self.relay is not None:
            await self.relay.stop()
        if stop_broker:
            await self.broker.stop()
        if self._db is not None:
            await self._db.close()

    async def ready(self) -> dict[str, bool]:
        """Database and broker reachable? Both asked at once, each for at most `health_timeout_s`."""
        timeout = self.settings.health_timeout_s

        async def database() -> bool:
            return self._db is not None and await self._db.ping()

        async def broker() -> bool:
            return bool(await self.broker.ping(timeout=timeout))

        async def bounded(check: Callable[[], Awaitable[bool]]) -> bool:
            try:
                async with asyncio.timeout(timeout):
                    return await check()
            except Exception:
                return False

        db_ok, broker_ok = await asyncio.gather(bounded(database), bounded(broker))
        return {"database": db_ok, "broker": broker_ok}

    def asyncapi(self) -> str:
        doc = asyncapi.document(
            service=self.service,
            version=self.version,
            bootstrap=self.settings.kafka_bootstrap,
            consumed=self.consumed,
            produced=self.produced,
        )
        return json.dumps(doc, ensure_ascii=False)

    # --- the ASGI app ----------------------------------------------------------------------
    def build_app(
        self,
        *,
        routers: Sequence[APIRouter],
        title: str,
        description: str = "",
        manage_broker: bool = True,
        bearer_auth: bool = True,
    ) -> FastAPI:
        """The service's ASGI app. With `bearer_auth` (every API service) each request but the operations plane
        needs a valid access token and each route is held to the policy table; only a browser front that signs
        people in itself and calls the services with their tokens (the console) passes False."""
        configure_logging(self.service, self.settings.log_level)
        quiet_library_logs(self.outages, f"mutasi.{self.service}.broker")

        @asynccontextmanager
        async def lifespan(_: FastAPI) -> AsyncIterator[None]:
            await self.start(start_broker=manage_broker)
            log.info("started", extra={"http_port": self.settings.http_port})
            try:
                yield
            finally:
                await self.stop(stop_broker=manage_broker)

        # Swagger UI and ReDoc from files in the package (fastapi-offline), not from a CDN: /docs works offline.
        app = FastAPIOffline(title=title, description=description, version=self.version, lifespan=lifespan)
        app.state.kit = self
        tracing.configure(self.service)
        tracing.instrument_app(app)
        install_error_handlers(app, self._errors)
        http_metrics = Instrumentator(registry=self.metrics.registry, excluded_handlers=["/metrics"])
        http_metrics.add(prom_http.default(registry=self.metrics.registry, custom_labels={"service": self.service}))
        http_metrics.instrument(app)
        install_fault_handlers(app, self.settings.retry_after_s)
        app.add_middleware(RetryWrites, attempts=self.settings.retry_attempts, backoff_s=self.settings.retry_backoff_s)

        async def authenticate(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
            """Every request but the operations plane needs a valid bearer token (401 otherwise)."""
            if not is_public(request.url.path):
                scheme, _, token = request.headers.get("authorization", "").partition(" ")
                try:
                    if scheme.lower() != "bearer" or not token.strip():
                        raise AuthenticationError("token wajib / a bearer token is required")
                    request.state.identity = await self.verifier.verify(token.strip())
                except AuthenticationError as exc:
                    error = unauthenticated(str(exc))
                    return JSONResponse(error.detail, 401, headers=error.headers)
            return await call_next(request)

        if bearer_auth:
            app.middleware("http")(authenticate)
            # outside `authenticate` (refused tokens are recorded too), inside `correlate` (records carry its id)
            app.middleware("http")(self.audit.middleware)

        @app.middleware("http")
        async def correlate(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
            with flow(request.headers.get("x-correlation-id")) as cid:
                response = await call_next(request)
            response.headers["X-Correlation-Id"] = cid
            return response

        for router in [*routers, *([self.audit.router()] if bearer_auth else [])]:
            # authorization (the policy table) on every route of the service
            app.include_router(router, dependencies=[Depends(authorize)] if bearer_auth else [])
        app.include_router(self._ops_router())
        openapi.install(app, {401, 403, *self._errors.values()}, bearer_auth=bearer_auth)
        return app

    def _ops_router(self) -> APIRouter:
        router = APIRouter(tags=["operations"])

        @router.get("/health/live")
        async def live() -> dict[str, str]:
            return {"status": "ok"}

        @router.get(
            "/health/ready",
            responses={503: {"description": "Something is down (named in `down`)", "headers": openapi.RETRY_AFTER}},
        )
        async def ready(response: Response) -> dict[str, Any]:
            checks = await self.ready()
            ok = all(checks.values())
            response.status_code = 200 if ok else 503
            if not ok:
                response.headers["Retry-After"] = str(self.settings.retry_after_s)
            down = [name for name, up in checks.items() if not up]
            return {"status": "ok" if ok else "unavailable", **checks, "down": down}

        @router.get(
            "/metrics",
            response_class=Response,
            responses={
                200: {
                    "description": "Prometheus text format",
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                }
            },
        )
        async def metrics() -> Response:
            return Response(generate_latest(self.metrics.registry), media_type=CONTENT_TYPE_LATEST)

        @router.get(
            "/asyncapi.json",
            response_class=Response,
            responses={
                200: {
                    "description": "AsyncAPI 3 document",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        )
        async def asyncapi() -> Response:
            return Response(self.asyncapi(), media_type="application/json")

        @router.get(
            "/schemas/{topic}.json",
            response_class=Response,
            summary="JSON Schema of a topic this service produces (the `dataschema` of its events)",
            responses={
                200: {
                    "description": "JSON Schema",
                    "content": {"application/schema+json": {"schema": {"type": "object"}}},
                },
                404: {"model": ErrorBody},
            },
        )
        async def schema(topic: str) -> Response:
            produced = {t.name: t for t in self.produced}
            if topic not in produced:
                raise not_found("path.topic", f"{self.service} tidak menerbitkan / does not produce {topic}")
            body = json.dumps(schema_for(produced[topic]), ensure_ascii=False)
            return Response(body, media_type="application/schema+json")

        return router


def _answer(description: str, media_type: str, kind: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description, "content": {media_type: {"schema": {"type": kind}}}}}


def get_kit(request: Request) -> ServiceKit:
    kit: ServiceKit = request.app.state.kit
    return kit


KitDep = Annotated[ServiceKit, Depends(get_kit)]


def _build_version(service: str) -> str:
    """The installed package version of the service (for `mutasi_build_info`)."""
    try:
        return importlib.metadata.version(f"mutasi-{service}")
    except importlib.metadata.PackageNotFoundError:
        return importlib.metadata.version("mutasi-chassis")


def deps_dependency(kind: type[D]) -> Callable[[Request], D]:
    """A FastAPI dependency returning the service's typed dependencies.

    Use: `DepsDep = Annotated[Deps, Depends(deps_dependency(Deps))]`."""

    def get_deps(request: Request) -> D:
        return get_kit(request).deps(kind)

    return get_deps


async def _repeat(fn: Callable[[], Awaitable[None]], seconds: float) -> None:
    while True:
        try:
            await fn()
        except Exception:
            log.exception("periodic task failed; it runs again on schedule")
        await asyncio.sleep(seconds)
