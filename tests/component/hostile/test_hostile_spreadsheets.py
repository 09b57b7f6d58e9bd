"""The hostile-spreadsheet corpus against every upload route: each file is refused with a 4xx naming the problem,
or imported correctly in part; no export carries a live formula; memory stays bounded."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from mutasi.assessment.bootstrap import create_app as assessment_app
from mutasi.assessment.settings import AssessmentSettings
from mutasi.placement.bootstrap import create_app as placement_app
from mutasi.placement.settings import PlacementSettings
from mutasi.training.bootstrap import create_app as training_app
from mutasi.training.settings import TrainingSettings
from tests.component.assessment.files import SKJ, XLSX, employee, xlsx
from tests.support.hostile import entity_bomb, formula_sheet, plain_sheet, truncated, workbook, zip_bomb
from tests.support.jobs import finished
from tests.support.service import RunningService, running_service, seal_settings

RSS_GROWTH_BOUND_MB = 150  # the whole corpus, bombs included, may grow the service process by at most this much
LIMITS = {"upload_max_unzipped_mb": 64}
INJECTIONS = ('=HYPERLINK("http://evil.example","klik")', "=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)", "-2+3")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.fixture
async def assessment() -> AsyncIterator[RunningService]:
    settings = AssessmentSettings(mongo_uri="memory://", **seal_settings(), today=date(2026, 11, 28), **LIMITS)  # type: ignore[arg-type]
    async with running_service(assessment_app(settings)) as svc:
        skj = await finished(svc, await svc.http.post("/v1/imports/skj", content=xlsx(SKJ),
                                                      params={"filename": "skj.xlsx"}))  # fmt: skip
        assert skj.status_code == 201
        yield svc


def door() -> dict[str, bytes]:
    """Files refused before any job starts, or (a cell too long, found while streaming) by the job."""
    good = xlsx([employee()])
    no_nip = xlsx([{k: v for k, v in employee().items() if k != "nip"}])
    return {
        "empty": b"",
        "not-xlsx": b"%PDF-1.4 this is not a spreadsheet",
        "truncated-zip": truncated(good),
        "zip-bomb": zip_bomb(200),
        "xml-entity-bomb": entity_bomb(),
        "wrong-columns": no_nip,
        "cell-too-long": xlsx([employee(nama="A" * 2001)]),
    }


async def post(svc: RunningService, path: str, content: bytes, **params: str) -> object:
    return await svc.http.post(path, content=content, headers={"Content-Type": XLSX}, params=params)


async def test_every_hostile_file_is_refused_at_the_door_with_a_4xx_naming_the_problem(
    assessment: RunningService,
) -> None:
    before = rss_mb()
    expected = {
        "empty": (422, "empty"), "not-xlsx": (422, "XLSX"), "truncated-zip": (422, "XLSX"),
        "zip-bomb": (413, "UPLOAD_MAX_UNZIPPED_MB"), "xml-entity-bomb": (422, "DTD"),
        "wrong-columns": (422, "nip"), "cell-too-long": (422, "UPLOAD_MAX_CELL_CHARS"),
    }  # fmt: skip
    seen = {}
    for name, content in door().items():
        r = await finished(assessment, await assessment.http.post("/v1/imports/employees", content=content,
                                                                  params={"filename": "pegawai.xlsx"}))  # fmt: skip
        body = r.json()
        text = body["message"] + " ".join(e["reason"] for e in body["errors"])
        seen[name] = (r.status_code, expected[name][1] if expected[name][1] in text else text[:200])
    assert seen == expected
    assert rss_mb() - before < RSS_GROWTH_BOUND_MB


async def test_wrong_types_and_formulas_are_row_errors_and_the_error_workbook_has_no_live_formula(
    assessment: RunningService,
) -> None:
    rows = [employee(), employee(nip="199001012015031002", golongan="abc", tmt_golongan="not a date",
                                 nama=INJECTIONS[1], jurusan=INJECTIONS[0])]  # fmt: skip
    params = {"filename": "p.xlsx", "accept_partial": "true"}
    r = await finished(assessment, await assessment.http.post("/v1/imports/employees", content=xlsx(rows),
                                                              params=params))  # fmt: skip
    body = r.json()
    assert (r.status_code, body["rows_accepted"], body["rows_rejected"]) == (200, 1, 1)
    assert {e["column"] for e in body["errors"]} >= {"golongan", "tmt_golongan"}
    errors = load_workbook(io.BytesIO((await assessment.http.get(body["errors_xlsx"])).content))
    assert_no_live_formula(errors)
    live = formula_sheet(list(employee()), INJECTIONS[1])  # a real <f> cell in the nip column
    r2 = await finished(assessment, await assessment.http.post("/v1/imports/employees", content=live,
                                                               params={"filename": "f.xlsx"}))  # fmt: skip
    assert r2.status_code == 422
    assert_no_live_formula(load_workbook(io.BytesIO((await assessment.http.get(r2.json()["errors_xlsx"])).content)))


def assert_no_live_formula(book: Workbook) -> None:
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert not (isinstance(cell.value, str) and cell.value[:1] in "=+-@\t\r"), cell.value


def province_rows(count: int, bad_at: int) -> bytes:
    """`count` valid employees (distinct NIPs: birth date × sequence) with one bad golongan at row `bad_at`."""
    columns = list(employee())

    def rows() -> Iterator[list[str]]:
        yield columns
        for i in range(count):
            born = date(1990, 1, 1) + timedelta(days=i // 999)
            row = employee(nip=f"{born:%Y%m%d}2015031{i % 999 + 1:03d}", nama=f"Pegawai {i}")
            if i + 2 == bad_at:
                row["golongan"] = "III/z"
            yield [row[c] for c in columns]

    return plain_sheet(rows())


BIG_IMPORT_RSS_BOUND_MB = 400  # 50,000 rows (a 3.6 MB XLSX, ~60 MB of sheet XML) may grow the process this much


async def test_fifty_thousand_rows_with_one_bad_row_import_in_part_with_that_row_named(
    assessment: RunningService,
) -> None:
    """A province-sized file: streamed, validated, written in batches of `IMPORT_BATCH_SIZE` (one transaction
    each). The whole process (the in-memory database holding the 50,000 employees included) grows by less than
    BIG_IMPORT_RSS_BOUND_MB."""
    content = province_rows(50_000, bad_at=25_001)
    before = rss_mb()
    r = await finished(assessment, await assessment.http.post(
        "/v1/imports/employees", content=content,
        params={"filename": "pegawai.xlsx", "accept_partial": "true"}))  # fmt: skip
    grown = rss_mb() - before
    body = r.json()
    assert (body["state"], body["outcome"], body["rows_read"]) == ("succeeded", "partial", 50_000)
    assert (body["rows_accepted"], body["rows_rejected"]) == (49_999, 1)
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(25_001, "golongan")]
    assert body["counts"]["created"] == 49_999
    stored = await assessment.kit.database().raw("employee_ranges").find({}, fields=["n"])
    assert sum(b["n"] for b in stored) == 49_999  # employees live 500 to a bucket document (ADR 22)
    assert grown < BIG_IMPORT_RSS_BOUND_MB, f"grew {grown:.0f} MB"


@pytest.mark.parametrize("service", ["placement", "training"])
async def test_the_other_upload_routes_use_the_same_reader_and_refuse_the_same_files(service: str) -> None:
    if service == "placement":
        app, path = (
            placement_app(PlacementSettings(mongo_uri="memory://", **seal_settings(), **LIMITS)),
            "/v1/posts/import",
        )  # type: ignore[arg-type]
    else:
        app, path = training_app(TrainingSettings(mongo_uri="memory://", **LIMITS)), "/v1/catalogue/import"  # type: ignore[arg-type]
    files = {**door(), "too-many-columns": workbook(["c"] * 101, sheet="offerings")}
    files.pop("wrong-columns")
    files.pop("cell-too-long")
    files["cell-too-long"] = workbook(["jabatan_id"], ["A" * 2001], sheet="offerings")
    async with running_service(app) as svc:
        statuses = {name: (await post(svc, path, content)).status_code for name, content in files.items()}  # type: ignore[attr-defined]
    assert statuses == {
        "empty": 422, "not-xlsx": 422, "truncated-zip": 422, "zip-bomb": 413, "xml-entity-bomb": 422,
        "too-many-columns": 413, "cell-too-long": 422,
    }  # fmt: skip
