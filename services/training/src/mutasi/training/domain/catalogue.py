"""The training catalogue: offerings, their sessions, and validation of imported catalogue rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property

from mutasi.training.domain.competency import MAX_LEVEL, is_code


class Delivery(StrEnum):
    """Peraturan LAN 10/2018: classroom (klasikal) or not (nonklasikal)."""

    KLASIKAL = "klasikal"
    NONKLASIKAL = "nonklasikal"


class OfferingKind(StrEnum):
    """Kinds of pelatihan (PP 11/2017 Pasal 210 ff., Peraturan LAN 10/2018)."""

    CHANGE_MANAGEMENT = "change_management"  # the workshop every moved ASN attends (model LAN 4/2024)
    TECHNICAL = "technical"
    FUNCTIONAL = "functional"
    MANAGERIAL = "managerial"
    SOCIO_CULTURAL = "socio_cultural"
    LEADERSHIP = "leadership"  # PKN / PKA / PKP
    SEMINAR = "seminar"
    WORKSHOP = "workshop"
    BIMTEK = "bimtek"
    COURSE = "course"
    COACHING = "coaching"
    MENTORING = "mentoring"
    E_LEARNING = "e_learning"
    DISTANCE_LEARNING = "distance_learning"
    MAGANG = "magang"
    DETASERING = "detasering"
    BENCHMARKING = "benchmarking"
    EXCHANGE = "exchange"
    COMMUNITY_OF_PRACTICE = "community_of_practice"
    SELF_STUDY = "self_study"

    @property
    def delivery(self) -> Delivery:
        return Delivery.KLASIKAL if self in _KLASIKAL else Delivery.NONKLASIKAL


_KLASIKAL = frozenset(
    {
        OfferingKind.CHANGE_MANAGEMENT,
        OfferingKind.TECHNICAL,
        OfferingKind.FUNCTIONAL,
        OfferingKind.MANAGERIAL,
        OfferingKind.SOCIO_CULTURAL,
        OfferingKind.LEADERSHIP,
        OfferingKind.SEMINAR,
        OfferingKind.WORKSHOP,
        OfferingKind.BIMTEK,
        OfferingKind.COURSE,
    }
)


@dataclass(frozen=True)
class Session:
    """A dated run of an offering with a number of seats."""

    session_id: str
    starts_on: date
    ends_on: date
    capacity: int
    cancelled: bool = False


@dataclass(frozen=True)
class Offering:
    """Something a person can attend: what it raises and by how many levels, its JP, cost and sessions."""

    offering_id: str
    title: str
    kind: OfferingKind
    raises: Mapping[str, int]
    jp: int
    provider: str
    cost: int
    sessions: tuple[Session, ...] = ()

    @property
    def self_paced(self) -> bool:
        """A nonklasikal offering without sessions can start any day and has no seat limit."""
        return not self.sessions and self.kind.delivery is Delivery.NONKLASIKAL

    def session(self, session_id: str) -> Session | None:
        return next((s for s in self.sessions if s.session_id == session_id), None)


@dataclass
class Catalogue:
    """An agency's offerings, looked up by id, by session and by the competency they raise."""

    offerings: dict[str, Offering] = field(default_factory=dict)

    @classmethod
    def of(cls, offerings: Iterable[Offering]) -> Catalogue:
        return cls({o.offering_id: o for o in offerings})

    @cached_property
    def _by_competency(self) -> dict[str, list[Offering]]:
        index: dict[str, list[Offering]] = {}
        for o in sorted(self.offerings.values(), key=lambda o: o.offering_id):
            for code, levels in o.raises.items():
                if levels > 0:
                    index.setdefault(code, []).append(o)
        return index

    def raising_any(self, competencies: Iterable[str]) -> list[Offering]:
        """Offerings raising at least one of `competencies`, each once, by id."""
        found = {o.offering_id: o for code in competencies for o in self._by_competency.get(code, [])}
        return [found[k] for k in sorted(found)]

    def change_management(self) -> list[Offering]:
        return [o for o in self.offerings.values() if o.kind is OfferingKind.CHANGE_MANAGEMENT]

    def offering_of_session(self, session_id: str) -> Offering | None:
        return next((o for o in self.offerings.values() if o.session(session_id)), None)

    def with_session_cancelled(self, session_id: str) -> Catalogue:
        offering = self.offering_of_session(session_id)
        if offering is None:
            return self
        sessions = tuple(
            Session(s.session_id, s.starts_on, s.ends_on, s.capacity, True) if s.session_id == session_id else s
            for s in offering.sessions
        )
        changed = Offering(
            offering.offering_id,
            offering.title,
            offering.kind,
            offering.raises,
            offering.jp,
            offering.provider,
            offering.cost,
            sessions,
        )
        return Catalogue({**self.offerings, offering.offering_id: changed})


# ---- import of catalogue rows (the spreadsheet adapter hands over plain rows) ----

OFFERING_COLUMNS = ("offering_id", "title", "kind", "raises", "jp", "provider", "cost")
SESSION_COLUMNS = ("offering_id", "session_id", "starts_on", "ends_on", "capacity")
Cell = object
NumberedRow = tuple[int, Mapping[str, Cell]]  # (spreadsheet row number, column name -> cell value)


def numbered(rows: Iterable[Mapping[str, Cell]]) -> list[NumberedRow]:
    """Rows straight under a header row: the first is spreadsheet row 2."""
    return list(enumerate(rows, start=2))


