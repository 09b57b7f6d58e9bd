"""Kafka subscribers: turn incoming contracts into use-case calls (the chassis does inbox, commit and ack)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from mutasi.assessment.service_layer.deps import Deps
from mutasi.assessment.service_layer.follow_ups import request_reassessment
from mutasi.chassis.store import UnitOfWork
from mutasi.contracts.envelope import CloudEvent

Handler = Callable[[CloudEvent[Any], UnitOfWork], Awaitable[None]]


def on_follow_up_recommended(deps: Deps) -> Handler:
    """`follow-up-recommended` → the person is marked for re-assessment and listed in the worklist."""

    async def handle(event: CloudEvent[Any], uow: UnitOfWork) -> None:
        await request_reassessment(uow, event.agencyid, event.data.model_dump(mode="json"), deps.today())

    return handle
