"""Kafka subscribers: keep the candidate pool from assessments; flag people from evaluation's follow-ups."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mutasi.chassis.store import UnitOfWork
from mutasi.contracts.envelope import CloudEvent
from mutasi.placement.service_layer.candidates import flag_follow_up, keep_assessment, keep_assessments


class Subscribers:
    """One method per consumed topic, registered in `create_app` with `kit.consume`."""

    async def on_assessment_completed(self, event: CloudEvent[Any], uow: UnitOfWork) -> None:
        await keep_assessment(uow, event.agencyid, event.data)

    async def on_assessment_completed_batch(self, events: Sequence[CloudEvent[Any]], uow: UnitOfWork) -> None:
        """The pool update for a whole batch: loaded once, written with one bulk upsert."""
        await keep_assessments(uow, [(e.agencyid, e.data) for e in events])

    async def on_follow_up_recommended(self, event: CloudEvent[Any], uow: UnitOfWork) -> None:
        await flag_follow_up(uow, event.agencyid, event.data)
