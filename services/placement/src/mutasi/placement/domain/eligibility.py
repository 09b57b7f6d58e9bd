"""Hard eligibility rules (docs/domain.md) as one rule table with reason codes, sources and effective dates."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum

from mutasi.contracts.vocabulary import PASSING_PREDICATES as PASSING
from mutasi.contracts.vocabulary import MoveKindName
from mutasi.placement.domain.candidates import Candidate, months_between
from mutasi.placement.domain.posts import Post
from mutasi.placement.domain.ranks import comparable_rank, education_rank, golongan_rank, is_education_level

PASSING_PREDICATES = frozenset(p.value for p in PASSING)  # Peraturan BKN 5/2019, PermenPANRB 6/2022 predicates


@dataclass(frozen=True)
class Dated:
    """A configuration value that applies from `since` until the next value's `since`."""

    since: date
    value: float


def value_on(schedule: tuple[Dated, ...], on: date) -> float:
    """The value in force on a date: the latest entry whose `since` is not after it (the first if none)."""
    current = schedule[0].value
    for entry in sorted(schedule, key=lambda d: d.since):
        if entry.since <= on:
            current = entry.value
    return current


@dataclass(frozen=True)
class BlackoutWindow:
    """A Pilkada window in which leadership posts may not be refilled without Mendagri written approval."""

    start: date
    end: date
    approval_ref: str | None = None  # nomor surat persetujuan tertulis Mendagri


@dataclass(frozen=True)
class EligibilityPolicy:
    """Per-agency settings of the rule table (the PPK's overrides); every number is configuration."""

    # PP 11/2017 Pasal 190(3): 2 years; BKN statement of 1 Jul 2025: 6 months (legal instrument unconfirmed).
    min_months_in_post: tuple[Dated, ...] = (Dated(date(2017, 3, 30), 24),)
    # SE MenPANRB 19/2023: JPT officials may be moved within 2 years on stated grounds.
    jpt_tenure_exempt: bool = True
    # PP 11/2017 Pasal 239 plus local SOPs (e.g. Banyumas): years to BUP a mover must still have.
    min_years_to_bup: tuple[Dated, ...] = (Dated(date(2017, 3, 30), 1),)
    # PermenPANRB 6/2024 Pasal 59: no own-request inter-agency move within 10 years of appointment.
    pledge_years: int = 10
    # PermenPANRB 6/2022: predicates of the last 2 years must be Baik or Sangat Baik.
    performance_years: int = 2
    blackout_windows: tuple[BlackoutWindow, ...] = ()
    disabled_rules: frozenset[str] = frozenset()
    # A demosi only as the outcome of a disciplinary penalty (PP 94/2021 Pasal 8(4)) or at the person's own
    # request (a preference naming the lower post; PP 11/2017 Pasal 190).
    demosi_on_penalty: bool = True
    demosi_on_request: bool = True
    # Months in the current level before a promosi into each post type: pengawas 4 years as pelaksana,
    # administrator 3 years as pengawas (PP 11/2017 Pasal 54), JPT 2 years as administrator or Ahli Madya
    # (PP 11/2017 Pasal 107 as amended by PP 17/2020); a JF jenjang up, 2 years (PermenPANRB 1/2023).
    promosi_months_in_level: tuple[tuple[str, int], ...] = (
        ("pengawas", 48), ("administrator", 36), ("jpt_pratama", 24), ("jpt_madya", 24), ("jpt_utama", 24),
        ("fungsional", 24),
    )  # fmt: skip
    # Highest age at appointment into a JPT (PP 11/2017 Pasal 107 huruf c as amended by PP 17/2020: 56).
    jpt_max_age: float = 56.0
    # Steps a rank may sit below the eselon's lowest golongan (PP 100/2000 Pasal 5 jo PP 13/2002: one).
    eselon_rank_allowance: int = 1

    def months_in_level_for(self, post_type: str) -> int:
        return dict(self.promosi_months_in_level).get(post_type, 0)


def move_kind(candidate: Candidate, post: Post) -> MoveKindName:
    """rotasi (same rung of the jenjang ladder), promosi (up) or demosi (down), by domain.ranks.post_level."""
    delta = post.level - candidate.level
    return "promosi" if delta > 0 else "demosi" if delta < 0 else "rotasi"


