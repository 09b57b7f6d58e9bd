"""Objects a province plan makes by the hundred thousand are made without the frozen dataclass's per-field setattr,
and views built field by field instead of `dataclasses.asdict`: each is the object or view the plain way gives."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import UTC, date, datetime

import pytest

from mutasi.placement.adapters.repositories import candidate_from_doc
from mutasi.placement.domain.candidates import Candidate
from mutasi.placement.domain.planning import Option
from mutasi.placement.domain.rounds import Decision
from mutasi.placement.service_layer.views import decision

from .placement_factories import candidate


def test_a_candidate_from_its_fields_is_the_constructed_candidate() -> None:
    made = candidate(coi_unit_ids=frozenset({"bkad"}), follow_up="re_placement", predicates=((2025, "Baik"),))
    fast = Candidate.of_fields(**{f.name: getattr(made, f.name) for f in fields(Candidate)})
    assert fast == made
    assert type(fast) is Candidate
    assert fast.level == made.level
    assert fast.bup == made.bup
    with pytest.raises(AttributeError):
        fast.nip = "x"  # type: ignore[misc]  # still frozen
    with pytest.raises(TypeError, match="missing"):
        Candidate.of_fields(nip="1")
    with pytest.raises(TypeError, match="unknown"):
        Candidate.of_fields(**{f.name: getattr(made, f.name) for f in fields(Candidate)}, shoe_size=42)


def test_a_pool_document_reads_as_the_candidate_the_constructor_makes() -> None:
    doc = {"nip": "199001012015031001", "name": "Budi", "agency_id": "sawahlunto", "employee_type": "PNS",
           "golongan": "III/b", "post_id": "P1", "post_type": "fungsional", "unit_id": "setda",
           "current_post": {"post_name": "Pranata Komputer Ahli Muda"}, "months_in_post": 30, "as_of": "2026-11-01",
           "tmt_pns": "2015-03-01", "education_level": "S1", "education_field": "informatika", "years_to_bup": 20.5,
           "predicates": [[2025, "Baik"], [2024, "Sangat Baik"]], "competencies": {"teknis_ti": 3}, "talent_box": 6,
           "jpm_current": 81.5, "discipline_active": True, "discipline_until": "2027-01-01", "on_cltn": False,
           "coi_unit_ids": ["bkad"], "follow_up": None}  # fmt: skip
    assert candidate_from_doc(doc) == Candidate(
        nip="199001012015031001", name="Budi", agency_id="sawahlunto", employee_type="PNS", golongan="III/b",
        post_id="P1", post_type="fungsional", unit_id="setda", months_in_post=30, as_of=date(2026, 11, 1),
        tmt_pns=date(2015, 3, 1), education_level="S1", education_field="informatika", years_to_bup=20.5,
        predicates=((2025, "Baik"), (2024, "Sangat Baik")), competencies={"teknis_ti": 3}, talent_box=6,
        jpm_current=81.5, discipline_active=True, discipline_until=date(2027, 1, 1), coi_unit_ids=frozenset({"bkad"}),
        post_name="Pranata Komputer Ahli Muda",
    )  # fmt: skip


def test_a_bare_option_is_the_constructed_option() -> None:
    fast = Option.bare("N1", "P1", 71.25, False)
    assert fast == Option("N1", "P1", 71.25, False)
    assert type(fast) is Option
    assert fast.parts == {}
    assert fast.jpm == 0.0
    assert fast.scaled == 7125
    assert Option.bare("N1", "P1", 1.0, True).parts is not fast.parts  # each its own (empty) parts


@pytest.mark.parametrize("superseded", [False, True])
def test_the_decision_view_is_every_field_as_asdict_gave_it(superseded: bool) -> None:
    d = Decision("d1", "N1", "P1", "P1" if superseded else "P2", date(2027, 1, 1), datetime(2026, 11, 30, tzinfo=UTC),
                 "Ditempatkan", 80.5, {"jpm": 40.0, "box": 15.0}, 88.0, "alasan", "d0" if superseded else None,
                 "d2" if superseded else None)  # fmt: skip
    view = decision(d)
    assert view == {**asdict(d), "parts": dict(d.parts), "effective_date": "2027-01-01",
                    "decided_at": d.decided_at.isoformat(), "cancelled": superseded}  # fmt: skip
    assert list(view) == [*(f.name for f in fields(Decision)), "cancelled"]
