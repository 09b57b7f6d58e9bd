"""The composition root: settings → kit, solver, deps, routes and subscribers → one FastAPI app."""

from __future__ import annotations

from collections import Counter
from datetime import date

from fastapi import FastAPI

from mutasi.chassis.kit import ServiceKit
from mutasi.chassis.sealed import Opener
from mutasi.contracts import topics
from mutasi.placement.adapters import repositories
from mutasi.placement.adapters.ortools_solver import OrToolsPlanSolver
from mutasi.placement.adapters.papers import EXPLANATIONS, NOTICES
from mutasi.placement.adapters.pool_store import bucket_old_pool
from mutasi.placement.adapters.repositories import INDEXES
from mutasi.placement.adapters.round_store import ROUNDS, bucket_old_entries, split_embedded_rounds
from mutasi.placement.adapters.telemetry import PrometheusTelemetry
from mutasi.placement.adapters.vectorised.problem import build_problem_fast
from mutasi.placement.adapters.workbooks import write_sheets
from mutasi.placement.domain.eligibility import Dated, EligibilityPolicy
from mutasi.placement.domain.errors import InvalidInput, InvalidState, NotAllowed, NotFound
from mutasi.placement.domain.scoring import FitWeights
from mutasi.placement.entrypoints import audit_routes, pool_routes, round_routes
from mutasi.placement.entrypoints.subscribers import Subscribers
from mutasi.placement.service_layer.deps import Defaults, Deps
from mutasi.placement.settings import PlacementSettings

DESCRIPTION = (
    "Needs analysis, eligibility with reason codes, one optimal plan over all vacancies (min-cost flow), "
    "explanations, what-if, approval by two approvers, decisions and objections."
)


def defaults(settings: PlacementSettings) -> Defaults:
    since = date(2017, 3, 30)  # PP 11/2017 in force
    return Defaults(
        weights=FitWeights(settings.weight_jpm, settings.weight_education, settings.weight_box,
                           settings.weight_preference, settings.move_cost, settings.move_friction,
                           settings.fits_threshold),
        policy=EligibilityPolicy(min_months_in_post=(Dated(since, settings.min_months_in_post),),
                                 min_years_to_bup=(Dated(since, settings.min_years_to_bup),),
                                 pledge_years=settings.pledge_years),
        max_preferences=settings.max_preferences, objection_days=settings.objection_days,
        max_outflow_pct=settings.max_outflow_pct, options_per_person=settings.options_per_person,
    )  # fmt: skip


def create_app(settings: PlacementSettings) -> FastAPI:
    if settings.seal_private_keys is None:
        raise ValueError("MUTASI_PLACEMENT_SEAL_PRIVATE_KEYS (the JWK that opens sealed eligibility flags) is required")
    opener = Opener(settings.seal_private_keys.get_secret_value())
    kit = ServiceKit(settings, service="placement")
    for collection, keys, unique in INDEXES:
        kit.index(collection, keys, unique)
    subscribers = Subscribers(opener, repositories)
    kit.consume_batch(topics.ASSESSMENT_COMPLETED, subscribers.on_assessment_completed_batch)
    kit.consume(topics.FOLLOW_UP_RECOMMENDED, subscribers.on_follow_up_recommended)
    kit.produce(topics.ROUND_ANNOUNCED, topics.MUTATION_DECIDED)
    for error, status in ((InvalidInput, 422), (NotFound, 404), (NotAllowed, 403),
                          (InvalidState, 409)):  # fmt: skip
        kit.map_error(error, status)
    telemetry = PrometheusTelemetry(kit.metrics)

    async def split_old_rounds(started: ServiceKit) -> None:
        await split_embedded_rounds(started.uow)
        await bucket_old_entries(started.uow)

    async def bucket_old_papers(started: ServiceKit) -> None:
        for papers in (EXPLANATIONS, NOTICES):
            await papers.migrate(started.uow)

    async def restore_round_gauge(started: ServiceKit) -> None:
        docs = await started.database().raw(ROUNDS).find({}, fields=["state"])
        telemetry.restore_rounds(dict(Counter(d["state"] for d in docs)))

    async def bucket_old_candidates(started: ServiceKit) -> None:
        await bucket_old_pool(started.uow)

    kit.on_startup(split_old_rounds)
    kit.on_startup(bucket_old_candidates)
    kit.on_startup(bucket_old_papers)
    kit.on_startup(restore_round_gauge)
    kit.provide(
        Deps(
            uow=kit.uow,
            solver=OrToolsPlanSolver(mip_seconds=settings.mip_seconds),
            store=repositories,
            write_sheets=write_sheets,
            builder=build_problem_fast,
            defaults=defaults(settings),
            telemetry=telemetry,
        )
    )
    routers = [pool_routes.router, round_routes.router, audit_routes.router]
    return kit.build_app(routers=routers, title="Mutasi placement", description=DESCRIPTION)