class Outcome(Enum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class MoveContext:
    """Everything a rule may look at for one candidate and one target post on one date."""

    candidate: Candidate
    post: Post | None  # None when only the person-level rules are checked
    on: date
    policy: EligibilityPolicy
    own_request: bool = False  # the person asked for this post (a preference)
    movable_incumbents: int = 0  # pool members now holding the target post (their moves open seats)

    @property
    def inter_agency(self) -> bool:
        return self.post is not None and self.post.agency_id != self.candidate.agency_id

    @property
    def kind(self) -> MoveKindName:
        assert self.post is not None
        return move_kind(self.candidate, self.post)


@dataclass(frozen=True)
class Failure:
    """Why a rule failed, for the person (Indonesian) and for reviewers (English)."""

    reason_id: str
    reason_en: str


class Scope(Enum):
    PERSON = "person"  # depends only on the candidate: checked once per person
    PAIR = "pair"  # depends on the target post


@dataclass(frozen=True)
class EligibilityRule:
    """One hard rule: a reason code, what it says, where it comes from and when it is in force."""

    code: str
    title_id: str
    title_en: str
    source: str
    scope: Scope
    check: Callable[[MoveContext], Failure | None]
    effective_from: date | None = None
    effective_to: date | None = None

    def in_force(self, on: date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )


@dataclass(frozen=True)
class RuleResult:
    code: str
    outcome: Outcome
    reason_id: str = ""
    reason_en: str = ""


@dataclass(frozen=True)
class EligibilityResult:
    """All rule results for a candidate (and a post, if one was given)."""

    nip: str
    post_id: str | None
    results: tuple[RuleResult, ...]

    @property
    def eligible(self) -> bool:
        return all(r.outcome is not Outcome.FAILED for r in self.results)

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if r.outcome is Outcome.FAILED]


def _status_pns(ctx: MoveContext) -> Failure | None:
    kind = ctx.candidate.employee_type
    if kind == "CPNS":
        return Failure(
            "Masih CPNS (masa percobaan); mutasi hanya untuk PNS.",
            "Still a CPNS on probation; only a PNS may be moved.",
        )
    if kind == "PPPK" and ctx.inter_agency:
        return Failure("PPPK tidak dapat dimutasi antar instansi.", "A PPPK cannot be moved between agencies.")
    if kind not in {"PNS", "PPPK"}:
        return Failure(f"Jenis pegawai {kind!r} tidak dikenal.", f"Unknown employee type {kind!r}.")
    return None


def _min_tenure(ctx: MoveContext) -> Failure | None:
    c = ctx.candidate
    if tenure_exempt(ctx.policy, c.post_type):
        return None
    needed = required_months_in_post(ctx.policy, ctx.on)
    have = c.months_in_post_on(ctx.on)
    if have < needed:
        return Failure(
            f"Baru {have} bulan pada jabatan sekarang; minimal {needed} bulan.",
            f"Only {have} months in the current post; at least {needed} required.",
        )
    return None


def _pledge(ctx: MoveContext) -> Failure | None:
    c = ctx.candidate
    if not (ctx.inter_agency and ctx.own_request) or c.tmt_pns is None:
        return None
    years = months_between(c.tmt_pns, ctx.on) / 12
    if years < ctx.policy.pledge_years:
        return Failure(
            f"Pindah instansi atas permintaan sendiri sebelum {ctx.policy.pledge_years} tahun sejak TMT PNS "
            "dianggap mengundurkan diri.",
            f"An own-request move to another agency within {ctx.policy.pledge_years} years of TMT PNS "
            "counts as resignation.",
        )
    return None


def _no_hukdis(ctx: MoveContext) -> Failure | None:
    c = ctx.candidate
    if c.discipline_active and (c.discipline_until is None or c.discipline_until >= ctx.on):
        until = f" sampai {c.discipline_until.isoformat()}" if c.discipline_until else ""
        until_en = f" until {c.discipline_until.isoformat()}" if c.discipline_until else ""
        return Failure(
            f"Sedang diproses atau menjalani hukuman disiplin{until}.",
            f"In process of, or serving, a disciplinary penalty{until_en}.",
        )
    return None


