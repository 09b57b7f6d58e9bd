"""The worked example of docs/domain.md: an S1 Informatika graduate in an admin post fits an IT post better."""

from __future__ import annotations

from mutasi.assessment.domain.assessment import Assessment, evaluate
from mutasi.assessment.domain.assessment_rows import validate_assessment_rows
from mutasi.assessment.domain.competency import MANAGERIAL
from mutasi.assessment.domain.employee import Employee
from mutasi.assessment.domain.employee_rows import validate_employee_rows
from mutasi.assessment.domain.jpm import CapMode, JpmPolicy, job_person_match
from mutasi.assessment.domain.rules import StandardLevelRules, TalentCutoffs, ValidityRules
from mutasi.assessment.domain.standards import build_standard
from tests.unit.assessment.assessment_factories import AGENCY, POSTS, TODAY, assessment_row, employee_row

RULES = StandardLevelRules()
ADMIN_SKJ = build_standard(POSTS["setda-pelaksana-adm"], RULES, {"tek_administrasi_perkantoran": 3, "tek_kearsipan": 3})
IS_SKJ = build_standard(POSTS["kominfo-pelaksana-si"], RULES, {"tek_sistem_informasi": 3, "tek_pemrograman": 3})
POLICY = JpmPolicy(cap=CapMode.PER_COMPETENCY)  # excess managerial levels must not hide the technical gap


def it_graduate() -> tuple[Employee, Assessment]:
    (employee,) = validate_employee_rows([employee_row()], AGENCY, POSTS, TODAY).accepted
    levels = {code: "2" for code in MANAGERIAL}
    row = assessment_row(
        potensial="",
        tek_sistem_informasi="4",
        tek_pemrograman="4",
        tek_administrasi_perkantoran="1",
        tek_kearsipan="1",
        **levels,
    )
    (assessment,) = validate_assessment_rows([row], {employee.nip}, ValidityRules(), TODAY).accepted
    return employee, assessment


def test_it_graduate_has_low_jpm_for_the_administration_post_and_high_for_information_systems() -> None:
    employee, assessment = it_graduate()
    assert employee.education_field == "informatika"
    current = job_person_match(assessment.levels, ADMIN_SKJ, POLICY)
    target = job_person_match(assessment.levels, IS_SKJ, POLICY)
    assert current.category.code == "kurang_optimal"
    assert target.category.code == "optimal"
    assert target.percent - current.percent > 25
    assert {g.code for g in current.below_standard} == {"tek_administrasi_perkantoran", "tek_kearsipan"}


def test_it_graduate_lands_in_a_box_that_recommends_appropriate_placement() -> None:
    employee, assessment = it_graduate()
    result = evaluate(assessment, ADMIN_SKJ, employee.latest_predicate, POLICY, TalentCutoffs(), TODAY)
    assert result.box is not None
    assert result.jpm.percent == 73.33  # potential is rated from the current-post JPM: menengah
    assert result.box.number == 5
    assert "Penempatan yang sesuai" in result.box.recommendation
    assert not result.expired
