"""Use cases: open schedules from decisions, keep training, record evaluations, build the programme report."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TypeVar

from mutasi.chassis.store import UnitOfWork
from mutasi.contracts import topics
from mutasi.contracts.evaluation import EvaluationRecordedV1, FollowUpRecommendedV1
from mutasi.evaluation.domain.errors import FieldError, InvalidInput, NotFound
from mutasi.evaluation.domain.fairness import FairnessSettings
from mutasi.evaluation.domain.followup import FollowUp, RuleContext, recommend_follow_ups
from mutasi.evaluation.domain.performance import outcome
from mutasi.evaluation.domain.recording import Evaluation, RecordEvaluation, register, validate_evaluation
from mutasi.evaluation.domain.report import ProgrammeReport, build_report
from mutasi.evaluation.domain.schedule import (
    EvaluationSchedule,
    MoveDecided,
    ScheduleChange,
    apply_decision,
)
from mutasi.evaluation.domain.survey import AnswerSurvey, SurveyAnswer, answer_survey
from mutasi.evaluation.domain.training import TrainingRecord
from mutasi.evaluation.service_layer.config import EvaluationConfig
from mutasi.evaluation.service_layer.ports import EvaluationPorts, Repository, Source

K = TypeVar("K")


@dataclass(frozen=True)
class AssignedItem:
    item_id: str
    competencies: tuple[str, ...]
    jp: int


@dataclass(frozen=True)
class TrainingAssigned:
    """A training plan assigned to the person: its gaps and items join their training record."""

    agency_id: str
    nip: str
    items: tuple[AssignedItem, ...]
    gaps: Mapping[str, int]

    def apply(self, record: TrainingRecord) -> TrainingRecord:
        record = record.with_gaps(dict(self.gaps))
        for item in self.items:
            record = record.assign(item.item_id, item.competencies, item.jp)
        return record


@dataclass(frozen=True)
class TrainingCompleted:
    """An item of the person's plan completed."""

    agency_id: str
    nip: str
    item_id: str
    completed_on: date
    competencies: tuple[str, ...]
    jp: int

    def apply(self, record: TrainingRecord) -> TrainingRecord:
        return record.complete(self.item_id, self.completed_on, self.competencies, self.jp)


TrainingChange = TrainingAssigned | TrainingCompleted


def _grouped(pairs: Iterable[tuple[str, K]]) -> dict[str, list[K]]:
    out: dict[str, list[K]] = {}
    for agency_id, key in pairs:
        out.setdefault(agency_id, []).append(key)
    return out


@dataclass(frozen=True)
class Recorded:
    evaluation: Evaluation
    schedule: EvaluationSchedule
    follow_ups: list[FollowUp] = field(default_factory=list)
    created: bool = True


async def _schedule_for(repo: Repository, nip: str, round_id: str | None) -> EvaluationSchedule:
    if round_id:
        found = await repo.schedule(round_id, nip)
    else:
        active = [s for s in await repo.schedules_of(nip) if not s.cancelled]
        if len(active) > 1:
            raise InvalidInput(
                [FieldError("round_id", "wajib: ada lebih dari satu jadwal", "required: several rounds")]
            )
        found = active[0] if active else None
    if found is None:
        raise NotFound("nip", f"tidak ada jadwal evaluasi untuk {nip}", f"no evaluation schedule for {nip}")
    return found


