"""What use cases receive: a unit-of-work factory, the store and document forms, the default policy, a clock,
telemetry, the sealer (eligibility flags for placement's key) and batch size."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, TypeVar

from mutasi.assessment.service_layer.policy import Policy
from mutasi.assessment.service_layer.ports import Documents, Store
from mutasi.chassis.faults import fault_fields, is_transient
from mutasi.chassis.spreadsheets import SheetLimits
from mutasi.chassis.store import UnitOfWork
from mutasi.contracts.assessment import EligibilityFlagsV1

T = TypeVar("T")
log = logging.getLogger("mutasi.assessment.imports")


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
    # One import batch writes at a time in this process (`in_batch`): two agencies' imports running at once
    # interleave their batches instead of overlapping them, because the stand-in database fails one of two
    # overlapping import transactions with a WriteConflict now and then (seen in-process: two agencies' files at
    # once). Letting different agencies' batches overlap was measured: it gained nothing on a busy 2-core machine
    # and lost on a quiet one at 115,895 ASN, where the consumers of the events needed the other core
    # (docs/bench-round.md, "The assessment stage: where its time goes").
    batch_gate: asyncio.Lock = field(default_factory=asyncio.Lock)


R = TypeVar("R")
BATCH_ATTEMPTS = 5  # then the failure reaches the job, which runs the file's pass again (chassis jobs)
BATCH_BACKOFF_S = 0.05


async def in_batch(deps: Deps, agency_id: str, write: Callable[[UnitOfWork], Awaitable[R]]) -> R:
    """`write` in a unit of work of its own, committed, under the batch gate; what it returns once it committed.
    A transient failure (a write conflict, the database briefly away) rolls the batch back (its state, its events)
    and runs that batch again from its reads, up to BATCH_ATTEMPTS times, instead of failing the job's pass (which
    then ran the whole file again). `write` must not keep anything from a failed attempt (counts included): it
    returns what its batch did."""
    backoff = BATCH_BACKOFF_S
    for attempt in range(1, BATCH_ATTEMPTS + 1):
        try:
            async with deps.batch_gate, deps.uow() as uow:
                done = await write(uow)
                await uow.commit()
                return done
        except Exception as exc:
            if attempt == BATCH_ATTEMPTS or not is_transient(exc):
                raise
            log.info("import batch conflicted, running it again", extra={"agency_id": agency_id, **fault_fields(exc)})
            await asyncio.sleep(backoff)
            backoff *= 2
    raise AssertionError("unreachable")  # the loop returns or raises


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items (one transaction each)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
