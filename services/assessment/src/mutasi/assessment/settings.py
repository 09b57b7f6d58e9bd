"""Settings of the assessment service (env prefix MUTASI_ASSESSMENT_); only bootstrap reads them."""

from __future__ import annotations

from pydantic import Field

from mutasi.chassis.settings import ServiceSettings, service_settings_config


class AssessmentSettings(ServiceSettings):
    """Defaults an agency can override through `PUT /v1/policy`; every regulatory number names its source."""

    model_config = service_settings_config("assessment")

    service_name: str = Field("assessment", description="Service name (database mutasi_assessment).")
    http_port: int = Field(8001, description="HTTP port of the assessment service.")
    placement_seal_key: str | None = Field(
        None,
        description="Placement's public X25519 JWK (JSON): the eligibility flags of assessment-completed are "
        "encrypted for it, so no other subscriber can read them. Required: the service refuses to start without.",
    )
    metrics_refresh_s: float = Field(
        60.0, ge=0, description="Seconds between refreshes of the expired-assessments gauge; 0 = never."
    )
    validity_years: int = Field(
        3, ge=1, le=10, description="Years an assessment result stays usable; 3 in one implementation, unsettled [P]."
    )
    jpm_cap: str = Field(
        "per_competency",
        description="JPM variant: uncapped | total (cap at 100 %, BKD Kaltim) | per_competency (excess never offsets "
        "a gap) — docs/domain.md#competency-and-jpm.",
    )
    jpm_family: str = Field(
        "pemetaan",
        description="JPM categories: pemetaan (Optimal ≥90 / Cukup Optimal ≥78) or seleksi (MS ≥80 / MMS ≥68).",
    )
    jpm_technical_weight: dict[str, float] = Field(
        default_factory=dict,
        description='Technical weight by JF jenjang or post type, e.g. {"ahli_madya": 0.4, "ahli_muda": 0.5, '
        '"ahli_pertama": 0.6} (2020 ministerial inpassing rule [V]); empty = plain sum.',
    )
    potential_medium_from: float = Field(68.0, description="Potential score from which the rating is menengah [P].")
    potential_high_from: float = Field(80.0, description="Potential score from which the rating is tinggi [P].")
    import_batch_size: int = Field(
        2000, ge=100, description="Records written per transaction during an import (bulk writes, never row by row)."
    )
