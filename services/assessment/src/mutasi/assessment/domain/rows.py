"""What every file import shares: the outcome of a file, header checks, duplicate keys, the row loop."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from mutasi.assessment.domain.cells import RowError
from mutasi.assessment.domain.template import missing_columns

T = TypeVar("T")
FIRST_DATA_ROW = 2  # row 1 is the header, as the user sees it in the spreadsheet
Cells = Mapping[str, str | None]


@dataclass
class RowsOutcome(Generic[T]):
    """Valid records and every error of a file; a row with any error contributes no record."""

    accepted: list[T] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0
    bad_cells: dict[int, Cells] = field(default_factory=dict)  # original cells of rejected rows, for annotation

    @property
    def rejected_rows(self) -> set[int]:
        """Row numbers with at least one error (row 1 = a header problem)."""
        return {e.row for e in self.errors}


def header_errors(template: str, header: Iterable[str]) -> list[RowError]:
    """One error per required column missing from the header (reported on row 1)."""
    return [
        RowError(1, name, "COLUMN_MISSING", f"Kolom wajib {name} tidak ada", f"Required column {name} is missing")
        for name in missing_columns(template, list(header))
    ]


def duplicate_error(row: int, column: str, value: str, first_row: int) -> RowError:
    """The same key appears twice in one file."""
    return RowError(
        row,
        column,
        "DUPLICATE",
        f"{value} sudah ada di baris {first_row}",
        f"{value} already in row {first_row}",
        value,
    )


def validate_rows(
    rows: Iterable[Cells],
    parse_row: Callable[[int, Cells], tuple[T | None, list[RowError]]],
    key: Callable[[T], str],
    key_column: str,
) -> RowsOutcome[T]:
    """Parse every row; a key seen twice in one file rejects the later row."""
    outcome: RowsOutcome[T] = RowsOutcome()
    seen: dict[str, int] = {}
    for offset, cells in enumerate(rows):
        row = FIRST_DATA_ROW + offset
        outcome.rows_read += 1
        item, errors = parse_row(row, cells)
        if item is not None and key(item) in seen:
            errors, item = [duplicate_error(row, key_column, key(item), seen[key(item)])], None
        outcome.errors.extend(errors)
        if errors:
            outcome.bad_cells[row] = dict(cells)
        if item is not None:
            seen[key(item)] = row
            outcome.accepted.append(item)
    return outcome
