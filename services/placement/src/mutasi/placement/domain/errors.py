"""Domain errors: each names the field at fault and the reason in Indonesian and English."""

from __future__ import annotations


class PlacementError(Exception):
    """Base of every error a user can cause; entrypoints map the subclasses to 4xx responses."""

    def __init__(self, field: str, reason_id: str, reason_en: str) -> None:
        super().__init__(f"{reason_id} / {reason_en}")
        self.field = field
        self.reason_id = reason_id
        self.reason_en = reason_en


class InvalidInput(PlacementError):
    """A value is malformed or breaks a business rule (422)."""


class NotFound(PlacementError):
    """The thing asked for does not exist in the caller's agency (404)."""


class NotAllowed(PlacementError):
    """The caller's role or identity may not do this (403)."""


class InvalidState(PlacementError):
    """The round is not in a state that allows this action (409)."""