class EvaluationService:
    """The use cases, bound to the rule configuration and the injected adapters."""

    def __init__(self, config: EvaluationConfig, ports: EvaluationPorts) -> None:
        self.config = config
        self.ports = ports

    async def on_move_decided(self, uow: UnitOfWork, decision: MoveDecided) -> ScheduleChange:
        """Opens the schedule and baseline, or updates it for a superseding decision."""
        repo = self.ports.repository(uow, decision.agency_id)
        current = await repo.schedule(decision.round_id, decision.nip)
        schedule, change = apply_decision(current, decision, self.config.policy)
        if change is not ScheduleChange.UNCHANGED:
            await repo.save_schedule(schedule)
        return change

    async def on_moves_decided(self, uow: UnitOfWork, decisions: Sequence[MoveDecided]) -> list[ScheduleChange]:
        """`on_move_decided` for a batch, in delivery order, with the same outcome as one by one: the schedules are
        read with one `$in` per agency and round and the changed ones written with one bulk upsert."""
        repos: dict[str, Repository] = {}
        current: dict[tuple[str, str, str], EvaluationSchedule] = {}
        for agency_id, keys in _grouped((d.agency_id, (d.round_id, d.nip)) for d in decisions).items():
            repos[agency_id] = self.ports.repository(uow, agency_id)
            found = await repos[agency_id].schedules_by_key(keys)
            current.update({(agency_id, *key): s for key, s in found.items()})
        changes, changed = [], {}
        for d in decisions:
            key = (d.agency_id, d.round_id, d.nip)
            schedule, change = apply_decision(current.get(key), d, self.config.policy)
            if change is not ScheduleChange.UNCHANGED:
                current[key] = changed[key] = schedule
            changes.append(change)
        for agency_id, repo in repos.items():
            await repo.save_schedules([s for key, s in changed.items() if key[0] == agency_id])
        return changes

    async def on_trainings_changed(self, uow: UnitOfWork, changes: Sequence[TrainingChange]) -> None:
        """Training plans assigned or items completed, for a batch in delivery order: each person's record is read
        once (one `$in` per agency), changed in memory by every event in turn, and written with one bulk upsert."""
        repos: dict[str, Repository] = {}
        records: dict[tuple[str, str], TrainingRecord] = {}
        for agency_id, nips in _grouped((c.agency_id, c.nip) for c in changes).items():
            repos[agency_id] = self.ports.repository(uow, agency_id)
            found = await repos[agency_id].trainings(nips)
            records.update({(agency_id, nip): r for nip, r in found.items()})
        for c in changes:
            records[(c.agency_id, c.nip)] = c.apply(records[(c.agency_id, c.nip)])
        for agency_id, repo in repos.items():
            await repo.save_trainings([r for (agency, _), r in records.items() if agency == agency_id])

    async def on_training_assigned(
        self, uow: UnitOfWork, agency_id: str, nip: str, items: list[AssignedItem], gaps: dict[str, int]
    ) -> None:
        repo = self.ports.repository(uow, agency_id)
        await repo.save_training(TrainingAssigned(agency_id, nip, tuple(items), gaps).apply(await repo.training(nip)))

    async def on_training_completed(
        self,
        uow: UnitOfWork,
        agency_id: str,
        nip: str,
        item_id: str,
        completed_on: date,
        competencies: tuple[str, ...],
        jp: int,
    ) -> None:
        repo = self.ports.repository(uow, agency_id)
        change = TrainingCompleted(agency_id, nip, item_id, completed_on, competencies, jp)
        await repo.save_training(change.apply(await repo.training(nip)))

    async def record_evaluation(
        self, uow: UnitOfWork, agency_id: str, round_id: str | None, cmd: RecordEvaluation
    ) -> Recorded:
        """Validates, stores, applies the follow-up rules and queues both events; an identical resend is a no-op."""
        repo = self.ports.repository(uow, agency_id)
        schedule = await _schedule_for(repo, cmd.nip, round_id)
        if cmd.survey_answers is None and not cmd.survey_free_text:  # the employee may have answered it already
            own = await repo.survey(schedule.decision_id, cmd.checkpoint_months)
            if own is not None:
                cmd = replace(cmd, survey_answers=own.survey.answers, survey_free_text=own.survey.free_text)
        evaluation = validate_evaluation(cmd, schedule, self.config.policy, agency_id)
        existing = await repo.evaluation(evaluation.evaluation_id)
        updated, created = register(schedule, evaluation, existing)
        if not created and existing is not None:
            return Recorded(existing, schedule, await repo.follow_ups(evaluation_id=existing.evaluation_id), False)
        earlier = [
            e
            for e in await repo.evaluations(schedule.round_id, schedule.nip)
            if e.evaluation_id in schedule.recorded.values() and e.checkpoint_months < evaluation.checkpoint_months
        ]
        training = await repo.training(schedule.nip)
        sent = frozenset(
            f.reason
            for f in await repo.follow_ups(schedule.round_id, nip=schedule.nip)
            if f.decision_id == schedule.decision_id
        )
        follow_ups = recommend_follow_ups(
            RuleContext(evaluation, updated, earlier, training, self.config.rules, self.config.scale, sent)
        )
        await repo.add_evaluation(evaluation)
        await repo.save_schedule(updated)
        await repo.add_follow_ups(follow_ups)
        _emit(uow, evaluation, updated, follow_ups, self.config)
        return Recorded(evaluation, updated, follow_ups, True)

    async def submit_survey(
        self, uow: UnitOfWork, agency_id: str, nip: str, round_id: str, cmd: AnswerSurvey, today: date
    ) -> SurveyAnswer:
        """Stores (or replaces, while the checkpoint is open) the person's own answers; no event: they stay here."""
        repo = self.ports.repository(uow, agency_id)
        schedule = await _schedule_for(repo, nip, round_id)
        answer = answer_survey(cmd, schedule, today, self.config.policy)
        await repo.save_survey(answer)
        return answer

    async def programme_report(self, source: Source, agency_id: str, round_id: str, as_of: date) -> ProgrammeReport:
        repo = self.ports.repository(source, agency_id)
        schedules = await repo.schedules(round_id)
        if not schedules:
            raise NotFound("round_id", f"tidak ada mutasi pada putaran {round_id}", f"no moves in round {round_id}")
        return build_report(
            agency_id=agency_id,
            round_id=round_id,
            as_of=as_of,
            schedules=schedules,
            evaluations=await repo.evaluations(round_id),
            training=await repo.training_all(),
            follow_ups=await repo.follow_ups(round_id),
            min_group_size=self.config.min_group_size,
            scale=self.config.scale,
            learning_policy=self.config.learning,
            fairness=FairnessSettings(flag_ratio=self.config.fairness_flag_ratio, min_group=self.config.min_group_size),
            checkpoint_months=self.config.policy.months,
        )


