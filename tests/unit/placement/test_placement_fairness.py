"""The fairness report: groups by NIP sex digit, age band and the rest, small groups pooled, four-fifths flag."""

from __future__ import annotations

from mutasi.placement.domain.fairness import FairnessSettings, fairness_report, sex_of
from mutasi.placement.domain.rounds import PlanEntry

from .placement_factories import TODAY, candidate


def nip(i: int, sex: str) -> str:
    return f"19900101201503{sex}{i:03d}"


def entry(nip: str, moved: bool, jpm_after: float = 80.0, kind: str = "rotasi") -> PlanEntry:
    return PlanEntry(nip, "A", "B" if moved else "A", 50.0, {}, jpm_after, kind=kind)  # type: ignore[arg-type]


def test_sex_is_read_from_digit_15_of_the_nip() -> None:
    assert (sex_of(nip(1, "1")), sex_of(nip(1, "2")), sex_of("123")) == ("L", "P", "tidak diketahui")


def test_a_group_selected_at_under_four_fifths_of_the_best_rate_is_flagged_and_small_groups_are_pooled() -> None:
    men = [candidate(nip(i, "1"), jpm_current=60.0) for i in range(10)]
    women = [candidate(nip(i, "2"), jpm_current=60.0) for i in range(10)]
    others = [candidate(f"X{i}", employee_type="PPPK", golongan="IX") for i in range(3)]
    entries = {c.nip: entry(c.nip, i < 5) for i, c in enumerate(men)}
    entries |= {c.nip: entry(c.nip, i < 2, kind="promosi") for i, c in enumerate(women)}
    entries |= {c.nip: entry(c.nip, False) for c in others}
    rows = fairness_report([*men, *women, *others], entries, {women[9].nip}, TODAY)
    by = {(r.dimension, r.group): r for r in rows}
    male, female = by[("jenis_kelamin", "L")], by[("jenis_kelamin", "P")]
    assert (male.selection_rate, male.ratio_to_best, male.flagged) == (0.5, 1.0, False)
    assert (female.selection_rate, female.ratio_to_best, female.flagged) == (0.2, 0.4, True)
    assert (female.by_kind, female.excluded) == ({"rotasi": 0, "promosi": 2, "demosi": 0}, 1)
    assert female.jpm_gain == 4.0  # two of ten gained 20 points
    pooled = by[("jenis_kelamin", "lainnya (<5)")]
    assert (pooled.people, pooled.selection_rate, pooled.flagged) == (3, None, False)
    assert by[("jenis_pegawai", "PNS")].people == 20


def test_the_threshold_and_the_pool_size_are_settings() -> None:
    people = [candidate(nip(i, "1" if i < 3 else "2")) for i in range(6)]
    entries = {c.nip: entry(c.nip, i in (0, 3)) for i, c in enumerate(people)}
    rows = fairness_report(people, entries, set(), TODAY, FairnessSettings(flag_ratio=0.5, min_group=3))
    by = {(r.dimension, r.group): r for r in rows}
    assert by[("jenis_kelamin", "P")].selection_rate == round(1 / 3, 4)
    assert not any(r.flagged for r in rows if r.dimension == "jenis_kelamin")
