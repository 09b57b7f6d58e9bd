"""The OpenAPI document tells the truth: every 4xx is `{"message", "errors": [{"field", "reason"}]}`, every status a
route can answer is listed (503 when the database or broker is away, 413 on uploads), files are files,
and a bearer JWT is required everywhere but on the operations plane."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from mutasi.chassis.http import BEARER_DESCRIPTION, BEARER_SCHEME, ErrorBody
from mutasi.chassis.policy import is_public

STATUS_TEXT = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Not allowed for this caller",
    404: "Not found",
    409: "Conflicts with the current state (or an idempotency key reused with another body)",
    413: "Upload too large",
    422: "Invalid input: each field and why",
    503: "Database or broker unreachable: try again after the `Retry-After` seconds",
}
BINARY = {"schema": {"type": "string", "format": "binary"}}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}}


def file_answer(*media_types: str, description: str) -> dict[int | str, dict[str, Any]]:
    """`responses` of a route that answers with a file (a spreadsheet, a picture, a page) instead of JSON; use it
    with `response_class=Response`, so the 200 lists only these media types."""
    return {200: {"description": description, "content": dict.fromkeys(media_types, BINARY)}}


def raw_upload(*media_types: str) -> dict[str, Any]:
    """`openapi_extra` of a route that takes a file as the raw request body, in any of `media_types`.

    The body is documented as binary: with no schema at all a client generator (and schemathesis) takes it for any
    JSON value whatsoever, and building examples of that for two media types took schemathesis minutes."""
    return {"requestBody": {"required": True, "content": dict.fromkeys(media_types, BINARY)}}


def install(app: FastAPI, statuses: Iterable[int], *, bearer_auth: bool = True) -> None:
    """Replace FastAPI's `{"detail"}` 422 with the real error body and document the mapped error statuses.

    With `bearer_auth` the document declares the bearer JWT scheme (`components.securitySchemes`) and requires
    it globally (`security`); the operations plane (health, metrics, schemas, docs) says `security: []`."""
    mapped = sorted({422, *statuses})

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes, tags=app.openapi_tags
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(error_schema.pop("$defs", {}))
        components["ErrorBody"] = error_schema
        for path, operations in schema.get("paths", {}).items():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                wanted = mapped if path.startswith("/v1/") else [s for s in mapped if str(s) in responses]
                if path.startswith("/v1/"):
                    wanted = [*wanted, 503] + ([413] if _takes_a_file(operation) else [])
                for status in wanted:
                    responses[str(status)] = _error_response(status)
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        if bearer_auth:
            _require_bearer(schema)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _takes_a_file(operation: dict[str, Any]) -> bool:
    content = operation.get("requestBody", {}).get("content", {})
    return any(media.get("schema") == BINARY["schema"] for media in content.values())


def _require_bearer(schema: dict[str, Any]) -> None:
    schemes = schema["components"].setdefault("securitySchemes", {})
    schemes[BEARER_SCHEME] = {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": BEARER_DESCRIPTION,
    }
    schema["security"] = [{BEARER_SCHEME: []}]
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            if is_public(path):
                operation["security"] = []  # probes, the scrape and the schemas carry no token
            else:
                operation["security"] = [{BEARER_SCHEME: []}]


def _error_response(status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": STATUS_TEXT.get(status, "Error"),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }
    if status == 503:
        answer["headers"] = RETRY_AFTER
    return answer
