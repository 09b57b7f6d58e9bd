"""Recording a checkpoint: the period's predicate, optional JPM, the supervisor's review and the survey."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from mutasi.evaluation.domain.errors import AlreadyRecorded, FieldError, InvalidInput
from mutasi.evaluation.domain.performance import (
    Predicate,
    Rating,
    parse_predicate,
    parse_rating,
    predicate_from_matrix,
)
from mutasi.evaluation.domain.schedule import CheckpointPolicy, EvaluationSchedule

# The pulse survey of docs/domain.md#evaluation-after-the-move: Likert 1 (sangat tidak setuju) … 5 (sangat setuju).
SURVEY_ITEMS: tuple[str, ...] = (
    "role_clarity",
    "competence_fit",
    "supervisor_support",
    "training_usefulness",
    "motivation",
    "confidence",
    "intent_to_stay",
)
SURVEY_LABELS_ID: Mapping[str, str] = {
    "role_clarity": "Kejelasan peran",
    "competence_fit": "Kesesuaian pekerjaan dengan kompetensi",
    "supervisor_support": "Dukungan atasan baru",
    "training_usefulness": "Manfaat pelatihan",
    "motivation": "Motivasi",
    "confidence": "Keyakinan pada tanggung jawab baru",
    "intent_to_stay": "Niat bertahan",
}
REVIEW_ITEMS: tuple[str, ...] = ("work_quality", "adaptation", "collaboration", "fit_to_post")
REVIEW_LABELS_ID: Mapping[str, str] = {
    "work_quality": "Kualitas hasil kerja",
    "adaptation": "Adaptasi",
    "collaboration": "Kerja sama",
    "fit_to_post": "Kesesuaian dengan jabatan",
}
LIKERT_MIN, LIKERT_MAX = 1, 5
FREE_TEXT_MAX = 2000


class ReviewRecommendation(StrEnum):
    """The supervisor's one-word verdict."""

    CONTINUE = "continue"
    COACHING = "coaching"
    RECONSIDER_PLACEMENT = "reconsider_placement"


@dataclass(frozen=True)
class SupervisorReview:
    """The new supervisor's short structured review (each item 1–5)."""

    scores: Mapping[str, int]
    recommendation: ReviewRecommendation
    competencies_lacking: tuple[str, ...] = ()
    note: str | None = None  # free text: stored, never published

    @property
    def mean(self) -> float:
        return sum(self.scores.values()) / len(self.scores)


@dataclass(frozen=True)
class FeedbackSurvey:
    """The employee's answers (1–5 per item) and optional free text (stored, never published)."""

    answers: Mapping[str, int]
    free_text: str | None = None


@dataclass(frozen=True)
class Evaluation:
    """What was recorded at one checkpoint of one person."""

    evaluation_id: str
    agency_id: str
    round_id: str
    nip: str
    decision_id: str
    checkpoint_months: int
    period: str
    recorded_on: date
    predicate: Predicate
    hasil_kerja: Rating | None
    perilaku_kerja: Rating | None
    jpm: float | None
    review: SupervisorReview
    survey: FeedbackSurvey | None
    recorded_by: str = ""

    def same_content(self, other: Evaluation) -> bool:
        """Equal apart from who sent it: a resend of the same form is a duplicate, not a conflict."""
        return self.content_key() == other.content_key()

    def content_key(self) -> tuple[object, ...]:
        review = (
            tuple(sorted(self.review.scores.items())),
            self.review.recommendation,
            self.review.competencies_lacking,
            self.review.note,
        )
        survey = None if self.survey is None else (tuple(sorted(self.survey.answers.items())), self.survey.free_text)
        return (
            self.nip,
            self.decision_id,
            self.checkpoint_months,
            self.period,
            self.recorded_on,
            self.predicate,
            self.hasil_kerja,
            self.perilaku_kerja,
            self.jpm,
            review,
            survey,
        )


