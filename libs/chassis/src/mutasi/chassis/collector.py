"""Python's cyclic garbage collector around work that builds millions of objects at once."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_pause = threading.Lock()
_paused = 0  # blocks inside `collector_paused` right now (a plan's compute runs in a worker thread)
_was_enabled = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the block runs (nor while another such block does): for a request that
    builds millions of objects which all live until it ends (a province round's plan: ~110,000 candidates, their
    options, entries and explanations). Python's collector walks the growing heap again and again as they
    accumulate, which made the plan grow faster than its size (libs/chassis/README.md, "Running a service").
    Objects are still freed when their last reference goes; garbage held only by reference cycles waits for the
    first collection after the last block ends."""
    global _paused, _was_enabled
    with _pause:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _pause:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
