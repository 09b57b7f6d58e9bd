"""XLSX in and out: read a posts workbook into text rows; write the plan and decisions as SK-draft sheets."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from mutasi.chassis.spreadsheets import XLSX_MEDIA_TYPE as XLSX_MEDIA_TYPE
from mutasi.chassis.spreadsheets import SheetLimits, SpreadsheetRejected, XlsxWorkbook, safe_row


def read_rows(content: bytes, limits: SheetLimits) -> tuple[list[str], list[dict[str, str | None]]]:
    """Header (row 1, trimmed, lower-case) and the non-empty rows of the first sheet as text cells.

    The chassis reader streams the sheet under the upload limits (413/422 naming the limit)."""
    if not content.startswith(b"PK"):
        raise SpreadsheetRejected(422, "body", "Berkas bukan XLSX / not an XLSX file")
    rows = XlsxWorkbook(content, limits).rows()
    header = [str(h).strip().lower() if h is not None else "" for h in next(rows, [])]
    out = []
    for values in rows:
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        out.append({h: _text(v) for h, v in zip(header, values, strict=False) if h})
    return header, out


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_posts(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A posts workbook (the template download and test fixtures)."""
    return write_sheets([("jabatan", list(header), [list(r) for r in rows])])


def write_sheets(sheets: Sequence[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for title, header, rows in sheets:
        ws = wb.create_sheet(title)
        ws.append(safe_row(header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(safe_row(row))
        for column in ws.columns:
            width = max(len(str(c.value or "")) for c in column)
            ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
