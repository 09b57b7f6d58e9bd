"""Survey answers are shown only for groups of at least five people."""

from __future__ import annotations

import random

from mutasi.evaluation.domain.disclosure import disclose


def sizes(groups: dict[str, int], min_size: int = 5) -> list[tuple[tuple[str, ...], int]]:
    shown = disclose({k: list(range(n)) for k, n in groups.items()}, min_size)
    return [(g.keys, len(g.members)) for g in shown]


def test_groups_of_five_or_more_are_shown_on_their_own() -> None:
    assert sizes({"a": 6, "b": 5}) == [(("a",), 6), (("b",), 5)]


def test_small_groups_are_pooled_when_the_pool_reaches_five() -> None:
    assert sizes({"a": 6, "c": 3, "d": 2}) == [(("a",), 6), (("c", "d"), 5)]


def test_a_pool_still_under_five_absorbs_the_smallest_large_group() -> None:
    # Otherwise the total minus the shown groups would reveal the pool of 3.
    assert sizes({"a": 7, "b": 5, "c": 2, "d": 1}) == [(("a",), 7), (("c", "d", "b"), 8)]


def test_everything_is_suppressed_when_all_groups_together_are_under_five() -> None:
    assert sizes({"a": 2, "b": 2}) == []


def test_no_shown_group_nor_the_remainder_of_the_total_rests_on_fewer_than_five_people() -> None:
    rng = random.Random(7)
    for _ in range(500):
        groups = {f"g{i}": rng.randint(0, 9) for i in range(rng.randint(1, 6))}
        shown = sizes(groups)
        total = sum(groups.values())
        assert all(n >= 5 for _, n in shown)
        if shown:
            assert sum(n for _, n in shown) == total
