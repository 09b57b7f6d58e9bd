"""Survey answers reach the report only for five people or more (UU 27/2022 data minimisation): the boundary."""

from __future__ import annotations

from datetime import date, timedelta

from mutasi.evaluation.domain.recording import register
from mutasi.evaluation.domain.report import ProgrammeReport, build_report
from tests.unit.evaluation.evaluation_factories import AGENCY, evaluate, schedule, survey

AS_OF = date(2026, 9, 1)


def report_with_respondents(n: int) -> ProgrammeReport:
    schedules, evaluations = [], []
    for i in range(n):
        s = schedule(nip=f"19800101200501{i:04d}", unit="u1")
        e = evaluate(s, answers=survey(4))
        schedules.append(register(s, e, None)[0])
        evaluations.append(e)
    return build_report(
        agency_id=AGENCY,
        round_id="2026-1",
        as_of=AS_OF + timedelta(days=1),
        schedules=schedules,
        evaluations=evaluations,
        training={},
        follow_ups=[],
    )


def test_four_respondents_are_one_too_few_for_the_total() -> None:
    report = report_with_respondents(4)
    assert report.min_group_size == 5
    assert report.feedback is None
    assert report.feedback_by_unit == []
    assert any("4 responden < 5" in note for note in report.notes)


def test_five_respondents_show_the_total_and_their_unit() -> None:
    report = report_with_respondents(5)
    assert report.feedback is not None
    assert report.feedback.respondents == 5
    assert [f.respondents for f in report.feedback_by_unit] == [5]
