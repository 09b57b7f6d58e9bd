"""Kafka subscribers: turn each event into a command and hand it to the service layer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mutasi.chassis.consumer import EventRejected, per_event
from mutasi.chassis.store import UnitOfWork
from mutasi.contracts.assessment import AssessmentCompletedV2
from mutasi.contracts.envelope import CloudEvent
from mutasi.contracts.evaluation import FollowUpRecommendedV1
from mutasi.contracts.placement import MutationDecidedV1
from mutasi.training.domain.errors import InvalidInput
from mutasi.training.domain.mentor import Colleague, post_rank
from mutasi.training.domain.plan import Move
from mutasi.training.entrypoints.metrics import TrainingMetrics
from mutasi.training.service_layer import commands
from mutasi.training.service_layer.services import TrainingService

TRAINING_REASONS = frozenset({"more_training"})


def move_from(event: CloudEvent[MutationDecidedV1]) -> commands.PlanMove:
    d = event.data
    move = Move(
        decision_id=d.decision_id,
        agency_id=event.agencyid,
        nip=d.nip,
        name=d.name,
        target_post_id=d.to_post.post_id,
        target_post_name=d.to_post.post_name,
        target_unit_id=d.to_post.unit_id,
        effective_date=d.effective_date,
        decided_at=event.time,
        levels=d.competencies,
        standard=d.target_standard,
        post_rank=post_rank(d.to_post.post_type),
        from_agency_id=d.from_agency_id if d.from_agency_id != event.agencyid else None,
    )
    return commands.PlanMove(move, cancelled=d.cancelled, supersedes=d.supersedes)


class Subscribers:
    """One handler per consumed topic; a payload the domain rejects goes to the DLQ with the reason."""

    def __init__(self, service: TrainingService, metrics: TrainingMetrics) -> None:
        self.service = service
        self.metrics = metrics
        self._each_decision = per_event(self.on_mutation_decided)  # each event in its own flow and trace span

    async def on_mutation_decided_batch(self, events: Sequence[CloudEvent[Any]], uow: UnitOfWork) -> None:
        """A batch of decisions: read once, planned one by one in delivery order (first decided, first seated,
        mentor loads kept current), written once. The same plans as handling the events one at a time."""
        moves = []
        for event in events:
            try:
                moves.append((event.agencyid, move_from(event)))
            except InvalidInput as exc:
                raise EventRejected(str(exc), event=event) from exc
        await self.service.prepare_moves(uow, moves)
        await self._each_decision(events, uow)
        await self.service.finish_moves(uow)

    on_mutation_decided_batch.traces_each_event = True  # type: ignore[attr-defined]  # a span per event, by per_event

    async def on_mutation_decided(self, event: CloudEvent[Any], uow: UnitOfWork) -> None:
        try:
            result = await self.service.plan_move(uow, event.agencyid, move_from(event))
        except InvalidInput as exc:
            raise EventRejected(str(exc)) from exc
        self.metrics.observe(result)

    async def on_follow_up_recommended(self, event: CloudEvent[Any], uow: UnitOfWork) -> None:
        d: FollowUpRecommendedV1 = event.data
        if d.reason not in TRAINING_REASONS:
            return
        command = commands.PlanFollowUp(d.follow_up_id, d.nip, d.competencies)
        self.metrics.observe(await self.service.plan_follow_up(uow, event.agencyid, command))

    async def on_assessment_completed(self, event: CloudEvent[Any], uow: UnitOfWork) -> None:
        await self.service.remember_colleague(uow, event.agencyid, _remember(event))

    async def on_assessment_completed_batch(self, events: Sequence[CloudEvent[Any]], uow: UnitOfWork) -> None:
        """Possible mentors of a whole batch: one `$in` read and one bulk upsert."""
        await self.service.remember_colleagues(uow, [(e.agencyid, _remember(e)) for e in events])


def _remember(event: CloudEvent[Any]) -> commands.RememberColleague:
    d: AssessmentCompletedV2 = event.data
    post = d.current_post
    colleague = Colleague(d.nip, d.name, post.unit_id, post.post_id, d.competencies, None, post_rank(post.post_type))
    return commands.RememberColleague(colleague, event.time)