def _flag(attr: str, reason_id: str, reason_en: str) -> Callable[[MoveContext], Failure | None]:
    def check(ctx: MoveContext) -> Failure | None:
        return Failure(reason_id, reason_en) if getattr(ctx.candidate, attr) else None

    return check


def _performance(ctx: MoveContext) -> Failure | None:
    n = ctx.policy.performance_years
    last = ctx.candidate.last_predicates(n)
    if len(last) < n:
        return Failure(
            f"Penilaian kinerja {n} tahun terakhir belum lengkap.",
            f"Performance appraisals of the last {n} years are incomplete.",
        )
    bad = [p for p in last if p not in PASSING_PREDICATES]
    if bad:
        return Failure(
            f"Predikat kinerja {n} tahun terakhir harus minimal Baik (ada: {', '.join(bad)}).",
            f"Performance predicate of the last {n} years must be at least Baik (found: {', '.join(bad)}).",
        )
    return None


def _anjab_need(ctx: MoveContext) -> Failure | None:
    post = ctx.post
    assert post is not None
    if post.seats > post.bezetting or (post.seats == post.bezetting and ctx.movable_incumbents > 0):
        return None
    return Failure(
        f"Jabatan {post.name} tidak kekurangan pegawai menurut ANJAB/ABK (kebutuhan {post.kebutuhan:g}, "
        f"bezetting {post.bezetting}).",
        f"Post {post.name} has no staffing gap under ANJAB/ABK (kebutuhan {post.kebutuhan:g}, "
        f"bezetting {post.bezetting}).",
    )


def _bup_horizon(ctx: MoveContext) -> Failure | None:
    needed = value_on(ctx.policy.min_years_to_bup, ctx.on)
    left = ctx.candidate.years_to_bup_on(ctx.on)
    if left < needed:
        return Failure(
            f"Sisa masa kerja sampai BUP {left:.1f} tahun; minimal {needed:g} tahun.",
            f"{left:.1f} years left to retirement age (BUP); at least {needed:g} required.",
        )
    return None


def _job_requirements(ctx: MoveContext) -> Failure | None:
    c, post = ctx.candidate, ctx.post
    assert post is not None
    rank = comparable_rank(c.golongan)
    if rank is None:
        return Failure(
            f"Golongan {c.golongan!r} tidak dapat dibandingkan dengan rentang jabatan.",
            f"Rank {c.golongan!r} cannot be compared with the post's range.",
        )
    level = education_rank(c.education_level) if is_education_level(c.education_level) else -1
    if post.education_levels and level < min(education_rank(level) for level in post.education_levels):
        return Failure(
            f"Pendidikan {c.education_level} di bawah syarat jabatan ({'/'.join(post.education_levels)}).",
            f"Education {c.education_level} is below the post's requirement ({'/'.join(post.education_levels)}).",
        )
    if post.field_required and post.education_fields and c.education_field not in post.education_fields:
        return Failure(
            f"Bidang pendidikan {c.education_field} tidak sesuai syarat jabatan ({', '.join(post.education_fields)}).",
            f"Field of study {c.education_field} does not meet the post's requirement "
            f"({', '.join(post.education_fields)}).",
        )
    if not lowest_rank(post, ctx.policy) <= rank <= golongan_rank(post.golongan_max):
        return Failure(
            f"Golongan {c.golongan} di luar rentang jabatan {post.golongan_min}–{post.golongan_max}.",
            f"Rank {c.golongan} is outside the post's range {post.golongan_min}–{post.golongan_max}.",
        )
    return None


def lowest_rank(post: Post, policy: EligibilityPolicy) -> int:
    """The lowest golongan a holder may have: the post's minimum, for an eselon post lowered by the allowance."""
    low = golongan_rank(post.golongan_min)
    return max(0, low - policy.eselon_rank_allowance) if post.eselon else low


def _kind_allowed(ctx: MoveContext) -> Failure | None:
    if ctx.kind != "demosi":
        return None
    if (ctx.policy.demosi_on_request and ctx.own_request) or (
        ctx.policy.demosi_on_penalty and ctx.candidate.demotion_penalty
    ):
        return None
    return Failure(
        "Jabatan tujuan lebih rendah (demosi): hanya karena hukuman disiplin atau atas permintaan sendiri.",
        "The target post is lower (demosi): only as a disciplinary outcome or at the person's own request.",
    )


