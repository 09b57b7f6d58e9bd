"""An agency's rule choices (JPM variant, categories, cut-offs, validity): service defaults plus its overrides."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from mutasi.assessment.domain.errors import InvalidInput, Reason
from mutasi.assessment.domain.jpm import THRESHOLD_FAMILIES, CapMode, JpmPolicy
from mutasi.assessment.domain.rules import StandardLevelRules, TalentCutoffs, ValidityRules
from mutasi.chassis.store import UnitOfWork

POLICIES = "policies"


@dataclass(frozen=True)
class Policy:
    """Everything configurable that a computation needs."""

    jpm: JpmPolicy
    cutoffs: TalentCutoffs
    validity: ValidityRules
    standards: StandardLevelRules

    def describe(self) -> dict[str, Any]:
        """The policy as the API shows it."""
        return {
            "jpm_cap": self.jpm.cap.value,
            "jpm_family": self.jpm.family.name,
            "jpm_technical_weight": dict(self.jpm.technical_weight),
            "potential_medium_from": self.cutoffs.potential_medium_from,
            "potential_high_from": self.cutoffs.potential_high_from,
            "validity_years": self.validity.validity_years,
            "families": {
                name: [{"from": b.lower, "code": b.code, "label": b.label} for b in f.bands]
                for name, f in THRESHOLD_FAMILIES.items()
            },
        }


def make_policy(changes: dict[str, Any], base: Policy) -> Policy:
    """Apply override fields to a policy, rejecting unknown values with the field name."""
    jpm, cutoffs, validity = base.jpm, base.cutoffs, base.validity
    if changes.get("jpm_cap") is not None:
        jpm = replace(jpm, cap=_cap(changes["jpm_cap"]))
    if changes.get("jpm_family") is not None:
        jpm = replace(jpm, family=_family(changes["jpm_family"]))
    if changes.get("jpm_technical_weight") is not None:
        jpm = replace(jpm, technical_weight=_weights(changes["jpm_technical_weight"]))
    medium = changes.get("potential_medium_from", cutoffs.potential_medium_from) or cutoffs.potential_medium_from
    high = changes.get("potential_high_from", cutoffs.potential_high_from) or cutoffs.potential_high_from
    if not 0 <= medium < high <= 100:
        raise InvalidInput(
            "potential_medium_from",
            _r("CUTOFF_ORDER", "Batas harus 0 ≤ menengah < tinggi ≤ 100", "Cut-offs must be 0 ≤ medium < high ≤ 100"),
        )
    cutoffs = replace(cutoffs, potential_medium_from=float(medium), potential_high_from=float(high))
    if changes.get("validity_years") is not None:
        validity = ValidityRules(int(changes["validity_years"]))
    return Policy(jpm, cutoffs, validity, base.standards)


def _r(code: str, id_text: str, en_text: str) -> Reason:
    return Reason(code, id_text, en_text)


def _cap(value: str) -> CapMode:
    try:
        return CapMode(value)
    except ValueError:
        names = ", ".join(c.value for c in CapMode)
        raise InvalidInput("jpm_cap", _r("VALUE_UNKNOWN", f"Pilihan: {names}", f"Allowed: {names}")) from None


def _family(value: str) -> Any:
    if value not in THRESHOLD_FAMILIES:
        names = ", ".join(THRESHOLD_FAMILIES)
        raise InvalidInput("jpm_family", _r("VALUE_UNKNOWN", f"Pilihan: {names}", f"Allowed: {names}"))
    return THRESHOLD_FAMILIES[value]


def _weights(value: dict[str, float]) -> dict[str, float]:
    for key, weight in value.items():
        if not 0 <= weight <= 1:
            raise InvalidInput(
                f"jpm_technical_weight.{key}", _r("WEIGHT_RANGE", "Bobot harus 0–1", "Weight must be 0–1")
            )
    return dict(value)


async def policy_for(uow: UnitOfWork, agency_id: str, defaults: Policy) -> Policy:
    """The agency's stored overrides applied to the service defaults."""
    stored = await uow.collection(POLICIES).find_one({"agency_id": agency_id})
    return make_policy(stored.get("changes", {}), defaults) if stored else defaults


async def save_policy(uow: UnitOfWork, agency_id: str, changes: dict[str, Any], defaults: Policy) -> Policy:
    """Validate and store an agency's overrides (merged with earlier ones)."""
    stored = await uow.collection(POLICIES).find_one({"agency_id": agency_id})
    merged = {**(stored or {}).get("changes", {}), **{k: v for k, v in changes.items() if v is not None}}
    policy = make_policy(merged, defaults)
    await uow.collection(POLICIES).replace_one(
        {"agency_id": agency_id}, {"agency_id": agency_id, "changes": merged}, upsert=True
    )
    return policy
