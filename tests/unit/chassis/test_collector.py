"""The cyclic collector paused around a request that builds millions of objects, and back after."""

from __future__ import annotations

import gc

import pytest

from mutasi.chassis import collector


def test_the_collector_is_paused_while_any_paused_block_runs_and_back_after_the_last() -> None:
    assert gc.isenabled()
    with collector.collector_paused():
        assert not gc.isenabled()
        with collector.collector_paused():  # a second plan at the same time
            assert not gc.isenabled()
        assert not gc.isenabled()  # the first still runs
    assert gc.isenabled()
    gc.disable()  # someone else turned it off: the block leaves it off
    try:
        with collector.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_comes_back_when_the_block_fails() -> None:
    with pytest.raises(ValueError, match="plan failed"), collector.collector_paused():
        raise ValueError("plan failed")
    assert gc.isenabled()
