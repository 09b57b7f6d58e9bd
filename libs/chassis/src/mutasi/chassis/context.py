"""Correlation and causation ids of the flow being handled, carried into logs and emitted events."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_correlation: ContextVar[str | None] = ContextVar("mutasi_correlation_id", default=None)
_causation: ContextVar[str | None] = ContextVar("mutasi_causation_id", default=None)


def correlation_id() -> str | None:
    return _correlation.get()


def causation_id() -> str | None:
    return _causation.get()


@contextmanager
def flow(correlation: str | None, causation: str | None = None) -> Iterator[str]:
    """Run a block as part of the flow `correlation` (a new one when None), caused by `causation`."""
    cid = correlation or str(uuid.uuid4())
    t1, t2 = _correlation.set(cid), _causation.set(causation)
    try:
        yield cid
    finally:
        _correlation.reset(t1)
        _causation.reset(t2)
