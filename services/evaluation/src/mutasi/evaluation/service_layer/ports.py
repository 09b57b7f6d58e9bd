"""What evaluation's use cases need from outside: its repository, opened on a unit of work or a snapshot.

The adapters implement these protocols and the composition root (`bootstrap.create_app`) injects them, so the
service layer never imports an adapter (an import contract in pyproject.toml checks it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from mutasi.chassis.store import Collection
from mutasi.evaluation.domain.followup import FollowUp
from mutasi.evaluation.domain.recording import Evaluation
from mutasi.evaluation.domain.schedule import EvaluationSchedule
from mutasi.evaluation.domain.survey import SurveyAnswer
from mutasi.evaluation.domain.training import TrainingRecord


class Source(Protocol):
    """Where collections come from: a unit of work (writes) or the database outside a transaction (reads)."""

    def collection(self, name: str) -> Collection: ...


class Repository(Protocol):
    """Evaluation's own data for one agency."""

    async def schedule(self, round_id: str, nip: str) -> EvaluationSchedule | None: ...
    async def schedules_of(self, nip: str) -> list[EvaluationSchedule]: ...
    async def schedules(self, round_id: str | None = None) -> list[EvaluationSchedule]: ...
    async def save_schedule(self, s: EvaluationSchedule) -> None: ...
    async def schedules_by_key(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], EvaluationSchedule]:
        """The stored schedules of these (round_id, nip), read at once."""
        ...

    async def save_schedules(self, schedules: Sequence[EvaluationSchedule]) -> None: ...
    async def evaluation(self, evaluation_id: str) -> Evaluation | None: ...
    async def evaluations(self, round_id: str | None = None, nip: str | None = None) -> list[Evaluation]: ...
    async def add_evaluation(self, e: Evaluation) -> None: ...
    async def add_follow_ups(self, follow_ups: Sequence[FollowUp]) -> None: ...
    async def follow_ups(
        self,
        round_id: str | None = None,
        reason: str | None = None,
        evaluation_id: str | None = None,
        nip: str | None = None,
    ) -> list[FollowUp]: ...
    async def training(self, nip: str) -> TrainingRecord: ...
    async def training_all(self) -> dict[str, TrainingRecord]: ...
    async def save_training(self, t: TrainingRecord) -> None: ...
    async def trainings(self, nips: Sequence[str]) -> dict[str, TrainingRecord]:
        """The training records of these people, read at once (an empty record for someone not seen yet)."""
        ...

    async def save_trainings(self, records: Sequence[TrainingRecord]) -> None: ...
    async def survey(self, decision_id: str, months: int) -> SurveyAnswer | None: ...
    async def surveys_of(self, nip: str) -> list[SurveyAnswer]: ...
    async def save_survey(self, a: SurveyAnswer) -> None: ...


class OpenRepository(Protocol):
    def __call__(self, source: Source, agency_id: str, /) -> Repository: ...


@dataclass(frozen=True)
class EvaluationPorts:
    """The concrete adapters, chosen by the composition root."""

    repository: OpenRepository
