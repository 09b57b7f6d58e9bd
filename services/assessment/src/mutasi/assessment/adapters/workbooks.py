"""Write spreadsheets: the import templates and the annotated error workbook of a rejected import."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from mutasi.assessment.domain.template import TEMPLATES
from mutasi.chassis.spreadsheets import XLSX_MEDIA_TYPE as XLSX_MEDIA_TYPE
from mutasi.chassis.spreadsheets import safe_row

RED = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
BOLD = Font(bold=True)


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_xlsx(kind: str) -> bytes:
    """The template with its header, one example row and a 'petunjuk' (instructions) sheet."""
    columns = TEMPLATES[kind]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = kind
    sheet.append(safe_row(c.name for c in columns))
    sheet.append(safe_row(c.example for c in columns))
    for cell in sheet[1]:
        cell.font = BOLD
    guide = book.create_sheet("petunjuk")
    guide.append(["kolom", "wajib", "keterangan", "contoh"])
    for c in columns:
        guide.append(safe_row([c.name, "ya" if c.required else "tidak", c.description_id, c.example]))
    return _save(book)


def template_csv(kind: str) -> bytes:
    """The template as CSV (header and one example row)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(c.name for c in TEMPLATES[kind]))
    writer.writerow(safe_row(c.example for c in TEMPLATES[kind]))
    return out.getvalue().encode("utf-8")


def errors_xlsx(header: Sequence[str], bad_rows: Iterable[Mapping[str, Any]]) -> bytes:
    """Each bad row with its original cells; failing cells red with a comment; reasons in two extra columns.

    `bad_rows` items: {"row": n, "cells": {column: text}, "errors": [{"column", "message_id", "message_en"}]}.
    """
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "kesalahan"
    columns = ["baris", *header, "kesalahan", "errors"]
    sheet.append(safe_row(columns))
    for cell in sheet[1]:
        cell.font = BOLD
    for item in bad_rows:
        errors = item["errors"]
        cells = item["cells"]
        sheet.append(
            safe_row([item["row"], *(cells.get(h) for h in header), _joined(errors, "message_id"),
                      _joined(errors, "message_en")])
        )  # fmt: skip
        _mark(sheet, sheet.max_row, header, errors)
    return _save(book)


def _joined(errors: Sequence[Mapping[str, Any]], key: str) -> str:
    return "; ".join(f"{e['column']}: {e[key]}" for e in errors)


def _mark(sheet: Any, row: int, header: Sequence[str], errors: Sequence[Mapping[str, Any]]) -> None:
    for error in errors:
        if error["column"] in header:
            cell = sheet.cell(row=row, column=header.index(error["column"]) + 2)
            cell.fill = RED
            cell.comment = Comment(f"{error['message_id']}\n{error['message_en']}", "mutasi")
