"""HTTP plumbing: the authorized caller of a route (token + policy table) and errors that name the field and reason."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from mutasi.chassis.auth import Caller, Identity
from mutasi.chassis.policy import Rule, Scope, decide, rule_for
from mutasi.chassis.spreadsheets import SpreadsheetRejected

__all__ = ["Caller", "CallerDep", "authorize", "error_body", "install_error_handlers", "require_own_nip"]

BEARER_SCHEME = "bearerAuth"  # the OpenAPI security scheme every /v1 route requires (mutasi.chassis.openapi)
BEARER_DESCRIPTION = (
    "OIDC access token (JWT) from the identity provider, verified by the service itself (docs/identity.md)."
)
_bearer = HTTPBearer(auto_error=False, scheme_name=BEARER_SCHEME, bearerFormat="JWT", description=BEARER_DESCRIPTION)


class ErrorItem(BaseModel):
    """One problem with a request: which field, and why (Indonesian / English)."""

    field: str | None = Field(description="The field, header or path parameter at fault; null for the whole request.")
    reason: str = Field(description="Why, in Indonesian and English.")


class ErrorBody(BaseModel):
    """The body of every 4xx answer."""

    message: str = Field(description="Summary in Indonesian and English.")
    errors: list[ErrorItem] = Field(description="Each problem, by field.")


class Answer(BaseModel):
    """Base of every success body a route declares: the documented fields are checked on the way out; a field
    added later passes through (`additionalProperties`), so a client reads what is documented and tolerates more.
    A route whose model has optional fields sets `response_model_exclude_unset=True`, so a field the handler left
    out stays out instead of turning into `null`."""

    model_config = ConfigDict(extra="allow")


def not_found(field: str, reason: str) -> HTTPException:
    return HTTPException(404, _error(field, reason))


async def authorize(
    request: Request,
    _token: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    x_agency_id: Annotated[
        str | None,
        Header(
            description="Only for a province-level user: which of the agencies its token names this request acts "
            "for. Never identity: it is checked against the token."
        ),
    ] = None,
) -> Caller:
    """The caller, from the verified token, if the policy table lets it call this route; else 403.

    Authentication (the token) happened in the app's middleware; this is the authorization step, attached
    to every /v1 route by ServiceKit.build_app (deny by default: a route without a rule is refused)."""
    identity: Identity | None = getattr(request.state, "identity", None)
    if identity is None:
        raise unauthenticated("token wajib / a bearer token is required")
    kit = request.app.state.kit
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    rule = rule_for(kit.service, request.method, path, kit.policy)
    if rule is None:
        raise HTTPException(403, _error(None, "rute tanpa kebijakan akses ditolak / route has no access policy"))
    nip_param = request.path_params.get("nip") if "{nip}" in path else None
    grant = decide(
        rule,
        roles=identity.roles,
        home_agency=identity.agency,
        agencies=identity.agencies,
        own_nip=identity.nip,
        wanted_agency=x_agency_id or None,
        path_nip=nip_param,
        has_path_nip="{nip}" in path,
    )
    if grant is None:
        raise HTTPException(403, _error(_denied_field(rule, identity, x_agency_id), _denied_reason(rule)))
    who = Caller(
        agency_id=grant.agency_id,
        user=identity.user,
        role=grant.role,
        nip=identity.nip,
        roles=identity.roles,
        agencies=identity.may_act_for(),
        username=identity.username,
        scope=grant.scope,
    )
    request.state.caller = who  # the audit trail records who asked
    return who


CallerDep = Annotated[Caller, Depends(authorize)]


def require_own_nip(who: Caller, nip: str) -> None:
    """For a caller granted only its own record (scope own_nip): refuse another person's NIP (403)."""
    if who.scope == Scope.OWN_NIP and who.nip != nip:
        raise HTTPException(
            403, _error("nip", "Anda hanya dapat mengakses data Anda sendiri / you may only access your own record")
        )


def unauthenticated(reason: str) -> HTTPException:
    return HTTPException(401, _error("header.Authorization", reason), headers={"WWW-Authenticate": "Bearer"})


def _denied_field(rule: Rule, identity: Identity, wanted: str | None) -> str:
    if not identity.roles & set(rule):
        return "token.roles"
    if identity.agency is None and not wanted:
        return "token.agency"
    if wanted and wanted not in identity.may_act_for():
        return "header.X-Agency-Id"
    if any(scope is Scope.OWN_NIP for role, scope in rule.items() if role in identity.roles):
        return "path.nip"
    return "token"


def _denied_reason(rule: Rule) -> str:
    roles = ", ".join(f"{role} ({scope.value})" for role, scope in rule.items())
    return f"tidak diizinkan / not allowed; peran yang boleh / roles allowed: {roles}"


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
