"""Sealed fields: part of a payload encrypted for one consumer (JWE, ECDH-ES + A256GCM on an X25519 key).

A topic that every subscriber may read can still carry data only one consumer may see: the producer holds the
consumer's public key and seals; only the consumer, holding the private key, opens. joserfc does the JOSE work
(RFC 7516/7518); nothing here is hand-written cryptography."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any, TypeVar

from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
PROTECTED = {"alg": "ECDH-ES", "enc": "A256GCM"}


class SealError(Exception):
    """A key that is not an X25519 JWK, or a sealed value that cannot be opened with the keys held."""


def generate_key_pair(kid: str | None = None) -> tuple[str, str]:
    """A new key pair as JSON JWKs: (private, for the consumer's secret; public, for producers)."""
    key = OKPKey.generate_key("X25519", parameters={"kid": kid or f"seal-{uuid.uuid4().hex[:12]}"})
    return json.dumps(key.as_dict(private=True)), json.dumps(key.as_dict(private=False))


def _keys(text: str, *, private: bool) -> dict[str, OKPKey]:
    try:
        data = json.loads(text)
        items: list[dict[str, Any]] = data["keys"] if isinstance(data, dict) and "keys" in data else [data]
        keys = [OKPKey.import_key(item) for item in items]
    except (ValueError, KeyError, TypeError, JoseError) as exc:
        raise SealError(f"not an X25519 JWK (or JWK set): {exc}") from exc
    for key in keys:
        if key.as_dict().get("crv") != "X25519" or not key.kid:
            raise SealError("a sealing key must be an X25519 JWK with a kid")
        if private and not key.is_private:
            raise SealError(f"key {key.kid!r} has no private part: only the consumer's private key opens")
    return {str(k.kid): k for k in keys}


class Sealer:
    """The producer's side: seals a model for the holder of one public key."""

    def __init__(self, public_jwk: str) -> None:
        keys = _keys(public_jwk, private=False)
        if len(keys) != 1:
            raise SealError("a producer seals for exactly one key")
        ((self.kid, key),) = keys.items()
        self._key = OKPKey.import_key(key.as_dict(private=False))

    def seal(self, value: BaseModel) -> str:
        return jwe.encrypt_compact({**PROTECTED, "kid": self.kid}, value.model_dump_json().encode(), self._key)


class Opener:
    """The consumer's side: opens values sealed for any of its keys (several while a key is being rotated)."""

    def __init__(self, private_jwks: str) -> None:
        self._keys = _keys(private_jwks, private=True)

    def open(self, token: str, model: type[M]) -> M:
        kid = _kid(token)
        key = self._keys.get(kid)
        if key is None:
            raise SealError(f"sealed for key {kid!r}, which this service does not hold")
        try:
            plain = jwe.decrypt_compact(token, key, algorithms=list(PROTECTED.values())).plaintext
            return model.model_validate_json(plain or b"")
        except (JoseError, ValueError, ValidationError) as exc:
            raise SealError(f"sealed value cannot be opened: {exc}") from exc


def _kid(token: str) -> str:
    """The `kid` of a JWE's protected header (read before decrypting, to pick the key)."""
    try:
        header = json.loads(base64.urlsafe_b64decode(token.split(".", 1)[0] + "==="))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SealError(f"not a JWE compact value: {exc}") from exc
    if not isinstance(header, dict):
        raise SealError("not a JWE compact value")
    return str(header.get("kid"))
