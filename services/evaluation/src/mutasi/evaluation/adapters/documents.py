"""Domain objects to MongoDB documents and back (dates as ISO strings, enums as their values)."""

from __future__ import annotations

from datetime import date
from typing import Any

from mutasi.evaluation.domain.followup import FollowUp, FollowUpReason
from mutasi.evaluation.domain.performance import Predicate, Rating
from mutasi.evaluation.domain.recording import Evaluation, FeedbackSurvey, ReviewRecommendation, SupervisorReview
from mutasi.evaluation.domain.schedule import Baseline, Checkpoint, EvaluationSchedule, PeriodPredicate
from mutasi.evaluation.domain.survey import SurveyAnswer
from mutasi.evaluation.domain.training import TrainingItem, TrainingRecord

Doc = dict[str, Any]


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _opt_date(value: Any) -> date | None:
    return None if value is None else _date(value)


def schedule_to_doc(s: EvaluationSchedule) -> Doc:
    b = s.baseline
    return {
        "agency_id": s.agency_id,
        "round_id": s.round_id,
        "nip": s.nip,
        "decision_id": s.decision_id,
        "effective_date": s.effective_date.isoformat(),
        "from_unit_id": s.from_unit_id,
        "to_unit_id": s.to_unit_id,
        "to_unit_name": s.to_unit_name,
        "to_post_id": s.to_post_id,
        "to_post_name": s.to_post_name,
        "post_type": s.post_type,
        "baseline": {
            "predicates": [{"period": p.period, "predicate": p.predicate.value} for p in b.predicates],
            "jpm": b.jpm,
            "fit_score": b.fit_score,
            "fit_parts": dict(b.fit_parts),
            "fit_weights": dict(b.fit_weights),
            "gaps": dict(b.gaps),
            "jpm_target": b.jpm_target,
        },
        "checkpoints": [{"months": c.months, "due_on": c.due_on.isoformat()} for c in s.checkpoints],
        "due_dates": [c.due_on.isoformat() for c in s.checkpoints],
        "recorded": {str(m): i for m, i in s.recorded.items()},
        "earlier_decisions": list(s.earlier_decisions),
        "cancelled": s.cancelled,
        "groups": dict(s.groups),
    }


def schedule_from_doc(d: Doc) -> EvaluationSchedule:
    b = d.get("baseline") or {}
    return EvaluationSchedule(
        agency_id=d["agency_id"],
        round_id=d["round_id"],
        nip=d["nip"],
        decision_id=d["decision_id"],
        effective_date=_date(d["effective_date"]),
        from_unit_id=d.get("from_unit_id", ""),
        to_unit_id=d["to_unit_id"],
        to_unit_name=d.get("to_unit_name", ""),
        to_post_id=d.get("to_post_id", ""),
        to_post_name=d.get("to_post_name", ""),
        post_type=d.get("post_type", ""),
        baseline=Baseline(
            predicates=tuple(PeriodPredicate(p["period"], Predicate(p["predicate"])) for p in b.get("predicates", [])),
            jpm=b.get("jpm"),
            fit_score=b.get("fit_score"),
            fit_parts=dict(b.get("fit_parts") or {}),
            fit_weights=dict(b.get("fit_weights") or {}),
            gaps=dict(b.get("gaps") or {}),
            jpm_target=b.get("jpm_target"),
        ),
        checkpoints=tuple(Checkpoint(c["months"], _date(c["due_on"])) for c in d.get("checkpoints", [])),
        recorded={int(m): i for m, i in (d.get("recorded") or {}).items()},
        earlier_decisions=tuple(d.get("earlier_decisions", [])),
        cancelled=bool(d.get("cancelled", False)),
        groups=dict(d.get("groups") or {}),
    )


def evaluation_to_doc(e: Evaluation) -> Doc:
    return {
        "evaluation_id": e.evaluation_id,
        "agency_id": e.agency_id,
        "round_id": e.round_id,
        "nip": e.nip,
        "decision_id": e.decision_id,
        "checkpoint_months": e.checkpoint_months,
        "period": e.period,
        "recorded_on": e.recorded_on.isoformat(),
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
        "survey": None if e.survey is None else {"answers": dict(e.survey.answers), "free_text": e.survey.free_text},
        "recorded_by": e.recorded_by,
    }


