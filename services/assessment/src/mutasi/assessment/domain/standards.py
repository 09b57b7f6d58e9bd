"""Build a post's SKJ: defaults by post type or JF jenjang, overridden per post, plus technical ones."""

from __future__ import annotations

from collections.abc import Mapping

from mutasi.assessment.domain.competency import (
    MANAGERIAL,
    MAX_LEVEL,
    MIN_LEVEL,
    SOCIO_CULTURAL,
    CompetencyStandard,
    Post,
    PostType,
    is_competency_code,
)
from mutasi.assessment.domain.errors import InvalidInput, Reason
from mutasi.assessment.domain.rules import StandardLevelRules


def default_managerial_level(post: Post, rules: StandardLevelRules) -> int:
    """The standard level shared by all eight managerial competencies of a post."""
    if post.post_type is PostType.FUNGSIONAL:
        return rules.managerial_by_jenjang.get(post.jenjang or "", rules.fungsional_fallback)
    return rules.managerial_by_post_type[post.post_type]


def build_standard(
    post: Post,
    rules: StandardLevelRules,
    overrides: Mapping[str, int] | None = None,
) -> CompetencyStandard:
    """The post's SKJ: default managerial and Perekat Bangsa levels, then the post's own levels on top."""
    base = default_managerial_level(post, rules)
    levels = {code: base for code in MANAGERIAL}
    for code in SOCIO_CULTURAL:
        levels[code] = rules.perekat_bangsa_override.get(post.post_type.value, base)
    for code, level in (overrides or {}).items():
        check_level(code, level)
        levels[code] = level
    return CompetencyStandard(post_id=post.post_id, levels=levels)


def check_level(code: str, level: int) -> None:
    """Reject unknown competency codes and levels outside 1–5."""
    if not is_competency_code(code):
        raise InvalidInput(
            code,
            Reason(
                "UNKNOWN_COMPETENCY",
                f"Kode kompetensi tidak dikenal: {code} (teknis harus diawali 'tek_')",
                f"Unknown competency code: {code} (technical codes start with 'tek_')",
            ),
        )
    if not MIN_LEVEL <= level <= MAX_LEVEL:
        raise InvalidInput(
            code,
            Reason(
                "LEVEL_RANGE",
                f"Level kompetensi harus 1–5, bukan {level}",
                f"Competency level must be 1–5, not {level}",
            ),
        )
