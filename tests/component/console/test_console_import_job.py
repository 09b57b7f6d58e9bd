"""The HR upload page follows a long import (an assessment import job) to its end: state and rows so far,
refreshed by the page itself, then the final result with the rows that were refused."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from .console_world import Person, world

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def assessment_with_a_job() -> tuple[FastAPI, list[str]]:
    """Stands in for assessment: the import is a job that is running at the first look and done at the second."""
    app, seen = FastAPI(), []
    running = {"import_id": "job-1", "state": "running", "attempt": 1, "rows_read": 50_000, "rows_accepted": 31_000,
               "rows_rejected": 1, "events_emitted": 0, "events_published": 0}  # fmt: skip
    done = {**running, "state": "succeeded", "outcome": "partial", "stored": True, "rows_accepted": 49_999,
            "errors": [{"row": 25_001, "column": "golongan", "field": "baris 25001.golongan",
                        "reason": "Golongan tidak dikenal / unknown golongan"}]}  # fmt: skip

    @app.post("/v1/imports/{kind}", status_code=202)
    async def start(kind: str) -> dict[str, Any]:
        seen.append(f"POST {kind}")
        return running

    @app.get("/v1/imports/{job_id}")
    async def look(job_id: str) -> dict[str, Any]:
        seen.append(f"GET {job_id}")
        return running if seen.count(f"GET {job_id}") == 1 else done

    return app, seen


async def test_the_upload_page_shows_the_running_job_refreshing_and_then_its_result() -> None:
    fake, seen = assessment_with_a_job()
    async with world() as w:
        w.router.transports["assessment"] = httpx.ASGITransport(app=fake)
        async with Person(w, "rina") as hr:
            started = await hr.submit("/hr/impor", "/hr/impor", {"kind": "employees"},
                                      files={"file": ("pegawai.xlsx", b"PK\x03\x04 rows", XLSX)})  # fmt: skip
            assert started.status_code == 303, started.text
            follow = started.headers["location"]
            assert follow.startswith("/hr/impor/")
            assert "/pekerjaan/job-1" in follow
            first = (await hr.page(follow)).text
            last = (await hr.page(follow)).text
    assert seen == ["POST employees", "GET job-1", "GET job-1"]
    assert 'http-equiv="refresh"' in first
    assert "Sedang berjalan" in first
    assert "31000 diterima" in first
    assert "50000 baris dibaca" in first
    assert 'http-equiv="refresh"' not in last
    assert "Tersimpan" in last
    assert "49999 baris diterima" in last
    assert "golongan" in last
