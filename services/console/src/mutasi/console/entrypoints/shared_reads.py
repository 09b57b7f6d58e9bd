"""Reads several pages share: post names for plan rows, and the decision log with its verification."""

from __future__ import annotations

from typing import Any

from mutasi.console.adapters.services import Identity, ServiceError
from mutasi.console.entrypoints.web import Web


async def post_names(web: Web, who: Identity) -> dict[str, str]:
    """Post id -> `name (unit)` for showing plan rows."""
    posts = await web.services.get(who, "placement", "/v1/posts", role=who.roles[0] if who.roles else None)
    return {p["post_id"]: f"{p.get('name', p['post_id'])} ({p.get('unit_name', p.get('unit_id', ''))})" for p in posts}


async def decision_log(web: Web, who: Identity, round_id: str) -> dict[str, Any] | None:
    """The hash-chained decision log of the round and whether the chain verifies, where the placement service
    offers it to this person (auditors and HR); None when it does not."""
    try:
        verdict: dict[str, Any] = await web.services.get(who, "placement", "/v1/audit/verify")
        log = await web.services.get(who, "placement", "/v1/audit/decision-log", params={"round_id": round_id})
    except ServiceError as exc:
        if exc.status in (401, 403, 404, 405):
            return None
        raise
    return {"verdict": verdict, "entries": log.get("entries", []) if isinstance(log, dict) else []}
