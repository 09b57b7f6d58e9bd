"""Mentor matching in the receiving unit: stronger where the mentee is weak, not a subordinate, K at most."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from mutasi.training.domain.competency import Gap

# Post levels, highest first (UU 20/2023 Pasal 13-18); JF and pelaksana share the lowest level here.
POST_RANK = {
    "jpt_utama": 6,
    "jpt_madya": 5,
    "jpt_pratama": 4,
    "administrator": 3,
    "pengawas": 2,
    "fungsional": 1,
    "pelaksana": 1,
}


def post_rank(post_type: str | None) -> int | None:
    return POST_RANK.get(post_type or "")


@dataclass(frozen=True)
class Colleague:
    """Someone training has seen in events, with their unit, post and assessed levels."""

    nip: str
    name: str
    unit_id: str
    post_id: str
    levels: Mapping[str, int]
    reports_to_post_id: str | None = None  # the post of their direct superior, when known
    post_rank: int | None = None


@dataclass(frozen=True)
class Mentee:
    """The moved person as the matcher needs them."""

    nip: str
    unit_id: str
    post_id: str
    levels: Mapping[str, int]
    gaps: tuple[Gap, ...]
    post_rank: int | None = None


@dataclass(frozen=True)
class MentorMatch:
    """The chosen mentor and why: the gap competencies where they are stronger, with both levels."""

    mentor_nip: str
    mentor_name: str
    competencies: tuple[str, ...]
    reasons: tuple[str, ...]


class NoMentorReason(StrEnum):
    NOBODY_IN_UNIT = "NOBODY_IN_UNIT"
    NOBODY_STRONGER = "NOBODY_STRONGER"
    ALL_AT_CAPACITY = "ALL_AT_CAPACITY"


@dataclass(frozen=True)
class NoMentor:
    """An explicit outcome: nobody fits, and why."""

    reason: NoMentorReason
    detail: str


MentorOutcome = MentorMatch | NoMentor


def _below(theirs: int | None, mine: int | None) -> bool:
    return theirs is not None and mine is not None and theirs < mine


def _stronger_in(colleague: Colleague, mentee: Mentee) -> list[tuple[str, int, int]]:
    """Gap competencies where the colleague meets the standard and is above the mentee."""
    return [
        (gap.competency, colleague.levels.get(gap.competency, 0), gap.current)
        for gap in mentee.gaps
        if colleague.levels.get(gap.competency, 0) >= gap.required
    ]


def match_mentor(
    mentee: Mentee, colleagues: Iterable[Colleague], load: Mapping[str, int], max_mentees: int
) -> MentorOutcome:
    """Pick the colleague in the receiving unit covering the most gap competencies, then the largest
    margin, then the lightest mentee load, then NIP (so the answer is reproducible).

    Rules: same unit; not the mentee; not the mentee's direct subordinate (a colleague whose superior
    post is the mentee's new post; when the organisation chart is unknown, anyone on a lower post level
    in the unit could be one, so they are left out); at most `max_mentees` mentees each. Someone with no gaps still
    gets an onboarding mentor: any unit colleague at or above the mentee's levels.
    """
    in_unit = [
        c
        for c in colleagues
        if c.unit_id == mentee.unit_id
        and c.nip != mentee.nip
        and c.reports_to_post_id != mentee.post_id
        and not _below(c.post_rank, mentee.post_rank)
    ]
    if not in_unit:
        return NoMentor(NoMentorReason.NOBODY_IN_UNIT, f"no eligible colleague known in unit {mentee.unit_id}")
    ranked: list[tuple[tuple[int, int, int, str], Colleague, list[tuple[str, int, int]]]] = []
    for c in in_unit:
        strong = _stronger_in(c, mentee)
        if mentee.gaps and not strong:
            continue
        margin = sum(theirs - mine for _, theirs, mine in strong)
        ranked.append(((-len(strong), -margin, load.get(c.nip, 0), c.nip), c, strong))
    if not ranked:
        return NoMentor(NoMentorReason.NOBODY_STRONGER, "nobody in the unit meets the standard in a gap competency")
    free = [r for r in sorted(ranked, key=lambda r: r[0]) if load.get(r[1].nip, 0) < max_mentees]
    if not free:
        return NoMentor(NoMentorReason.ALL_AT_CAPACITY, f"every suitable mentor already has {max_mentees} mentees")
    _, mentor, strong = free[0]
    reasons = [f"{code}: level {theirs} vs {mine}" for code, theirs, mine in strong]
    reasons.append(f"same unit {mentee.unit_id}; not a direct subordinate")
    reasons.append(f"mentees now {load.get(mentor.nip, 0)} of {max_mentees}")
    if not mentee.gaps:
        reasons.insert(0, "no competency gap: onboarding mentor in the receiving unit")
    return MentorMatch(mentor.nip, mentor.name, tuple(code for code, _, _ in strong), tuple(reasons))
