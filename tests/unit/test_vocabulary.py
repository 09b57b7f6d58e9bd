"""Each shared word set exists once: the enum code reasons with and the Literal the events carry agree."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, get_args

import pytest

from mutasi.contracts import vocabulary as v

PAIRS: list[tuple[type[StrEnum], Any]] = [
    (v.Predicate, v.PredicateName),
    (v.FollowUpReason, v.FollowUpReasonName),
    (v.MoveKind, v.MoveKindName),
    (v.PostType, v.PostTypeName),
]


@pytest.mark.parametrize(("enum", "literal"), PAIRS, ids=lambda x: getattr(x, "__name__", ""))
def test_the_enum_and_the_literal_have_the_same_values(enum: type[StrEnum], literal: Any) -> None:
    assert [e.value for e in enum] == list(get_args(literal))


def test_the_predicate_matrix_covers_every_pair_of_ratings() -> None:
    assert set(v.PREDICATE_MATRIX) == {(h, p) for h in v.Rating for p in v.Rating}


def test_only_baik_and_sangat_baik_pass() -> None:
    assert {p.value for p in v.PASSING_PREDICATES} == {"Sangat Baik", "Baik"}
