"""A small, hand-checkable catalogue and moves for the training unit tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from mutasi.training.domain.catalogue import Catalogue, Offering, OfferingKind, Session
from mutasi.training.domain.covering import Coverer
from mutasi.training.domain.plan import Move
from mutasi.training.domain.planning import Planner, SeatBook
from mutasi.training.domain.rules import TrainingRules

TMT = date(2026, 3, 2)  # effective date of the move
DECIDED = datetime(2026, 2, 2, 9, 0)


def session(sid: str, starts: date, days: int = 2, capacity: int = 30) -> Session:
    return Session(sid, starts, starts + timedelta(days=days), capacity)


def offering(oid: str, kind: OfferingKind, raises: dict[str, int], jp: int, cost: int, *sessions: Session) -> Offering:
    return Offering(oid, f"Pelatihan {oid}", kind, raises, jp, "BPSDM Sumbar", cost, tuple(sessions))


def catalogue() -> Catalogue:
    """Gaps of `move()`: komunikasi 1, mengelola_perubahan 1, perekat_bangsa 1, tek_sistem_informasi 2,
    tek_arsip 2. The workshop closes mengelola_perubahan; KOM-B (2.5 jt) closes komunikasi and
    perekat_bangsa, cheaper than KOM-A + PB-A (3.5 jt); SI-1 + SI-E (3.5 jt) beat SI-2 (7 jt);
    nothing raises tek_arsip."""
    return Catalogue.of(
        [
            offering(
                "MP-01",
                OfferingKind.CHANGE_MANAGEMENT,
                {"mengelola_perubahan": 1},
                24,
                1_000_000,
                session("MP-01-a", date(2026, 3, 9)),
            ),
            offering(
                "KOM-A", OfferingKind.MANAGERIAL, {"komunikasi": 1}, 16, 2_000_000, session("KOM-A-a", date(2026, 4, 6))
            ),
            offering(
                "KOM-B",
                OfferingKind.MANAGERIAL,
                {"komunikasi": 1, "perekat_bangsa": 1},
                24,
                2_500_000,
                session("KOM-B-early", date(2026, 2, 16)),
                session("KOM-B-a", date(2026, 4, 13), capacity=1),
            ),
            offering(
                "PB-A",
                OfferingKind.SOCIO_CULTURAL,
                {"perekat_bangsa": 1},
                16,
                1_500_000,
                session("PB-A-a", date(2026, 5, 4)),
            ),
            offering(
                "SI-1",
                OfferingKind.TECHNICAL,
                {"tek_sistem_informasi": 1},
                24,
                3_000_000,
                session("SI-1-a", date(2026, 5, 11)),
            ),
            offering("SI-E", OfferingKind.E_LEARNING, {"tek_sistem_informasi": 1}, 10, 500_000),
            offering(
                "SI-2",
                OfferingKind.TECHNICAL,
                {"tek_sistem_informasi": 2},
                40,
                7_000_000,
                session("SI-2-a", date(2026, 6, 1)),
            ),
        ]
    )


def move(decision_id: str = "DEC-1", nip: str = "199001012015031001", **changes: object) -> Move:
    fields: dict[str, object] = {
        "decision_id": decision_id,
        "agency_id": "sawahlunto",
        "nip": nip,
        "name": "Rina Putri",
        "target_post_id": "diskominfo-kabid-aplikasi",
        "target_post_name": "Kepala Bidang Aplikasi Informatika",
        "target_unit_id": "diskominfo",
        "effective_date": TMT,
        "decided_at": DECIDED,
        "levels": {
            "komunikasi": 2,
            "mengelola_perubahan": 2,
            "perekat_bangsa": 2,
            "integritas": 3,
            "tek_sistem_informasi": 1,
        },
        "standard": {
            "komunikasi": 3,
            "mengelola_perubahan": 3,
            "perekat_bangsa": 3,
            "integritas": 3,
            "tek_sistem_informasi": 3,
            "tek_arsip": 2,
        },
    }
    fields.update(changes)
    return Move(**fields)  # type: ignore[arg-type]


def planner(coverer: Coverer, seats: SeatBook | None = None, **rules: int) -> Planner:
    return Planner(catalogue(), seats or SeatBook(), coverer, TrainingRules(**{"jp_limit_per_person": 120, **rules}))
