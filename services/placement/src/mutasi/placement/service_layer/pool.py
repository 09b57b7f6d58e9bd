"""Loads what planning needs for a round: its posts and candidates in scope, and the agency's policy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import Any

from mutasi.chassis.store import UnitOfWork
from mutasi.placement.domain.candidates import Candidate
from mutasi.placement.domain.eligibility import Dated, EligibilityPolicy
from mutasi.placement.domain.options import PlanningRules, PoolView
from mutasi.placement.domain.posts import Post
from mutasi.placement.domain.rounds import Round
from mutasi.placement.domain.scoring import FitWeights
from mutasi.placement.service_layer.deps import Defaults
from mutasi.placement.service_layer.ports import AgencyNip, Store


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


SEP = ":"  # a cross-agency round names posts and units `<agency>:<id>`: ids are only unique within one agency


def qualified(agency_id: str, local_id: str) -> str:
    return f"{agency_id}{SEP}{local_id}"


def local_id(an_id: str) -> str:
    """The id inside its agency (a province round's qualified id without the agency)."""
    return an_id.split(SEP, 1)[-1]


def _qualify_post(p: Post) -> Post:
    q = partial(qualified, p.agency_id)
    return replace(p, post_id=q(p.post_id), unit_id=q(p.unit_id), reports_to=q(p.reports_to) if p.reports_to else None)


def _qualify_candidate(c: Candidate) -> Candidate:
    q = partial(qualified, c.agency_id)
    return replace(c, post_id=q(c.post_id), unit_id=q(c.unit_id), coi_unit_ids=frozenset(map(q, c.coi_unit_ids)))


def _qualify_doc(agency_id: str, doc: dict[str, Any]) -> dict[str, Any]:
    """A pool snapshot with its ids qualified by agency, as `_qualify_candidate` qualifies a candidate."""
    q = partial(qualified, agency_id)
    return {**doc, "post_id": q(doc["post_id"]), "unit_id": q(doc["unit_id"]),
            "coi_unit_ids": [q(u) for u in doc.get("coi_unit_ids", ())]}  # fmt: skip


async def load_pool(store: Store, uow: UnitOfWork, r: Round) -> PoolView:
    """The round's posts and candidates; a province round pools every agency it spans, ids qualified by agency."""
    if not r.cross_agency:
        posts = [p for p in await store.load_posts(uow, r.agency_id) if r.in_scope(p.unit_id)]
        candidates = [c for c in await store.load_candidates(uow, r.agency_id) if r.in_scope(c.unit_id)]
        return PoolView.of(candidates, posts)
    all_posts: list[Post] = []
    all_candidates: list[Candidate] = []
    for agency_id in r.agencies:
        all_posts += [_qualify_post(p) for p in await store.load_posts(uow, agency_id)]
        docs = await store.candidate_docs(uow, agency_id)  # qualified as documents: one candidate built per person
        all_candidates += [store.candidate_from_doc(_qualify_doc(agency_id, d)) for d in docs]
    return PoolView.of([c for c in all_candidates if r.in_scope(c.unit_id)],
                       [p for p in all_posts if r.in_scope(p.unit_id)])  # fmt: skip


async def pool_members(store: Store, uow: UnitOfWork, r: Round) -> list[tuple[str, str | None]]:
    """NIP and follow-up flag of the round's people (every agency of a province round): who the round concerns,
    without building candidates or reading posts (the announcement's notices need only this). A round over every
    unit reads them without decoding anyone's snapshot; a round over some units reads the snapshots' units."""
    out: list[tuple[str, str | None]] = []
    for agency_id in r.agencies if r.cross_agency else (r.agency_id,):
        if not r.scope_units:
            out += await store.pool_people(uow, agency_id)
            continue
        for doc in await store.candidate_docs(uow, agency_id):
            if r.in_scope(qualified(agency_id, doc["unit_id"]) if r.cross_agency else doc["unit_id"]):
                out.append((doc["nip"], doc.get("follow_up")))
    return out


def home_agency(r: Round, post_id: str) -> str:
    """The agency of a post of the round (in a province round, the `<agency>:` of its qualified id)."""
    return post_id.split(SEP, 1)[0] if r.cross_agency and SEP in post_id else r.agency_id


async def load_people(
    store: Store, uow: UnitOfWork, r: Round, moves: Iterable[tuple[str, str, str]]
) -> tuple[PoolView, dict[AgencyNip, dict[str, Any]]]:
    """Only what decisions need of the pool: the people of `moves` (NIP, from post, to post), read by key, and the
    posts of their agencies and of the posts they move to, ids qualified as `load_pool` does; with the people's
    pool snapshots as read, by (agency, NIP). Not the whole pool: a province round decides ~5% of 100,000 people."""
    moves = list(moves)
    keys = [(home_agency(r, from_post), nip) for nip, from_post, _ in moves]
    docs = await store.candidates_by_key(uow, keys)
    candidates = [store.candidate_from_doc(doc) for doc in docs.values()]
    agencies = sorted({a for a, _ in keys} | {home_agency(r, to_post) for _, _, to_post in moves})
    posts: list[Post] = []
    for agency_id in agencies:
        posts += await store.load_posts(uow, agency_id)
    if r.cross_agency:
        candidates = [_qualify_candidate(c) for c in candidates]
        posts = [_qualify_post(p) for p in posts]
    return PoolView.of(candidates, posts), docs
