"""What training's use cases need from outside: storage, the catalogue reader, the attendance workbook.

The adapters implement these protocols and the composition root (`bootstrap.create_app`) injects them, so the
service layer never imports an adapter (an import contract in pyproject.toml checks it)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from mutasi.chassis.spreadsheets import SheetLimits
from mutasi.chassis.store import UnitOfWork
from mutasi.training.domain.catalogue import Catalogue, Offering, ParsedCatalogue
from mutasi.training.domain.mentor import Colleague
from mutasi.training.domain.plan import DevelopmentPlan
from mutasi.training.domain.planning import SeatBook
from mutasi.training.domain.progress import JpEntry
from mutasi.training.domain.record import PersonRecord

Doc = dict[str, Any]


class Repository(Protocol):
    """One agency's offerings, seats, plans, JP ledger and colleagues inside one unit of work."""

    async def catalogue(self) -> Catalogue: ...
    async def save_offerings(self, offerings: Iterable[Offering]) -> int: ...
    async def seats(self) -> SeatBook: ...
    async def save_seats(self, book: SeatBook) -> None: ...
    async def person(self, nip: str) -> PersonRecord: ...
    async def save_plans(self, plans: Iterable[DevelopmentPlan]) -> None: ...
    async def add_entry(self, nip: str, entry: JpEntry) -> None: ...
    async def plan_docs(self, query: dict[str, Any]) -> list[Doc]:
        """Stored plans whose fields equal `query` (oldest first)."""
        ...

    async def ledger_of(self, nips: Sequence[str]) -> list[Doc]:
        """Stored JP entries of these people."""
        ...

    async def plans_with_session(self, session_id: str) -> list[DevelopmentPlan]: ...
    async def colleagues(self, unit_id: str) -> list[Colleague]: ...
    async def save_colleague(self, colleague: Colleague, as_of: datetime) -> bool: ...
    async def mentor_load(self, unit_id: str) -> dict[str, int]: ...
    async def record_import(self, report: dict[str, Any]) -> None: ...
    async def preload(self, nips: Iterable[str], units: Iterable[str]) -> None:
        """Serve a batch of decisions for these people and target units from one read each; writes wait for
        `flush`."""
        ...

    async def flush(self) -> None:
        """Write what the batch changed (plans, colleagues, seats) in bulk."""
        ...


class OpenRepository(Protocol):
    def __call__(self, uow: UnitOfWork, agency_id: str, /) -> Repository: ...


class SaveColleagues(Protocol):
    """Keep the newest picture of each (agency, colleague, as_of); returns how many were written."""

    async def __call__(self, uow: UnitOfWork, seen: Sequence[tuple[str, Colleague, datetime]], /) -> int: ...


class ReadCatalogue(Protocol):
    """The catalogue workbook's offerings and sessions, or every bad cell."""

    def __call__(self, data: bytes, limits: SheetLimits, /) -> ParsedCatalogue: ...


class AttendanceWorkbook(Protocol):
    """Who attends what and when, from stored plans and offerings, as XLSX bytes."""

    def __call__(self, plans: Iterable[Doc], offerings: Iterable[Doc], /) -> bytes: ...


class Documents(Protocol):
    """The stored form of plans, JP entries and offerings, which is also what the read routes answer."""

    def plan_to_doc(self, p: DevelopmentPlan) -> Doc: ...
    def plan_from_doc(self, d: Doc) -> DevelopmentPlan: ...
    def entry_to_doc(self, agency_id: str, nip: str, e: JpEntry) -> Doc: ...
    def entry_from_doc(self, d: Doc) -> JpEntry: ...
    def offering_to_doc(self, agency_id: str, o: Offering) -> Doc: ...


@dataclass(frozen=True)
class TrainingPorts:
    """The concrete adapters, chosen by the composition root."""

    repository: OpenRepository
    save_colleagues: SaveColleagues
    read_catalogue: ReadCatalogue
    attendance_workbook: AttendanceWorkbook
    documents: Documents
