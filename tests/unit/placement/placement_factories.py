"""Builders of candidates, posts and plan problems for the placement unit tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from mutasi.placement.domain.candidates import Candidate
from mutasi.placement.domain.planning import Option, Person, PlanProblem
from mutasi.placement.domain.posts import Post
from mutasi.placement.domain.ranks import MANAGERIAL_CODES

TODAY = date(2026, 11, 1)


def candidate(nip: str = "199001012015031001", **changes: Any) -> Candidate:
    base = Candidate(
        nip=nip,
        name="Budi Santoso",
        agency_id="sawahlunto",
        employee_type="PNS",
        golongan="III/b",
        post_id="SETDA-ADM-1",
        post_type="pelaksana",
        unit_id="setda",
        months_in_post=36,
        as_of=TODAY,
        tmt_pns=date(2012, 3, 1),
        education_level="S1",
        education_field="informatika",
        years_to_bup=20.0,
        predicates=((2024, "Baik"), (2025, "Sangat Baik")),
        competencies={code: 3 for code in MANAGERIAL_CODES} | {"perekat_bangsa": 3, "teknis_ti": 3},
        talent_box=6,
        jpm_current=70.0,
    )
    return replace(base, **changes)


def post(post_id: str = "KOMINFO-SI-1", **changes: Any) -> Post:
    base = Post(
        post_id=post_id,
        agency_id="sawahlunto",
        unit_id="kominfo",
        unit_name="Dinas Kominfo",
        name="Pranata Sistem Informasi",
        post_type="pelaksana",
        eselon=None,
        field="informatika",
        golongan_min="II/a",
        golongan_max="III/d",
        education_levels=("S1",),
        education_fields=("informatika", "sistem_informasi"),
        kebutuhan=3.0,
        bezetting=1,
        standard={"teknis_ti": 3},
    )
    return replace(base, **changes)


def opt(nip: str, post_id: str, score: float, stay: bool = False) -> Option:
    return Option(nip, post_id, score, stay)


def problem(
    people: list[tuple[str, str, str]],
    options: dict[str, list[tuple[str, float]]],
    capacity: dict[str, int],
    post_unit: dict[str, str],
    **kw: Any,
) -> PlanProblem:
    """people: (nip, unit, current post); options: nip -> [(post, score)], the first one is the stay."""
    return PlanProblem(
        people=[Person(n, u, p) for n, u, p in people],
        options={n: [Option(n, p, s, i == 0) for i, (p, s) in enumerate(opts)] for n, opts in options.items()},
        capacity=capacity,
        post_unit=post_unit,
        **kw,
    )
