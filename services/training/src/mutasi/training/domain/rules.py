"""The numbers training rules depend on, with sources; settings fill them in, the domain only reads them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrainingRules:
    """Per-agency limits and regulatory minimums. Every number here is configuration, never hard-coded."""

    jp_limit_per_person: int = 80
    budget_per_person: int = 15_000_000  # rupiah per moved person per plan
    max_mentees_per_mentor: int = 3
    jp_minimum_per_year: int = 20
    jp_minimum_source: str = "PP 11/2017 Pasal 203(4): paling sedikit 20 JP per tahun"
    workshop_title: str = "Pelatihan Manajemen Perubahan bagi ASN yang dimutasi"
    workshop_jp: int = 24  # [U] when the catalogue has no change-management offering; LAN's JP not verified
    workshop_cost: int = 0
    workshop_source: str = "model: Peraturan LAN 4/2024 Pelatihan Manajemen Perubahan"
    workshop_due_days: int = 60  # a workshop without a scheduled session is due this long after the TMT
    self_paced_days: int = 90  # nonklasikal offerings without sessions are due this long after they start
    overdue_grace_days: int = 14  # a session that ended this long ago without completion is overdue
    # How far after today an attendance/completion date may lie; None = no limit (a simulated round, like
    # the demo, records the year ahead). Set 0 in production to reject dates after today.
    record_max_days_ahead: int | None = None

    def __post_init__(self) -> None:
        for name in (
            "jp_limit_per_person",
            "budget_per_person",
            "max_mentees_per_mentor",
            "jp_minimum_per_year",
            "workshop_jp",
            "workshop_cost",
            "workshop_due_days",
            "self_paced_days",
            "overdue_grace_days",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
