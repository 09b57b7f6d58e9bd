"""The composition root: settings in, one FastAPI app (HTTP, Kafka subscribers, outbox relay) out."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from mutasi.chassis.kit import ServiceKit
from mutasi.contracts import topics
from mutasi.evaluation.adapters.repository import INDEXES, SCHEDULES, Repository, Snapshot
from mutasi.evaluation.domain.errors import AlreadyRecorded, InvalidInput, NotFound
from mutasi.evaluation.entrypoints import routes
from mutasi.evaluation.entrypoints.dependencies import Deps
from mutasi.evaluation.entrypoints.metrics import EvaluationMetrics
from mutasi.evaluation.entrypoints.subscribers import Subscribers
from mutasi.evaluation.service_layer.ports import EvaluationPorts
from mutasi.evaluation.service_layer.services import EvaluationService
from mutasi.evaluation.settings import EvaluationSettings

log = logging.getLogger("mutasi.evaluation")


def create_app(settings: EvaluationSettings | None = None) -> FastAPI:
    settings = settings or EvaluationSettings()
    config = settings.config()
    kit = ServiceKit(settings, service="evaluation", version="1")
    metrics = EvaluationMetrics(kit.metrics, settings.checkpoint_months)
    service = EvaluationService(config, EvaluationPorts(repository=Repository))
    kit.provide(Deps(service=service, config=config, metrics=metrics, today=kit.clock.today))
    for collection, keys, unique in INDEXES:
        kit.index(collection, keys, unique=unique)
    subscribers = Subscribers(service, lambda change: metrics.schedules.labels(change.value).inc())
    # a batch of events is read with one `$in` and written with one bulk upsert (ADR 15)
    kit.consume_batch(topics.MUTATION_DECIDED, subscribers.on_mutation_decided_batch)
    kit.consume_batch(topics.TRAINING_ASSIGNED, subscribers.on_training_assigned_batch)
    kit.consume_batch(topics.TRAINING_COMPLETED, subscribers.on_training_completed_batch)
    kit.produce(topics.EVALUATION_RECORDED, topics.FOLLOW_UP_RECOMMENDED)
    kit.map_error(InvalidInput, 422)
    kit.map_error(NotFound, 404)
    kit.map_error(AlreadyRecorded, 409)
    if settings.metrics_refresh_s > 0:
        kit.every(settings.metrics_refresh_s, lambda: refresh_gauges(kit, metrics), name="evaluation-gauges")
    return kit.build_app(
        routers=[routes.router],
        title="Mutasi evaluation",
        description="Post-move check-ins, employee feedback, the programme report and the follow-up loop.",
    )


async def refresh_gauges(kit: ServiceKit, metrics: EvaluationMetrics) -> None:
    """Due and overdue checkpoints change with the calendar, not only with events."""
    snapshot = Snapshot(kit.database())
    for agency in await snapshot.collection(SCHEDULES).distinct("agency_id", {}):
        schedules = await Repository(snapshot, agency).schedules()
        deps = kit.deps(Deps)
        metrics.observe_worklist(agency, schedules, deps.today(), deps.config)
