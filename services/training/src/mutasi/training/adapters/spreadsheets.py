"""XLSX in and out: the catalogue workbook (sheets `offerings` and `sessions`) and the attendance export."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from mutasi.chassis.spreadsheets import SheetLimits, XlsxWorkbook, safe_row
from mutasi.training.domain.catalogue import (
    OFFERING_COLUMNS,
    SESSION_COLUMNS,
    NumberedRow,
    ParsedCatalogue,
    RowError,
    parse_catalogue,
)
from mutasi.training.domain.errors import InvalidInput

SHEETS = {"offerings": OFFERING_COLUMNS, "sessions": SESSION_COLUMNS}


def read_catalogue(data: bytes, limits: SheetLimits | None = None) -> ParsedCatalogue:
    """Read the two sheets (header row 1, names as in OFFERING_COLUMNS / SESSION_COLUMNS, any order).

    The chassis reader streams each sheet under the upload limits (413/422 naming the limit)."""
    if not data.startswith(b"PK"):
        raise InvalidInput("body", "bukan berkas XLSX / not an XLSX workbook")
    book = XlsxWorkbook(data, limits or SheetLimits())
    sheets = {name.strip().lower(): name for name in book.sheet_names}
    rows: dict[str, list[NumberedRow]] = {}
    errors: list[RowError] = []
    for sheet, required in SHEETS.items():
        if sheet not in sheets:
            errors.append(RowError(sheet, 1, "", f"lembar '{sheet}' tidak ada", f"sheet '{sheet}' is missing"))
            rows[sheet] = []
            continue
        rows[sheet], missing = _rows(book.rows(sheets[sheet]), required)
        errors += [RowError(sheet, 1, c, "kolom wajib tidak ada", "required column is missing") for c in missing]
    if errors:
        return ParsedCatalogue((), tuple(errors))
    return parse_catalogue(rows["offerings"], rows["sessions"])


def _rows(values: Iterator[list[Any]], required: Sequence[str]) -> tuple[list[NumberedRow], list[str]]:
    header = [str(h).strip().lower() if h is not None else "" for h in next(values, [])]
    missing = [c for c in required if c not in header]
    out: list[NumberedRow] = []
    for number, row in enumerate(values, start=2):
        if row and any(v not in (None, "") for v in row):
            out.append((number, {header[i]: v for i, v in enumerate(row) if i < len(header) and header[i]}))
    return out, missing


def write_workbook(sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """A workbook with one sheet per entry: a bold header row, then the rows."""
    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    for title, (header, body) in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(safe_row(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in body:
            sheet.append(safe_row(row))
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ATTENDANCE_COLUMNS = (
    "nip",
    "name",
    "unit_id",
    "post",
    "plan_id",
    "item_id",
    "offering_id",
    "title",
    "kind",
    "purpose",
    "provider",
    "session_id",
    "starts_on",
    "ends_on",
    "due_on",
    "jp",
    "status",
    "completed_on",
    "evidence_ref",
    "mentor_nip",
)


SESSION_SHEET_COLUMNS = (
    "session_id",
    "offering_id",
    "title",
    "starts_on",
    "ends_on",
    "capacity",
    "booked",
    "cancelled",
)


def attendance_workbook(plans: Iterable[dict[str, Any]], offerings: Iterable[dict[str, Any]] = ()) -> bytes:
    """Who attends what and when: one row per live plan item, sorted by start date then NIP; and a sheet of
    sessions with the number booked (within the exported scope)."""
    rows: list[dict[str, Any]] = []
    for plan in plans:
        for item in plan["items"]:
            if item["status"] == "cancelled":
                continue
            rows.append(
                {
                    "nip": plan["nip"],
                    "name": plan["name"],
                    "unit_id": plan["target_unit_id"],
                    "post": plan["target_post_name"],
                    "plan_id": plan["plan_id"],
                    "mentor_nip": plan.get("mentor_nip"),
                    **{c: item.get(c) for c in ATTENDANCE_COLUMNS if c in item},
                }
            )
    rows.sort(key=lambda r: (r["starts_on"] or "9999", r["nip"], r["item_id"]))
    booked: dict[str, int] = {}
    for row in rows:
        if row["session_id"]:
            booked[row["session_id"]] = booked.get(row["session_id"], 0) + 1
    sessions = sorted(
        (
            (s["session_id"], o["offering_id"], o["title"], s["starts_on"], s["ends_on"], s["capacity"],
             booked.get(s["session_id"], 0), s["cancelled"])
            for o in offerings
            for s in o["sessions"]
        ),
        key=lambda r: (r[3], r[0]),
    )  # fmt: skip
    table = [[r.get(c) for c in ATTENDANCE_COLUMNS] for r in rows]
    return write_workbook({"attendance": (ATTENDANCE_COLUMNS, table), "sessions": (SESSION_SHEET_COLUMNS, sessions)})
