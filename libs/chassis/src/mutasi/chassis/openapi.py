"""The OpenAPI document tells the truth about errors: every 4xx is `{"message", "errors": [{"field", "reason"}]}`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from mutasi.chassis.http import ErrorBody

STATUS_TEXT = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Not allowed for this caller",
    404: "Not found",
    409: "Conflicts with the current state (or an idempotency key reused with another body)",
    413: "Upload too large",
    422: "Invalid input: each field and why",
}


def raw_upload(*media_types: str) -> dict[str, Any]:
    """`openapi_extra` of a route that takes a file as the raw request body, in any of `media_types`.

    The body is documented as binary: with no schema at all a client generator (and schemathesis) takes it for any
    JSON value whatsoever, and building examples of that for two media types took schemathesis minutes."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"requestBody": {"required": True, "content": dict.fromkeys(media_types, binary)}}


def install(app: FastAPI, statuses: Iterable[int]) -> None:
    """Replace FastAPI's `{"detail"}` 422 with the real error body and document the mapped error statuses."""
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
                for status in wanted:
                    responses[str(status)] = _error_response(status)
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _error_response(status: int) -> dict[str, Any]:
    return {
        "description": STATUS_TEXT.get(status, "Error"),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }
