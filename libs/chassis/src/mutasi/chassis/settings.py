"""The settings base every service subclasses (pydantic-settings, env prefix MUTASI_<SERVICE>_)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# Province, 12 kabupaten and 7 kota of Sumatera Barat (20 pemda; UU 17/2022 tentang Provinsi Sumatera Barat).
SUMATERA_BARAT = (
    "sumbar",
    "agam",
    "dharmasraya",
    "kepulauan-mentawai",
    "lima-puluh-kota",
    "padang-pariaman",
    "pasaman",
    "pasaman-barat",
    "pesisir-selatan",
    "sijunjung",
    "kab-solok",
    "solok-selatan",
    "tanah-datar",
    "padang",
    "bukittinggi",
    "padang-panjang",
    "pariaman",
    "payakumbuh",
    "sawahlunto",
    "kota-solok",
)


def service_settings_config(service: str) -> SettingsConfigDict:
    """Settings config for one service: env prefix `MUTASI_<SERVICE>_`, unknown env ignored."""
    return SettingsConfigDict(env_prefix=f"MUTASI_{service.upper()}_", extra="ignore")


class ServiceSettings(BaseSettings):
    """Fields every service has; only the composition root reads them."""

    model_config = SettingsConfigDict(env_prefix="MUTASI_", extra="ignore")

    service_name: str = Field("service", description="Service name; set by each subclass.")
    kafka_bootstrap: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers, comma-separated.")
    kafka_enable_idempotence: bool = Field(
        False, description="Idempotent producer; keep off for Tansu, which rejects it (docs/architecture.md)."
    )
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", description="How to reach Kafka: PLAINTEXT (local stand-ins), SSL, or SASL over SSL/plaintext."
    )
    kafka_sasl_mechanism: str = Field("SCRAM-SHA-512", description="SASL mechanism: PLAIN, SCRAM-SHA-256/512.")
    kafka_sasl_username: str | None = Field(None, description="SASL user name.")
    kafka_sasl_password: SecretStr | None = Field(None, description="SASL password (never logged).")
    kafka_ssl_cafile: str | None = Field(None, description="CA bundle for the brokers' TLS certificates.")
    kafka_session_timeout_ms: int = Field(
        10_000, description="Consumer-group session timeout; a join waits about half of it on Tansu."
    )
    kafka_heartbeat_interval_ms: int = Field(3_000, description="Consumer-group heartbeat interval.")
    kafka_batch_max_records: int = Field(
        500,
        ge=1,
        description="Most records one subscriber handles in one batch (one transaction, one offset commit). "
        "1 = one transaction per event.",
    )
    kafka_batch_timeout_ms: int = Field(
        50, ge=1, description="How long a subscriber's poll waits for records before it handles what it has."
    )
    kafka_producer_batch_bytes: int = Field(
        512 * 1024,
        ge=1024,
        description="Most bytes the producer packs into one record batch per partition (aiokafka max_batch_size). "
        "The relay hands a whole pass (~relay_batch events) to the producer at once; 16 KB batches would cut it into "
        "dozens of produce requests sent one after another. Keep it below the brokers' message.max.bytes (1 MB).",
    )
    kafka_auto_offset_reset: str = Field("earliest", description="Where a new consumer group starts.")
    group_id: str | None = Field(
        None,
        description="Consumer group prefix: each topic is consumed as group <group_id>.<topic> "
        "(default mutasi-<service>).",
    )
    mongo_uri: str = Field(
        "mongodb://127.0.0.1:27017/?directConnection=true",
        description="MongoDB URI (a replica set: transactions are required).",
    )
    database: str | None = Field(None, description="Database name; default mutasi_<service>.")
    http_host: str = Field("127.0.0.1", description="HTTP bind address.")
    http_port: int = Field(8000, description="HTTP port.")
    http_keep_alive_s: int = Field(
        75,
        gt=0,
        description="Seconds an idle keep-alive connection stays open. Longer than the idle timeout of a proxy in "
        "front (nginx's upstream keepalive_timeout is 60 s) and of pooling clients such as httpx (5 s), so they, not "
        "the service, close idle connections: with uvicorn's default of 5 s a request sent on a pooled connection "
        "just as the service closes it fails with 'server disconnected' (a 502 behind a proxy).",
    )
    relay_interval_s: float = Field(0.5, description="Outbox relay poll interval when not woken by a commit.")
    relay_batch: int = Field(500, description="Outbox entries published per relay pass.")
    relay_read_interval_s: float = Field(
        1.0,
        gt=0,
        description="Longest time between two reads of the outbox while the relay publishes from memory what this "
        "process committed: bounds the delay of entries another replica committed (published by the lease holder).",
    )
    relay_lease_s: float = Field(
        10.0,
        description="Relay lease: with several replicas only the holder publishes; a dead holder's lease "
        "expires after this long.",
    )
    retry_attempts: int = Field(5, description="Attempts for a transient failure before the message is nacked.")
    retry_backoff_s: float = Field(0.2, description="First backoff; doubles on each attempt.")
    retry_after_s: int = Field(
        2, ge=1, description="Retry-After (seconds) on a 503 answered while the database or broker is unreachable."
    )
    health_timeout_s: float = Field(
        0.8, gt=0, description="Each readiness check (database ping, broker ping) gives up after this long."
    )
    mongo_timeout_ms: int = Field(
        3000,
        ge=100,
        description="How long a database call waits for a reachable server before it fails (then 503).",
    )
    mongo_max_idle_time_ms: int | None = Field(
        240_000,
        ge=1,
        description="PyMongo `maxIdleTimeMS`: a pooled connection idle this long is closed by the driver. Below "
        "the server's own idle close (SecantusDB closes after 300 s), so no request meets a connection the server "
        "already dropped (a 25,000-ASN round once failed with a 500 on one). None: the driver's default, never.",
    )
    upload_max_mb: float = Field(
        50,
        gt=0,
        description="Largest spreadsheet upload accepted (413 above); a province file of 117,000 rows is ~15 MB.",
    )
    upload_max_unzipped_mb: float = Field(
        256, gt=0, description="Largest size an XLSX may expand to when unzipped (413 above: stops zip bombs)."
    )
    upload_max_rows: int = Field(250_000, ge=1, description="Most data rows in one uploaded sheet (413 above).")
    upload_max_columns: int = Field(100, ge=1, description="Most columns in one uploaded sheet (413 above).")
    upload_max_cell_chars: int = Field(2_000, ge=1, description="Longest text in one uploaded cell (422 above).")
    job_heartbeat_s: float = Field(2.0, gt=0, description="How often a running job (an import) records it is alive.")
    job_stale_s: float = Field(
        15.0, gt=0, description="A running job whose heartbeat is older than this was interrupted: shown as failed."
    )
    job_retry_s: float = Field(
        120.0,
        ge=0,
        description="A job whose work fails with a transient error (write conflict, outage) runs again from the start "
        "(its writes are idempotent) until this long has passed; a killed process's open transaction holds its "
        "documents until the database aborts it (MongoDB: transactionLifetimeLimitSeconds, 60 s).",
    )
    log_level: str = Field("INFO", description="Log level.")
    inbox_retention_days: float = Field(
        30,
        gt=0,
        description="Days an inbox record (event id already processed) is kept. Must exceed the retention of the "
        "topics consumed (Kafka's default is 7 days): an event older than its inbox record could be applied again.",
    )
    idempotency_retention_days: float = Field(
        7, gt=0, description="Days an Idempotency-Key and its stored answer are kept; a retry after that is new."
    )
    outbox_retention_days: float = Field(
        7,
        gt=0,
        description="Days a published outbox entry (id, topic, key, times; its body goes once published) is kept.",
    )
    retention_purge_s: float = Field(
        3600, gt=0, description="Seconds between purges of expired records on stores without TTL indexes."
    )
    schema_base_url: str | None = Field(
        None,
        description="Absolute base URI of the JSON Schemas named in every event's `dataschema` (each service serves "
        "the schemas of the topics it produces at GET /schemas/<topic>.json). Default "
        "http://<http_host>:<http_port>/schemas/; set it to the address subscribers reach (gateway or service DNS).",
    )
    consumer_lag_interval_s: float = Field(
        15.0, ge=0, description="Seconds between measurements of mutasi_consumer_lag (per group/partition); 0 = off."
    )
    auth_issuer: str = Field(
        "http://127.0.0.1:8090",
        description="OIDC issuer whose access tokens this service accepts (the token's `iss`, exactly); the "
        "default is the local stack's identity provider (`mutasi stack up`). Keycloak: "
        "https://<host>/realms/<realm>.",
    )
    auth_audience: str = Field(
        "mutasi", description="Audience the access token must name in `aud` (the client/resource id of Mutasi)."
    )
    auth_jwks_url: str | None = Field(
        None,
        description="Where the issuer's signing keys (JWKS) are; default: the `jwks_uri` of the issuer's "
        "/.well-known/openid-configuration. Keys are cached and fetched again when a token names an unknown kid.",
    )
    auth_leeway_s: float = Field(
        30.0, ge=0, le=300, description="Clock skew allowed when checking the token's exp/iat/nbf, in seconds."
    )
    default_program_id: str | None = Field(None, description="Programme id stamped on events without one.")
    timezone: str = Field(
        "Asia/Jakarta", description="Time zone of the service's calendar: what 'today' means (WIB for Sumatera Barat)."
    )
    today: date | None = Field(
        None, description="Pin the service's calendar date (reproducible demos and tests); empty = the real date."
    )
    agencies: list[str] = Field(
        default_factory=lambda: list(SUMATERA_BARAT),
        description="Agencies this deployment serves (JSON list of ids). An event of any other agency is "
        "dead-lettered (reason unknown_agency), and metrics label other agencies `other`. Default: the 20 "
        "governments of Sumatera Barat.",
    )
    max_message_bytes: int = Field(
        256 * 1024, ge=1024, description="Largest event body accepted; a larger one is dead-lettered (too_large)."
    )
    event_date_window_days: int = Field(
        730,
        ge=1,
        description="Dates in an event (effective date, completion, evaluation, envelope time) must lie within this "
        "many days of today; others are dead-lettered as invalid.",
    )
    outage_summary_s: float = Field(
        60.0, gt=0, description="While the database or broker is down, one summary log line this often."
    )

    @property
    def resolved_group_id(self) -> str:
        return self.group_id or f"mutasi-{self.service_name}"

    @property
    def resolved_schema_base(self) -> str:
        base = self.schema_base_url or f"http://{self.http_host}:{self.http_port}/schemas/"
        return base if base.endswith("/") else base + "/"

    @property
    def resolved_database(self) -> str:
        return self.database or f"mutasi_{self.service_name}"
