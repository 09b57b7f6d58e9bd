"""Competency gaps and catalogue rows."""

from datetime import date

import pytest

from mutasi.training.domain.catalogue import OfferingKind, numbered, parse_catalogue
from mutasi.training.domain.competency import CompetencyGroup, Gap, compute_gaps
from mutasi.training.domain.errors import InvalidInput


def test_gap_lists_only_competencies_below_the_standard_managerial_first():
    levels = {"komunikasi": 2, "integritas": 4, "perekat_bangsa": 2, "tek_sistem_informasi": 1}
    standard = {"tek_sistem_informasi": 3, "integritas": 3, "komunikasi": 3, "perekat_bangsa": 3}

    gaps = compute_gaps(levels, standard)

    assert gaps == (
        Gap("komunikasi", 2, 3),
        Gap("perekat_bangsa", 2, 3),
        Gap("tek_sistem_informasi", 1, 3),
    )
    assert [g.group for g in gaps] == [
        CompetencyGroup.MANAGERIAL,
        CompetencyGroup.SOCIO_CULTURAL,
        CompetencyGroup.TECHNICAL,
    ]
    assert gaps[2].levels == 2


def test_a_competency_never_assessed_counts_as_level_zero():
    assert compute_gaps({}, {"tek_arsip": 2}) == (Gap("tek_arsip", 0, 2),)


def test_a_person_at_or_above_every_standard_has_no_gap():
    assert compute_gaps({"komunikasi": 4}, {"komunikasi": 3}) == ()


def test_a_level_outside_one_to_five_is_rejected_naming_the_field():
    with pytest.raises(InvalidInput) as error:
        compute_gaps({"komunikasi": 7}, {"komunikasi": 3})
    assert error.value.field == "levels.komunikasi"


def test_catalogue_rows_are_parsed_with_their_sessions_in_date_order():
    parsed = parse_catalogue(
        numbered(
            [
                {
                    "offering_id": "SI-1",
                    "title": "Bimtek SI",
                    "kind": "technical",
                    "raises": "tek_sistem_informasi:1",
                    "jp": 24.0,
                    "provider": "Diskominfo",
                    "cost": "3000000",
                }
            ]
        ),
        numbered(
            [
                {
                    "offering_id": "SI-1",
                    "session_id": "b",
                    "starts_on": "2026-06-01",
                    "ends_on": date(2026, 6, 3),
                    "capacity": 20,
                },
                {
                    "offering_id": "SI-1",
                    "session_id": "a",
                    "starts_on": "2026-05-01",
                    "ends_on": "2026-05-02",
                    "capacity": 20,
                },
            ]
        ),
    )

    assert parsed.errors == ()
    (offering,) = parsed.offerings
    assert offering.kind is OfferingKind.TECHNICAL
    assert offering.raises == {"tek_sistem_informasi": 1}
    assert (offering.jp, offering.cost) == (24, 3_000_000)
    assert [s.session_id for s in offering.sessions] == ["a", "b"]


def test_bad_catalogue_rows_are_reported_by_row_and_column_in_both_languages_and_left_out():
    parsed = parse_catalogue(
        numbered(
            [
                {
                    "offering_id": "X",
                    "title": "Ok",
                    "kind": "technical",
                    "raises": "tek_a:1",
                    "jp": 8,
                    "provider": "P",
                    "cost": 0,
                },
                {
                    "offering_id": "Y",
                    "title": "Bad",
                    "kind": "karaoke",
                    "raises": "komunikasi:9",
                    "jp": -1,
                    "provider": "P",
                    "cost": 1,
                },
            ]
        ),
        numbered(
            [
                {
                    "offering_id": "X",
                    "session_id": "s",
                    "starts_on": "2026-05-02",
                    "ends_on": "2026-05-01",
                    "capacity": 5,
                },
                {"offering_id": "Z", "session_id": "t", "starts_on": "soon", "ends_on": "2026-05-01", "capacity": 0},
            ]
        ),
    )

    where = {(e.sheet, e.row, e.column) for e in parsed.errors}
    assert {("offerings", 3, "kind"), ("offerings", 3, "raises"), ("offerings", 3, "jp")} <= where
    assert {
        ("sessions", 2, "ends_on"),
        ("sessions", 3, "offering_id"),
        ("sessions", 3, "starts_on"),
        ("sessions", 3, "capacity"),
    } <= where
    kind_error = next(e for e in parsed.errors if e.column == "kind")
    assert "karaoke" in kind_error.reason_id
    assert "unknown kind" in kind_error.reason_en
    assert [o.offering_id for o in parsed.offerings] == ["X"]
    assert parsed.offerings[0].sessions == ()


def test_nonklasikal_offering_without_sessions_is_self_paced_and_klasikal_is_not():
    parsed = parse_catalogue(
        numbered(
            [
                {
                    "offering_id": "E",
                    "title": "E",
                    "kind": "e_learning",
                    "raises": "tek_a:1",
                    "jp": 8,
                    "provider": "P",
                    "cost": 0,
                },
                {
                    "offering_id": "K",
                    "title": "K",
                    "kind": "technical",
                    "raises": "tek_a:1",
                    "jp": 8,
                    "provider": "P",
                    "cost": 0,
                },
            ]
        ),
        [],
    )
    assert {o.offering_id: o.self_paced for o in parsed.offerings} == {"E": True, "K": False}
