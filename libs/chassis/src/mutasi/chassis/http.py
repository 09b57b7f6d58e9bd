"""HTTP plumbing: who is calling (agency, user, role, own NIP) and errors that name the field and reason."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from mutasi.chassis.spreadsheets import SpreadsheetRejected

AGENCY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


class ErrorItem(BaseModel):
    """One problem with a request: which field, and why (Indonesian / English)."""

    field: str | None = Field(description="The field, header or path parameter at fault; null for the whole request.")
    reason: str = Field(description="Why, in Indonesian and English.")


class ErrorBody(BaseModel):
    """The body of every 4xx answer."""

    message: str = Field(description="Summary in Indonesian and English.")
    errors: list[ErrorItem] = Field(description="Each problem, by field.")


def not_found(field: str, reason: str) -> HTTPException:
    return HTTPException(404, _error(field, reason))


@dataclass(frozen=True)
class Caller:
    """The identity a gateway puts in headers; every query is scoped by `agency_id`."""

    agency_id: str
    user: str | None
    role: str | None
    nip: str | None


def caller(
    x_agency_id: Annotated[str | None, Header(description="Agency (pemda) id, e.g. sawahlunto.")] = None,
    x_user: Annotated[str | None, Header(description="Acting user id.")] = None,
    x_role: Annotated[str | None, Header(description="Role: hr | approver | employee | reviewer.")] = None,
    x_nip: Annotated[str | None, Header(description="The caller's own NIP (self-service reads).")] = None,
) -> Caller:
    if not x_agency_id:
        raise HTTPException(422, _error("header.X-Agency-Id", "wajib diisi / is required"))
    if not AGENCY_ID.match(x_agency_id):
        raise HTTPException(
            422,
            _error("header.X-Agency-Id", "hanya huruf kecil, angka, '-' / lowercase letters, digits, '-'"),
        )
    return Caller(agency_id=x_agency_id, user=x_user, role=x_role, nip=x_nip)


CallerDep = Annotated[Caller, Depends(caller)]


def require_role(who: Caller, *roles: str) -> None:
    if who.role not in roles:
        raise HTTPException(403, _error("header.X-Role", f"perlu peran / requires role: {', '.join(roles)}"))


def _error(field: str | None, reason: str) -> dict[str, Any]:
    return {"message": reason, "errors": [{"field": field, "reason": reason}]}


def error_body(exc: Exception) -> dict[str, Any]:
    """`{"message", "errors": [{"field", "reason"}]}` from an exception with `errors` or `field`."""
    errors = getattr(exc, "errors", None)
    if isinstance(errors, list) and errors:
        items = [e if isinstance(e, dict) else {"field": getattr(e, "field", None), "reason": str(e)} for e in errors]
        return {"message": str(exc), "errors": items}
    return _error(getattr(exc, "field", None), str(exc))


def install_error_handlers(app: FastAPI, mapped: dict[type[Exception], int]) -> None:
    async def validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        items = [{"field": ".".join(str(p) for p in e["loc"]), "reason": e["msg"]} for e in exc.errors()]
        summary = "; ".join(f"{i['field']}: {i['reason']}" for i in items)
        return JSONResponse({"message": f"Permintaan tidak valid / invalid request: {summary}", "errors": items}, 422)

    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        body = exc.detail if isinstance(exc.detail, dict) else _error(None, str(exc.detail))
        return JSONResponse(body, exc.status_code, headers=getattr(exc, "headers", None))

    async def spreadsheet_error(_: Request, exc: SpreadsheetRejected) -> JSONResponse:
        return JSONResponse(error_body(exc), exc.status)

    app.add_exception_handler(SpreadsheetRejected, spreadsheet_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, http_error)  # type: ignore[arg-type]
    for exc_type, status in mapped.items():

        async def mapped_error(_: Request, exc: Exception, status: int = status) -> JSONResponse:
            return JSONResponse(error_body(exc), status)

        app.add_exception_handler(exc_type, mapped_error)
