"""Request bodies of the HTTP API (wire models, kept apart from the domain)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mutasi.chassis.values import IsoDate
from mutasi.contracts.values import Nip
from mutasi.contracts.vocabulary import PostTypeName
from mutasi.placement.domain.eligibility import RULES_BY_CODE
from mutasi.placement.domain.scoring import FitWeights


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _known_rules(codes: list[str]) -> list[str]:
    unknown = [c for c in codes if c not in RULES_BY_CODE]
    if unknown:
        raise ValueError(f"kode aturan tidak dikenal / unknown rule codes: {', '.join(unknown)}")
    return codes


class AnnounceIn(Body):
    name: str = Field(min_length=3, max_length=200, description="Round name shown to people.")
    period: str = Field(min_length=2, max_length=40, description="Period label, e.g. 2026-II.")
    preferences_open_until: IsoDate = Field(description="Last day to submit preferences.")
    effective_date: IsoDate = Field(description="TMT of the moves decided in this round (2000–2100).")
    max_preferences: int | None = Field(None, ge=1, le=10, description="Ranked preferences per person.")
    objection_days: int | None = Field(None, ge=1, le=90, description="Days to object after the decision.")
    scope_units: list[str] = Field(default_factory=list, description="Unit ids in scope; empty = whole agency.")
    agencies: list[str] = Field(
        default_factory=list,
        max_length=40,
        description="Province role only: a round across these agencies (at least two; PP 11/2017 inter-agency "
        "mutasi). Post and unit ids in such a round are `<agency>:<id>`.",
    )


class PreferenceIn(Body):
    ranked: list[str] = Field(max_length=10, description="Post ids, first choice first.")
    avoid_units: list[str] = Field(default_factory=list, description="Units the person cannot go to (e.g. domicile).")
    note: str = Field("", max_length=500, description="Constraints in the person's words.")


def _known_weights(weights: dict[str, float] | None) -> dict[str, float] | None:
    allowed = set(FitWeights().as_dict())
    unknown = sorted(set(weights or {}) - allowed)
    if unknown:
        raise ValueError(
            f"bobot tidak dikenal / unknown weights: {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})"
        )
    return weights


class PlanIn(Body):
    weights: dict[str, float] | None = Field(None, description="jpm, education, box, preference, move_cost, ...")
    max_outflow_pct: float | None = Field(None, ge=0, le=100, description="Unit outflow cap, % of its pool.")
    must_fill: list[str] = Field(default_factory=list, description="Post ids to fill first.")
    must_stay: list[str] = Field(default_factory=list, description="NIPs that must stay.")
    disabled_rules: list[str] = Field(default_factory=list, description="Rule codes switched off (what-if only).")
    min_months_in_post: int | None = Field(None, ge=0, le=120, description="Tenure rule override (what-if).")

    _rules = field_validator("disabled_rules")(_known_rules)
    _weights = field_validator("weights")(_known_weights)


class OverrideIn(Body):
    nip: Nip = Field(description="NIP of the person whose assignment changes.")
    post_id: str | None = Field(None, description="New post; null = the person stays.")
    reason: str = Field(min_length=10, max_length=2000, description="The approver's written reason (kept, shown).")


class ObjectionIn(Body):
    nip: Nip = Field(description="The objecting ASN.")
    reason: str = Field(min_length=10, max_length=4000, description="Grounds of the objection (keberatan).")


class ResolveIn(Body):
    upheld: bool = Field(description="True: the objection holds and the person's part is re-planned.")
    note: str = Field(min_length=10, max_length=4000, description="The review's written conclusion.")


class DatedIn(Body):
    since: date
    value: float = Field(ge=0)


class WindowIn(Body):
    start: date
    end: date
    approval_ref: str | None = Field(None, description="Mendagri written approval reference (nomor surat).")


class PolicyIn(Body):
    min_months_in_post: list[DatedIn] | None = Field(None, min_length=1, description="24, or 6 from a date.")
    jpt_tenure_exempt: bool | None = None
    min_years_to_bup: list[DatedIn] | None = Field(None, min_length=1)
    pledge_years: int | None = Field(None, ge=0, le=40)
    performance_years: int | None = Field(None, ge=1, le=5)
    blackout_windows: list[WindowIn] | None = None
    disabled_rules: list[str] | None = None
    demosi_on_penalty: bool | None = Field(None, description="Allow a demosi that a disciplinary decision orders.")
    demosi_on_request: bool | None = Field(None, description="Allow a demosi the person asked for.")
    promosi_months_in_level: dict[PostTypeName, int] | None = Field(
        None, description="Months at the current level before a promosi into each post type."
    )
    jpt_max_age: float | None = Field(None, ge=0, le=70, description="Highest age at appointment into a JPT.")
    eselon_rank_allowance: int | None = Field(None, ge=0, le=3, description="Ranks allowed below an eselon's lowest.")

    _rules = field_validator("disabled_rules")(lambda codes: _known_rules(codes) if codes is not None else None)

    def as_doc(self) -> dict[str, object]:
        doc: dict[str, object] = self.model_dump(mode="json", exclude_none=True)
        if "promosi_months_in_level" in doc:
            doc["promosi_months_in_level"] = [[t, m] for t, m in doc["promosi_months_in_level"].items()]  # type: ignore[attr-defined]
        for key in ("min_months_in_post", "min_years_to_bup"):
            if key in doc:
                doc[key] = [[d["since"], d["value"]] for d in doc[key]]  # type: ignore[attr-defined]
        return doc
