"""What placement's HTTP API answers on success (wire models for the OpenAPI document, checked on the way out;
fields added later pass through, see `mutasi.chassis.http.Answer`)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from mutasi.chassis.http import Answer


class Approval(Answer):
    user: str
    at: str = Field(description="ISO date-time of the approval.")


class PlanTotals(Answer):
    plan_id: str
    people: int = Field(description="People in the plan (movers and stayers).")
    moves: int
    moves_by_kind: dict[str, int] = Field(description="rotasi / promosi / demosi → moves.")
    total_fit: float
    greedy_total_fit: float
    gain_over_greedy_pct: float
    status_quo_total_fit: float
    gain_over_greedy_of_improvement_pct: float
    eligible_pairs: int
    solve_seconds: float
    overrides: int
    method: str = Field(description="How the plan was solved (exact min-cost flow, with or without the caps).")


class RoundSummary(Answer):
    round_id: str
    name: str
    period: str
    state: str = Field(description="announced → closed → planned → approved → decided.")
    announced_on: str = Field(description="YYYY-MM-DD")
    preferences_open_until: str = Field(description="YYYY-MM-DD")
    effective_date: str = Field(description="YYYY-MM-DD: the TMT of the round's moves.")
    max_preferences: int
    objection_days: int
    scope_units: list[str]
    preferences: int = Field(description="People who gave preferences.")
    approvals: list[Approval]
    plan: PlanTotals | None
    decisions: int = Field(description="Active decisions.")
    objections: int


class RoundAnnounced(RoundSummary):
    notices: int = Field(description="Notices written, one per person in scope.")


class Decision(Answer):
    decision_id: str
    nip: str
    from_post: str
    to_post: str
    effective_date: str = Field(description="YYYY-MM-DD")
    decided_at: str = Field(description="ISO date-time")
    reason_summary: str
    score: float
    parts: dict[str, float]
    jpm_target: float
    override_reason: str | None
    supersedes: str | None
    superseded_by: str | None
    cancelled: bool = Field(description="A superseding decision that leaves the person where they were.")


class RoundDecided(Answer):
    round_id: str
    state: str
    decisions: list[Decision] = Field(description="The decisions just taken, one mutation-decided each.")


class PlanEntry(Answer):
    nip: str
    from_post: str
    to_post: str
    score: float
    parts: dict[str, float]
    jpm_target: float
    override_reason: str | None
    overridden_by: str | None
    kind: str = Field(description="rotasi | promosi | demosi")
    moved: bool


NEXT = "Pass as `after` to get the following page; null on the last page."


class PlanAnswer(PlanTotals):
    round_id: str
    state: str
    entries: list[PlanEntry] = Field(description="One page, in NIP order.")
    next: str | None = Field(description=NEXT)


class DecisionPage(Answer):
    round_id: str
    decisions: list[Decision] = Field(description="One page, in NIP order (then decision id).")
    next: str | None = Field(description=NEXT)


class PlanComputed(PlanTotals):
    round_id: str
    state: str


class Preference(Answer):
    round_id: str
    nip: str
    ranked: list[str] = Field(description="Post ids, most wanted first.")
    avoid_units: list[str]


class Objection(Answer):
    objection_id: str
    nip: str
    decision_id: str
    reason: str
    filed_on: str = Field(description="YYYY-MM-DD")
    state: str = Field(description="filed | under_review | upheld | rejected")
    reviewer: str | None
    review_note: str | None
    new_decision_id: str | None


class ObjectionPage(Answer):
    round_id: str
    objections: list[Objection] = Field(description="One page, in NIP order (then objection id).")
    next: str | None = Field(description=NEXT)


class ObjectionResolved(Objection):
    decision: Decision | None = None


class UnitEffect(Answer):
    unit_id: str
    unit_name: str
    kebutuhan: float = Field(description="Need from the ABK (people).")
    bezetting: int = Field(description="People in post before the round.")
    incoming: int
    outgoing: int
    selisih_before: float
    bezetting_after: int
    selisih_after: float


class Scenario(Answer):
    agency_id: str
    round_id: str
    scenario_id: str
    options: dict[str, Any]
    total_fit_base: float
    total_fit_scenario: float
    moves_base: int
    moves_scenario: int
    changes: list[dict[str, Any]] = Field(description="People whose assignment differs from the base plan.")
    units: list[dict[str, Any]] = Field(description="Per-unit in/out difference.")


class FairnessAnswer(Answer):
    flagged: list[str] = Field(description="`dimension=group` of each group under the flag ratio.")
    rows: list[dict[str, Any]] = Field(description="One row per group of each dimension.")


class Candidate(Answer):
    nip: str
    name: str | None
    unit_id: str | None
    post_id: str | None
    golongan: str | None
    talent_box: int | None
    jpm_current: float | None
    follow_up: str | None
    as_of: Any = Field(description="When the assessment was taken.")


class Candidates(Answer):
    count: int
    candidates: list[Candidate]


class Rule(Answer):
    code: str
    title_id: str
    title_en: str
    source: str = Field(description="The regulation the rule applies.")
    scope: str
    effective_from: str | None
    effective_to: str | None


class Eligibility(Answer):
    code: str
    outcome: str
    reason_id: str | None
    reason_en: str | None


class PersonStatus(Answer):
    round: RoundSummary
    nip: str
    name: str
    notice: str | None
    follow_up: str | None
    preference: dict[str, list[str]] | None
    eligibility: list[Eligibility]
    explanation: dict[str, Any] | None
    decision: Decision | None
