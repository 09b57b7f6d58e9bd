"""The composition root: settings in, one FastAPI app (HTTP, Kafka subscribers, outbox relay) out."""

from __future__ import annotations

import functools
import logging

from fastapi import FastAPI

from mutasi.chassis.kit import ServiceKit
from mutasi.chassis.store import UnitOfWork
from mutasi.contracts import topics
from mutasi.training.adapters import documents
from mutasi.training.adapters.cpsat_coverer import CpSatCoverer
from mutasi.training.adapters.repository import (
    INDEXES,
    PLANS,
    Shared,
    TrainingRepository,
    UnitCache,
    bucket_old_colleagues,
    move_seats,
    save_colleagues,
    settle_quiet_arrivals,
)
from mutasi.training.adapters.spreadsheets import attendance_workbook, read_catalogue
from mutasi.training.domain.covering import Coverer, GreedyCoverer, MemoCoverer
from mutasi.training.domain.errors import CatalogueRejected, Conflict, InvalidInput, NotFound
from mutasi.training.entrypoints import routes
from mutasi.training.entrypoints.dependencies import Deps
from mutasi.training.entrypoints.metrics import TrainingMetrics
from mutasi.training.entrypoints.subscribers import Subscribers
from mutasi.training.service_layer.ports import Repository, TrainingPorts
from mutasi.training.service_layer.services import TrainingService
from mutasi.training.service_layer.views import TrainingViews
from mutasi.training.settings import TrainingSettings

log = logging.getLogger("mutasi.training")


def create_app(settings: TrainingSettings | None = None) -> FastAPI:
    settings = settings or TrainingSettings()
    kit = ServiceKit(settings, service="training", version="1")
    for collection, keys, unique in INDEXES:
        kit.index(collection, keys, unique=unique)

    async def bucket_old_layout(started: ServiceKit) -> None:
        await bucket_old_colleagues(started.uow)
        await move_seats(started.uow)

    kit.on_startup(bucket_old_layout)  # colleagues a document per person before ADR 25, seats before ADR 26
    shared = Shared(
        fold_at=settings.colleague_moves_fold_at,
        units=UnitCache(settings.colleague_cache_records),
        mentor_loads={} if settings.mentor_load_cache else None,
    )

    def repository(uow: UnitOfWork, agency_id: str) -> Repository:
        return TrainingRepository(uow, agency_id, shared)

    inner: Coverer = CpSatCoverer(settings.optimiser_time_limit_s) if settings.optimiser == "cpsat" else GreedyCoverer()
    ports = TrainingPorts(
        repository=repository,
        save_colleagues=functools.partial(save_colleagues, settle_from=settings.colleagues_settle_from),
        read_catalogue=read_catalogue,
        attendance_workbook=attendance_workbook,
        documents=documents,
    )
    service = TrainingService(settings.rules(), MemoCoverer(inner), kit.clock.today, ports)
    metrics = TrainingMetrics(kit.metrics)
    deps = Deps(service=service, views=TrainingViews(ports), metrics=metrics)
    kit.provide(deps)
    subscribers = Subscribers(service, metrics)
    kit.consume_batch(topics.MUTATION_DECIDED, subscribers.on_mutation_decided_batch)
    kit.consume(topics.FOLLOW_UP_RECOMMENDED, subscribers.on_follow_up_recommended)
    kit.consume_batch(
        topics.ASSESSMENT_COMPLETED, subscribers.on_assessment_completed_batch, settings.colleagues_batch_max_records
    )
    kit.produce(topics.TRAINING_ASSIGNED, topics.TRAINING_COMPLETED)
    kit.map_error(InvalidInput, 422)
    kit.map_error(CatalogueRejected, 422)
    kit.map_error(NotFound, 404)
    kit.map_error(Conflict, 409)
    if settings.metrics_refresh_s > 0:
        kit.every(settings.metrics_refresh_s, lambda: refresh_gauges(kit, deps), name="training-gauges")
    if (quiet := settings.colleagues_settle_after_s) > 0:  # arrivals the last assessments left, settled meanwhile

        async def settle_quiet() -> None:
            await settle_quiet_arrivals(kit.uow, quiet)

        kit.every(quiet, settle_quiet, name="training-arrivals")
    return kit.build_app(
        routers=[routes.router],
        title="Mutasi training",
        description="Development plans for moved ASN: change-management workshop, training from the competency "
        "gap, a mentor, progress and the 20 JP a year right.",
    )


async def refresh_gauges(kit: ServiceKit, deps: Deps) -> None:
    """The programme gauges change with the calendar (JP per year), not only with events. Each agency is read in a
    short transaction of its own, so the refresh never holds one snapshot open across every agency's plans."""
    async with kit.uow() as uow:
        agencies = await uow.collection(PLANS).distinct("agency_id", {})
    for agency in agencies:
        today = deps.service.today()
        async with kit.uow() as uow:
            summary = await deps.views.summary(uow, agency, None, today.year, deps.service.rules)
        deps.metrics.observe_summary(agency, summary)
