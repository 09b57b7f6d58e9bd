"""The breakdown of outcomes at each checkpoint by group: rates, the ratio to the best group, the four-fifths
flag, small groups pooled — and the same rows in the report, the workbook and the page."""

from __future__ import annotations

import io
from datetime import date, timedelta

from openpyxl import load_workbook

from mutasi.contracts.envelope import CloudEvent
from mutasi.contracts.examples import example_event
from mutasi.contracts.placement import MutationDecidedV1
from mutasi.contracts.topics import MUTATION_DECIDED
from mutasi.evaluation.adapters import html_report, xlsx_report
from mutasi.evaluation.domain.fairness import FairnessSettings, Outcome, outcome_fairness, sex_of
from mutasi.evaluation.domain.performance import Predicate
from mutasi.evaluation.domain.recording import register
from mutasi.evaluation.domain.report import build_report
from mutasi.evaluation.entrypoints.subscribers import move_decided
from tests.unit.evaluation.evaluation_factories import AGENCY, evaluate, schedule

GOOD, POOR = Predicate.BAIK, Predicate.BUTUH_PERBAIKAN


def people(sex: str, good: int, poor: int, months: int = 3) -> list[Outcome]:
    preds = [GOOD] * good + [POOR] * poor
    return [Outcome(f"{sex}{i}", {"jenis_kelamin": sex}, {months: p}) for i, p in enumerate(preds)]


def rows_of(fairness, dimension: str = "jenis_kelamin", months: int = 3):  # type: ignore[no-untyped-def]
    return {r.group: r for r in fairness.rows if r.dimension == dimension and r.checkpoint_months == months}


def test_a_group_under_four_fifths_of_the_best_rate_is_flagged() -> None:
    f = outcome_fairness([*people("L", 9, 1), *people("P", 6, 4)], (3, 6, 12))
    rows = rows_of(f)
    assert (rows["L"].evaluated, rows["L"].favourable, rows["L"].rate, rows["L"].ratio_to_best) == (10, 9, 0.9, 1.0)
    assert (rows["P"].rate, rows["P"].ratio_to_best, rows["P"].flagged) == (0.6, 0.667, True)
    assert not rows["L"].flagged
    assert [r.group for r in f.flagged if r.dimension == "jenis_kelamin"] == ["P"]


def test_the_threshold_is_a_setting() -> None:
    f = outcome_fairness([*people("L", 9, 1), *people("P", 6, 4)], (3,), FairnessSettings(flag_ratio=0.6))
    assert not rows_of(f)["P"].flagged


def test_groups_under_the_minimum_are_pooled_never_shown_alone() -> None:
    f = outcome_fairness([*people("L", 5, 1), *people("P", 2, 1)], (3,))
    rows = rows_of(f)
    assert all(r.evaluated >= 5 for r in f.rows)
    assert set(rows) == {"P+L"}  # 3 women pooled with the smallest large group
    assert rows["P+L"].pooled


def test_a_checkpoint_with_fewer_people_than_the_minimum_shows_nothing() -> None:
    f = outcome_fairness(people("L", 3, 1), (3,))
    assert f.rows == ()


def test_only_people_evaluated_at_a_checkpoint_count_there() -> None:
    f = outcome_fairness([*people("L", 5, 0, months=3), *people("P", 5, 0, months=6)], (3, 6, 12))
    assert set(rows_of(f, months=3)) == {"L"}
    assert set(rows_of(f, months=6)) == {"P"}
    assert rows_of(f, months=12) == {}


def test_sex_is_digit_fifteen_of_the_nip() -> None:
    assert (sex_of("198001012005011001"), sex_of("198001012005012001"), sex_of("x")) == ("L", "P", "tidak diketahui")


def test_the_event_profile_becomes_the_schedule_groups() -> None:
    event = CloudEvent[MutationDecidedV1].model_validate(example_event(MUTATION_DECIDED))
    groups = move_decided(event).groups
    assert groups["jenis_kelamin"] in {"L", "P"}
    assert (groups["golongan"], groups["pendidikan"], groups["jenis_pegawai"], groups["kelompok_usia"]) == (
        "III", "S1", "PNS", "30–39",
    )  # fmt: skip
    assert groups["jenis_mutasi"] == "rotasi"


def test_the_programme_report_carries_the_breakdown_into_json_workbook_and_page() -> None:
    schedules, evaluations = [], []
    for i in range(12):
        sex = "1" if i < 6 else "2"
        s = schedule(nip=f"19800101200501{sex}{i:03d}", unit="u1", groups={"jenis_kelamin": "L" if i < 6 else "P"})
        e = evaluate(s, hasil="sesuai" if i < 6 or i == 6 else "di_bawah", perilaku="sesuai")
        schedules.append(register(s, e, None)[0])
        evaluations.append(e)
    r = build_report(
        agency_id=AGENCY, round_id="2026-1", as_of=date(2026, 3, 1) + timedelta(days=200), schedules=schedules,
        evaluations=evaluations, training={}, follow_ups=[],
    )  # fmt: skip
    rows = rows_of(r.fairness)
    assert (rows["L"].rate, rows["P"].favourable, rows["P"].flagged) == (1.0, 1, True)
    sheet = load_workbook(io.BytesIO(xlsx_report.render(r)))["Keadilan hasil"]
    flagged = [row for row in sheet.iter_rows(values_only=True) if row[2] == "P" and row[1] == "Jenis kelamin"]
    assert flagged
    assert flagged[0][8] == "ya"
    page = html_report.render(r)
    assert "Keadilan hasil per kelompok" in page
    assert "di bawah ambang" in page
