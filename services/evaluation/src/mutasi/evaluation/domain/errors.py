"""Domain errors: each names the field and the reason, in Indonesian and English."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One rejected field: where it is and why, in both languages the API speaks."""

    field: str
    reason_id: str
    reason_en: str

    def message(self) -> str:
        return f"{self.field}: {self.reason_id} ({self.reason_en})"

    def __str__(self) -> str:
        return f"{self.reason_id} / {self.reason_en}"


class InvalidInput(Exception):
    """Input that breaks a rule; carries every field error found, not just the first."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(e.message() for e in self.errors))


class NotFound(Exception):
    """The thing asked for does not exist for this agency."""

    def __init__(self, field: str, what_id: str, what_en: str) -> None:
        self.field = field
        self.reason_id = what_id
        self.reason_en = what_en
        super().__init__(f"{what_id} ({what_en})")


class AlreadyRecorded(Exception):
    """A checkpoint already has a different evaluation; a correction is a separate, explicit act."""

    field = "checkpoint_months"

    def __init__(self, nip: str, months: int, evaluation_id: str) -> None:
        self.evaluation_id = evaluation_id
        super().__init__(
            f"checkpoint_months: checkpoint {months} bulan untuk {nip} sudah dinilai ({evaluation_id}) "
            f"(checkpoint {months} months for {nip} already has evaluation {evaluation_id})"
        )
