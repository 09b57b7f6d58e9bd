"""Request bodies of the HTTP API (validated by pydantic; errors name the field)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class AttendanceIn(BaseModel):
    attended_on: date = Field(description="Day the person attended (not in the future, not before the session).")


class CompletionIn(BaseModel):
    completed_on: date = Field(description="Certificate date; the JP count in this calendar year.")
    evidence_ref: str = Field(min_length=1, max_length=200, description="Certificate or attendance-list reference.")
