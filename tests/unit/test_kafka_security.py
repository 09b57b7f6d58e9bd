"""Kafka security settings become the FastStream security object a secured province cluster needs."""

from __future__ import annotations

import pytest
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram512

from mutasi.chassis.kafka_security import kafka_security
from mutasi.chassis.settings import ServiceSettings


def test_plaintext_needs_no_security_object() -> None:
    assert kafka_security(ServiceSettings()) is None


def test_tls_only_uses_ssl() -> None:
    security = kafka_security(ServiceSettings(kafka_security_protocol="SSL"))
    assert type(security) is BaseSecurity
    assert security.use_ssl is True


def test_sasl_over_tls_carries_the_credentials_and_tls() -> None:
    settings = ServiceSettings(
        kafka_security_protocol="SASL_SSL", kafka_sasl_username="mutasi", kafka_sasl_password="s3cret"
    )
    security = kafka_security(settings)
    assert isinstance(security, SASLScram512)
    assert security.username == "mutasi"
    assert security.use_ssl is True
    assert "s3cret" not in repr(settings)


def test_sasl_plain_without_tls() -> None:
    settings = ServiceSettings(
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_mechanism="PLAIN",
        kafka_sasl_username="u",
        kafka_sasl_password="p",
    )
    security = kafka_security(settings)
    assert isinstance(security, SASLPlaintext)
    assert not security.use_ssl


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kafka_sasl_mechanism": "KERBEROS", "kafka_sasl_username": "u", "kafka_sasl_password": "p"}, "mechanism"),
        ({"kafka_sasl_username": "u"}, "password"),
    ],
)
def test_incomplete_or_unknown_sasl_settings_are_refused_with_the_reason(fields: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        kafka_security(ServiceSettings(kafka_security_protocol="SASL_SSL", **fields))  # type: ignore[arg-type]