def _promosi_tenure(ctx: MoveContext) -> Failure | None:
    if ctx.kind != "promosi":
        return None
    assert ctx.post is not None
    needed = ctx.policy.months_in_level_for(ctx.post.post_type)
    have = ctx.candidate.months_in_post_on(ctx.on)
    if have < needed:
        return Failure(
            f"Promosi: baru {have} bulan pada jenjang sekarang; minimal {needed} bulan.",
            f"Promotion: only {have} months at the current level; at least {needed} required.",
        )
    return None


def _promosi_competency_test(ctx: MoveContext) -> Failure | None:
    assert ctx.post is not None
    if ctx.kind != "promosi" or not ctx.post.competency_test_required or ctx.candidate.jf_competency_test_passed:
        return None
    return Failure(
        f"Promosi ke {ctx.post.name} memerlukan lulus uji kompetensi jabatan fungsional.",
        f"Promotion into {ctx.post.name} requires a passed JF competency test.",
    )


def _promosi_jpt_age(ctx: MoveContext) -> Failure | None:
    assert ctx.post is not None
    if ctx.kind != "promosi" or not ctx.post.post_type.startswith("jpt"):
        return None
    age = ctx.candidate.age_on(ctx.on)
    if age > ctx.policy.jpt_max_age:
        return Failure(
            f"Usia {age:.1f} tahun melebihi batas {ctx.policy.jpt_max_age:g} tahun untuk JPT.",
            f"Age {age:.1f} exceeds the JPT maximum of {ctx.policy.jpt_max_age:g}.",
        )
    return None


def _bup_target(ctx: MoveContext) -> Failure | None:
    """A post with a lower BUP shortens the time left (BUP_HORIZON already checks the current one)."""
    assert ctx.post is not None
    if ctx.post.bup >= ctx.candidate.bup:
        return None
    needed = value_on(ctx.policy.min_years_to_bup, ctx.on)
    left = ctx.post.bup - ctx.candidate.age_on(ctx.on)
    if left < needed:
        return Failure(
            f"Sisa masa kerja sampai BUP jabatan tujuan ({ctx.post.bup:g} tahun) {left:.1f} tahun; "
            f"minimal {needed:g} tahun.",
            f"{left:.1f} years left to the target post's retirement age ({ctx.post.bup:g}); at least {needed:g}.",
        )
    return None


def _blackout(ctx: MoveContext) -> Failure | None:
    post = ctx.post
    assert post is not None
    if not post.covered_by_blackout:
        return None
    for window in ctx.policy.blackout_windows:
        if window.start <= ctx.on <= window.end and not window.approval_ref:
            return Failure(
                f"Masa larangan penggantian pejabat Pilkada {window.start.isoformat()} s.d. "
                f"{window.end.isoformat()}: perlu persetujuan tertulis Mendagri.",
                f"Pilkada blackout {window.start.isoformat()} to {window.end.isoformat()}: written approval "
                "of the Minister of Home Affairs is required.",
            )
    return None


def _coi(ctx: MoveContext) -> Failure | None:
    post = ctx.post
    assert post is not None
    if post.unit_id in ctx.candidate.coi_unit_ids:
        return Failure(
            f"Benturan kepentingan dengan unit {post.unit_name} (keluarga atau riwayat audit).",
            f"Conflict of interest with unit {post.unit_name} (relative or recent audit).",
        )
    return None


