"""Small-group protection for survey answers: groups under the minimum are merged, or suppressed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class DisclosedGroup(Generic[T]):
    """A group whose answers may be shown; `keys` lists every original group merged into it."""

    keys: tuple[str, ...]
    members: tuple[T, ...]

    @property
    def merged(self) -> bool:
        return len(self.keys) > 1


def disclose(groups: Mapping[str, Sequence[T]], min_size: int) -> list[DisclosedGroup[T]]:
    """Keeps groups of at least `min_size`; pools the rest, topping the pool up with the smallest large group
    so that no shown number (nor a total minus shown numbers) rests on fewer than `min_size` people.
    Returns nothing when even all groups together are too few."""
    nonempty = {k: tuple(v) for k, v in groups.items() if v}
    if sum(len(v) for v in nonempty.values()) < min_size:
        return []
    large = sorted((k for k, v in nonempty.items() if len(v) >= min_size), key=lambda k: (len(nonempty[k]), k))
    small = sorted(k for k, v in nonempty.items() if len(v) < min_size)
    if small and sum(len(nonempty[k]) for k in small) < min_size:
        small.append(large.pop(0))
    shown = [DisclosedGroup((k,), nonempty[k]) for k in sorted(large)]
    if small:
        shown.append(DisclosedGroup(tuple(small), tuple(m for k in small for m in nonempty[k])))
    return shown
