"""Follow an import job to its end in component tests, and read it as the synchronous answer it replaced."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tests.support.service import RunningService

STATUS = {"stored": 201, "partial": 200, "rejected": 422}


@dataclass
class Finished:
    """A finished import job: `status_code` is what the import achieved (201 stored, 200 partial, 422 nothing)."""

    view: dict[str, Any]

    @property
    def status_code(self) -> int:
        return STATUS.get(self.view.get("outcome") or "", 422)

    def json(self) -> dict[str, Any]:
        return self.view


async def finished(svc: RunningService, response: httpx.Response) -> Finished | httpx.Response:
    """The job's final view for a 202; any other answer (a 4xx refusal at the door) unchanged."""
    if response.status_code != 202:
        return response
    await svc.kit.jobs.wait_all()
    # the same caller asks for its job: the token the import was sent with
    same_caller = {"Authorization": response.request.headers["Authorization"]}
    view = (await svc.http.get(response.headers["Location"], headers=same_caller)).json()
    assert view["state"] in ("succeeded", "failed"), view
    return Finished(view)
