"""Read an uploaded XLSX or CSV into a header and rows of text cells, the shape the domain validators take."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook

from mutasi.assessment.adapters.xlsx_rows import XlsxValues

Cells = dict[str, str | None]


class UnreadableFile(ValueError):
    """The upload is not a spreadsheet this service can read."""

    field = "file"


@dataclass
class Table:
    """A header (normalised column names) and its data rows, lazily read."""

    header: list[str]
    rows: Iterator[Cells]


def normalise_header(name: Any) -> str:
    """'Jabatan ID ' → 'jabatan_id': what users type in a header varies, the template names do not."""
    return str(name or "").strip().lower().replace(" ", "_").replace("-", "_")


def cell_text(value: Any) -> str | None:
    """Spreadsheet values as the text a user would see: dates ISO, whole floats without '.0'."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def read_table(content: bytes, filename: str) -> Table:
    """Dispatch on the file name; XLSX reads the first sheet."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(content)
    if name.endswith(".csv"):
        return _read_csv(content)
    raise UnreadableFile("Berkas harus .xlsx atau .csv / the file must be .xlsx or .csv")


def _rows(header: list[str], values: Iterator[Sequence[Any]]) -> Iterator[Cells]:
    """Rows keyed by header; trailing blank rows are dropped, blank rows between data keep their number."""
    blanks: list[Cells] = []
    for raw in values:
        cells = {h: cell_text(raw[i]) if i < len(raw) else None for i, h in enumerate(header) if h}
        if all(v is None for v in cells.values()):
            blanks.append(cells)
            continue
        yield from blanks
        blanks.clear()
        yield cells


def _read_xlsx(content: bytes) -> Table:
    try:
        values: Iterator[Sequence[Any]] = _guarded(XlsxValues(io.BytesIO(content)).rows())
    except Exception:  # an unusual workbook layout: let openpyxl try before giving up
        values = _openpyxl_values(content)
    first = next(values, None)
    if first is None:
        raise UnreadableFile("Berkas kosong / the file is empty")
    header = [normalise_header(h) for h in first]
    return Table(header, _rows(header, values))


def _guarded(rows: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """A damaged sheet found mid-way is the caller's bad input (422), not a server error."""
    try:
        yield from rows
    except Exception as exc:
        raise UnreadableFile(f"Berkas XLSX rusak / damaged XLSX: {exc}") from exc


def _openpyxl_values(content: bytes) -> Iterator[Sequence[Any]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or non-XLSX file
        raise UnreadableFile(f"Berkas XLSX tidak dapat dibaca / unreadable XLSX: {exc}") from exc
    return book.worksheets[0].iter_rows(values_only=True)


def _read_csv(content: bytes) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile("CSV harus UTF-8 / CSV must be UTF-8") from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","  # Indonesian Excel exports use ';'
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    first = next(reader, None)
    if first is None:
        raise UnreadableFile("Berkas kosong / the file is empty")
    header = [normalise_header(h) for h in first]
    return Table(header, _rows(header, (tuple(r) for r in reader)))
