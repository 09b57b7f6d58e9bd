"""The session cookie: JSON sealed with AES-GCM (encrypted and authenticated), with an expiry inside."""

from __future__ import annotations

import base64
import json
import os
import secrets
import time
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


class Sealer:
    """Seals and opens small JSON documents; a tampered, foreign or expired cookie opens as None."""

    def __init__(self, key_b64: str, purpose: str) -> None:
        key = base64.urlsafe_b64decode(key_b64 + "=" * (-len(key_b64) % 4))
        if len(key) != 32:
            raise ValueError("session key must be 32 bytes (base64url)")
        self._aead = AESGCM(key)
        self._purpose = purpose.encode()  # a login cookie can never be opened as a session

    def seal(self, data: dict[str, Any], max_age_s: int) -> str:
        body = json.dumps({"d": data, "exp": int(time.time()) + max_age_s}, separators=(",", ":")).encode()
        nonce = os.urandom(12)
        return base64.urlsafe_b64encode(nonce + self._aead.encrypt(nonce, body, self._purpose)).decode().rstrip("=")

    def open(self, token: str | None) -> dict[str, Any] | None:
        if not token:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            body = json.loads(self._aead.decrypt(raw[:12], raw[12:], self._purpose))
        except (InvalidTag, ValueError, TypeError):
            return None
        if not isinstance(body, dict) or int(body.get("exp", 0)) < time.time():
            return None
        data = body.get("d")
        return data if isinstance(data, dict) else None


def csrf_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and secrets.compare_digest(str(a), str(b))
