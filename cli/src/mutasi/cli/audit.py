"""`mutasi audit verify`: ask placement to recompute its decision-log chain and print the verdict."""

from __future__ import annotations

from typing import Any

import httpx


async def verify(client: httpx.AsyncClient, agency_id: str, token: str) -> dict[str, Any]:
    """The verdict of `GET /v1/audit/verify` for one agency, asked with an access token of that agency's auditor
    (or HR); raises on an HTTP error."""
    headers = {"Authorization": f"Bearer {token}", "X-Agency-Id": agency_id}
    r = await client.get("/v1/audit/verify", headers=headers)
    r.raise_for_status()
    body: dict[str, Any] = r.json()
    return body


def describe(v: dict[str, Any]) -> str:
    if v["ok"]:
        return f"audit verify {v['agency_id']}: ok, {v['checked']} entries chained, {v['detail']}"
    where = f"entry {v['seq']}" if v.get("seq") is not None else "the stored state"
    return f"audit verify {v['agency_id']}: FAILED at {where}: {v['problem']} — {v['detail']}"
