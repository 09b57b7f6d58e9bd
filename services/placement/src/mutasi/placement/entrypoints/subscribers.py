"""Kafka subscribers: keep the candidate pool from assessments; flag people from evaluation's follow-ups."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mutasi.chassis.consumer import EventRejected
from mutasi.chassis.sealed import Opener, SealError
from mutasi.chassis.store import UnitOfWork
from mutasi.contracts.assessment import AssessmentCompletedV2, EligibilityFlagsV1
from mutasi.contracts.envelope import CloudEvent
from mutasi.placement.service_layer.candidates import flag_follow_up, keep_assessment, keep_assessments
from mutasi.placement.service_layer.ports import Store


class Subscribers:
    """One method per consumed topic, registered in `create_app` with `kit.consume`."""

    def __init__(self, opener: Opener, store: Store) -> None:
        self._opener = opener  # opens the eligibility flags sealed for placement alone
        self._store = store

    def _flags(self, event: CloudEvent[Any]) -> EligibilityFlagsV1:
        """A sealed value that does not open, or that belongs to someone else, is rejected (DLQ): the event is
        named, so a batch dead-letters it alone and keeps the others."""
        a: AssessmentCompletedV2 = event.data
        try:
            flags = self._opener.open(a.sealed_flags, EligibilityFlagsV1)
        except SealError as exc:
            raise EventRejected(f"sealed_flags: {exc}", event=event) from exc
        if (flags.nip, flags.assessment_id) != (a.nip, a.assessment_id):
            raise EventRejected("sealed_flags belong to another person or assessment", event=event)
        return flags

    async def on_assessment_completed(self, event: CloudEvent[Any], uow: UnitOfWork) -> None:
        await keep_assessment(self._store, uow, event.agencyid, event.data, self._flags(event))

    async def on_assessment_completed_batch(self, events: Sequence[CloudEvent[Any]], uow: UnitOfWork) -> None:
        """The pool update for a whole batch: loaded once, written with one bulk upsert."""
        await keep_assessments(self._store, uow, [(e.agencyid, e.data, self._flags(e)) for e in events])

    async def on_follow_up_recommended(self, event: CloudEvent[Any], uow: UnitOfWork) -> None:
        await flag_follow_up(self._store, uow, event.agencyid, event.data)
