"""The demo step imports the posts workbook, runs a whole round over HTTP and moves the IT graduate."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from openpyxl import load_workbook

from mutasi.cli.demo import step_placement
from mutasi.cli.demo.context import DemoContext
from mutasi.cli.demo.dataset import MANAGERIAL, AssessmentRow, Dataset, Employee, Post, Unit
from mutasi.contracts import topics
from mutasi.contracts.assessment import AssessmentCompletedV2, EligibilityFlagsV1
from mutasi.contracts.common import PostRef, PredicateYear
from tests.support.service import RunningService, publish_event, running_service, seal_for_placement

from .placement_world import app

IT_NIP = "199001012015031001"
OTHER_NIP = "198505052010012002"
LEVELS = {**{code: 2 for code in MANAGERIAL}, "perekat_bangsa": 2, "tek_sistem_informasi": 4}


def employee(nip: str, post_id: str, unit_id: str, field: str) -> Employee:
    return Employee(nip, "Andi", "L", "PNS", "III/a", date(2019, 4, 1), post_id, unit_id, date(2020, 1, 2), "S1",
                    field, date(2015, 3, 1), date(2016, 3, 1), date(1990, 1, 1), "none", None,
                    ((2024, "Baik"), (2025, "Baik")), 58)  # fmt: skip


def dataset() -> Dataset:
    units = [Unit("setda", "Sekretariat Daerah", "sekretariat"), Unit("diskominfo", "Dinas Kominfo", "dinas")]
    posts = [
        Post("setda-adm", "setda", "Penata Layanan Operasional", "pelaksana", None, "administrasi", "II/a", "III/d",
             ("SMA", "S1"), ("administrasi",), 4.0, 5, {"tek_kearsipan": 3}),
        Post("kominfo-si", "diskominfo", "Pranata Komputer Ahli Pertama", "fungsional", None, "informatika", "III/a",
             "III/b", ("S1",), ("informatika",), 3.0, 1, {"tek_sistem_informasi": 3}),
    ]  # fmt: skip
    employees = [employee(IT_NIP, "setda-adm", "setda", "informatika"),
                 employee(OTHER_NIP, "kominfo-si", "diskominfo", "informatika")]  # fmt: skip
    assessments = [AssessmentRow(e.nip, date(2025, 6, 10), "assessment_center", "UPT BKD", LEVELS, "tinggi",
                                 "sesuai", "sesuai") for e in employees]  # fmt: skip
    return Dataset("sawahlunto", "Kota Sawahlunto", 7, date.today(), units, posts, employees, assessments, [],
                   [IT_NIP])  # fmt: skip


def assessed(e: Employee, post: Post, unit_name: str) -> AssessmentCompletedV2:
    return AssessmentCompletedV2(
        assessment_id=f"a-{e.nip}", nip=e.nip, name=e.name, employee_type="PNS", golongan=e.golongan,
        current_post=PostRef(post_id=post.post_id, post_name=post.name, unit_id=post.unit_id, unit_name=unit_name,
                             post_type=post.post_type),
        months_in_post=60, tmt_pns=e.tmt_pns, education_level="S1", education_field=e.education_field,
        sealed_flags=seal_for_placement(EligibilityFlagsV1(nip=e.nip, assessment_id=f"a-{e.nip}",
                                                             discipline_active=False)),
        years_to_bup=25.0,
        predicates=[PredicateYear(year=y, predicate=p) for y, p in e.predicates], performance="sesuai",
        potential="tinggi", competencies=LEVELS, jpm_current=60.0, jpm_category="Kurang Optimal", talent_box=6,
        box_recommendation="Penempatan yang sesuai", assessed_on=date.today() - timedelta(days=5),
        valid_until=date.today() + timedelta(days=900),
    )  # fmt: skip


def demo_tokens(svc: RunningService, agency: str) -> dict[str, str]:
    """What the demo gets from the identity provider: HR and two approvers with different `sub`s."""
    return {
        f"{who}.{agency}": svc.issuer.token(sub=f"{agency}:{who}", agency=agency, roles=[role])
        for who, role in (("hr", "hr"), ("approver1", "approver"), ("approver2", "approver"))
    }


async def test_demo_step_runs_a_round_and_moves_the_it_graduate(tmp_path: Path) -> None:
    data = dataset()
    async with running_service(app()) as svc:
        ctx = DemoContext(dataset=data, clients={"placement": svc.http}, run_dir=tmp_path, progress=lambda _: None,
                          tokens=demo_tokens(svc, data.agency_id))  # fmt: skip
        await step_placement.prepare(ctx)
        assert (tmp_path / "jabatan.xlsx").exists()
        posts = {p.post_id: p for p in data.posts}
        names = {u.unit_id: u.name for u in data.units}
        for e in data.employees:
            post = posts[e.post_id]
            await publish_event(svc, topics.ASSESSMENT_COMPLETED, assessed(e, post, names[post.unit_id]))
        summary = await step_placement.run(ctx)
    assert summary["decided"] == summary["moved"] == 1
    assert summary["it_graduates_moved"] == 1
    assert ctx.facts["moved"] == [IT_NIP]
    assert summary["gain_over_greedy_pct"] >= 0
    assert summary["moves_by_kind"] == {"rotasi": 0, "promosi": 1, "demosi": 0}  # pelaksana → JF Ahli Pertama


async def test_the_it_graduates_explanation_names_jpm_before_and_after_and_the_gain(tmp_path: Path) -> None:
    """The seed's IT-graduate case: admin post JPM (assessment's 60 %) before, the information-systems post's
    JPM after (every competency at or above its standard: 100 %), the 40-point gain, in Indonesian."""
    data = dataset()
    async with running_service(app()) as svc:
        ctx = DemoContext(dataset=data, clients={"placement": svc.http}, run_dir=tmp_path, progress=lambda _: None,
                          tokens=demo_tokens(svc, data.agency_id))  # fmt: skip
        await step_placement.prepare(ctx)
        posts = {p.post_id: p for p in data.posts}
        names = {u.unit_id: u.name for u in data.units}
        for e in data.employees:
            post = posts[e.post_id]
            await publish_event(svc, topics.ASSESSMENT_COMPLETED, assessed(e, post, names[post.unit_id]))
        summary = await step_placement.run(ctx)
        r = await svc.http.get(f"/v1/rounds/{summary['round_id']}/explanations/{IT_NIP}", headers={"X-Nip": IT_NIP})
        fairness = (await svc.http.get(f"/v1/rounds/{summary['round_id']}/fairness", headers={"X-Role": "hr"})).json()
        chart = await svc.http.get(f"/v1/rounds/{summary['round_id']}/fairness.png", headers={"X-Role": "hr"})
    sheets = load_workbook(tmp_path / f"mutasi_{summary['round_id']}.xlsx").sheetnames
    assert "keadilan" in sheets
    assert chart.content.startswith(b"\x89PNG")
    assert "tidak mengubah keputusan" in fairness["note_id"]
    assert {(x["dimension"], x["group"], x["people"]) for x in fairness["rows"] if x["dimension"] == "unit"} == {
        ("unit", "lainnya (<5)", 2)
    }  # two people: pooled, no rates published
    told = r.json()
    assert (told["jpm_before"], told["jpm_after"], told["kind"]) == (60.0, 100.0, "promosi")
    text = " ".join(told["text_id"])
    assert "JPM) Anda 60.0% di jabatan sekarang menjadi 100.0% di jabatan tujuan (naik 40.0 poin)" in text
    assert "Bidang pendidikan Anda (informatika) sesuai untuk jabatan ini." in text
    assert "Syarat promosi: [PROMOSI_TENURE] terpenuhi; [PROMOSI_JF_UKOM] terpenuhi" in text
