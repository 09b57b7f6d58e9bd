"""Helpers several use cases share: idempotent replies, the agency's policy, decision events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mutasi.chassis.store import Doc, UnitOfWork
from mutasi.contracts import topics
from mutasi.placement.domain.eligibility import EligibilityPolicy
from mutasi.placement.domain.options import PoolView
from mutasi.placement.domain.rounds import Decision, Round
from mutasi.placement.service_layer.deps import Deps
from mutasi.placement.service_layer.events import mutation_decided
from mutasi.placement.service_layer.ports import AgencyNip, Store


async def idempotent(uow: UnitOfWork, agency_id: str, key: str | None, fingerprint: Any) -> dict[str, Any] | None:
    """The stored answer to an earlier request with this Idempotency-Key (keys are scoped by agency)."""
    return await uow.idempotent_response(agency_id, key, fingerprint) if key else None


async def remember(uow: UnitOfWork, agency_id: str, key: str | None, fingerprint: Any, answer: Any) -> None:
    if key:
        await uow.remember_response(agency_id, key, fingerprint, answer)


async def policy_of(uow: UnitOfWork, deps: Deps, agency_id: str) -> EligibilityPolicy:
    return await deps.store.load_policy(uow, agency_id, deps.defaults.policy)


async def emit_decisions(
    store: Store,
    uow: UnitOfWork,
    r: Round,
    decisions: list[Decision],
    pool: PoolView,
    kept: Mapping[AgencyNip, Doc] | None = None,
) -> None:
    """One `mutation-decided` per decision; `kept`: the people's pool snapshots by (agency, NIP) when the caller
    has read them already (deciding a province round reads ~4,000 movers' buckets once, not twice)."""
    if kept is None:
        kept = await store.candidates_by_key(uow, [(pool.candidates[d.nip].agency_id, d.nip) for d in decisions])
    for d in decisions:
        c = pool.candidates[d.nip]
        cdoc = kept.get((c.agency_id, d.nip))
        payload = mutation_decided(r, d, c, pool.posts, (cdoc or {}).get("current_post"))
        target = pool.posts.get(d.to_post)
        agency_id = target.agency_id if target is not None and not d.cancelled else c.agency_id  # the receiving one
        uow.emit(topics.MUTATION_DECIDED, payload, agency_id=agency_id, subject=d.nip, program_id=r.round_id)
    # A person's explanation names their decision when it is read (reads.explanation): a decision no longer
    # rewrites the round's explanations, which live many people to a document.
