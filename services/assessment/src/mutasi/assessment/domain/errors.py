"""Domain errors that carry a field name and a reason in Indonesian and English."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    """Why a value is rejected: a stable code plus bilingual text for people."""

    code: str
    id: str  # Bahasa Indonesia
    en: str


class InvalidInput(ValueError):
    """A caller sent a value the domain cannot accept; entrypoints turn this into a 4xx."""

    def __init__(self, field: str, reason: Reason) -> None:
        super().__init__(f"{field}: {reason.id} / {reason.en}")
        self.field = field
        self.reason = reason


class NotFound(LookupError):
    """The thing asked for does not exist in the caller's agency."""

    def __init__(self, what: str, key: str) -> None:
        super().__init__(f"{what} {key} tidak ditemukan / not found")
        self.field = what
        self.what = what
        self.key = key
