"""`in_chunks`: the loop a layout migration runs, one transaction per chunk, shared by every service."""

from __future__ import annotations

import asyncio

import pytest
from pymongo.errors import DuplicateKeyError, OperationFailure

from mutasi.chassis.faults import WRITE_CONFLICT, fault_fields, in_chunks


def steps(*outcomes: int | BaseException | None):  # type: ignore[no-untyped-def]
    """A `step` that returns (or raises) `outcomes` one after another, and the list of calls it got."""
    calls: list[int] = []

    async def step() -> int | None:
        calls.append(len(calls))
        out = outcomes[len(calls) - 1]
        if isinstance(out, BaseException):
            raise out
        return out

    return step, calls


def conflict() -> OperationFailure:
    return OperationFailure("write conflict", code=WRITE_CONFLICT)


def test_sums_what_each_chunk_moved_until_nothing_is_left() -> None:
    step, calls = steps(3, 0, 4, None)
    assert asyncio.run(in_chunks(step)) == 7
    assert len(calls) == 4


def test_a_conflict_or_a_duplicate_runs_the_chunk_again() -> None:
    step, calls = steps(2, conflict(), DuplicateKeyError("E11000", code=11000), 5, None)
    assert asyncio.run(in_chunks(step)) == 7
    assert len(calls) == 5


def test_any_other_error_is_raised_at_once() -> None:
    step, calls = steps(2, ValueError("a bug"), 5, None)
    with pytest.raises(ValueError, match="a bug"):
        asyncio.run(in_chunks(step))
    assert len(calls) == 2


def test_too_many_failures_are_raised_even_when_each_is_transient() -> None:
    step, calls = steps(1, conflict(), conflict(), conflict(), None)
    with pytest.raises(OperationFailure):
        asyncio.run(in_chunks(step, failures_allowed=2))
    assert len(calls) == 4


def test_what_a_log_may_say_of_a_fault_leaves_out_its_message() -> None:
    exc = DuplicateKeyError("E11000 duplicate key: { nip: '198503302010011001' }", code=11000)
    fields = fault_fields(exc)
    assert fields == {"error": "DuplicateKeyError", "code": 11000, "labels": []}
    assert "198503302010011001" not in repr(fields)
