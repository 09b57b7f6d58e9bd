"""Kafka subscribers: each turns a contract into a command and hands it to the service layer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mutasi.chassis.store import UnitOfWork
from mutasi.contracts.envelope import CloudEvent
from mutasi.contracts.placement import MutationDecidedV1
from mutasi.contracts.training import TrainingAssignedV1, TrainingCompletedV1
from mutasi.evaluation.domain.fairness import sex_of
from mutasi.evaluation.domain.performance import parse_predicate
from mutasi.evaluation.domain.schedule import Baseline, MoveDecided, PeriodPredicate, ScheduleChange
from mutasi.evaluation.service_layer.services import (
    AssignedItem,
    EvaluationService,
    TrainingAssigned,
    TrainingCompleted,
)


def move_decided(event: CloudEvent[Any]) -> MoveDecided:
    """The decision as evaluation keeps it; predicates it cannot read are left out of the baseline."""
    d: MutationDecidedV1 = event.data
    predicates = tuple(
        PeriodPredicate(str(p.year), pr) for p in d.predicates_before if (pr := parse_predicate(p.predicate))
    )
    gaps = {
        c: need - d.competencies.get(c, 0) for c, need in d.target_standard.items() if need > d.competencies.get(c, 0)
    }
    return MoveDecided(
        decision_id=d.decision_id,
        agency_id=event.agencyid,
        round_id=d.round_id,
        nip=d.nip,
        effective_date=d.effective_date,
        from_unit_id=d.from_post.unit_id,
        to_unit_id=d.to_post.unit_id,
        to_post_id=d.to_post.post_id,
        post_type=d.to_post.post_type,
        baseline=Baseline(
            predicates, d.jpm_before, d.fit_score, dict(d.score_parts), dict(d.score_weights), gaps, d.jpm_target
        ),
        to_unit_name=d.to_post.unit_name,
        to_post_name=d.to_post.post_name,
        cancelled=d.cancelled,
        supersedes=d.supersedes,
        groups=groups_of(d),
    )


def groups_of(d: MutationDecidedV1) -> dict[str, str]:
    """The person's groups in the outcome breakdown: from the event's profile, sex from the NIP."""
    groups = {"jenis_kelamin": sex_of(d.nip), "jenis_mutasi": d.kind, "unit": d.to_post.unit_name or d.to_post.unit_id}
    if d.profile is not None:
        groups |= {
            "kelompok_usia": d.profile.age_band,
            "golongan": d.profile.golongan,
            "pendidikan": d.profile.education_level,
            "jenis_pegawai": d.profile.employee_type,
        }
    return groups


class Subscribers:
    """Handlers bound to the use cases and metrics."""

    def __init__(self, service: EvaluationService, on_schedule: Callable[[ScheduleChange], None] | None = None) -> None:
        self._service = service
        self._on_schedule = on_schedule

    async def on_mutation_decided_batch(self, events: Sequence[CloudEvent[Any]], uow: UnitOfWork) -> None:
        """Schedules for a whole batch: read with one `$in`, written with one bulk upsert."""
        changes = await self._service.on_moves_decided(uow, [move_decided(e) for e in events])
        if self._on_schedule is not None:
            for change in changes:
                self._on_schedule(change)

    async def on_training_assigned_batch(self, events: Sequence[CloudEvent[Any]], uow: UnitOfWork) -> None:
        """Training records for a whole batch: read with one `$in`, written with one bulk upsert."""
        await self._service.on_trainings_changed(uow, [_assigned(e) for e in events])

    async def on_training_completed_batch(self, events: Sequence[CloudEvent[Any]], uow: UnitOfWork) -> None:
        await self._service.on_trainings_changed(uow, [_completed(e) for e in events])


def _assigned(event: CloudEvent[Any]) -> TrainingAssigned:
    d: TrainingAssignedV1 = event.data
    items = tuple(AssignedItem(f"{d.plan_id}:{i.offering_id}", tuple(i.competencies), i.jp) for i in d.items)
    return TrainingAssigned(event.agencyid, d.nip, items, dict(d.gaps))


def _completed(event: CloudEvent[Any]) -> TrainingCompleted:
    d: TrainingCompletedV1 = event.data
    item_id = f"{d.plan_id}:{d.offering_id}"
    return TrainingCompleted(event.agencyid, d.nip, item_id, d.completed_on, tuple(d.competencies), d.jp)