RULES: tuple[EligibilityRule, ...] = (
    EligibilityRule(
        "STATUS_PNS",
        "Berstatus PNS",
        "Must be a PNS",
        "Perban 5/2019 Pasal 3; PermenPANRB 6/2024",
        Scope.PAIR,
        _status_pns,
    ),
    EligibilityRule(
        "MIN_TENURE_POST",
        "Masa jabatan minimal",
        "Minimum time in post",
        "PP 11/2017 Pasal 190(3); SE MenPANRB 19/2023 (JPT)",
        Scope.PERSON,
        _min_tenure,
        effective_from=date(2017, 3, 30),
    ),
    EligibilityRule(
        "CPNS_10Y_PLEDGE",
        "Janji 10 tahun tidak pindah instansi",
        "10-year no-transfer pledge",
        "PermenPANRB 6/2024 Pasal 59",
        Scope.PAIR,
        _pledge,
        effective_from=date(2024, 1, 1),
    ),
    EligibilityRule(
        "NO_HUKDIS",
        "Tidak sedang hukuman disiplin",
        "No disciplinary penalty",
        "Perban 5/2019 Pasal 3; PP 94/2021",
        Scope.PERSON,
        _no_hukdis,
    ),
    EligibilityRule(
        "NO_CRIMINAL_PROCESS",
        "Tidak dalam proses peradilan",
        "Not in court proceedings",
        "Perban 5/2019 Pasal 3",
        Scope.PERSON,
        _flag(
            "in_court_process",
            "Sedang dalam proses peradilan atau diberhentikan sementara.",
            "In court proceedings or temporarily dismissed.",
        ),
    ),
    EligibilityRule(
        "NO_TUGAS_BELAJAR",
        "Tidak tugas belajar / ikatan dinas",
        "Not on study leave or bond",
        "Perban 5/2019 Pasal 3",
        Scope.PERSON,
        _flag(
            "on_study_leave",
            "Sedang tugas belajar atau terikat ikatan dinas.",
            "On study leave (tugas belajar) or bound by a service bond.",
        ),
    ),
    EligibilityRule(
        "NO_AUDIT_FINDING",
        "Bebas temuan Inspektorat",
        "No open audit finding",
        "Perban 5/2019 Pasal 3",
        Scope.PERSON,
        _flag(
            "audit_finding_open",
            "Masih ada temuan Inspektorat yang belum diselesaikan.",
            "An Inspektorat audit finding is still open.",
        ),
    ),
    EligibilityRule(
        "PERF_2Y_BAIK",
        "Kinerja minimal Baik 2 tahun",
        "Performance at least Baik for 2 years",
        "Perban 5/2019 Pasal 3; PermenPANRB 6/2022",
        Scope.PERSON,
        _performance,
    ),
    EligibilityRule(
        "ANJAB_ABK_NEED",
        "Jabatan tujuan kekurangan pegawai",
        "Target post has a staffing gap",
        "Perban 5/2019 Pasal 3; PermenPANRB 1/2020",
        Scope.PAIR,
        _anjab_need,
    ),
    EligibilityRule(
        "BUP_HORIZON",
        "Tidak mendekati BUP",
        "Not near retirement age",
        "UU 20/2023; PP 11/2017 Pasal 239; SOP PPK",
        Scope.PERSON,
        _bup_horizon,
    ),
    EligibilityRule(
        "NOT_ON_CLTN",
        "Tidak sedang CLTN",
        "Not on unpaid leave",
        "SIASN rw-cltn (praktik)",
        Scope.PERSON,
        _flag("on_cltn", "Sedang cuti di luar tanggungan negara (CLTN).", "On unpaid leave (CLTN)."),
    ),
    EligibilityRule(
        "JOB_REQUIREMENTS",
        "Memenuhi syarat jabatan",
        "Meets the post's requirements",
        "PP 11/2017 Pasal 54 dan 107; PP 100/2000 jo PP 13/2002",
        Scope.PAIR,
        _job_requirements,
    ),
    EligibilityRule(
        "BUP_TARGET_POST",
        "Tidak mendekati BUP jabatan tujuan",
        "Not near the target post's retirement age",
        "UU 20/2023 Pasal 55; PP 11/2017 Pasal 239",
        Scope.PAIR,
        _bup_target,
    ),
    EligibilityRule(
        "MOVE_KIND_ALLOWED",
        "Demosi hanya karena hukuman disiplin atau permintaan sendiri",
        "Demosi only on a disciplinary basis or own request",
        "PP 94/2021 Pasal 8(4); PP 11/2017 Pasal 190",
        Scope.PAIR,
        _kind_allowed,
    ),
    EligibilityRule(
        "PROMOSI_TENURE",
        "Promosi: masa pada jenjang sekarang",
        "Promotion: time at the current level",
        "PP 11/2017 Pasal 54 dan 107 jo PP 17/2020; PermenPANRB 1/2023",
        Scope.PAIR,
        _promosi_tenure,
    ),
    EligibilityRule(
        "PROMOSI_JF_UKOM",
        "Promosi JF: lulus uji kompetensi",
        "JF promotion: competency test passed",
        "PermenPANRB 1/2023; PP 11/2017 Pasal 70",
        Scope.PAIR,
        _promosi_competency_test,
    ),
    EligibilityRule(
        "PROMOSI_JPT_MAX_AGE",
        "Promosi JPT: batas usia",
        "JPT promotion: maximum age",
        "PP 11/2017 Pasal 107 huruf c jo PP 17/2020",
        Scope.PAIR,
        _promosi_jpt_age,
    ),
    EligibilityRule(
        "BLACKOUT_PILKADA",
        "Larangan penggantian pejabat Pilkada",
        "Pilkada blackout",
        "UU 10/2016 Pasal 71(2) dan 162(3)",
        Scope.PAIR,
        _blackout,
    ),
    EligibilityRule(
        "COI",
        "Tidak ada benturan kepentingan",
        "No conflict of interest",
        "PP 11/2017 Pasal 190(5); UU 30/2014",
        Scope.PAIR,
        _coi,
    ),
)
RULES_BY_CODE: Mapping[str, EligibilityRule] = {r.code: r for r in RULES}


