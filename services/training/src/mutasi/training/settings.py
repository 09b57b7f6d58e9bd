"""Settings of the training service (env prefix MUTASI_TRAINING_); only the composition root reads them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mutasi.chassis.settings import ServiceSettings, service_settings_config
from mutasi.training.domain.rules import TrainingRules


class TrainingSettings(ServiceSettings):
    """Limits per moved person, the yearly JP right and the optimiser; every number is configuration."""

    model_config = service_settings_config("training")

    service_name: str = Field("training", description="Service name.")
    http_port: int = Field(8003, description="HTTP port of the training service.")
    jp_limit_per_person: int = Field(80, ge=0, description="Most JP one development plan may assign to a person.")
    budget_per_person: int = Field(
        15_000_000, ge=0, description="Most rupiah one plan may spend on a person (agency training budget rule)."
    )
    max_mentees_per_mentor: int = Field(3, ge=1, description="K: most active mentees one mentor may have.")
    jp_minimum_per_year: int = Field(
        20, ge=0, description="Yearly competency-development minimum per PNS, in JP (PP 11/2017 Pasal 203(4))."
    )
    jp_minimum_source: str = Field(
        "PP 11/2017 Pasal 203(4): paling sedikit 20 JP per tahun",
        description="The regulation the yearly minimum comes from, quoted in reminders.",
    )
    workshop_jp: int = Field(
        24, ge=0, description="JP of the change-management workshop when the catalogue has none ([U]: not verified)."
    )
    workshop_title: str = Field(
        "Pelatihan Manajemen Perubahan bagi ASN yang dimutasi",
        description="Title of the built-in workshop (model: Peraturan LAN 4/2024).",
    )
    workshop_due_days: int = Field(60, ge=0, description="Days after the TMT an unscheduled workshop is due.")
    self_paced_days: int = Field(90, ge=0, description="Days a self-paced (nonklasikal) offering is due after start.")
    overdue_grace_days: int = Field(14, ge=0, description="Days after the due date before an item is overdue.")
    record_max_days_ahead: int | None = Field(
        None,
        ge=0,
        description="How far after today attendance/completion dates may lie; unset = no limit (a simulated "
        "round such as the demo records the year ahead); 0 in production rejects dates after today.",
    )
    optimiser: Literal["cpsat", "greedy"] = Field(
        "cpsat", description="cpsat: exact per-person covering (OR-Tools CP-SAT); greedy: no solver."
    )
    optimiser_time_limit_s: float = Field(2.0, gt=0, description="CP-SAT time limit per person before greedy.")
    colleagues_batch_max_records: int = Field(
        2000,
        ge=1,
        description="Most assessment-completed events (possible mentors) handled in one batch (one packed "
        "arrivals document per agency per batch; ADR 25).",
    )
    colleagues_settle_from: int = Field(
        5000,
        ge=1,
        description="Waiting arrivals (possible mentors not yet in their unit's buckets) of an agency that make an "
        "assessment-completed batch put them into their units; any read of the agency's colleagues does it first "
        "whatever their number. Larger: fewer, fuller buckets written per person, larger transactions (ADR 25).",
    )
    colleagues_settle_after_s: float = Field(
        30.0,
        ge=0,
        description="An agency's arrivals left waiting this long after its last one are settled by a periodic task "
        "(checked as often), not inside a later batch of decisions. 0: only by count and before reads.",
    )
    colleague_moves_fold_at: int = Field(
        2000,
        ge=0,
        description="Colleague records an agency's moves documents may hold (one document per batch of decisions) "
        "before they are regrouped into the unit buckets (ADR 26); 0 = regroup after every batch.",
    )
    colleague_cache_records: int = Field(
        150_000,
        ge=0,
        description="Colleague records (possible mentors) kept in memory between batches of decisions, used again "
        "while their agency's colleagues are unchanged (about 2.3 KB each; ADR 27); 0 = read every batch's units.",
    )
    mentor_load_cache: bool = Field(
        True,
        description="Keep each agency's mentor load (its active plans with a mentor, every unit, read in one query) "
        "between batches of decisions, used again while the agency's plans are unchanged since this process read or "
        "wrote them (ADR 27's addendum); false = read every batch's units.",
    )
    metrics_refresh_s: float = Field(
        60.0, ge=0, description="How often the programme gauges are recomputed while running; 0 = never."
    )

    def rules(self) -> TrainingRules:
        return TrainingRules(
            jp_limit_per_person=self.jp_limit_per_person,
            budget_per_person=self.budget_per_person,
            max_mentees_per_mentor=self.max_mentees_per_mentor,
            jp_minimum_per_year=self.jp_minimum_per_year,
            jp_minimum_source=self.jp_minimum_source,
            workshop_title=self.workshop_title,
            workshop_jp=self.workshop_jp,
            workshop_due_days=self.workshop_due_days,
            self_paced_days=self.self_paced_days,
            overdue_grace_days=self.overdue_grace_days,
            record_max_days_ahead=self.record_max_days_ahead,
        )
