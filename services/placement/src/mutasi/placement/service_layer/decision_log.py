"""Appending to and verifying the agency's decision log, inside the unit of work of the change it records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mutasi.chassis.http import Caller
from mutasi.chassis.store import UnitOfWork
from mutasi.placement.domain.decision_log import check_decisions, new_entry, verify
from mutasi.placement.domain.errors import NotFound
from mutasi.placement.domain.rounds import Decision, Objection, Plan, Round
from mutasi.placement.service_layer.deps import Deps
from mutasi.placement.service_layer.ports import Store

LOG_ROWS = 2_500  # assignments or decisions per log entry: a province round's 117,000 stay far below 16 MB each


def who(caller: Caller) -> str:
    return f"{caller.user or '?'}:{caller.role or '?'}"


def plan_content(plan: Plan) -> dict[str, Any]:
    """A plan as logged: its rules and every assignment (NIP, from, to, score)."""
    rows = sorted([e.nip, e.from_post, e.to_post, round(e.score, 4)] for e in plan.entries.values())
    return {"plan_id": plan.plan_id, "rules": dict(plan.rules), "entries": rows}


def chunks(content: dict[str, Any], rows_key: str) -> list[dict[str, Any]]:
    """`content` as one entry per LOG_ROWS of its `rows_key` rows, each keeping the other fields (and `part`:
    "k/n" when there is more than one), so no log entry grows with the number of people."""
    rows = content[rows_key]
    n = max(1, -(-len(rows) // LOG_ROWS))
    if n == 1:
        return [content]
    return [{**content, rows_key: rows[k * LOG_ROWS : (k + 1) * LOG_ROWS], "part": f"{k + 1}/{n}"} for k in range(n)]


def decisions_content(decisions: list[Decision]) -> dict[str, Any]:
    rows = [{"decision_id": d.decision_id, "nip": d.nip, "from_post": d.from_post, "to_post": d.to_post,
             "effective_date": d.effective_date.isoformat(), "supersedes": d.supersedes, "cancelled": d.cancelled,
             "override_reason": d.override_reason} for d in decisions]  # fmt: skip
    return {"decisions": rows}


def objection_content(o: Objection, outcome: str, note: str) -> dict[str, Any]:
    return {"objection_id": o.objection_id, "nip": o.nip, "decision_id": o.decision_id, "outcome": outcome,
            "note": note}  # fmt: skip


async def append(
    store: Store, uow: UnitOfWork, agency_id: str, kind: str, round_id: str, actor: str, at: datetime, content: Any
) -> dict[str, Any]:
    """Chain one entry onto the agency's log; commits or rolls back with the change it records."""
    head = await store.log_head(uow, agency_id)
    entry = new_entry(head, kind, at.isoformat(), actor, round_id, content)
    await store.append_log(uow, agency_id, entry)
    return entry


async def record(deps: Deps, uow: UnitOfWork, r: Round, caller: Caller, kind: str, content: Any) -> dict[str, Any]:
    """`append` for a change to round `r` made by `caller` now: the agency, round, actor and time every use case
    logs the same way."""
    return await append(deps.store, uow, r.agency_id, kind, r.round_id, who(caller), deps.clock(), content)


async def record_plan(deps: Deps, uow: UnitOfWork, r: Round, caller: Caller, plan: Plan) -> None:
    for content in chunks(plan_content(plan), "entries"):
        await record(deps, uow, r, caller, "plan", content)


async def record_decisions(
    deps: Deps, uow: UnitOfWork, r: Round, caller: Caller, kind: str, decisions: list[Decision]
) -> None:
    for content in chunks(decisions_content(decisions), "decisions"):
        await record(deps, uow, r, caller, kind, content)


async def verify_log(deps: Deps, agency_id: str) -> dict[str, Any]:
    """Recompute the agency's chain, then hold the stored decisions against it; the verdict names the first
    altered, deleted or inserted entry (or decision)."""
    async with deps.uow() as uow:
        found = await deps.store.log_entries(uow, agency_id)
        head = await deps.store.log_head(uow, agency_id)
        chain = verify(found, head)
        if not chain.ok:
            return {"agency_id": agency_id, **chain.as_dict()}
        logged = [(int(e["seq"]), row) for e in found for row in e["content"].get("decisions", [])
                  if e["kind"] in ("decision", "objection_outcome")]  # fmt: skip
        current: dict[str, dict[str, Any]] = {}
        for round_id in sorted({str(e["round_id"]) for e in found if e["kind"] == "decision"}):
            try:
                r = await deps.store.get_round_part(uow, agency_id, round_id, None)
            except NotFound:  # the whole round was removed: its logged decisions show up as deleted
                continue
            after: str | None = None
            while True:
                page = await deps.store.decisions_page(uow, r, LOG_ROWS, after)
                current.update({row["decision_id"]: row for row in decisions_content(page.items)["decisions"]})
                if (after := page.next) is None:
                    break
    verdict = check_decisions(logged, current, chain.checked)
    return {"agency_id": agency_id, **verdict.as_dict()}


async def entries(deps: Deps, agency_id: str, round_id: str | None, limit: int) -> list[dict[str, Any]]:
    async with deps.uow() as uow:
        return await deps.store.log_entries(uow, agency_id, round_id, limit)
