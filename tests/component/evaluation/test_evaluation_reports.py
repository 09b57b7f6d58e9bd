"""The programme report over HTTP: JSON numbers, the spreadsheet and the one-page HTML."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from mutasi.contracts import topics
from tests.component.evaluation.evaluation_events import ROUND, body, decided
from tests.support.service import RunningService, publish_event


async def round_of_six(svc: RunningService) -> None:
    """Four move into KOMINFO (fungsional), two into BKPSDM (pelaksana); all answer the survey."""
    for i in range(1, 7):
        unit, post_type = ("KOMINFO", "fungsional") if i <= 4 else ("BKPSDM", "pelaksana")
        await publish_event(svc, topics.MUTATION_DECIDED, decided(i, unit=unit, post_type=post_type))
        good = i % 2 == 1
        r = await svc.http.post(
            "/v1/evaluations",
            json=body(
                i,
                hasil="di_atas" if good else "di_bawah",
                perilaku="di_atas" if good else "sesuai",
                review=5 if good else 3,
                survey=5 if good else 3,
            ),
        )
        assert r.status_code == 201, r.text


async def test_the_report_counts_people_and_changes_with_their_n(svc: RunningService) -> None:
    await round_of_six(svc)
    r = (await svc.http.get(f"/v1/reports/{ROUND}")).json()
    assert (r["moved"], r["evaluated"], r["evaluations"]) == (6, 6, 6)
    perf = r["performance"]
    assert perf["before"]["Baik"] == 6
    assert (perf["after"]["Sangat Baik"], perf["after"]["Butuh Perbaikan"]) == (3, 3)
    assert perf["mean_change"] == {"value": 0.0, "n": 6}  # three +20, three -20
    assert r["follow_ups"]["re_assessment"] == 3
    assert r["follow_ups"]["talent_pool"] == 3


async def test_survey_groups_under_five_are_pooled_in_the_report(svc: RunningService) -> None:
    await round_of_six(svc)
    r = (await svc.http.get(f"/v1/reports/{ROUND}")).json()
    assert r["feedback"]["respondents"] == 6
    assert r["feedback"]["items"]["role_clarity"]["mean"] == 4.0
    # KOMINFO has 4 and BKPSDM 2 respondents: neither reaches 5, so only their union is shown.
    assert [(f["group_keys"], f["respondents"]) for f in r["feedback_by_unit"]] == [(["BKPSDM", "KOMINFO"], 6)]


async def test_the_spreadsheet_has_a_sheet_per_section(svc: RunningService) -> None:
    await round_of_six(svc)
    r = await svc.http.get(f"/v1/reports/{ROUND}/xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert {"Ringkasan", "Kinerja", "Survei", "Per unit", "Per jenis jabatan", "Saran bobot"} <= set(wb.sheetnames)
    assert [c.value for c in wb["Ringkasan"][5]][:2] == ["ASN dimutasi", 6]


async def test_the_html_report_is_one_indonesian_page_with_charts(svc: RunningService) -> None:
    await round_of_six(svc)
    r = await svc.http.get(f"/v1/reports/{ROUND}/html")
    assert r.status_code == 200
    page = r.text
    assert '<html lang="id">' in page
    assert "Laporan Evaluasi Pasca-Mutasi ASN" in page
    assert page.count("<svg") >= 3
    assert "Rahasia" not in page


async def test_a_round_without_moves_is_a_404(svc: RunningService) -> None:
    r = await svc.http.get("/v1/reports/rnd-none")
    assert r.status_code == 404
    assert r.json()["errors"][0]["field"] == "round_id"