@dataclass(frozen=True)
class PolicyBook:
    """The default policy and per-agency overrides."""

    default: EligibilityPolicy = field(default_factory=EligibilityPolicy)
    agencies: Mapping[str, EligibilityPolicy] = field(default_factory=dict)

    def for_agency(self, agency_id: str) -> EligibilityPolicy:
        return self.agencies.get(agency_id, self.default)

    def with_agency(self, agency_id: str, policy: EligibilityPolicy) -> PolicyBook:
        return replace(self, agencies={**self.agencies, agency_id: policy})


def rule_applies(rule: EligibilityRule, policy: EligibilityPolicy, on: date) -> bool:
    """The one place where a rule's dates and a policy's disabled rules decide whether it is checked at all;
    the per-pair check and the vectorised path both ask here."""
    return rule.code not in policy.disabled_rules and rule.in_force(on)


def required_months_in_post(policy: EligibilityPolicy, on: date) -> int:
    """MIN_TENURE_POST's threshold on a date (PP 11/2017 Pasal 190(3), as the policy dates it)."""
    return int(value_on(policy.min_months_in_post, on))


def tenure_exempt(policy: EligibilityPolicy, post_type: str) -> bool:
    """JPT officials may be moved within the minimum tenure on stated grounds (SE MenPANRB 19/2023)."""
    return policy.jpt_tenure_exempt and post_type.startswith("jpt")


def _run(rules: Iterable[EligibilityRule], ctx: MoveContext) -> list[RuleResult]:
    out = []
    for rule in rules:
        if not rule_applies(rule, ctx.policy, ctx.on):
            out.append(RuleResult(rule.code, Outcome.NOT_APPLICABLE))
            continue
        failure = rule.check(ctx)
        if failure is None:
            out.append(RuleResult(rule.code, Outcome.PASSED))
        else:
            out.append(RuleResult(rule.code, Outcome.FAILED, failure.reason_id, failure.reason_en))
    return out


def check_person(
    candidate: Candidate, on: date, policy: EligibilityPolicy, rules: tuple[EligibilityRule, ...] = RULES
) -> EligibilityResult:
    """The person-level rules only (same answer for every target post)."""
    ctx = MoveContext(candidate, None, on, policy)
    return EligibilityResult(candidate.nip, None, tuple(_run((r for r in rules if r.scope is Scope.PERSON), ctx)))


def check_pair(
    ctx: MoveContext, person: EligibilityResult | None = None, rules: tuple[EligibilityRule, ...] = RULES
) -> EligibilityResult:
    """Every rule for one candidate–post pair; pass a cached person result to skip re-checking it."""
    assert ctx.post is not None
    if person is None:
        person = check_person(ctx.candidate, ctx.on, ctx.policy, rules)
    pair = _run((r for r in rules if r.scope is Scope.PAIR), ctx)
    by_code = {r.code: r for r in (*person.results, *pair)}
    ordered = tuple(by_code[r.code] for r in rules if r.code in by_code)
    return EligibilityResult(ctx.candidate.nip, ctx.post.post_id, ordered)
