"""Rows of a posts spreadsheet (peta jabatan with ANJAB/ABK numbers) turned into Posts, or row-level errors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from mutasi.placement.domain.posts import Post
from mutasi.placement.domain.ranks import (
    ESELON_RANGE,
    POST_TYPES,
    education_rank,
    golongan_rank,
    is_education_level,
    is_golongan,
)

COLUMNS: tuple[str, ...] = (
    "post_id", "unit_id", "unit_name", "name", "post_type", "eselon", "field", "golongan_min", "golongan_max",
    "education_levels", "education_fields", "kebutuhan", "bezetting", "standard", "fields_mandatory",
    "leadership_task", "reports_to_post_id",
)  # fmt: skip
REQUIRED = ("post_id", "unit_id", "unit_name", "name", "post_type", "kebutuhan", "bezetting")
TRUE_WORDS = {"ya", "y", "true", "1", "yes", "benar"}
FALSE_WORDS = {"tidak", "t", "false", "0", "no", "n", ""}

Cells = Mapping[str, str | None]


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: spreadsheet row (header is row 1), column, code and reasons in both languages."""

    row: int
    column: str
    code: str
    reason_id: str
    reason_en: str
    value: str = ""


@dataclass
class RowsOutcome:
    accepted: list[Post] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def rejected_rows(self) -> set[int]:
        return {e.row for e in self.errors}


def header_errors(header: Iterable[str]) -> list[RowError]:
    present = set(header)
    return [
        RowError(1, col, "MISSING_COLUMN", f"Kolom {col} tidak ada di baris judul.", f"Column {col} is missing.")
        for col in REQUIRED
        if col not in present
    ]


class _Row:
    def __init__(self, row: int, cells: Cells) -> None:
        self.row, self.cells, self.errors = row, cells, list[RowError]()

    def fail(self, column: str, code: str, reason_id: str, reason_en: str) -> None:
        self.errors.append(RowError(self.row, column, code, reason_id, reason_en, str(self.cells.get(column) or "")))

    def text(self, column: str, required: bool = False) -> str:
        value = (self.cells.get(column) or "").strip()
        if not value and required:
            self.fail(column, "REQUIRED", f"Kolom {column} wajib diisi.", f"Column {column} is required.")
        return value

    def number(self, column: str, integer: bool) -> float:
        value = self.text(column, required=True)
        if not value:
            return 0.0
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            self.fail(column, "NOT_A_NUMBER", f"{value!r} bukan angka.", f"{value!r} is not a number.")
            return 0.0
        if number < 0 or (integer and number != int(number)):
            kind_id, kind_en = (
                ("bilangan bulat ≥ 0", "a whole number ≥ 0") if integer else ("angka ≥ 0", "a number ≥ 0")
            )
            self.fail(column, "OUT_OF_RANGE", f"Harus {kind_id}.", f"Must be {kind_en}.")
        return number

    def flag(self, column: str) -> bool:
        value = self.text(column).lower()
        if value in TRUE_WORDS:
            return True
        if value not in FALSE_WORDS:
            self.fail(column, "NOT_YES_NO", "Isi ya atau tidak.", "Use ya (yes) or tidak (no).")
        return False

    def listed(self, column: str) -> tuple[str, ...]:
        return tuple(v.strip() for v in self.text(column).replace(";", ",").split(",") if v.strip())


def _standard(r: _Row) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in r.listed("standard"):
        code, _, level = item.partition(":")
        if not code.strip() or not level.strip().isdigit() or not 1 <= int(level) <= 5:
            r.fail("standard", "BAD_STANDARD", f"{item!r} harus berbentuk kode:level dengan level 1–5.",
                   f"{item!r} must be code:level with a level of 1–5.")  # fmt: skip
            continue
        out[code.strip()] = int(level)
    return out