def evaluation_from_doc(d: Doc) -> Evaluation:
    r, s = d["review"], d.get("survey")
    return Evaluation(
        evaluation_id=d["evaluation_id"],
        agency_id=d["agency_id"],
        round_id=d["round_id"],
        nip=d["nip"],
        decision_id=d["decision_id"],
        checkpoint_months=int(d["checkpoint_months"]),
        period=d["period"],
        recorded_on=_date(d["recorded_on"]),
        predicate=Predicate(d["predicate"]),
        hasil_kerja=Rating(d["hasil_kerja"]) if d.get("hasil_kerja") else None,
        perilaku_kerja=Rating(d["perilaku_kerja"]) if d.get("perilaku_kerja") else None,
        jpm=d.get("jpm"),
        review=SupervisorReview(
            scores=dict(r["scores"]),
            recommendation=ReviewRecommendation(r["recommendation"]),
            competencies_lacking=tuple(r.get("competencies_lacking", [])),
            note=r.get("note"),
        ),
        survey=None if s is None else FeedbackSurvey(dict(s["answers"]), s.get("free_text")),
        recorded_by=d.get("recorded_by", ""),
    )


def follow_up_to_doc(f: FollowUp) -> Doc:
    return {
        "follow_up_id": f.follow_up_id,
        "evaluation_id": f.evaluation_id,
        "decision_id": f.decision_id,
        "agency_id": f.agency_id,
        "round_id": f.round_id,
        "nip": f.nip,
        "reason": f.reason.value,
        "detail": f.detail,
        "detail_en": f.detail_en,
        "competencies": dict(f.competencies),
        "for_next_round": f.for_next_round,
    }


def follow_up_from_doc(d: Doc) -> FollowUp:
    return FollowUp(
        follow_up_id=d["follow_up_id"],
        evaluation_id=d["evaluation_id"],
        decision_id=d.get("decision_id", ""),
        agency_id=d["agency_id"],
        round_id=d["round_id"],
        nip=d["nip"],
        reason=FollowUpReason(d["reason"]),
        detail=d["detail"],
        detail_en=d.get("detail_en", ""),
        competencies=dict(d.get("competencies") or {}),
        for_next_round=bool(d.get("for_next_round", False)),
    )


def training_to_doc(t: TrainingRecord) -> Doc:
    return {
        "agency_id": t.agency_id,
        "nip": t.nip,
        "gaps": dict(t.gaps),
        "items": [
            {
                "item_id": i.item_id,
                "competencies": list(i.competencies),
                "jp": i.jp,
                "assigned": i.assigned,
                "completed_on": i.completed_on.isoformat() if i.completed_on else None,
            }
            for i in t.items.values()
        ],
    }


def training_from_doc(d: Doc) -> TrainingRecord:
    items = {
        i["item_id"]: TrainingItem(
            i["item_id"],
            tuple(i.get("competencies", [])),
            int(i.get("jp", 0)),
            bool(i.get("assigned")),
            _opt_date(i.get("completed_on")),
        )
        for i in d.get("items", [])
    }
    return TrainingRecord(d["agency_id"], d["nip"], items, dict(d.get("gaps") or {}))


def survey_to_doc(a: SurveyAnswer) -> Doc:
    return {
        "agency_id": a.agency_id,
        "round_id": a.round_id,
        "nip": a.nip,
        "decision_id": a.decision_id,
        "checkpoint_months": a.checkpoint_months,
        "answered_on": a.answered_on,
        "answers": dict(a.survey.answers),
        "free_text": a.survey.free_text,
    }


def survey_from_doc(d: Doc) -> SurveyAnswer:
    return SurveyAnswer(
        agency_id=d["agency_id"],
        round_id=d["round_id"],
        nip=d["nip"],
        decision_id=d["decision_id"],
        checkpoint_months=int(d["checkpoint_months"]),
        answered_on=_date(d["answered_on"]),
        survey=FeedbackSurvey(dict(d["answers"]), d.get("free_text")),
    )