@dataclass(frozen=True)
class RecordEvaluation:
    """The command as a form sends it: loose values, checked here with reasons a person can act on."""

    nip: str
    checkpoint_months: int
    recorded_on: date
    period: str
    hasil_kerja: str | None = None
    perilaku_kerja: str | None = None
    predicate: str | None = None
    jpm: float | None = None
    review_scores: Mapping[str, int] | None = None
    review_recommendation: str | None = None
    competencies_lacking: Sequence[str] = ()
    review_note: str | None = None
    survey_answers: Mapping[str, int] | None = None
    survey_free_text: str | None = None
    recorded_by: str = ""


def evaluation_id_for(schedule: EvaluationSchedule, months: int) -> str:
    """Deterministic id: one evaluation per decision and checkpoint, so a resent form lands on itself."""
    return f"ev-{schedule.decision_id}-m{months}"


def likert(
    prefix: str, items: Sequence[str], given: Mapping[str, int] | None, errors: list[FieldError]
) -> dict[str, int]:
    if given is None:
        errors.append(FieldError(prefix, "wajib diisi", "is required"))
        return {}
    for extra in sorted(set(given) - set(items)):
        errors.append(FieldError(f"{prefix}.{extra}", "butir tidak dikenal", "unknown item"))
    out: dict[str, int] = {}
    for item in items:
        value = given.get(item)
        if value is None:
            errors.append(FieldError(f"{prefix}.{item}", "wajib diisi", "is required"))
        elif isinstance(value, bool) or not isinstance(value, int) or not LIKERT_MIN <= value <= LIKERT_MAX:
            errors.append(FieldError(f"{prefix}.{item}", "harus bilangan bulat 1–5", "must be a whole number 1–5"))
        else:
            out[item] = value
    return out


def _performance(
    cmd: RecordEvaluation, errors: list[FieldError]
) -> tuple[Predicate | None, Rating | None, Rating | None]:
    hasil = parse_rating(cmd.hasil_kerja) if cmd.hasil_kerja is not None else None
    perilaku = parse_rating(cmd.perilaku_kerja) if cmd.perilaku_kerja is not None else None
    for name, raw, parsed in (
        ("hasil_kerja", cmd.hasil_kerja, hasil),
        ("perilaku_kerja", cmd.perilaku_kerja, perilaku),
    ):
        if raw is not None and parsed is None:
            errors.append(
                FieldError(name, "harus di_atas, sesuai atau di_bawah", "must be di_atas, sesuai or di_bawah")
            )
    given = parse_predicate(cmd.predicate) if cmd.predicate is not None else None
    if cmd.predicate is not None and given is None:
        errors.append(FieldError("predicate", "predikat tidak dikenal", "unknown predicate"))
    if (cmd.hasil_kerja is None) != (cmd.perilaku_kerja is None):
        errors.append(
            FieldError("hasil_kerja/perilaku_kerja", "keduanya harus diisi bersama", "must be given together")
        )
    if hasil and perilaku:
        derived = predicate_from_matrix(hasil, perilaku)
        if given is not None and given is not derived:
            errors.append(
                FieldError(
                    "predicate",
                    f"tidak sesuai matriks SKP (seharusnya {derived.value})",
                    f"disagrees with the SKP matrix (expected {derived.value})",
                )
            )
        return derived, hasil, perilaku
    if given is None and cmd.predicate is None and cmd.hasil_kerja is None:
        errors.append(
            FieldError(
                "predicate",
                "isi predikat atau hasil_kerja dan perilaku_kerja",
                "give the predicate or both hasil_kerja and perilaku_kerja",
            )
        )
    return given, None, None


