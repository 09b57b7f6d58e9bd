"""Settings of the console (env prefix MUTASI_CONSOLE_); only bootstrap reads them."""

from __future__ import annotations

from pydantic import Field, SecretStr

from mutasi.chassis.settings import ServiceSettings, service_settings_config


class ConsoleSettings(ServiceSettings):
    """Where the services and the identity provider are, how sessions are sealed, and how notices go out."""

    model_config = service_settings_config("console")

    service_name: str = Field("console", description="Service name (database mutasi_console).")
    http_port: int = Field(8005, description="HTTP port of the console.")
    public_url: str = Field(
        "http://127.0.0.1:8005", description="The console's address as people's browsers reach it (links, redirects)."
    )
    assessment_url: str = Field("http://127.0.0.1:8001", description="Base URL of the assessment service.")
    placement_url: str = Field("http://127.0.0.1:8002", description="Base URL of the placement service.")
    training_url: str = Field("http://127.0.0.1:8003", description="Base URL of the training service.")
    evaluation_url: str = Field("http://127.0.0.1:8004", description="Base URL of the evaluation service.")
    service_timeout_s: float = Field(120.0, gt=0, description="Timeout of one call to a service (planning is slow).")

    oidc_issuer: str = Field("http://127.0.0.1:8090", description="OIDC issuer; discovery at /.well-known/...")
    oidc_internal_url: str | None = Field(
        None, description="Where the console itself reaches the provider if not at the issuer URL (containers)."
    )
    oidc_client_id: str = Field("mutasi-console", description="The console's client id at the identity provider.")
    oidc_client_secret: SecretStr | None = Field(None, description="Client secret; none for a public PKCE client.")
    oidc_scope: str = Field("openid profile email", description="Scopes asked for at login.")
    claim_roles: str = Field("roles", description="Token claim with the person's roles (list or space-separated).")
    claim_agency: str = Field("agency", description="Token claim with the person's agency id.")
    claim_agencies: str = Field("agencies", description="Token claim with several agencies (province roles).")
    claim_nip: str = Field("nip", description="Token claim with the person's own NIP (18 digits).")
    claim_name: str = Field("name", description="Token claim with the person's display name.")

    session_key: SecretStr | None = Field(
        None,
        description="32 random bytes, base64url, that seal the session cookie (AES-GCM). Unset: a new key per "
        "process start, so everyone signs in again after a restart. Set it when running several replicas.",
    )
    session_max_age_s: int = Field(8 * 3600, gt=0, description="A session ends after this many seconds.")
    cookie_secure: bool = Field(False, description="Send cookies only over HTTPS (set true behind TLS).")

    notify_enabled: bool = Field(True, description="Subscribe to events and send notices.")
    notify_interval_s: float = Field(2.0, gt=0, description="How often pending notices are sent.")
    notify_batch: int = Field(200, gt=0, description="Notices sent per pass (one SMTP connection per pass).")
    notify_max_attempts: int = Field(8, ge=1, description="Sends tried before a notice is given up (and counted).")
    notify_backoff_s: float = Field(5.0, ge=0, description="Wait after the first failed send; doubles each time.")
    notify_checkpoint_months: list[int] = Field(
        [3, 6, 12], description="Months after the TMT when a moved person is reminded of a check-in and survey."
    )
    notify_email_fallback: str | None = Field(
        None,
        description="Address used when the contact list has none for a NIP, e.g. '{nip}@bkpsdm.example.go.id'; "
        "unset: such a person gets no e-mail.",
    )
    smtp_host: str | None = Field("127.0.0.1", description="SMTP server for e-mail notices; unset: no e-mail.")
    smtp_port: int = Field(8025, description="SMTP port.")
    smtp_starttls: bool = Field(False, description="Use STARTTLS.")
    smtp_username: str | None = Field(None, description="SMTP user, if the server asks for one.")
    smtp_password: SecretStr | None = Field(None, description="SMTP password.")
    smtp_from: str = Field("Mutasi BKPSDM <noreply@mutasi.local>", description="From header of e-mail notices.")
    whatsapp_url: str | None = Field(
        None, description="WhatsApp gateway endpoint (HTTP POST, see the console README); unset: no WhatsApp."
    )
    whatsapp_token: SecretStr | None = Field(None, description="Bearer token for the WhatsApp gateway.")
