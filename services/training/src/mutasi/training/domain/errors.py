"""Errors the training domain raises; entrypoints map them to 4xx answers that name the field."""

from __future__ import annotations


class InvalidInput(ValueError):
    """A value a caller sent is wrong; `field` names it and `reason` says why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class NotFound(LookupError):
    """The thing a caller named does not exist in their agency."""

    def __init__(self, what: str, key: str, field: str) -> None:
        super().__init__(f"{what} '{key}' tidak ditemukan / not found")
        self.what = what
        self.key = key
        self.field = field


class Conflict(RuntimeError):
    """The request is valid but contradicts the current state (e.g. completing a cancelled item)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class CatalogueRejected(ValueError):
    """An imported catalogue had bad rows; nothing was stored. `errors` lists each cell and why."""

    def __init__(self, errors: list[dict[str, object]]) -> None:
        super().__init__(f"{len(errors)} baris/kolom salah, tidak ada yang disimpan / bad cells, nothing stored")
        self.errors = errors