def validate_evaluation(
    cmd: RecordEvaluation, schedule: EvaluationSchedule, policy: CheckpointPolicy, agency_id: str
) -> Evaluation:
    """Builds the evaluation or raises InvalidInput listing every wrong field."""
    errors: list[FieldError] = []
    checkpoint = schedule.checkpoint(cmd.checkpoint_months)
    if schedule.cancelled:
        errors.append(FieldError("nip", "keputusan mutasi dibatalkan", "the transfer decision was cancelled"))
    if checkpoint is None:
        planned = ", ".join(str(c.months) for c in schedule.checkpoints)
        errors.append(
            FieldError(
                "checkpoint_months",
                f"bukan checkpoint terjadwal ({planned})",
                f"is not a scheduled checkpoint ({planned})",
            )
        )
    if cmd.recorded_on < schedule.effective_date:
        errors.append(
            FieldError("recorded_on", "sebelum tanggal efektif mutasi", "is before the effective date of the move")
        )
    elif checkpoint is not None and (checkpoint.due_on - cmd.recorded_on).days > policy.lead_days:
        errors.append(
            FieldError(
                "recorded_on",
                f"terlalu awal; checkpoint jatuh tempo {checkpoint.due_on}",
                f"is too early; the checkpoint is due {checkpoint.due_on}",
            )
        )
    if not cmd.period.strip():
        errors.append(FieldError("period", "wajib diisi", "is required"))
    predicate, hasil, perilaku = _performance(cmd, errors)
    if cmd.jpm is not None and not 0.0 <= cmd.jpm <= 200.0:
        errors.append(FieldError("jpm", "harus 0–200 (persen)", "must be 0–200 (percent)"))
    review_scores = likert("review", REVIEW_ITEMS, cmd.review_scores, errors)
    recommendation = next((r for r in ReviewRecommendation if r.value == cmd.review_recommendation), None)
    if recommendation is None:
        choices = ", ".join(r.value for r in ReviewRecommendation)
        errors.append(
            FieldError("review.recommendation", f"harus salah satu dari {choices}", f"must be one of {choices}")
        )
    survey: FeedbackSurvey | None = None
    if cmd.survey_answers is not None:
        answers = likert("survey", SURVEY_ITEMS, cmd.survey_answers, errors)
        survey = FeedbackSurvey(answers, (cmd.survey_free_text or "").strip() or None)
    elif cmd.survey_free_text:
        errors.append(FieldError("survey.free_text", "hanya bersama jawaban survei", "only with survey answers"))
    for name, text in (("review.note", cmd.review_note), ("survey.free_text", cmd.survey_free_text)):
        if text is not None and len(text) > FREE_TEXT_MAX:
            errors.append(FieldError(name, f"maksimal {FREE_TEXT_MAX} karakter", f"at most {FREE_TEXT_MAX} characters"))
    if errors or predicate is None or recommendation is None:
        raise InvalidInput(errors)
    return Evaluation(
        evaluation_id=evaluation_id_for(schedule, cmd.checkpoint_months),
        agency_id=agency_id,
        round_id=schedule.round_id,
        nip=schedule.nip,
        decision_id=schedule.decision_id,
        checkpoint_months=cmd.checkpoint_months,
        period=cmd.period.strip(),
        recorded_on=cmd.recorded_on,
        predicate=predicate,
        hasil_kerja=hasil,
        perilaku_kerja=perilaku,
        jpm=cmd.jpm,
        review=SupervisorReview(
            review_scores,
            recommendation,
            tuple(sorted({c.strip() for c in cmd.competencies_lacking if c.strip()})),
            (cmd.review_note or "").strip() or None,
        ),
        survey=survey,
        recorded_by=cmd.recorded_by,
    )


def register(
    schedule: EvaluationSchedule, evaluation: Evaluation, existing: Evaluation | None
) -> tuple[EvaluationSchedule, bool]:
    """Attaches the evaluation to its checkpoint; (schedule, False) for an identical resend."""
    if existing is not None:
        if existing.same_content(evaluation):
            return schedule, False
        raise AlreadyRecorded(schedule.nip, evaluation.checkpoint_months, existing.evaluation_id)
    return schedule.with_recorded(evaluation.checkpoint_months, evaluation.evaluation_id), True
