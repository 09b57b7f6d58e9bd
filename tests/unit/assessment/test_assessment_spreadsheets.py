"""Spreadsheet adapters: reading XLSX/CSV cells as text, templates, and the annotated error workbook."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from mutasi.assessment.adapters import workbooks
from mutasi.assessment.adapters.tables import UploadRows, cell_text, read_table
from mutasi.chassis.spreadsheets import SpreadsheetRejected


def xlsx(*rows: list[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("value", "text"),
    [(datetime(2020, 1, 2, 0, 0), "2020-01-02"), (date(2020, 1, 2), "2020-01-02"), (3.0, "3"), (2.5, "2.5"),
     ("  Baik ", "Baik"), ("", None), (None, None)],
)  # fmt: skip
def test_cells_read_as_the_text_a_user_sees(value: object, text: str | None) -> None:
    assert cell_text(value) == text


def test_reads_xlsx_with_forgiving_headers_and_drops_trailing_blank_rows() -> None:
    table = read_table(xlsx(["NIP", "Jabatan ID"], ["1", "a"], [None, None], ["2", "b"], [None, None]), "f.xlsx")
    assert table.header == ["nip", "jabatan_id"]
    assert [r["nip"] for r in table.rows] == ["1", None, "2"]  # the blank middle row keeps row numbers true


def test_reads_semicolon_csv_with_a_byte_order_mark() -> None:
    table = read_table("\ufeffnip;nama\n1;Andi\n".encode(), "f.csv")
    assert list(table.rows) == [{"nip": "1", "nama": "Andi"}]


@pytest.mark.parametrize(("content", "name"), [(b"x", "f.pdf"), (b"not a zip", "f.xlsx"), (b"\xff\xfe", "f.csv")])
def test_rejects_files_it_cannot_read(content: bytes, name: str) -> None:
    with pytest.raises(SpreadsheetRejected):
        read_table(content, name)


def test_template_lists_every_column_with_instructions() -> None:
    book = load_workbook(io.BytesIO(workbooks.template_xlsx("assessments")))
    guide = [row[0].value for row in book["petunjuk"].iter_rows(min_row=2)]
    assert guide[:2] == ["nip", "tanggal_asesmen"]
    assert "tek_<kode>" in guide


def test_error_workbook_marks_each_bad_cell() -> None:
    errors = [{"column": "bup", "message_id": "BUP salah", "message_en": "bad BUP"}]
    content = workbooks.errors_xlsx(["nip", "bup"], [{"row": 7, "cells": {"nip": "1", "bup": "61"}, "errors": errors}])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert [c.value for c in sheet[2]] == [7, "1", "61", "bup: BUP salah", "bup: bad BUP"]
    assert sheet["C2"].comment is not None


def test_an_upload_gives_its_rows_again_to_each_pass_of_an_import_job() -> None:
    # A job pass that failed on a transient error runs again from the start; it must see every row again.
    content = b"nip,nama\n199001012015031001,Rudi\n199202022016042002,Sari\n"
    rows = UploadRows(content, "pegawai.csv")
    first, second = list(rows), list(rows)
    assert first == second == [{"nip": "199001012015031001", "nama": "Rudi"},
                                {"nip": "199202022016042002", "nama": "Sari"}]  # fmt: skip
