"""People and posts of a round as numpy column arrays, built from the domain candidates and posts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from mutasi.placement.domain.candidates import Candidate
from mutasi.placement.domain.eligibility import PASSING_PREDICATES
from mutasi.placement.domain.posts import Post
from mutasi.placement.domain.ranks import (
    POST_TYPES,
    comparable_rank,
    education_rank,
    golongan_rank,
    is_education_level,
    post_bup,
    post_level,
)

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]
TYPES = {"PNS": 0, "CPNS": 1, "PPPK": 2, "OTHER": 3}
NO_DATE = -1
FOREVER = 10**7
UNKNOWN_GOLONGAN = 31  # above every post's range, so no pair is formed (JOB_REQUIREMENTS fails in the domain)


@dataclass
class PoolArrays:
    """People (index i) and posts (index j) of a round as column arrays. Dates are proleptic ordinals."""

    # people
    agency: I32
    unit: I32
    post: I32  # index of the current post, -1 when it is not among the posts
    kind: I32  # TYPES
    golongan: I32
    education: I32
    field: I32  # index into the field vocabulary (< 63)
    months_in_post: I32
    as_of: I32
    years_to_bup: F64
    tmt_pns: I32  # NO_DATE when unknown
    jpt: B  # holds a JPT post now (tenure exemption)
    discipline_until: I32  # NO_DATE none, FOREVER open-ended
    in_court: B
    study_leave: B
    audit_open: B
    cltn: B
    perf_pass: B  # (N, K): the K most recent predicates, newest first, passing or not
    perf_count: I32  # how many predicates each person has
    box: I32
    jpm_current: F64
    re_placement: B  # evaluation asked to re-place the person (no "already fits" move cost)
    level: I32  # rung of the current post on the jenjang ladder
    bup: F64  # retirement age of the current post
    ukom_passed: B  # JF competency test passed
    demotion_penalty: B
    levels: I32  # (N, C)
    # posts
    p_agency: I32
    p_unit: I32
    gmin: I32
    gmax: I32
    edu_min: I32  # -1 = any
    field_mask: I64  # bit per accepted field; 0 = any
    field_required: B
    seats: I32
    bezetting: I32
    blackout_covered: B
    standard: I32  # (P, C)
    p_type: I32  # index into domain.ranks.POST_TYPES, -1 for another
    p_level: I32
    p_bup: F64
    p_eselon: B  # a structural post with an eselon (its rank band has the allowance)
    p_ukom: B  # entry needs a passed JF competency test
    coi_keys: I64  # person * n_units + unit of every conflict of interest
    n_units: int

    @property
    def n_people(self) -> int:
        return len(self.agency)

    @property
    def n_posts(self) -> int:
        return len(self.p_agency)

    def incumbents(self) -> I64:
        held = self.post[self.post >= 0]
        return np.bincount(held, minlength=self.n_posts).astype(np.int64)


@dataclass
class PoolIndex:
    """The names behind the indices of a PoolArrays built from domain objects."""

    nips: list[str]
    post_ids: list[str]
    codes: list[str]


def lexsort_ints(keys: Sequence[npt.NDArray[np.integer] | B]) -> I64:
    """`np.lexsort(keys)` (the last key sorts first, ties keep their order) for integer or boolean keys: when their
    ranges fit side by side in 63 bits, one stable argsort of the keys packed into one int64 gives the same order
    ~10x faster (a province round sorts ~3 million arcs several times); otherwise lexsort itself."""
    n = len(keys[0]) if len(keys) else 0
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    packed = np.zeros(n, dtype=np.int64)
    shift = 0
    for key in keys:  # the least significant first, as lexsort reads them
        low, high = int(key.min()), int(key.max())
        bits = (high - low).bit_length()
        if shift + bits > 62:
            return np.asarray(np.lexsort(keys), dtype=np.int64)
        packed |= (key.astype(np.int64) - low) << shift
        shift += bits
    return np.asarray(np.argsort(packed, kind="stable"), dtype=np.int64)


def ordinal(d: date | None, missing: int = NO_DATE) -> int:
    return d.toordinal() if d is not None else missing


def months_since(as_of: I32, on: date) -> I32:
    """Whole months from each date to `on` (same rule as domain.candidates.months_between)."""
    dates = [date.fromordinal(int(o)) for o in np.unique(as_of)]
    table = {d.toordinal(): (on.year - d.year) * 12 + on.month - d.month - (on.day < d.day) for d in dates}
    keys = np.array(list(table), dtype=np.int32)
    vals = np.array(list(table.values()), dtype=np.int32)
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int32)
    return np.asarray(vals[np.searchsorted(keys, as_of)], dtype=np.int32)


POST_TYPE_INDEX = {t: k for k, t in enumerate(POST_TYPES)}


def _rank(golongan: str) -> int:
    rank = comparable_rank(golongan)
    return UNKNOWN_GOLONGAN if rank is None else rank


def _perf_columns(candidates: Sequence[Candidate]) -> tuple[B, I32]:
    """Each person's predicates newest first (as Candidate.last_predicates orders them), passing or not. Most
    people share one of a few histories: each distinct one is sorted once, and people pick its row."""
    seen: dict[tuple[tuple[int, str], ...], int] = {}
    row = np.array([seen.setdefault(c.predicates, len(seen)) for c in candidates], dtype=np.int64)
    newest = [[p for _, p in sorted(history, reverse=True)] for history in seen]  # Candidate.last_predicates
    width = max((len(p) for p in newest), default=0) or 1
    passing = np.zeros((len(newest), width), dtype=np.bool_)
    for k, preds in enumerate(newest):
        passing[k, : len(preds)] = [p in PASSING_PREDICATES for p in preds]
    counts = np.array([len(p) for p in newest], dtype=np.int32)
    return passing[row], counts[row]  # no people: the empty row picks arrays of shape (0, 1) and (0,)


# The candidate fields the arrays are made of, read in one pass (`attrgetter` over every candidate, then transposed)
_PEOPLE_FIELDS = (
    "agency_id", "unit_id", "post_id", "employee_type", "golongan", "education_level", "education_field",
    "months_in_post", "as_of", "years_to_bup", "tmt_pns", "post_type", "post_name", "discipline_active",
    "discipline_until", "in_court_process", "on_study_leave", "audit_finding_open", "on_cltn", "talent_box",
    "jpm_current", "follow_up", "jf_competency_test_passed", "demotion_penalty", "competencies",
)  # fmt: skip


def _education(level: str) -> int:
    return education_rank(level) if is_education_level(level) else -1


def _by_value(column: Sequence[Any], convert: Callable[[Any], Any], dtype: type) -> npt.NDArray[Any]:
    """`[convert(v) for v in column]` as an array, `convert` called once per distinct value (a province pool has
    ~110,000 people and a few dozen golongan, dates, post types...)."""
    table = {v: convert(v) for v in set(column)}
    return np.fromiter(map(table.__getitem__, column), dtype=dtype, count=len(column))


def from_domain(candidates: Sequence[Candidate], posts: Sequence[Post]) -> tuple[PoolArrays, PoolIndex]:
    """Column arrays of domain candidates and posts."""
    n = len(candidates)
    col = dict(zip(_PEOPLE_FIELDS, zip(*map(attrgetter(*_PEOPLE_FIELDS), candidates), strict=True), strict=True)) \
        if n else {f: () for f in _PEOPLE_FIELDS}  # fmt: skip
    post_ids = [p.post_id for p in posts]
    post_index = {pid: j for j, pid in enumerate(post_ids)}
    agencies = {a: k for k, a in enumerate(sorted(set(col["agency_id"]) | {p.agency_id for p in posts}))}
    units = {u: k for k, u in enumerate(sorted(set(col["unit_id"]) | {p.unit_id for p in posts}))}
    fields = sorted(set(col["education_field"]) | {f for p in posts for f in p.education_fields})
    field_index = {f: k for k, f in enumerate(fields)}
    if len(fields) > 62:
        raise ValueError("more than 62 fields of study; widen the field mask")
    codes = sorted({k for c in col["competencies"] for k in c} | {k for p in posts for k in p.standard_levels()})
    code_index = {k: n for n, k in enumerate(codes)}
    levels = np.array([[c.get(k, 0) for k in codes] for c in col["competencies"]], dtype=np.int32)
    levels = levels.reshape(n, len(codes))
    standard = np.zeros((len(posts), len(codes)), dtype=np.int32)
    for j, p in enumerate(posts):
        for k, v in p.standard_levels().items():
            standard[j, code_index[k]] = v
    perf_pass, perf_count = _perf_columns(candidates)

    def until(held: tuple[bool, date | None]) -> int:
        active, until_date = held
        if not active:
            return NO_DATE
        return ordinal(until_date, FOREVER)

    def mask(p: Post) -> int:
        return sum(1 << field_index[f] for f in set(p.education_fields))

    def flag(attr: str) -> B:
        return np.fromiter(map(bool, col[attr]), dtype=np.bool_, count=n)

    post_kind = list(zip(col["post_type"], col["post_name"], strict=True))
    arr = PoolArrays(
        agency=np.fromiter(map(agencies.__getitem__, col["agency_id"]), dtype=np.int32, count=n),
        unit=np.fromiter(map(units.__getitem__, col["unit_id"]), dtype=np.int32, count=n),
        post=_by_value(col["post_id"], lambda p: post_index.get(p, -1), np.int32),
        kind=_by_value(col["employee_type"], lambda t: TYPES.get(t, TYPES["OTHER"]), np.int32),
        golongan=_by_value(col["golongan"], _rank, np.int32),
        education=_by_value(col["education_level"], _education, np.int32),
        field=np.fromiter(map(field_index.__getitem__, col["education_field"]), dtype=np.int32, count=n),
        months_in_post=np.array(col["months_in_post"], dtype=np.int32).reshape(n),
        as_of=_by_value(col["as_of"], date.toordinal, np.int32),
        years_to_bup=np.array(col["years_to_bup"], dtype=np.float64).reshape(n),
        tmt_pns=_by_value(col["tmt_pns"], ordinal, np.int32),
        jpt=_by_value(col["post_type"], lambda t: t.startswith("jpt"), np.bool_),
        discipline_until=_by_value(
            list(zip(col["discipline_active"], col["discipline_until"], strict=True)), until, np.int32
        ),
        in_court=flag("in_court_process"),
        study_leave=flag("on_study_leave"),
        audit_open=flag("audit_finding_open"),
        cltn=flag("on_cltn"),
        perf_pass=perf_pass,
        perf_count=perf_count,
        box=np.array(col["talent_box"], dtype=np.int32).reshape(n),
        jpm_current=np.array(col["jpm_current"], dtype=np.float64).reshape(n),
        re_placement=_by_value(col["follow_up"], lambda f: f == "re_placement", np.bool_),
        level=_by_value(post_kind, lambda k: post_level(*k), np.int32),  # Candidate.level
        bup=_by_value(post_kind, lambda k: post_bup(*k), np.float64),  # Candidate.bup
        ukom_passed=flag("jf_competency_test_passed"),
        demotion_penalty=flag("demotion_penalty"),
        levels=levels,
        p_agency=np.array([agencies[p.agency_id] for p in posts], dtype=np.int32),
        p_unit=np.array([units[p.unit_id] for p in posts], dtype=np.int32),
        gmin=np.array([golongan_rank(p.golongan_min) for p in posts], dtype=np.int32),
        gmax=np.array([golongan_rank(p.golongan_max) for p in posts], dtype=np.int32),
        edu_min=np.array(
            [min((education_rank(e) for e in p.education_levels), default=-1) for p in posts], dtype=np.int32
        ),
        field_mask=np.array([mask(p) for p in posts], dtype=np.int64),
        field_required=np.array([p.field_required for p in posts], dtype=np.bool_),
        seats=np.array([p.seats for p in posts], dtype=np.int32),
        bezetting=np.array([p.bezetting for p in posts], dtype=np.int32),
        blackout_covered=np.array([p.covered_by_blackout for p in posts], dtype=np.bool_),
        standard=standard,
        p_type=np.array([POST_TYPE_INDEX.get(p.post_type, -1) for p in posts], dtype=np.int32),
        p_level=np.array([p.level for p in posts], dtype=np.int32),
        p_bup=np.array([p.bup for p in posts], dtype=np.float64),
        p_eselon=np.array([bool(p.eselon) for p in posts], dtype=np.bool_),
        p_ukom=np.array([p.competency_test_required for p in posts], dtype=np.bool_),
        coi_keys=np.array(
            sorted(i * len(units) + units[u] for i, c in enumerate(candidates) for u in c.coi_unit_ids if u in units),
            dtype=np.int64,
        ),
        n_units=len(units),
    )
    return arr, PoolIndex([c.nip for c in candidates], post_ids, codes)
