"""Loads what planning needs for a round: its posts and candidates in scope, and the agency's policy."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from mutasi.chassis.store import UnitOfWork
from mutasi.placement.adapters import repositories as repo
from mutasi.placement.domain.eligibility import Dated, EligibilityPolicy
from mutasi.placement.domain.options import PlanningRules, PoolView
from mutasi.placement.domain.rounds import Round
from mutasi.placement.domain.scoring import FitWeights
from mutasi.placement.service_layer.deps import Defaults


@dataclass(frozen=True)
class PlanOptions:
    """What a planning request (or a what-if scenario) may change; None keeps the default."""

    weights: dict[str, float] | None = None
    max_outflow_pct: float | None = None
    must_fill: tuple[str, ...] = ()
    must_stay: tuple[str, ...] = ()
    disabled_rules: tuple[str, ...] = ()
    min_months_in_post: int | None = None

    def rules(self, defaults: Defaults, policy: EligibilityPolicy, r: Round) -> PlanningRules:
        weights = defaults.weights
        if self.weights:
            known = {k: v for k, v in self.weights.items() if k in weights.as_dict()}
            weights = FitWeights(**{**weights.as_dict(), **known})  # type: ignore[arg-type]
        if self.disabled_rules:
            policy = replace(policy, disabled_rules=policy.disabled_rules | set(self.disabled_rules))
        if self.min_months_in_post is not None:
            policy = replace(policy, min_months_in_post=(Dated(date(2000, 1, 1), self.min_months_in_post),))
        return PlanningRules(
            weights=weights, policy=policy, max_preferences=r.max_preferences,
            max_outflow_pct=self.max_outflow_pct if self.max_outflow_pct is not None else defaults.max_outflow_pct,
            options_per_person=defaults.options_per_person, must_fill=frozenset(self.must_fill),
            must_stay=frozenset(self.must_stay),
        )  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        return {
            "weights": self.weights, "max_outflow_pct": self.max_outflow_pct, "must_fill": list(self.must_fill),
            "must_stay": list(self.must_stay), "disabled_rules": list(self.disabled_rules),
            "min_months_in_post": self.min_months_in_post,
        }  # fmt: skip


async def load_pool(uow: UnitOfWork, r: Round) -> PoolView:
    posts = [p for p in await repo.load_posts(uow, r.agency_id) if r.in_scope(p.unit_id)]
    candidates = [c for c in await repo.load_candidates(uow, r.agency_id) if r.in_scope(c.unit_id)]
    return PoolView.of(candidates, posts)