@dataclass(frozen=True)
class RowError:
    """One problem in one cell of an imported sheet, explained in Indonesian and English."""

    sheet: str
    row: int  # spreadsheet row number (the header is row 1)
    column: str
    reason_id: str
    reason_en: str


@dataclass(frozen=True)
class ParsedCatalogue:
    """The offerings that passed and the row errors of the ones that did not."""

    offerings: tuple[Offering, ...]
    errors: tuple[RowError, ...]


class _RowCheck:
    """Collects errors for one row while reading its cells."""

    def __init__(self, sheet: str, row: int, errors: list[RowError]) -> None:
        self.sheet, self.row, self.errors, self.ok = sheet, row, errors, True

    def fail(self, column: str, reason_id: str, reason_en: str) -> None:
        self.ok = False
        self.errors.append(RowError(self.sheet, self.row, column, reason_id, reason_en))

    def text(self, cells: Mapping[str, Cell], column: str) -> str:
        value = cells.get(column)
        text = "" if value is None else str(value).strip()
        if not text:
            self.fail(column, "wajib diisi", "required")
        return text

    def whole(self, cells: Mapping[str, Cell], column: str, minimum: int) -> int:
        value = cells.get(column)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(column, "harus bilangan bulat", "must be a whole number")
            return 0
        if value < minimum:
            self.fail(column, f"minimal {minimum}", f"must be at least {minimum}")
        return value

    def day(self, cells: Mapping[str, Cell], column: str) -> date:
        value = cells.get(column)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(column, "tanggal tidak valid (YYYY-MM-DD)", "not a date (YYYY-MM-DD)")
            return date.min


def parse_raises(text: str) -> dict[str, int]:
    """`komunikasi:1; tek_sistem_informasi:2` -> {"komunikasi": 1, "tek_sistem_informasi": 2}."""
    raises: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.replace(",", ";").split(";"))):
        code, _, levels = part.partition(":")
        code, levels = code.strip(), levels.strip()
        if not is_code(code) or not levels.isdigit() or not 1 <= int(levels) <= MAX_LEVEL:
            raise ValueError(part)
        raises[code] = int(levels)
    return raises


def _parse_offering(cells: Mapping[str, Cell], check: _RowCheck) -> Offering | None:
    offering_id = check.text(cells, "offering_id")
    title = check.text(cells, "title")
    kind_text = check.text(cells, "kind")
    kind = OfferingKind(kind_text) if kind_text in OfferingKind._value2member_map_ else None
    if kind_text and kind is None:
        check.fail("kind", f"jenis tidak dikenal: {kind_text}", f"unknown kind: {kind_text}")
    raises: dict[str, int] = {}
    try:
        raises = parse_raises(str(cells.get("raises") or ""))
    except ValueError as bad:
        check.fail(
            "raises",
            f"format kompetensi:level (1..{MAX_LEVEL}) salah pada '{bad}'",
            f"expected competency:levels (1..{MAX_LEVEL}), got '{bad}'",
        )
    if check.ok and not raises and kind is not OfferingKind.CHANGE_MANAGEMENT:
        check.fail("raises", "tidak menaikkan kompetensi apa pun", "raises no competency")
    jp = check.whole(cells, "jp", 1)
    provider = check.text(cells, "provider")
    cost = check.whole(cells, "cost", 0)
    if not check.ok or kind is None:
        return None
    return Offering(offering_id, title, kind, raises, jp, provider, cost)


def _parse_session(cells: Mapping[str, Cell], check: _RowCheck, known: set[str]) -> tuple[str, Session] | None:
    offering_id = check.text(cells, "offering_id")
    if offering_id and offering_id not in known:
        check.fail("offering_id", "pelatihan tidak ada di lembar offerings", "no such offering in the sheet")
    session_id = check.text(cells, "session_id")
    starts_on = check.day(cells, "starts_on")
    ends_on = check.day(cells, "ends_on")
    capacity = check.whole(cells, "capacity", 1)
    if check.ok and ends_on < starts_on:
        check.fail("ends_on", "sebelum tanggal mulai", "is before starts_on")
    return (offering_id, Session(session_id, starts_on, ends_on, capacity)) if check.ok else None


def parse_catalogue(offering_rows: Sequence[NumberedRow], session_rows: Sequence[NumberedRow]) -> ParsedCatalogue:
    """Validate both sheets row by row; a bad row is reported and left out, good rows are kept."""
    errors: list[RowError] = []
    offerings: dict[str, Offering] = {}
    for number, cells in offering_rows:
        check = _RowCheck("offerings", number, errors)
        offering = _parse_offering(cells, check)
        if offering and offering.offering_id in offerings:
            check.fail("offering_id", "duplikat", "duplicate")
        elif offering:
            offerings[offering.offering_id] = offering
    sessions: dict[str, list[Session]] = {}
    seen: set[str] = set()
    for number, cells in session_rows:
        check = _RowCheck("sessions", number, errors)
        parsed = _parse_session(cells, check, set(offerings))
        if parsed and parsed[1].session_id in seen:
            check.fail("session_id", "duplikat", "duplicate")
        elif parsed:
            seen.add(parsed[1].session_id)
            sessions.setdefault(parsed[0], []).append(parsed[1])
    result = []
    for offering in offerings.values():
        runs = tuple(sorted(sessions.get(offering.offering_id, []), key=lambda s: (s.starts_on, s.session_id)))
        result.append(
            Offering(
                offering.offering_id,
                offering.title,
                offering.kind,
                offering.raises,
                offering.jp,
                offering.provider,
                offering.cost,
                runs,
            )
        )
    return ParsedCatalogue(tuple(result), tuple(errors))
