"""The catalogue workbook adapter, the attendance export, and the programme figures."""

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from mutasi.training.adapters.cpsat_coverer import CpSatCoverer
from mutasi.training.adapters.documents import plan_from_doc, plan_to_doc
from mutasi.training.adapters.spreadsheets import attendance_workbook, read_catalogue
from mutasi.training.domain.errors import InvalidInput
from mutasi.training.domain.metrics import summarize
from mutasi.training.domain.progress import record_completion
from tests.unit.training.training_builders import move, planner


def book(**sheets: list[list[object]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        sheet = wb.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_workbook_is_read_with_row_numbers_that_skip_blank_rows_correctly():
    data = book(
        Offerings=[
            ["Offering_ID", "title", "kind", "raises", "jp", "provider", "cost"],
            [None, None, None, None, None, None, None],
            ["A", "A", "technical", "tek_a:1", 8, "P", 100],
            ["B", "B", "nope", "tek_a:1", 8, "P", 100],
        ],
        sessions=[
            ["offering_id", "session_id", "starts_on", "ends_on", "capacity"],
            ["A", "A-1", date(2027, 1, 4), date(2027, 1, 5), 10],
        ],
    )

    parsed = read_catalogue(data)

    assert [(e.sheet, e.row, e.column) for e in parsed.errors] == [("offerings", 4, "kind")]
    assert parsed.offerings[0].sessions[0].starts_on == date(2027, 1, 4)


def test_a_missing_sheet_or_column_is_reported_before_any_row():
    parsed = read_catalogue(book(offerings=[["offering_id", "title"]]))

    assert ("offerings", 1, "kind") in [(e.sheet, e.row, e.column) for e in parsed.errors]
    assert ("sessions", 1, "") in [(e.sheet, e.row, e.column) for e in parsed.errors]
    assert parsed.offerings == ()


def test_bytes_that_are_not_a_workbook_are_an_invalid_body():
    with pytest.raises(InvalidInput) as error:
        read_catalogue(b"plain text")
    assert error.value.field == "body"


def test_a_plan_survives_the_round_trip_through_its_stored_document():
    plan = planner(CpSatCoverer()).plan_move(move())

    again = plan_from_doc(plan_to_doc(plan))

    assert again == plan


def test_the_attendance_export_lists_live_items_by_start_date():
    plan = planner(CpSatCoverer()).plan_move(move())

    sheet = load_workbook(io.BytesIO(attendance_workbook([plan_to_doc(plan)])))["attendance"]

    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + len(plan.items)
    starts = [r[12] for r in rows[1:] if r[12]]
    assert starts == sorted(starts)


def test_programme_figures_count_plans_jp_completion_coverage_and_people_under_the_minimum():
    plan = planner(CpSatCoverer()).plan_move(move())
    entry = record_completion(plan, plan.items[0], date(2026, 3, 11), "S", today=date(2026, 4, 1))
    assert entry is not None

    s = summarize([(plan.nip, [plan], [entry])], 2026, jp_minimum=20)

    assert (s.people, s.plans, s.assigned_jp) == (1, 1, 82)
    assert s.completion_rate == pytest.approx(1 / 4)
    assert s.gap_coverage == pytest.approx(4 / 5)
    assert s.uncovered_by_reason == {"NOT_IN_CATALOGUE": 1}
    assert s.people_under_minimum == 0  # 24 JP in 2026
    assert s.people_without_mentor == 1
