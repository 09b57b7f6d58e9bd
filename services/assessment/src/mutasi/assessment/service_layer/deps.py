"""What use cases receive: a unit-of-work factory, the store and document forms, the default policy, a clock,
telemetry, the sealer (eligibility flags for placement's key) and batch size."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, TypeVar

from mutasi.assessment.service_layer.policy import Policy
from mutasi.assessment.service_layer.ports import Documents, Store
from mutasi.chassis.spreadsheets import SheetLimits
from mutasi.chassis.store import UnitOfWork
from mutasi.contracts.assessment import EligibilityFlagsV1

T = TypeVar("T")


class Telemetry(Protocol):
    """Business metrics per agency (recorded by the adapter on the service's Prometheus registry)."""

    def import_rows(self, agency_id: str, kind: str, accepted: int, rejected: int) -> None: ...
    def assessments(self, agency_id: str, recorded: int, completed: int) -> None: ...
    def expired(self, agency_id: str, count: int) -> None: ...


@dataclass(frozen=True)
class Deps:
    """Dependencies handed to every use case by the composition root."""

    uow: Callable[[], UnitOfWork]
    store: Store
    docs: Documents
    defaults: Policy
    today: Callable[[], date]
    telemetry: Telemetry
    seal: Callable[[EligibilityFlagsV1], str]  # encrypts the eligibility flags for placement only
    batch_size: int = 2000
    sheet_limits: SheetLimits = field(default_factory=SheetLimits)
    # One import batch writes at a time in this process: two agencies' imports running at once interleave their
    # batches instead of overlapping them, because the stand-in database fails one of two overlapping import
    # transactions with a WriteConflict (seen in-process: two agencies' files at once) and the job then runs its
    # whole pass again. The service's CPU is one core either way.
    batch_gate: asyncio.Lock = field(default_factory=asyncio.Lock)


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items (one transaction each)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
