"""Validate SKJ-template rows into posts with their competency standards (defaults, overrides, technical)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mutasi.assessment.domain.cells import RowError, RowReader, choice
from mutasi.assessment.domain.competency import (
    MANAGERIAL,
    MAX_LEVEL,
    MIN_LEVEL,
    SOCIO_CULTURAL,
    TECHNICAL_PREFIX,
    CompetencyStandard,
    Post,
    PostType,
)
from mutasi.assessment.domain.errors import Reason
from mutasi.assessment.domain.rows import RowsOutcome, validate_rows
from mutasi.assessment.domain.rules import StandardLevelRules
from mutasi.assessment.domain.standards import build_standard
from mutasi.assessment.domain.template import POST_TYPES


@dataclass(frozen=True)
class PostStandard:
    """A post and its complete SKJ, ready to store."""

    post: Post
    standard: CompetencyStandard
    overrides: Mapping[str, int]  # what the agency set explicitly, kept so defaults can change later


def read_levels(r: RowReader, codes: Iterable[str], required: bool) -> dict[str, int]:
    """Levels 1–5 from the given columns; blank cells are skipped unless required."""
    levels: dict[str, int] = {}
    for code in codes:
        level = r.integer(code, required)
        if level is None:
            continue
        if not MIN_LEVEL <= level <= MAX_LEVEL:
            r.fail(code, Reason("LEVEL_RANGE", f"Level harus 1–5, bukan {level}", f"Level must be 1–5, not {level}"))
            continue
        levels[code] = level
    return levels


def technical_columns(cells: Mapping[str, str | None]) -> list[str]:
    """Every tek_* column of the file (technical competencies are free codes)."""
    return list(_technical(tuple(cells)))


@functools.lru_cache(maxsize=64)  # every row of a file has the same columns
def _technical(columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c for c in columns if c.startswith(TECHNICAL_PREFIX) and len(c) > len(TECHNICAL_PREFIX))


def post_from_row(
    row: int, cells: Mapping[str, str | None], rules: StandardLevelRules
) -> tuple[PostStandard | None, list[RowError]]:
    """One SKJ row to a post with its standard."""
    r = RowReader(row, cells)
    post_id, name, unit_id = r.text("jabatan_id"), r.text("nama_jabatan"), r.text("unit_id")
    post_type = r.parsed("jenis_jabatan", choice(POST_TYPES))
    jenjang = (r.text("jenjang", required=False) or "").lower() or None
    if post_type == PostType.FUNGSIONAL.value and jenjang not in rules.managerial_by_jenjang:
        names = ", ".join(rules.managerial_by_jenjang)
        r.fail(
            "jenjang",
            Reason(
                "JENJANG_UNKNOWN",
                f"Jabatan fungsional memerlukan jenjang: {names}",
                f"A functional post needs a jenjang: {names}",
            ),
        )
    overrides = read_levels(r, (*MANAGERIAL, *SOCIO_CULTURAL, *technical_columns(cells)), required=False)
    if r.errors:
        return None, r.errors
    assert post_id
    assert name
    assert unit_id
    assert post_type
    unit_name, field_ = r.text("nama_unit", required=False) or "", r.text("bidang", required=False) or ""
    eselon = r.text("eselon", required=False)
    post = Post(post_id, unit_id, name, PostType(post_type), jenjang, unit_name, field_.lower(), eselon)
    return PostStandard(post, build_standard(post, rules, overrides), overrides), []


def validate_skj_rows(rows: Iterable[Mapping[str, str | None]], rules: StandardLevelRules) -> RowsOutcome[PostStandard]:
    """Every row checked; a jabatan_id seen twice rejects the later row."""
    return validate_rows(
        rows, lambda row, cells: post_from_row(row, cells, rules), lambda p: p.post.post_id, "jabatan_id"
    )
