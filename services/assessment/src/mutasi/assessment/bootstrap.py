"""The composition root: settings → policy, kit, indexes, subscriber, routes; nothing is built at import time."""

from __future__ import annotations

from fastapi import FastAPI

from mutasi.assessment.adapters import documents, repositories
from mutasi.assessment.adapters.repositories import INDEXES, bucket_old_documents
from mutasi.assessment.adapters.telemetry import PrometheusTelemetry
from mutasi.assessment.domain.errors import InvalidInput, NotFound
from mutasi.assessment.domain.jpm import JpmPolicy
from mutasi.assessment.domain.rules import StandardLevelRules, TalentCutoffs, ValidityRules
from mutasi.assessment.entrypoints import imports_routes, read_routes
from mutasi.assessment.entrypoints.subscribers import Subscribers
from mutasi.assessment.service_layer import reads
from mutasi.assessment.service_layer.deps import Deps
from mutasi.assessment.service_layer.policy import Policy, make_policy
from mutasi.assessment.settings import AssessmentSettings
from mutasi.chassis.kit import ServiceKit
from mutasi.chassis.sealed import Sealer
from mutasi.contracts import topics


def default_policy(settings: AssessmentSettings) -> Policy:
    """The service-wide defaults every agency starts from."""
    base = Policy(JpmPolicy(), TalentCutoffs(), ValidityRules(settings.validity_years), StandardLevelRules())
    return make_policy(
        {
            "jpm_cap": settings.jpm_cap,
            "jpm_family": settings.jpm_family,
            "jpm_technical_weight": settings.jpm_technical_weight,
            "potential_medium_from": settings.potential_medium_from,
            "potential_high_from": settings.potential_high_from,
        },
        base,
    )


async def refresh_gauges(deps: Deps) -> None:
    """Assessments expire with the calendar, not with events: recount them on a timer."""
    async with deps.uow() as uow:
        expired = await reads.expired_by_agency(deps.store, uow, deps.today())
    for agency, count in expired.items():
        deps.telemetry.expired(agency, count)


def create_app(settings: AssessmentSettings) -> FastAPI:
    """Build the assessment service's ASGI app (connections open in the app's lifespan)."""
    if not settings.placement_seal_key:
        raise ValueError("MUTASI_ASSESSMENT_PLACEMENT_SEAL_KEY (placement's public JWK) is required")
    sealer = Sealer(settings.placement_seal_key)
    kit = ServiceKit(settings, service="assessment", version="1")
    deps = Deps(
        uow=kit.uow,
        store=repositories,
        docs=documents,
        defaults=default_policy(settings),
        today=kit.clock.today,
        telemetry=PrometheusTelemetry(kit.metrics),
        seal=sealer.seal,
        batch_size=settings.import_batch_size,
        sheet_limits=kit.sheet_limits,
    )
    kit.provide(deps)
    for collection, keys, unique in INDEXES:
        kit.index(collection, keys, unique=unique)

    async def bucket_old_layout(started: ServiceKit) -> None:
        await bucket_old_documents(started.uow)

    kit.on_startup(bucket_old_layout)
    subscribers = Subscribers(deps)
    kit.consume(topics.FOLLOW_UP_RECOMMENDED, subscribers.on_follow_up_recommended)
    kit.produce(topics.ASSESSMENT_COMPLETED)
    if settings.metrics_refresh_s > 0:
        kit.every(settings.metrics_refresh_s, lambda: refresh_gauges(deps), name="assessment-gauges")
    kit.map_error(InvalidInput, 422)
    kit.map_error(NotFound, 404)
    return kit.build_app(
        routers=[imports_routes.router, read_routes.router],
        title="Mutasi assessment",
        description="ASN registry, competency standards (SKJ), assessments, Job-Person Match and the 9-box.",
    )
