"""Imports over HTTP: templates, all-or-nothing vs partial, annotated errors, re-import, history, idempotency."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from tests.support.jobs import finished
from tests.support.service import RunningService

from .files import IT_NIP, SKJ, XLSX, csv_bytes, employee, other_employee, xlsx


async def upload(svc: RunningService, kind: str, content: bytes, name: str = "f.xlsx", **params: Any) -> Any:
    return await finished(svc, await svc.http.post(f"/v1/imports/{kind}", content=content,
                                                   params={"filename": name, **params}))  # fmt: skip


async def test_template_download_has_the_siasn_column_names_and_instructions(svc: RunningService) -> None:
    r = await svc.http.get("/v1/templates/employees")
    assert r.status_code == 200
    assert r.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(r.content))
    header = [c.value for c in book.worksheets[0][1]]
    assert header[:3] == ["nip", "nama", "jenis_kelamin"]
    assert "hukdis_sampai" in header
    assert book.sheetnames == ["employees", "petunjuk"]
    csv_template = await svc.http.get("/v1/templates/skj", params={"format": "csv"})
    assert csv_template.text.startswith("jabatan_id,nama_jabatan")


async def test_skj_import_creates_posts_with_default_and_technical_levels(svc: RunningService) -> None:
    r = await upload(svc, "skj", xlsx(SKJ))
    assert r.status_code == 201, r.text
    assert r.json()["counts"] == {"created": 3, "updated": 0, "unchanged": 0}
    post = (await svc.http.get("/v1/posts/kominfo-kabid")).json()
    assert post["standard"]["integritas"] == 3  # administrator default
    assert post["standard"]["tek_sistem_informasi"] == 3


async def test_a_file_with_a_bad_row_stores_nothing_and_lists_every_error(svc: RunningService) -> None:
    await upload(svc, "skj", xlsx(SKJ))
    r = await upload(svc, "employees", xlsx([employee(), other_employee(golongan="III/z", bup="57")]))
    assert r.status_code == 422
    body = r.json()
    assert body["stored"] is False
    assert {(e["row"], e["column"]) for e in body["errors"]} == {(3, "golongan"), (3, "bup")}
    assert all(e["message_id"] and e["message_en"] and e["field"] for e in body["errors"])
    assert (await svc.http.get(f"/v1/employees/{IT_NIP}")).status_code == 404


async def test_the_annotated_error_workbook_marks_the_bad_cells(svc: RunningService) -> None:
    await upload(svc, "skj", xlsx(SKJ))
    body = (await upload(svc, "employees", xlsx([employee(), other_employee(golongan="III/z")]))).json()
    r = await svc.http.get(body["errors_xlsx"])
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[0] == 3
    cell = sheet.cell(row=2, column=header.index("golongan") + 1)
    assert cell.value == "III/z"
    assert cell.comment is not None
    assert "Golongan" in cell.comment.text
    assert "golongan" in str(row[header.index("kesalahan")])


async def test_accept_partial_stores_the_good_rows(svc: RunningService) -> None:
    await upload(svc, "skj", xlsx(SKJ))
    r = await upload(svc, "employees", xlsx([employee(), other_employee(golongan="III/z")]), accept_partial=True)
    assert r.status_code == 200
    assert r.json()["counts"]["created"] == 1
    assert r.json()["rows_rejected"] == 1
    assert (await svc.http.get(f"/v1/employees/{IT_NIP}")).json()["name"] == "Andi Pratama"


async def test_reimporting_the_same_file_changes_nothing_and_a_changed_row_is_kept_in_history(
    svc: RunningService,
) -> None:
    await upload(svc, "skj", xlsx(SKJ))
    first = await upload(svc, "employees", csv_bytes([employee(), other_employee()]), "pegawai.csv")
    assert first.json()["counts"]["created"] == 2
    again = await upload(svc, "employees", csv_bytes([employee(), other_employee()]), "pegawai.csv")
    assert again.json()["counts"] == {"created": 0, "updated": 0, "unchanged": 2, "reannounced": 0}
    changed = await upload(
        svc, "employees", csv_bytes([employee(golongan="III/b", tmt_golongan="2023-04-01")]), "pegawai.csv"
    )
    assert changed.json()["counts"] == {"created": 0, "updated": 1, "unchanged": 0, "reannounced": 0}
    record = (await svc.http.get(f"/v1/employees/{IT_NIP}")).json()
    assert (record["golongan"], record["version"]) == ("III/b", 2)
    versions = (await svc.http.get(f"/v1/employees/{IT_NIP}/history")).json()["versions"]
    assert [(v["version"], v["content"]["golongan"]) for v in versions] == [(1, "III/a")]


async def test_an_employee_in_an_unknown_post_is_rejected_until_the_skj_is_imported(svc: RunningService) -> None:
    r = await upload(svc, "employees", xlsx([employee()]))
    assert r.status_code == 422
    assert {e["code"] for e in r.json()["errors"]} == {"UNIT_UNKNOWN", "POST_UNKNOWN"}


async def test_a_missing_required_column_is_reported_on_row_1(svc: RunningService) -> None:
    rows = [{k: v for k, v in employee().items() if k != "golongan"}]
    r = await upload(svc, "employees", xlsx(rows))
    assert r.status_code == 422
    assert [(e["row"], e["column"], e["code"]) for e in r.json()["errors"]] == [(1, "golongan", "COLUMN_MISSING")]


async def test_same_idempotency_key_returns_the_first_answer_and_another_file_conflicts(svc: RunningService) -> None:
    headers = {"Idempotency-Key": "skj-2026-11", "Content-Type": XLSX}
    content = xlsx(SKJ)  # workbooks carry a save timestamp, so build the bytes once
    first = await svc.http.post("/v1/imports/skj", content=content, headers=headers)
    await svc.kit.jobs.wait_all()
    second = await svc.http.post("/v1/imports/skj", content=content, headers=headers)
    assert second.status_code == 202
    assert second.json()["import_id"] == first.json()["import_id"]
    assert second.json()["state"] == "succeeded"
    assert second.json()["counts"]["created"] == 3
    other = await svc.http.post("/v1/imports/skj", content=xlsx(SKJ[:1]), headers=headers)
    assert other.status_code == 409


async def test_rejects_a_file_that_is_not_a_spreadsheet_naming_the_field(svc: RunningService) -> None:
    r = await upload(svc, "employees", b"hello", "pegawai.pdf")
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "body"


async def test_rejects_an_unknown_import_kind_and_a_missing_agency(svc: RunningService) -> None:
    assert (await upload(svc, "gaji", xlsx(SKJ))).status_code == 422
    r = await svc.http.get("/v1/talent-grid", headers={"X-Agency-Id": ""})  # a token naming no agency
    assert r.status_code == 403


async def test_a_file_with_only_a_header_is_rejected(svc: RunningService) -> None:
    r = await upload(svc, "skj", b"jabatan_id,nama_jabatan,unit_id,jenis_jabatan\n", "skj.csv")
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "NO_ROWS"


async def test_openapi_and_asyncapi_describe_the_service(svc: RunningService) -> None:
    paths = (await svc.http.get("/openapi.json")).json()["paths"]
    assert {"/v1/imports/{kind}", "/v1/talent-grid", "/v1/me", "/v1/policy"} <= set(paths)
    asyncapi = (await svc.http.get("/asyncapi.json")).text
    assert "mutasi.assessment-completed.v2" in asyncapi
    assert "mutasi.follow-up-recommended.v1" in asyncapi


async def test_idempotency_keys_of_two_agencies_do_not_collide(svc: RunningService) -> None:
    content = xlsx(SKJ)
    for agency in ("sawahlunto", "kota-solok"):
        r = await finished(svc, await svc.http.post(
            "/v1/imports/skj",
            content=content,
            headers={"Idempotency-Key": "skj-1", "X-Agency-Id": agency, "Content-Type": XLSX},
        ))  # fmt: skip
        assert r.status_code == 201
        assert r.json()["counts"]["created"] == 3