def _emit(
    uow: UnitOfWork, ev: Evaluation, schedule: EvaluationSchedule, follow_ups: list[FollowUp], config: EvaluationConfig
) -> None:
    """Public facts only: no free text, no survey answers, no supervisor note."""
    before = schedule.baseline.latest_predicate
    recorded = uow.emit(
        topics.EVALUATION_RECORDED,
        EvaluationRecordedV1(
            evaluation_id=ev.evaluation_id,
            decision_id=ev.decision_id,
            nip=ev.nip,
            checkpoint_month=ev.checkpoint_months,
            recorded_on=ev.recorded_on,
            predicate=ev.predicate.value,
            predicate_before=before.value if before else None,
            jpm_before=schedule.baseline.jpm,
            jpm_after=ev.jpm,
            outcome=outcome(before, ev.predicate, config.scale).value,
        ),
        agency_id=ev.agency_id,
        program_id=ev.round_id,
    )
    for f in follow_ups:
        uow.emit(
            topics.FOLLOW_UP_RECOMMENDED,
            FollowUpRecommendedV1(
                follow_up_id=f.follow_up_id,
                evaluation_id=f.evaluation_id,
                decision_id=f.decision_id,
                nip=f.nip,
                reason=f.reason.value,
                detail=f.detail,
                competencies=dict(f.competencies),
            ),
            agency_id=f.agency_id,
            program_id=f.round_id,
            caused_by=recorded.id,
        )
