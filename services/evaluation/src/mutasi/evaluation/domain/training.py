"""What evaluation keeps of a moved person's training: assigned items, completed items, competencies, JP."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date


@dataclass(frozen=True)
class TrainingItem:
    """One assigned (or completed) intervention and the competencies it targets."""

    item_id: str
    competencies: tuple[str, ...] = ()
    jp: int = 0
    assigned: bool = False
    completed_on: date | None = None


@dataclass(frozen=True)
class TrainingRecord:
    """A person's training for one round; events may arrive in any order across topics."""

    agency_id: str
    nip: str
    items: dict[str, TrainingItem] = field(default_factory=dict)
    gaps: dict[str, int] = field(default_factory=dict)  # competency -> levels short, from the plan

    def with_gaps(self, gaps: dict[str, int]) -> TrainingRecord:
        return replace(self, gaps={**self.gaps, **gaps})

    def assign(self, item_id: str, competencies: tuple[str, ...], jp: int) -> TrainingRecord:
        old = self.items.get(item_id)
        item = TrainingItem(
            item_id,
            competencies or (old.competencies if old else ()),
            jp or (old.jp if old else 0),
            True,
            old.completed_on if old else None,
        )
        return replace(self, items={**self.items, item_id: item})

    def complete(
        self, item_id: str, completed_on: date, competencies: tuple[str, ...] = (), jp: int = 0
    ) -> TrainingRecord:
        old = self.items.get(item_id) or TrainingItem(item_id)
        item = replace(old, completed_on=completed_on, competencies=old.competencies or competencies, jp=old.jp or jp)
        return replace(self, items={**self.items, item_id: item})

    @property
    def assigned_count(self) -> int:
        return len(self.items)

    @property
    def completed_count(self) -> int:
        return sum(1 for i in self.items.values() if i.completed_on is not None)

    @property
    def fully_completed(self) -> bool:
        return bool(self.items) and self.completed_count == self.assigned_count

    @property
    def jp_assigned(self) -> int:
        return sum(i.jp for i in self.items.values())

    @property
    def jp_completed(self) -> int:
        return sum(i.jp for i in self.items.values() if i.completed_on is not None)

    def completed_competencies(self, on_or_before: date | None = None) -> frozenset[str]:
        return frozenset(
            c
            for i in self.items.values()
            if i.completed_on is not None and (on_or_before is None or i.completed_on <= on_or_before)
            for c in i.competencies
        )
