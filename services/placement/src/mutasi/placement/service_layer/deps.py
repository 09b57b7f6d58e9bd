"""What the use cases need, handed in by the composition root: storage, solver, defaults, telemetry, clock."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol

from mutasi.chassis.store import UnitOfWork
from mutasi.placement.domain.eligibility import EligibilityPolicy
from mutasi.placement.domain.options import BuiltProblem, PlanningRules, PoolView, Preference, build_problem
from mutasi.placement.domain.planning import PlanSolver
from mutasi.placement.domain.scoring import FitWeights
from mutasi.placement.service_layer.ports import Store, WriteSheets

Builder = Callable[[PoolView, Mapping[str, Preference], PlanningRules, date], BuiltProblem]


@dataclass(frozen=True)
class Defaults:
    """Agency-independent defaults (settings); an agency overrides the policy through PUT /v1/policy."""

    weights: FitWeights = field(default_factory=FitWeights)
    policy: EligibilityPolicy = field(default_factory=EligibilityPolicy)
    max_preferences: int = 5
    objection_days: int = 14
    max_outflow_pct: float | None = 30.0
    options_per_person: int = 50


class Telemetry(Protocol):
    """Business metrics (rounds by state, solve seconds, eligible pairs, moves, overrides, objections)."""

    def round_state(self, agency_id: str, old: str | None, new: str) -> None: ...
    def plan_solved(self, seconds: float, eligible_pairs: int, moves: int) -> None: ...
    def decided(self, moves: int) -> None: ...
    def override(self) -> None: ...
    def objection(self, outcome: str) -> None: ...


class NoTelemetry:
    def round_state(self, agency_id: str, old: str | None, new: str) -> None:
        return None

    def plan_solved(self, seconds: float, eligible_pairs: int, moves: int) -> None:
        return None

    def decided(self, moves: int) -> None:
        return None

    def override(self) -> None:
        return None

    def objection(self, outcome: str) -> None:
        return None


def _now() -> datetime:
    return datetime.now(UTC)


def _new_id() -> str:
    return uuid.uuid4().hex[:16]


@dataclass
class Deps:
    uow: Callable[[], UnitOfWork]
    solver: PlanSolver
    store: Store
    write_sheets: WriteSheets
    builder: Builder = build_problem
    defaults: Defaults = field(default_factory=Defaults)
    telemetry: Telemetry = field(default_factory=NoTelemetry)
    clock: Callable[[], datetime] = _now
    new_id: Callable[[], str] = _new_id
