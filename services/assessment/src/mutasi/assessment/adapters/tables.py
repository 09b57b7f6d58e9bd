"""Read an uploaded XLSX or CSV into a header and rows of text cells, the shape the domain validators take."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from mutasi.chassis.spreadsheets import SheetLimits, SpreadsheetRejected, table_rows

Cells = dict[str, str | None]


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
    if type(value) is str:  # every cell of a CSV
        return value.strip() or None
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


def read_table(content: bytes, filename: str, limits: SheetLimits | None = None) -> Table:
    """Dispatch on the file name; XLSX reads the first sheet. The chassis reader streams it under `limits`."""
    values = table_rows(content, filename, limits or SheetLimits())
    first = next(values, None)
    if first is None:
        raise SpreadsheetRejected(422, "body", "Berkas kosong / the file is empty")
    header = [normalise_header(h) for h in first]
    return Table(header, _rows(header, values))


class UploadRows:
    """The data rows of an upload, read again from its bytes on each iteration. An import job whose pass failed
    on a transient error runs again from the start; a single-use iterator would give that pass no rows (the job
    then failed with "the file has no data rows")."""

    def __init__(self, content: bytes, filename: str, limits: SheetLimits | None = None) -> None:
        self._content, self._filename, self._limits = content, filename, limits

    def __iter__(self) -> Iterator[Cells]:
        return read_table(self._content, self._filename, self._limits).rows


def _rows(header: list[str], values: Iterator[Sequence[Any]]) -> Iterator[Cells]:
    """Rows keyed by header; trailing blank rows are dropped, blank rows between data keep their number."""
    blanks: list[Cells] = []
    named = [(i, h) for i, h in enumerate(header) if h]
    for raw in values:
        width = len(raw)
        cells = {h: cell_text(raw[i]) if i < width else None for i, h in named}
        if all(v is None for v in cells.values()):
            blanks.append(cells)
            continue
        yield from blanks
        blanks.clear()
        yield cells
