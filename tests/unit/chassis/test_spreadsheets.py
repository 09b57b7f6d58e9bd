"""The chassis spreadsheet reader under hostile input, and the export neutraliser."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Sequence
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from mutasi.chassis.spreadsheets import (
    SheetLimits,
    SpreadsheetRejected,
    XlsxWorkbook,
    is_date_format,
    safe_cell,
    safe_filename,
    table_rows,
)
from tests.support.hostile import entity_bomb, truncated, workbook, zip_bomb

SMALL = SheetLimits(max_upload_mb=1, max_unzipped_mb=8, max_rows=100, max_columns=10, max_cell_chars=50)
HEAP_BOUND_MB = 40  # the Python heap while refusing a bomb: far below what the bomb expands to


def refusal(content: bytes, name: str = "f.xlsx", limits: SheetLimits = SMALL) -> SpreadsheetRejected:
    with pytest.raises(SpreadsheetRejected) as caught:
        list(table_rows(content, name, limits))
    return caught.value


def test_an_empty_upload_is_refused_as_empty() -> None:
    e = refusal(b"")
    assert (e.status, "empty" in str(e)) == (422, True)


def test_a_file_that_is_not_a_zip_is_refused() -> None:
    e = refusal(b"%PDF-1.4 not a spreadsheet")
    assert e.status == 422
    assert "XLSX" in str(e)


def test_a_truncated_workbook_is_refused() -> None:
    assert refusal(truncated(workbook(["nip"], ["1"]))).status == 422


def test_an_upload_over_the_size_limit_is_a_413_naming_the_setting() -> None:
    e = refusal(b"PK" + b"x" * (2 * 1024 * 1024))
    assert e.status == 413
    assert "UPLOAD_MAX_MB" in str(e)


def test_a_zip_bomb_is_refused_before_it_is_expanded_and_the_heap_stays_small() -> None:
    bomb = zip_bomb(200)
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    e = refusal(bomb, limits=SheetLimits(max_unzipped_mb=64))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert e.status == 413
    assert "UPLOAD_MAX_UNZIPPED_MB" in str(e)
    assert peak < HEAP_BOUND_MB * 1024 * 1024


def test_a_bomb_that_fits_the_declared_size_is_stopped_while_streaming() -> None:
    e = refusal(zip_bomb(12), limits=SheetLimits(max_unzipped_mb=10))
    assert e.status == 413


def test_an_xml_entity_bomb_is_refused_without_expanding_an_entity() -> None:
    tracemalloc.start()
    e = refusal(entity_bomb(), limits=SheetLimits())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert e.status == 422
    assert "DTD" in str(e) or "damaged" in str(e)
    assert peak < HEAP_BOUND_MB * 1024 * 1024


def test_rows_columns_and_cell_length_limits_are_named() -> None:
    rows = refusal(workbook(*[["x"]] * 103))
    columns = refusal(workbook(["c"] * 11))
    cell = refusal(workbook(["nip"], ["9" * 51]))
    assert (rows.status, "UPLOAD_MAX_ROWS" in str(rows)) == (413, True)
    assert (columns.status, "UPLOAD_MAX_COLUMNS" in str(columns)) == (413, True)
    assert (cell.status, "UPLOAD_MAX_CELL_CHARS" in str(cell), cell.field) == (422, True, "sel / cell A2")


def test_a_csv_obeys_the_same_limits() -> None:
    assert refusal(b"nip\n" + b"1\n" * 101, "f.csv").status == 413
    assert refusal(b"nip;nama\n1;" + b"x" * 60, "f.csv").status == 422


def _texts(rows: Sequence[Sequence[object]]) -> list[list[object]]:
    out = []
    for row in rows:
        values = [v.date().isoformat() if isinstance(v, datetime) else v for v in row]
        while values and values[-1] is None:
            values.pop()
        out.append(values)
    return out


def test_the_streaming_reader_gives_the_values_openpyxl_gives() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["nip", "tmt", "level", "skor", "aktif", "catatan"])
    sheet.append(["199001012015031001", datetime(2020, 1, 2), 3, 2.5, True, "Baik"])
    sheet.append([None, date(2021, 5, 6), None, 100, False])
    sheet.append([])
    sheet.append(["x", "31/12/2020", 1.0, -4, None, "Sangat Baik"])
    sheet["B3"].number_format = "dd/mm/yyyy"
    out = io.BytesIO()
    book.save(out)
    content = out.getvalue()
    fast = list(XlsxWorkbook(content, SheetLimits()).rows())
    slow = list(
        load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0].iter_rows(values_only=True)
    )
    assert _texts(fast) == _texts(slow)
    assert _texts(fast)[1][:2] == ["199001012015031001", "2020-01-02"]


def test_recognises_custom_date_formats_but_not_quoted_letters() -> None:
    assert is_date_format("dd/mm/yyyy")
    assert is_date_format("[$-421]d mmmm yyyy")
    assert not is_date_format('0.00" days"')
    assert not is_date_format("#,##0")


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_export_cells_that_could_run_as_formulas_are_neutralised(text: str) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([safe_cell(text)])
    out = io.BytesIO()
    book.save(out)
    cell = load_workbook(io.BytesIO(out.getvalue()))["Sheet"]["A1"]
    assert cell.data_type == "s"
    assert cell.value == "'" + text.replace("\r", "\n")  # XML stores CR as LF


def test_plain_values_are_exported_unchanged() -> None:
    assert [safe_cell(v) for v in ["Baik", 3, -4, 2.5, None, "a=b"]] == ["Baik", 3, -4, 2.5, None, "a=b"]


def test_an_export_file_name_cannot_break_the_header() -> None:
    assert safe_filename("rekap-Dinas Ω\r\nX: y.xlsx") == "rekap-Dinas____X__y.xlsx"
