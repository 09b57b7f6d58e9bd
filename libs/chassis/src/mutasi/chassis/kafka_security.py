"""Kafka connection security from settings: plaintext (local stand-ins), TLS, or SASL over TLS."""

from __future__ import annotations

import ssl

from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from mutasi.chassis.settings import ServiceSettings

_SASL = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}


def kafka_security(settings: ServiceSettings) -> BaseSecurity | None:
    """None for PLAINTEXT; otherwise the FastStream security object the settings describe."""
    protocol = settings.kafka_security_protocol.upper()
    if protocol == "PLAINTEXT":
        return None
    context = ssl.create_default_context(cafile=settings.kafka_ssl_cafile)
    if protocol == "SSL":
        return BaseSecurity(ssl_context=context, use_ssl=True)
    mechanism = settings.kafka_sasl_mechanism.upper()
    if mechanism not in _SASL:
        raise ValueError(f"kafka_sasl_mechanism must be one of {', '.join(_SASL)}, not {mechanism!r}")
    if not settings.kafka_sasl_username or settings.kafka_sasl_password is None:
        raise ValueError("SASL needs kafka_sasl_username and kafka_sasl_password")
    return _SASL[mechanism](
        settings.kafka_sasl_username,
        settings.kafka_sasl_password.get_secret_value(),
        ssl_context=context if protocol == "SASL_SSL" else None,
        use_ssl=protocol == "SASL_SSL",
    )
