"""The composition root: settings in, one FastAPI app (HTTP, Kafka subscribers, outbox relay) out."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI
from pymongo.errors import DuplicateKeyError

from mutasi.chassis.kit import ServiceKit
from mutasi.chassis.memory import DuplicateKey
from mutasi.contracts import topics
from mutasi.evaluation.adapters.repository import INDEXES, SCHEDULES, Repository, Snapshot
from mutasi.evaluation.domain.errors import AlreadyRecorded, InvalidInput, NotFound
from mutasi.evaluation.entrypoints import routes
from mutasi.evaluation.entrypoints.metrics import EvaluationMetrics
from mutasi.evaluation.entrypoints.subscribers import Subscribers
from mutasi.evaluation.settings import EvaluationSettings

log = logging.getLogger("mutasi.evaluation")


def create_app(settings: EvaluationSettings | None = None) -> FastAPI:
    settings = settings or EvaluationSettings()
    config = settings.config()
    kit = ServiceKit(settings, service="evaluation", version="1")
    metrics = EvaluationMetrics(kit.metrics)
    kit.state.update(config=config, metrics=metrics, today=lambda: datetime.now(UTC).date())
    for collection, keys, unique in INDEXES:
        kit.index(collection, keys, unique=unique)
    subscribers = Subscribers(config, lambda change: metrics.schedules.labels(change.value).inc())
    kit.consume(topics.MUTATION_DECIDED, subscribers.on_mutation_decided)
    kit.consume(topics.TRAINING_ASSIGNED, subscribers.on_training_assigned)
    kit.consume(topics.TRAINING_COMPLETED, subscribers.on_training_completed)
    kit.produce(topics.EVALUATION_RECORDED, topics.FOLLOW_UP_RECOMMENDED)
    kit.map_error(InvalidInput, 422)
    kit.map_error(NotFound, 404)
    kit.map_error(AlreadyRecorded, 409)
    kit.map_error(DuplicateKey, 409)  # two identical writes racing: the loser is told, not given a 500
    kit.map_error(DuplicateKeyError, 409)
    app = kit.build_app(
        routers=[routes.router],
        title="Mutasi evaluation",
        description="Post-move check-ins, employee feedback, the programme report and the follow-up loop.",
    )
    if settings.metrics_refresh_s > 0:
        _refresh_gauges_while_running(app, kit, metrics, settings.metrics_refresh_s)
    return app


def _refresh_gauges_while_running(app: FastAPI, kit: ServiceKit, metrics: EvaluationMetrics, every_s: float) -> None:
    """Due/overdue change with the calendar, not only with events, so a task recomputes them while the app runs."""
    inner = app.router.lifespan_context

    async def refresh() -> None:
        while True:
            try:
                snapshot = Snapshot(kit.database())
                for agency in await snapshot.collection(SCHEDULES).distinct("agency_id", {}):
                    schedules = await Repository(snapshot, agency).schedules()
                    metrics.observe_worklist(agency, schedules, kit.state["today"](), kit.state["config"])
            except Exception:
                log.exception("gauge refresh failed")
            await asyncio.sleep(every_s)

    @asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[None]:
        async with inner(a):
            task = asyncio.create_task(refresh(), name="evaluation-gauges")
            try:
                yield
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app.router.lifespan_context = lifespan
