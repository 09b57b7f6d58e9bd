"""Payloads the placement service produces."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from mutasi.contracts.common import PostRef, PredicateYear
from mutasi.contracts.envelope import Payload
from mutasi.contracts.values import CompetencyLevel, Nip, RecentDate, StandardLevel
from mutasi.contracts.vocabulary import AgeBandName, EducationLevelName, EmployeeTypeName, MoveKindName


class RoundAnnouncedV1(Payload):
    """A mutation round is announced: every ASN in scope can read their status and give preferences."""

    round_id: str = Field(description="Round id.")
    name: str = Field(description="Round name shown to people.")
    period: str = Field(description="Period label, e.g. 2026-II.")
    preferences_open_until: RecentDate = Field(description="Last day to submit preferences.")
    scope_units: list[str] = Field(default_factory=list, description="Unit ids in scope; empty = whole agency.")
    agencies: list[str] = Field(
        default_factory=list,
        description="A province round (mutasi antarinstansi): the agencies whose people it reaches; empty = only "
        "the announcing agency.",
    )


class GroupProfile(BaseModel):
    """The groups a moved person belongs to in the fairness breakdown of outcomes (evaluation's programme report
    at each checkpoint): coarse on purpose — an age band, never a birth date."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    golongan: str = Field(
        max_length=8, pattern=r"^[IVX]+$", description="Golongan without the ruang (PNS I–IV, PPPK I–XVII)."
    )
    education_level: EducationLevelName = Field(description="Highest education level.")
    employee_type: EmployeeTypeName = Field(description="SIASN jenisPegawai.")
    age_band: AgeBandName = Field(description="Age band on the effective date.")


class MutationDecidedV1(Payload):
    """A person's move is decided (approved by two approvers); what subscribers need to act on it."""

    decision_id: str = Field(description="Decision id; a superseding decision names the one it replaces.")
    round_id: str = Field(description="Round the decision belongs to.")
    nip: Nip = Field(description="NIP (18 digits), the partition key.")
    name: str = Field(description="Employee name.")
    from_post: PostRef = Field(description="Post before the move.")
    to_post: PostRef = Field(description="Post after the move.")
    kind: MoveKindName = Field(description="rotasi (same level) | promosi (up) | demosi (down), HR practice terms.")
    effective_date: RecentDate = Field(description="TMT of the move.")
    reason_summary: str = Field(description="Short reason shown to the person (Indonesian).")
    fit_score: float = Field(description="Fit score of the chosen assignment (0..100).")
    score_parts: dict[str, float] = Field(default_factory=dict, description="Fit score by part.")
    score_weights: dict[str, float] = Field(
        default_factory=dict, description="Weight of each part in force for this decision (for learning)."
    )
    override_reason: str | None = Field(None, description="Approver's written reason if the plan was overridden.")
    supersedes: str | None = Field(None, description="Decision id this decision replaces (objection upheld).")
    cancelled: bool = Field(False, description="True when the superseding decision cancels the move.")
    competencies: dict[str, CompetencyLevel] = Field(default_factory=dict, description="Person's competency levels.")
    target_standard: dict[str, StandardLevel] = Field(default_factory=dict, description="New post's standard levels.")
    predicates_before: list[PredicateYear] = Field(default_factory=list, description="SKP predicates before.")
    jpm_before: float | None = Field(None, description="JPM against the old post.")
    jpm_target: float | None = Field(None, description="JPM against the new post at decision time.")
    talent_box: int | None = Field(None, ge=1, le=9, description="9-box box at decision time.")
    profile: GroupProfile | None = Field(
        None, description="Groups for the fairness breakdown of outcomes (sex is read from the NIP)."
    )
    from_agency_id: str | None = Field(
        None,
        description="Set on a move between agencies (a province round, PP 11/2017): the releasing agency; the "
        "envelope's agencyid is then the receiving agency.",
    )
