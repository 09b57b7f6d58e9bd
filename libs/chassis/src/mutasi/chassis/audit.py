"""The audit trail every service keeps: who read or changed whose record, through which route, with what result.

One append-only record per `/v1` request (reads included, refused attempts included), written by a middleware the
kit installs, and read back by auditors at `GET /v1/audit/trail`. The service never updates or deletes a record;
in production its database user should hold only `insert` and `find` on the collection (see the README)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse

from mutasi.chassis.auth import Caller, Identity
from mutasi.chassis.context import correlation_id
from mutasi.chassis.http import CallerDep

if TYPE_CHECKING:
    from mutasi.chassis.store import Database

log = logging.getLogger("mutasi.audit")
AUDIT_TRAIL = "audit_trail"
INDEXES: list[tuple[str, list[tuple[str, int]], bool]] = [
    (AUDIT_TRAIL, [("agency_id", 1), ("at", 1)], False),
    (AUDIT_TRAIL, [("agency_id", 1), ("subject_nip", 1), ("at", 1)], False),
    (AUDIT_TRAIL, [("agency_id", 1), ("actor", 1), ("at", 1)], False),
]
READS = frozenset({"GET", "HEAD"})


def subject_of(request: Request, caller: Caller | None) -> str | None:
    """Whose record a request touches: the route's `{nip}`, a `nip` query parameter, or the caller's own on `/me`."""
    nip = request.path_params.get("nip") or request.query_params.get("nip")
    if not nip and "/me" in str(getattr(request.scope.get("route"), "path", "")).split("/v1", 1)[-1][:4]:
        nip = caller.nip if caller else None
    return str(nip) if nip else None


def record_for(
    service: str, request: Request, caller: Caller | None, status: int, identity: Identity | None = None
) -> dict[str, Any]:
    """One record; a refused request has no Caller (no grant), so its actor comes from the token, if any."""
    route = request.scope.get("route")
    subject = subject_of(request, caller)
    agency = caller.agency_id if caller else request.headers.get("x-agency-id") or (identity and identity.agency)
    return {
        "service": service,
        "at": datetime.now(UTC),
        "agency_id": agency,
        "actor": caller.user if caller else identity.user if identity else None,
        "role": caller.role if caller else None,
        "actor_nip": caller.nip if caller else identity.nip if identity else None,
        "action": "read" if request.method in READS else "change",
        "method": request.method,
        "route": getattr(route, "path", request.url.path),
        "path": request.url.path,
        "subject_nip": subject,
        "own_record": bool(caller and caller.nip and caller.nip == subject),
        "status": status,
        "correlation_id": correlation_id(),
    }


class AuditTrail:
    """Writes one record per `/v1` request and serves them to auditors."""

    def __init__(self, service: str, database: Callable[[], Database]) -> None:
        self.service = service
        self._database = database

    async def middleware(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        if not request.url.path.startswith("/v1/"):
            return response
        caller = getattr(request.state, "caller", None)
        identity = getattr(request.state, "identity", None)
        try:
            await (
                self._database()
                .raw(AUDIT_TRAIL)
                .insert_one(record_for(self.service, request, caller, response.status_code, identity))
            )
        except Exception:
            log.exception("audit record not written", extra={"path": request.url.path})
            if request.method in READS and response.status_code < 400:  # no unaudited read goes out
                reason = "Jejak audit tidak dapat dicatat / audit trail unavailable"
                return JSONResponse({"message": reason, "errors": [{"field": None, "reason": reason}]}, 503)
        return response

    def router(self) -> APIRouter:
        router = APIRouter(prefix="/v1/audit", tags=["audit"])

        @router.get("/trail", summary="Who read or changed whose record in this service (auditor)")
        async def trail(
            caller: CallerDep,
            nip: Annotated[str | None, Query(description="Only requests about this person's record.")] = None,
            actor: Annotated[str | None, Query(description="Only requests by this user.")] = None,
            action: Annotated[str | None, Query(pattern="^(read|change)$", description="read | change")] = None,
            since: Annotated[datetime | None, Query(description="From this time (ISO 8601).")] = None,
            until: Annotated[datetime | None, Query(description="Before this time (ISO 8601).")] = None,
            limit: Annotated[int, Query(ge=1, le=10_000, description="At most this many, newest first.")] = 500,
        ) -> dict[str, Any]:
            query: dict[str, Any] = {"agency_id": caller.agency_id}
            for field, value in (("subject_nip", nip), ("actor", actor), ("action", action)):
                if value is not None:
                    query[field] = value
            window = {op: _utc(v) for op, v in (("$gte", since), ("$lt", until)) if v is not None}
            if window:
                query["at"] = window
            found = await self._database().raw(AUDIT_TRAIL).find(query, sort=[("at", -1)], limit=limit)
            return {"count": len(found), "records": found}

        return router


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise HTTPException(422, {"message": "Zona waktu wajib / time zone required",
                                  "errors": [{"field": "query.since", "reason": "time zone required"}]})  # fmt: skip
    return value.astimezone(UTC)
