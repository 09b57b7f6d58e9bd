"""Each hard eligibility rule of docs/domain.md#eligibility: its reason code, its dates and its per-agency overrides."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from mutasi.placement.domain.eligibility import (
    RULES,
    RULES_BY_CODE,
    BlackoutWindow,
    Dated,
    EligibilityPolicy,
    MoveContext,
    Outcome,
    PolicyBook,
    check_pair,
    value_on,
)

from .placement_factories import TODAY, candidate, post

POLICY = EligibilityPolicy()


def failed_codes(ctx: MoveContext) -> set[str]:
    return {r.code for r in check_pair(ctx).failures}


def ctx_for(c=None, p=None, on: date = TODAY, policy: EligibilityPolicy = POLICY, **kw) -> MoveContext:
    return MoveContext(c or candidate(), p or post(), on, policy, **kw)


def test_a_clean_candidate_passes_every_rule() -> None:
    result = check_pair(ctx_for())
    assert result.eligible
    assert {r.code for r in result.results} == {r.code for r in RULES}


def test_every_rule_names_its_source_and_both_titles() -> None:
    for rule in RULES:
        assert all((rule.source, rule.title_id, rule.title_en)), rule.code


def test_rejects_cpns_on_probation_with_status_pns() -> None:
    result = check_pair(ctx_for(candidate(employee_type="CPNS")))
    [failure] = result.failures
    assert failure.code == "STATUS_PNS"
    assert "CPNS" in failure.reason_id
    assert "probation" in failure.reason_en


def test_allows_pppk_within_the_agency_but_not_between_agencies() -> None:
    pppk = candidate(employee_type="PPPK")
    assert "STATUS_PNS" not in failed_codes(ctx_for(pppk))
    assert "STATUS_PNS" in failed_codes(ctx_for(pppk, post(agency_id="kota-solok")))


def test_rejects_candidate_within_two_years_of_post() -> None:
    result = check_pair(ctx_for(candidate(months_in_post=23)))
    [failure] = result.failures
    assert failure.code == "MIN_TENURE_POST"
    assert "23 bulan" in failure.reason_id
    assert "24" in failure.reason_id


def test_tenure_counts_months_elapsed_since_the_snapshot() -> None:
    c = candidate(months_in_post=20, as_of=date(2026, 7, 1))
    assert "MIN_TENURE_POST" not in failed_codes(ctx_for(c, on=date(2026, 11, 1)))


def test_agency_switching_minimum_tenure_to_six_months_from_a_date_admits_the_candidate() -> None:
    six = EligibilityPolicy(min_months_in_post=(Dated(date(2017, 3, 30), 24), Dated(date(2025, 7, 1), 6)))
    c = candidate(months_in_post=8)
    assert "MIN_TENURE_POST" not in failed_codes(ctx_for(c, policy=six))
    assert "MIN_TENURE_POST" in failed_codes(ctx_for(c, on=date(2025, 6, 30), policy=six))


def test_jpt_officials_are_exempt_from_the_tenure_rule_unless_the_agency_turns_it_off() -> None:
    jpt = candidate(months_in_post=12, post_type="jpt_pratama")
    assert "MIN_TENURE_POST" not in failed_codes(ctx_for(jpt))
    strict = EligibilityPolicy(jpt_tenure_exempt=False)
    assert "MIN_TENURE_POST" in failed_codes(ctx_for(jpt, policy=strict))


def test_pledge_blocks_only_an_own_request_move_to_another_agency_within_ten_years() -> None:
    young = candidate(tmt_pns=date(2020, 3, 1))
    other_agency = post(agency_id="kota-solok")
    assert "CPNS_10Y_PLEDGE" in failed_codes(ctx_for(young, other_agency, own_request=True))
    assert "CPNS_10Y_PLEDGE" not in failed_codes(ctx_for(young, other_agency, own_request=False))
    assert "CPNS_10Y_PLEDGE" not in failed_codes(ctx_for(young, post(), own_request=True))
    old = candidate(tmt_pns=date(2014, 3, 1))
    assert "CPNS_10Y_PLEDGE" not in failed_codes(ctx_for(old, other_agency, own_request=True))


def test_pledge_rule_is_not_in_force_before_permenpanrb_6_2024() -> None:
    young = candidate(tmt_pns=date(2020, 3, 1), as_of=date(2023, 6, 1))
    result = check_pair(ctx_for(young, post(agency_id="kota-solok"), on=date(2023, 6, 1), own_request=True))
    outcome = {r.code: r.outcome for r in result.results}["CPNS_10Y_PLEDGE"]
    assert outcome is Outcome.NOT_APPLICABLE
    assert RULES_BY_CODE["CPNS_10Y_PLEDGE"].effective_from == date(2024, 1, 1)


def test_rejects_candidate_serving_a_disciplinary_penalty_until_it_ends() -> None:
    c = candidate(discipline_active=True, discipline_until=date(2026, 12, 31))
    result = check_pair(ctx_for(c))
    assert [f.code for f in result.failures] == ["NO_HUKDIS"]
    assert "2026-12-31" in result.failures[0].reason_id
    assert "NO_HUKDIS" not in failed_codes(ctx_for(c, on=date(2027, 1, 1)))


@pytest.mark.parametrize(
    ("flag", "code"),
    [
        ("in_court_process", "NO_CRIMINAL_PROCESS"),
        ("on_study_leave", "NO_TUGAS_BELAJAR"),
        ("audit_finding_open", "NO_AUDIT_FINDING"),
        ("on_cltn", "NOT_ON_CLTN"),
    ],
)
def test_person_flags_block_with_their_reason_code(flag: str, code: str) -> None:
    result = check_pair(ctx_for(candidate(**{flag: True})))
    assert [f.code for f in result.failures] == [code]
    assert result.failures[0].reason_id
    assert result.failures[0].reason_en


def test_rejects_a_butuh_perbaikan_predicate_in_the_last_two_years() -> None:
    c = candidate(predicates=((2023, "Kurang/Misconduct"), (2024, "Butuh Perbaikan"), (2025, "Baik")))
    result = check_pair(ctx_for(c))
    assert [f.code for f in result.failures] == ["PERF_2Y_BAIK"]
    assert "Butuh Perbaikan" in result.failures[0].reason_id


def test_only_the_last_two_predicates_count() -> None:
    c = candidate(predicates=((2023, "Sangat Kurang"), (2024, "Baik"), (2025, "Baik")))
    assert "PERF_2Y_BAIK" not in failed_codes(ctx_for(c))


def test_missing_appraisals_fail_the_performance_rule() -> None:
    assert "PERF_2Y_BAIK" in failed_codes(ctx_for(candidate(predicates=((2025, "Baik"),))))


def test_rejects_a_post_without_a_staffing_gap() -> None:
    full = post(kebutuhan=2.0, bezetting=2)
    result = check_pair(ctx_for(p=full))
    assert [f.code for f in result.failures] == ["ANJAB_ABK_NEED"]


def test_a_full_post_opens_when_its_holder_is_in_the_pool() -> None:
    full = post(kebutuhan=2.0, bezetting=2)
    assert "ANJAB_ABK_NEED" not in failed_codes(ctx_for(p=full, movable_incumbents=1))
    overstaffed = post(kebutuhan=1.0, bezetting=2)
    assert "ANJAB_ABK_NEED" in failed_codes(ctx_for(p=overstaffed, movable_incumbents=2))


def test_rejects_candidate_within_a_year_of_bup_and_honours_the_agency_horizon() -> None:
    c = candidate(years_to_bup=0.8)
    assert failed_codes(ctx_for(c)) == {"BUP_HORIZON"}
    five = EligibilityPolicy(min_years_to_bup=(Dated(date(2020, 1, 1), 5),))
    assert "BUP_HORIZON" in failed_codes(ctx_for(candidate(years_to_bup=4.0), policy=five))


def test_job_requirements_check_education_level_field_and_golongan() -> None:
    assert failed_codes(ctx_for(candidate(education_level="D3"))) == {"JOB_REQUIREMENTS"}
    assert failed_codes(ctx_for(candidate(golongan="IV/a"))) == {"JOB_REQUIREMENTS"}
    assert failed_codes(ctx_for(p=post(post_type="fungsional"), c=candidate(education_field="hukum"))) == {
        "JOB_REQUIREMENTS"
    }


def test_a_pppk_moves_within_the_agency_where_the_pppk_golongan_meets_the_range() -> None:
    pppk = candidate(employee_type="PPPK", golongan="IX")  # IX sits where III/a does (S1 entry)
    assert check_pair(ctx_for(pppk)).eligible
    assert failed_codes(ctx_for(pppk, post(golongan_min="III/c", golongan_max="III/d"))) == {"JOB_REQUIREMENTS"}
    assert "STATUS_PNS" in failed_codes(ctx_for(pppk, post(agency_id="kota-solok")))


def test_a_golongan_on_neither_scale_fails_job_requirements_instead_of_crashing() -> None:
    result = check_pair(ctx_for(candidate(golongan="Z/z")))
    assert [f.code for f in result.failures] == ["JOB_REQUIREMENTS"]


def test_a_move_to_a_lower_level_needs_a_disciplinary_basis_or_the_persons_own_request() -> None:
    kasi = candidate(post_type="pengawas", golongan="III/c")
    down = post(post_type="pelaksana")
    assert failed_codes(ctx_for(kasi, down)) == {"MOVE_KIND_ALLOWED"}
    assert check_pair(ctx_for(kasi, down, own_request=True)).eligible
    assert check_pair(ctx_for(replace(kasi, demotion_penalty=True), down)).eligible
    no_requests = replace(POLICY, demosi_on_request=False)
    assert failed_codes(ctx_for(kasi, down, policy=no_requests, own_request=True)) == {"MOVE_KIND_ALLOWED"}


def test_a_promotion_checks_time_at_level_competency_test_and_jpt_age_each_with_its_code() -> None:
    pengawas = post(post_type="pengawas", eselon="IV.a", golongan_min="III/c", golongan_max="III/d")
    staff = candidate(golongan="III/c", months_in_post=36)
    assert failed_codes(ctx_for(staff, pengawas)) == {"PROMOSI_TENURE"}
    assert check_pair(ctx_for(replace(staff, months_in_post=48), pengawas)).eligible
    muda = post(post_type="fungsional", name="Pranata Komputer Ahli Muda", competency_test_required=True,
                golongan_min="III/c", golongan_max="III/d")  # fmt: skip
    pertama = replace(staff, post_type="fungsional", post_name="Pranata Komputer Ahli Pertama")
    assert failed_codes(ctx_for(pertama, muda)) == {"PROMOSI_JF_UKOM"}
    assert check_pair(ctx_for(replace(pertama, jf_competency_test_passed=True), muda)).eligible
    kadis = post(post_type="jpt_pratama", eselon="II.b", golongan_min="IV/b", golongan_max="IV/c",
                 education_fields=())  # fmt: skip
    kabid = candidate(post_type="administrator", golongan="IV/b", years_to_bup=1.5)  # 58 − 1.5 = 56.5 years old
    assert failed_codes(ctx_for(kabid, kadis)) == {"PROMOSI_JPT_MAX_AGE"}
    assert check_pair(ctx_for(replace(kabid, years_to_bup=2.5), kadis)).eligible


def test_a_rank_one_below_the_eselon_band_is_allowed_as_the_policy_says() -> None:
    kasi = post(post_type="pengawas", eselon="IV.a", golongan_min="III/c", golongan_max="III/d")
    peer = candidate(post_type="pengawas", golongan="III/b")
    assert check_pair(ctx_for(peer, kasi)).eligible
    assert failed_codes(ctx_for(peer, kasi, policy=replace(POLICY, eselon_rank_allowance=0))) == {"JOB_REQUIREMENTS"}


def test_bup_is_checked_against_the_target_post() -> None:
    madya = candidate(post_type="fungsional", post_name="Analis Ahli Madya", golongan="III/c", years_to_bup=1.5)
    assert madya.age_on(TODAY) == 58.5
    pelaksana = post(golongan_max="IV/c", education_fields=())
    assert "BUP_TARGET_POST" in failed_codes(ctx_for(madya, pelaksana, own_request=True))


def test_a_field_of_study_outside_the_list_is_no_block_for_a_pelaksana_post() -> None:
    assert "JOB_REQUIREMENTS" not in failed_codes(ctx_for(candidate(education_field="hukum")))


def test_blackout_blocks_leadership_posts_until_a_mendagri_approval_reference_is_given() -> None:
    window = BlackoutWindow(date(2026, 10, 1), date(2027, 3, 31))
    policy = EligibilityPolicy(blackout_windows=(window,))
    kabid = post(post_type="administrator", eselon="III.b", golongan_min="III/b", golongan_max="IV/a")
    assert failed_codes(ctx_for(p=kabid, policy=policy)) == {"BLACKOUT_PILKADA"}
    assert "BLACKOUT_PILKADA" not in failed_codes(ctx_for(p=post(), policy=policy))
    approved = EligibilityPolicy(blackout_windows=(replace(window, approval_ref="100.2.2.6/1234/SJ"),))
    assert "BLACKOUT_PILKADA" not in failed_codes(ctx_for(p=kabid, policy=approved))
    assert "BLACKOUT_PILKADA" not in failed_codes(ctx_for(p=kabid, policy=policy, on=date(2027, 4, 1)))


def test_conflict_of_interest_blocks_the_unit_where_a_relative_supervises() -> None:
    c = candidate(coi_unit_ids=frozenset({"kominfo"}))
    assert failed_codes(ctx_for(c)) == {"COI"}


def test_agency_can_disable_a_rule_and_others_keep_the_default() -> None:
    book = PolicyBook().with_agency("sawahlunto", EligibilityPolicy(disabled_rules=frozenset({"COI"})))
    c = candidate(coi_unit_ids=frozenset({"kominfo"}))
    assert failed_codes(ctx_for(c, policy=book.for_agency("sawahlunto"))) == set()
    assert failed_codes(ctx_for(c, policy=book.for_agency("kota-solok"))) == {"COI"}


def test_dated_values_pick_the_latest_in_force() -> None:
    schedule = (Dated(date(2017, 1, 1), 24), Dated(date(2025, 7, 1), 6))
    assert value_on(schedule, date(2025, 6, 30)) == 24
    assert value_on(schedule, date(2025, 7, 1)) == 6
