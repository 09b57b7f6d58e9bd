"""What the HTTP API returns: plain dicts built from domain objects, with personal answers kept back."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from mutasi.evaluation.domain.followup import FollowUp
from mutasi.evaluation.domain.recording import SURVEY_ITEMS, SURVEY_LABELS_ID, Evaluation
from mutasi.evaluation.domain.report import ProgrammeReport
from mutasi.evaluation.domain.schedule import CheckpointPolicy, EvaluationSchedule, WorklistItem
from mutasi.evaluation.domain.survey import SurveyAnswer
from mutasi.evaluation.service_layer.services import Recorded


def schedule_view(s: EvaluationSchedule, today: date, policy: CheckpointPolicy) -> dict[str, Any]:
    b = s.baseline
    latest = b.latest_predicate
    return {
        "nip": s.nip,
        "round_id": s.round_id,
        "decision_id": s.decision_id,
        "effective_date": s.effective_date,
        "to_unit_id": s.to_unit_id,
        "to_unit_name": s.to_unit_name,
        "to_post_id": s.to_post_id,
        "to_post_name": s.to_post_name,
        "post_type": s.post_type,
        "cancelled": s.cancelled,
        "baseline": {
            "predicates": [{"period": p.period, "predicate": p.predicate.value} for p in b.predicates],
            "latest_predicate": latest.value if latest else None,
            "jpm": b.jpm,
            "fit_score": b.fit_score,
            "fit_parts": dict(b.fit_parts),
            "fit_weights": dict(b.fit_weights),
            "gaps": dict(b.gaps),
            "jpm_target": b.jpm_target,
        },
        "checkpoints": [
            {
                "months": c.months,
                "due_on": c.due_on,
                "state": s.state(c, today, policy).value,
                "evaluation_id": s.recorded.get(c.months),
            }
            for c in s.checkpoints
        ],
    }


def evaluation_view(e: Evaluation, *, own: bool) -> dict[str, Any]:
    """Survey answers and free text only for the employee themself (`own`); others see whether it was answered."""
    view: dict[str, Any] = {
        "evaluation_id": e.evaluation_id,
        "nip": e.nip,
        "round_id": e.round_id,
        "decision_id": e.decision_id,
        "checkpoint_months": e.checkpoint_months,
        "period": e.period,
        "recorded_on": e.recorded_on,
        "predicate": e.predicate.value,
        "hasil_kerja": e.hasil_kerja.value if e.hasil_kerja else None,
        "perilaku_kerja": e.perilaku_kerja.value if e.perilaku_kerja else None,
        "jpm": e.jpm,
        "review": {
            "scores": dict(e.review.scores),
            "recommendation": e.review.recommendation.value,
            "competencies_lacking": list(e.review.competencies_lacking),
            "note": e.review.note,
        },
        "survey_answered": e.survey is not None,
    }
    if own and e.survey is not None:
        view["survey"] = {"answers": dict(e.survey.answers), "free_text": e.survey.free_text}
    return view


def survey_view(a: SurveyAnswer) -> dict[str, Any]:
    """The person's own answers (only ever returned to that person)."""
    return {
        "round_id": a.round_id,
        "decision_id": a.decision_id,
        "checkpoint_months": a.checkpoint_months,
        "answered_on": a.answered_on,
        "answers": dict(a.survey.answers),
        "free_text": a.survey.free_text,
    }


def survey_items_view() -> list[dict[str, str]]:
    """The survey's items in order with their Indonesian wording, so a form never repeats them."""
    return [{"item": item, "label_id": SURVEY_LABELS_ID[item]} for item in SURVEY_ITEMS]


def follow_up_view(f: FollowUp) -> dict[str, Any]:
    return {
        "follow_up_id": f.follow_up_id,
        "evaluation_id": f.evaluation_id,
        "decision_id": f.decision_id,
        "nip": f.nip,
        "round_id": f.round_id,
        "reason": f.reason.value,
        "detail": f.detail,
        "detail_en": f.detail_en,
        "competencies": dict(f.competencies),
        "for_next_round": f.for_next_round,
    }


def recorded_view(r: Recorded, *, own: bool) -> dict[str, Any]:
    return {
        "created": r.created,
        "evaluation": evaluation_view(r.evaluation, own=own),
        "follow_ups": [follow_up_view(f) for f in r.follow_ups],
    }


def worklist_view(i: WorklistItem) -> dict[str, Any]:
    return {
        "nip": i.nip,
        "round_id": i.round_id,
        "to_unit_id": i.to_unit_id,
        "checkpoint_months": i.months,
        "due_on": i.due_on,
        "state": i.state.value,
        "days_overdue": i.days_overdue,
    }


def report_view(r: ProgrammeReport) -> dict[str, Any]:
    return asdict(r)
