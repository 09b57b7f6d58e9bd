"""XLSX in and out: read a posts workbook into text rows; write the plan and decisions as SK-draft sheets."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UnreadableWorkbook(Exception):
    """The upload is not an XLSX workbook."""

    field = "body"


def read_rows(content: bytes) -> tuple[list[str], list[dict[str, str | None]]]:
    """Header (row 1, trimmed, lower-case) and the non-empty rows of the first sheet as text cells."""
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableWorkbook(f"Berkas bukan XLSX yang bisa dibaca / not a readable XLSX file: {exc}") from exc
    sheet = wb.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip().lower() if h is not None else "" for h in next(rows, ())]
    out = []
    for values in rows:
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        out.append({h: _text(v) for h, v in zip(header, values, strict=False) if h})
    wb.close()
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
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(row)
        for column in ws.columns:
            width = max(len(str(c.value or "")) for c in column)
            ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
