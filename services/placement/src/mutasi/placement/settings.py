"""Settings of the placement service (env prefix MUTASI_PLACEMENT_); only bootstrap reads them."""

from __future__ import annotations

from pydantic import Field, SecretStr

from mutasi.chassis.settings import ServiceSettings, service_settings_config


class PlacementSettings(ServiceSettings):
    """Defaults every agency starts from; an agency overrides the eligibility policy through PUT /v1/policy."""

    model_config = service_settings_config("placement")

    service_name: str = Field("placement", description="Service name (database mutasi_placement).")
    http_port: int = Field(8002, description="HTTP port of the placement service.")
    seal_private_keys: SecretStr | None = Field(
        None,
        description="Placement's private X25519 JWK (or a JWK set while rotating) that opens the eligibility flags "
        "sealed in assessment-completed; assessment holds the public half. Required: no start without.",
    )
    weight_jpm: float = Field(0.45, ge=0, description="Fit weight of JPM against the target post (docs/domain.md).")
    weight_education: float = Field(0.20, ge=0, description="Fit weight of the education-field match (docs/domain.md).")
    weight_box: float = Field(0.15, ge=0, description="Fit weight of the 9-box recommendation (docs/domain.md).")
    weight_preference: float = Field(0.20, ge=0, description="Fit weight of the person's own ranked preference.")
    move_cost: float = Field(
        10.0,
        ge=0,
        description="Points taken off any move of a person whose current JPM already reaches fits_threshold.",
    )
    move_friction: float = Field(
        5.0, ge=0, description="Points taken off every move (the disruption of any transfer; avoids churn)."
    )
    fits_threshold: float = Field(90.0, description="JPM % from which a person already fits ('Optimal', Pemetaan).")
    min_months_in_post: int = Field(
        24, ge=0, description="Minimum months in post (PP 11/2017 Pasal 190(3): 24; BKN statement 2025: 6)."
    )
    min_years_to_bup: float = Field(1.0, ge=0, description="Years before BUP a mover must still have (PPK SOP).")
    pledge_years: int = Field(
        10, ge=0, description="No own-request inter-agency move within N years (PermenPANRB 6/2024)."
    )
    max_preferences: int = Field(5, ge=1, le=10, description="Ranked post preferences a person may give per round.")
    objection_days: int = Field(14, ge=1, description="Days after the decision in which a moved ASN may object.")
    max_outflow_pct: float | None = Field(
        30.0,
        ge=0,
        le=100,
        description="A unit may lose at most this % of its pool members in one round; null = no cap.",
    )
    options_per_person: int = Field(
        50, ge=1, description="Best eligible moves kept per person besides asked-for posts."
    )
    mip_seconds: float = Field(
        120.0,
        gt=0,
        description="Time limit of the integer program used when a unit cap binds and pricing cannot prove it.",
    )