def _golongan(r: _Row, eselon: str) -> tuple[str, str]:
    low, high = r.text("golongan_min"), r.text("golongan_max")
    if not low and not high and eselon in ESELON_RANGE:
        return ESELON_RANGE[eselon]  # PP 100/2000 jo PP 13/2002
    for column, value in (("golongan_min", low), ("golongan_max", high)):
        if not value:
            r.fail(column, "REQUIRED", f"Kolom {column} wajib diisi (atau isi eselon).",
                   f"Column {column} is required (or give the eselon).")  # fmt: skip
        elif not is_golongan(value):
            r.fail(column, "BAD_GOLONGAN", f"Golongan {value!r} tidak dikenal (contoh: III/a).",
                   f"Unknown golongan {value!r} (e.g. III/a).")  # fmt: skip
    if is_golongan(low) and is_golongan(high) and golongan_rank(low) > golongan_rank(high):
        r.fail("golongan_max", "BAD_RANGE", "Golongan maksimum di bawah golongan minimum.",
               "The highest golongan is below the lowest.")  # fmt: skip
    return low, high


def parse_post(agency_id: str, row: int, cells: Cells) -> tuple[Post | None, list[RowError]]:
    """One row → a Post, or the errors of that row (every bad cell, not only the first)."""
    r = _Row(row, cells)
    values = {c: r.text(c, required=True) for c in ("post_id", "unit_id", "unit_name", "name", "post_type")}
    if values["post_type"] and values["post_type"] not in POST_TYPES:
        r.fail("post_type", "BAD_POST_TYPE", f"Jenis jabatan harus salah satu dari: {', '.join(POST_TYPES)}.",
               f"Post type must be one of: {', '.join(POST_TYPES)}.")  # fmt: skip
    eselon = r.text("eselon")
    if eselon and eselon not in ESELON_RANGE:
        r.fail("eselon", "BAD_ESELON", f"Eselon {eselon!r} tidak dikenal (contoh: III.b).",
               f"Unknown eselon {eselon!r} (e.g. III.b).")  # fmt: skip
    low, high = _golongan(r, eselon)
    levels = r.listed("education_levels")
    for level in levels:
        if not is_education_level(level):
            r.fail("education_levels", "BAD_EDUCATION", f"Jenjang pendidikan {level!r} tidak dikenal.",
                   f"Unknown education level {level!r}.")  # fmt: skip
    kebutuhan = r.number("kebutuhan", integer=False)
    bezetting = r.number("bezetting", integer=True)
    post = Post(
        post_id=values["post_id"], agency_id=agency_id, unit_id=values["unit_id"], unit_name=values["unit_name"],
        name=values["name"], post_type=values["post_type"], eselon=eselon or None, field=r.text("field"),
        golongan_min=low, golongan_max=high,
        education_levels=tuple(sorted(levels, key=lambda v: education_rank(v) if is_education_level(v) else 0)),
        education_fields=r.listed("education_fields"), kebutuhan=kebutuhan, bezetting=int(bezetting),
        standard=_standard(r), fields_mandatory=r.flag("fields_mandatory"), leadership_task=r.flag("leadership_task"),
        reports_to=r.text("reports_to_post_id") or None,
    )  # fmt: skip
    return (None, r.errors) if r.errors else (post, [])


def parse_posts(agency_id: str, rows: Iterable[Cells], first_row: int = 2) -> RowsOutcome:
    """All rows; a post id seen twice is an error on the later row."""
    out = RowsOutcome()
    seen: dict[str, int] = {}
    for n, cells in enumerate(rows, start=first_row):
        post, errors = parse_post(agency_id, n, cells)
        if post is not None and post.post_id in seen:
            errors = [RowError(n, "post_id", "DUPLICATE", f"post_id sudah dipakai di baris {seen[post.post_id]}.",
                               f"post_id already used on row {seen[post.post_id]}.", post.post_id)]  # fmt: skip
            post = None
        out.errors += errors
        if post is not None:
            seen[post.post_id] = n
            out.accepted.append(post)
    return out
