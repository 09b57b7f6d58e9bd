"""The employee's own post-move survey: open while a checkpoint is due, answered by the person, kept until HR
records that checkpoint's evaluation (which then carries it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from mutasi.evaluation.domain.errors import AlreadyRecorded, FieldError, InvalidInput
from mutasi.evaluation.domain.recording import FREE_TEXT_MAX, SURVEY_ITEMS, FeedbackSurvey, likert
from mutasi.evaluation.domain.schedule import CheckpointPolicy, CheckpointState, EvaluationSchedule


@dataclass(frozen=True)
class AnswerSurvey:
    """The command as the employee's form sends it: loose values, checked here."""

    checkpoint_months: int
    answers: Mapping[str, Any] | None
    free_text: str | None = None


@dataclass(frozen=True)
class SurveyAnswer:
    """One person's answer for one checkpoint of one move."""

    agency_id: str
    round_id: str
    nip: str
    decision_id: str
    checkpoint_months: int
    answered_on: date
    survey: FeedbackSurvey


def opens_on(schedule: EvaluationSchedule, months: int, policy: CheckpointPolicy) -> date | None:
    """The survey opens when HR starts seeing the checkpoint as due (`lead_days` before it)."""
    checkpoint = schedule.checkpoint(months)
    return checkpoint.due_on - timedelta(days=policy.lead_days) if checkpoint else None


def answer_survey(
    cmd: AnswerSurvey, schedule: EvaluationSchedule, today: date, policy: CheckpointPolicy
) -> SurveyAnswer:
    """The answer, or InvalidInput listing every wrong field; AlreadyRecorded once HR evaluated the checkpoint."""
    errors: list[FieldError] = []
    checkpoint = schedule.checkpoint(cmd.checkpoint_months)
    if schedule.cancelled:
        errors.append(FieldError("round_id", "keputusan mutasi dibatalkan", "the transfer decision was cancelled"))
    if checkpoint is None:
        planned = ", ".join(str(c.months) for c in schedule.checkpoints)
        reason_id, reason_en = f"bukan checkpoint terjadwal ({planned})", f"is not a scheduled checkpoint ({planned})"
        errors.append(FieldError("checkpoint_months", reason_id, reason_en))
    else:
        state = schedule.state(checkpoint, today, policy)
        if state is CheckpointState.RECORDED:
            raise AlreadyRecorded(schedule.nip, cmd.checkpoint_months, schedule.recorded[cmd.checkpoint_months])
        opening = checkpoint.due_on - timedelta(days=policy.lead_days)
        if state is CheckpointState.UPCOMING:
            errors.append(
                FieldError(
                    "checkpoint_months",
                    f"survei belum dibuka; dibuka mulai {opening.isoformat()}",
                    f"the survey is not open yet; it opens on {opening.isoformat()}",
                )
            )
    answers = likert("answers", SURVEY_ITEMS, cmd.answers, errors)
    text = (cmd.free_text or "").strip() or None
    if text is not None and len(text) > FREE_TEXT_MAX:
        errors.append(
            FieldError("free_text", f"maksimal {FREE_TEXT_MAX} karakter", f"at most {FREE_TEXT_MAX} characters")
        )
    if errors:
        raise InvalidInput(errors)
    return SurveyAnswer(
        agency_id=schedule.agency_id,
        round_id=schedule.round_id,
        nip=schedule.nip,
        decision_id=schedule.decision_id,
        checkpoint_months=cmd.checkpoint_months,
        answered_on=today,
        survey=FeedbackSurvey(answers, text),
    )
