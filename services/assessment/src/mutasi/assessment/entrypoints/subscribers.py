"""Kafka subscribers: turn incoming contracts into use-case calls (the chassis does inbox, commit and ack)."""

from __future__ import annotations

from typing import Any

from mutasi.assessment.service_layer.deps import Deps
from mutasi.assessment.service_layer.follow_ups import request_reassessment
from mutasi.chassis.store import UnitOfWork
from mutasi.contracts.envelope import CloudEvent


class Subscribers:
    """One method per consumed topic, registered in `create_app` with `kit.consume`."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def on_follow_up_recommended(self, event: CloudEvent[Any], uow: UnitOfWork) -> None:
        """`follow-up-recommended` → the person is marked for re-assessment and listed in the worklist."""
        await request_reassessment(
            self.deps.store, uow, event.agencyid, event.data.model_dump(mode="json"), self.deps.today()
        )
