"""The demo step writes real spreadsheets and imports them through the HTTP API, then reports the 9-box."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mutasi.cli.demo import step_assessment
from mutasi.cli.demo.context import DemoContext
from mutasi.cli.demo.dataset import MANAGERIAL, AssessmentRow, Dataset, Employee, Post, Unit
from tests.support.service import RunningService

from .files import IT_NIP, OTHER_NIP


def person(nip: str, name: str, sex: str, post_id: str, unit_id: str, cpns: date, birth: date) -> Employee:
    return Employee(
        nip,
        name,
        sex,
        "PNS",
        "III/a",
        date(2019, 4, 1),
        post_id,
        unit_id,
        date(2020, 1, 2),
        "S1",
        "informatika",
        cpns,
        date(cpns.year + 1, cpns.month, 1),
        birth,
        "none",
        None,
        ((2024, "Baik"), (2025, "Baik")),
        58,
    )


def dataset() -> Dataset:
    units = [Unit("setda", "Sekretariat Daerah", "sekretariat"), Unit("diskominfo", "Dinas Kominfo", "dinas")]
    posts = [
        Post("setda-adm", "setda", "Penata Layanan Operasional", "pelaksana", None, "administrasi", "II/a", "III/d",
             ("SMA", "S1"), ("administrasi",), 4.0, 5, {"tek_kearsipan": 3}),
        Post("kominfo-si", "diskominfo", "Pranata Komputer Ahli Pertama", "fungsional", None, "informatika", "III/a",
             "III/b", ("S1",), ("informatika",), 3.0, 1, {"tek_sistem_informasi": 3}),
    ]  # fmt: skip
    employees = [
        person(IT_NIP, "Andi", "L", "setda-adm", "setda", date(2015, 3, 1), date(1990, 1, 1)),
        person(OTHER_NIP, "Sari", "P", "kominfo-si", "diskominfo", date(2010, 1, 1), date(1985, 5, 5)),
    ]
    levels = {**{code: 2 for code in MANAGERIAL}, "perekat_bangsa": 2, "tek_sistem_informasi": 4, "tek_kearsipan": 1}
    assessments = [
        AssessmentRow(e.nip, date(2025, 6, 10), "assessment_center", "UPT BKD", levels, "menengah", "sesuai", "sesuai")
        for e in employees
    ]
    return Dataset("sawahlunto", "Kota Sawahlunto", 7, date(2026, 11, 28), units, posts, employees, assessments, [],
                   [IT_NIP])  # fmt: skip


async def test_demo_step_imports_the_generated_spreadsheets_and_reports_boxes(
    svc: RunningService, tmp_path: Path
) -> None:
    said: list[str] = []
    ctx = DemoContext(dataset(), {"assessment": svc.http}, tmp_path, said.append)
    await step_assessment.prepare(ctx)
    summary = await step_assessment.run(ctx)
    assert (summary["posts"], summary["registered"], summary["assessed"]) == (2, 2, 2)
    assert sum(summary["boxes"].values()) == 2
    assert summary["boxes"][5] == 2
    assert summary["example"]["jpm_target"] > summary["example"]["jpm_current"]
    assert (tmp_path / "pegawai.xlsx").exists()
    assert (tmp_path / "kotak_talenta.png").read_bytes().startswith(b"\x89PNG")
    assert any("9-box" in line for line in said)
