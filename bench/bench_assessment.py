"""Benchmark: parse, validate and evaluate (JPM + 9-box) a province-scale import of 117,000 ASN, in memory."""

from __future__ import annotations

import csv
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from openpyxl import Workbook

from mutasi.assessment.adapters.tables import read_table
from mutasi.assessment.domain.assessment import evaluate
from mutasi.assessment.domain.assessment_rows import validate_assessment_rows
from mutasi.assessment.domain.competency import MANAGERIAL, Post, PostType
from mutasi.assessment.domain.employee_rows import validate_employee_rows
from mutasi.assessment.domain.jpm import JpmPolicy
from mutasi.assessment.domain.rules import StandardLevelRules, TalentCutoffs, ValidityRules
from mutasi.assessment.domain.standards import build_standard

PEOPLE = 117_000  # ASN in Sumatera Barat (docs/domain.md#scale)
AGENCIES = 20
POSTS_PER_AGENCY = 750
TODAY = date(2026, 11, 28)
TYPES = (PostType.PELAKSANA, PostType.PELAKSANA, PostType.PENGAWAS, PostType.ADMINISTRATOR)
PREDICATES = ("Sangat Baik", "Baik", "Baik", "Baik", "Butuh Perbaikan")
RATINGS = ("di_atas", "sesuai", "sesuai", "di_bawah")
POTENTIAL = ("tinggi", "menengah", "menengah", "rendah")


def posts_of(agency: int) -> dict[str, Post]:
    return {
        f"a{agency}-p{i}": Post(f"a{agency}-p{i}", f"a{agency}-u{i % 30}", f"Jabatan {i}", TYPES[i % len(TYPES)])
        for i in range(POSTS_PER_AGENCY)
    }


def employee_row(i: int, agency: int) -> dict[str, str]:
    birth = date(1966, 1, 1) + timedelta(days=i // 900)
    cpns = date(birth.year + 23, 1 + i % 12, 1)
    post = (i * 7) % POSTS_PER_AGENCY
    ptype = TYPES[post % len(TYPES)].value
    nip = f"{birth:%Y%m%d}{cpns:%Y%m}{1 + i % 2}{i % 900 + 1:03d}"
    return {
        "nip": nip,
        "nama": f"Pegawai {i}",
        "jenis_kelamin": "LP"[i % 2],
        "jenis_pegawai": "PNS",
        "golongan": "III/b",
        "tmt_golongan": f"{cpns.year + 4}-04-01",
        "unit_id": f"a{agency}-u{post % 30}",
        "jabatan_id": f"a{agency}-p{post}",
        "jenis_jabatan": ptype,
        "tmt_jabatan": f"{cpns.year + 5}-01-02",
        "tingkat_pendidikan": "S1",
        "jurusan": "informatika",
        "tmt_cpns": cpns.isoformat(),
        "tmt_pns": f"{cpns.year + 1}-{cpns.month:02d}-01",
        "hukdis": "none",
        "predikat_tahun_1": "2024",
        "predikat_1": "Baik",
        "predikat_tahun_2": "2025",
        "predikat_2": PREDICATES[i % len(PREDICATES)],
        "bup": "58",
    }


def assessment_row(nip: str, i: int) -> dict[str, str]:
    row = {
        "nip": nip,
        "tanggal_asesmen": "2025-06-10",
        "metode": "assessment_center",
        "lembaga_asesor": "UPT",
        "potensial": POTENTIAL[i % 4],
        "hasil_kerja": RATINGS[i % 4],
        "perilaku_kerja": RATINGS[(i // 4) % 4],
        "perekat_bangsa": str(1 + i % 4),
        "tek_sistem_informasi": str(1 + i % 5),
    }
    row.update({code: str(1 + (i + k) % 4) for k, code in enumerate(MANAGERIAL)})
    return row


def csv_file(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_file(rows: list[dict[str, str]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def province_files(people: int) -> list[tuple[dict[str, Post], bytes, bytes, str]]:
    """Per agency: its posts, the employee file, the assessment file, and the file suffix."""
    per_agency = people // AGENCIES
    files = []
    for agency in range(AGENCIES):
        employees = [employee_row(agency * per_agency + j, agency) for j in range(per_agency)]
        assessments = [assessment_row(e["nip"], j) for j, e in enumerate(employees)]
        files.append((posts_of(agency), csv_file(employees), csv_file(assessments), ".csv"))
    return files


def import_province(files: list[tuple[dict[str, Post], bytes, bytes, str]]) -> dict[int, int]:
    """What an import does before it writes: parse, validate, JPM against the current post, 9-box."""
    rules, policy, cutoffs, validity = StandardLevelRules(), JpmPolicy(), TalentCutoffs(), ValidityRules()
    boxes: dict[int, int] = {}
    for agency, (posts, employee_bytes, assessment_bytes, suffix) in enumerate(files):
        standards = {pid: build_standard(p, rules, {"tek_sistem_informasi": 3}) for pid, p in posts.items()}
        table = read_table(employee_bytes, "pegawai" + suffix)
        employees = validate_employee_rows(table.rows, f"agency-{agency}", posts, TODAY)
        assert not employees.errors, employees.errors[:3]
        by_nip = {e.nip: e for e in employees.accepted}
        table = read_table(assessment_bytes, "asesmen" + suffix)
        outcome = validate_assessment_rows(table.rows, by_nip.keys(), validity, TODAY)
        assert not outcome.errors, outcome.errors[:3]
        for a in outcome.accepted:
            e = by_nip[a.nip]
            result = evaluate(a, standards[e.post_id], e.latest_predicate, policy, cutoffs, TODAY)
            number = result.box.number if result.box else 0
            boxes[number] = boxes.get(number, 0) + 1
    return boxes


def timed(fn: Callable[[], Any], repeats: int) -> tuple[list[float], list[float], Any]:
    """Wall and CPU seconds of each run (CPU time stays meaningful on a shared, busy machine)."""
    walls, cpus, value = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        value = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, value


def _record(metric: str, value: float, unit: str, n: int, fmt: str, runs: int) -> dict[str, Any]:
    return {
        "bench": "assessment.import_province",
        "metric": metric,
        "value": value,
        "unit": unit,
        "n": n,
        "format": fmt,
        "runs": runs,
    }


def run(people: int = PEOPLE, repeats: int = 3) -> list[dict[str, Any]]:
    """Machine-readable records: the import pipeline from CSV (median of `repeats`) and from XLSX (median of 2)."""
    files = province_files(people)
    walls, cpus, boxes = timed(lambda: import_province(files), repeats)
    n = sum(boxes.values())
    wall = statistics.median(walls)
    records = [
        _record("seconds_median", round(wall, 2), "s", n, "csv", repeats),
        _record("cpu_seconds_median", round(statistics.median(cpus), 2), "s", n, "csv", repeats),
        _record("rows_per_second", round(n / wall), "rows/s", n, "csv", repeats),
    ]
    xlsx_files = [(p, xlsx_file(_rows(e)), xlsx_file(_rows(a)), ".xlsx") for p, e, a, _ in files]
    walls, cpus, _ = timed(lambda: import_province(xlsx_files), 2)
    records.append(_record("seconds_median", round(statistics.median(walls), 2), "s", n, "xlsx", 2))
    records.append(_record("cpu_seconds_median", round(statistics.median(cpus), 2), "s", n, "xlsx", 2))
    return records + run_import_path(IMPORT_PATH_PEOPLE)


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode())))


if __name__ == "__main__":
    people = int(sys.argv[1]) if len(sys.argv) > 1 else PEOPLE
    for record in run(people):
        print(json.dumps(record))


# ---- the whole import path on a real database ------------------------------------------------------------------


def skj_rows(posts: dict[str, Post]) -> list[dict[str, str]]:
    return [
        {"jabatan_id": p.post_id, "nama_jabatan": p.name, "unit_id": p.unit_id, "nama_unit": p.unit_id,
         "jenis_jabatan": p.post_type.value, "eselon": "III.b" if p.post_type is PostType.ADMINISTRATOR else "",
         "bidang": "informatika", "tek_sistem_informasi": "3"}
        for p in posts.values()
    ]  # fmt: skip


async def import_rates(mongo_uri: str, people: int) -> dict[str, float]:
    """Rows per second of the SKJ, employee and assessment imports of one agency with `people` ASN, as the import
    job runs them (validate, store in batches, log), on one fresh database; the outbox is not published."""
    from bench.handler_rig import database_settings, started
    from mutasi.assessment.adapters.tables import read_table as table_of
    from mutasi.assessment.bootstrap import create_app
    from mutasi.assessment.service_layer.deps import Deps
    from mutasi.assessment.service_layer.imports import ImportRequest, run_import
    from mutasi.assessment.settings import AssessmentSettings
    from mutasi.chassis.faults import is_transient
    from tests.support.service import seal_settings

    agency = "sumbar"
    settings = AssessmentSettings(**database_settings(mongo_uri), **seal_settings(), agencies=[agency], today=TODAY)
    kit = create_app(settings).state.kit
    await started(kit)
    try:
        deps = kit.deps(Deps)
        employees = [employee_row(j, 0) for j in range(people)]
        files = {
            "skj": csv_file(skj_rows(posts_of(0))),
            "employees": csv_file(employees),
            "assessments": csv_file([assessment_row(e["nip"], j) for j, e in enumerate(employees)]),
        }
        rates = {}
        for kind, content in files.items():
            started_at = time.perf_counter()
            while True:  # as the import job does: a pass that meets a transient failure runs again
                table = table_of(content, f"{kind}.csv", deps.sheet_limits)
                req = ImportRequest(agency, kind, f"{kind}.csv", kind, table.header, table.rows)
                try:
                    result = await run_import(deps, req)
                    break
                except Exception as exc:
                    if not is_transient(exc):
                        raise
            assert result["stored"], result.get("errors", [])[:3]
            rates[kind] = result["rows_read"] / (time.perf_counter() - started_at)
        return rates
    finally:
        await kit.stop(stop_broker=False)


IMPORT_PATH_PEOPLE = 10_000  # one agency's upload through the whole path; rows/s is what matters, not the size


def run_import_path(people: int = PEOPLE) -> list[dict[str, Any]]:
    """`assessment.import_path`: rows/s of the employee and assessment imports on SecantusDB, one run."""
    import asyncio

    from bench.handler_rig import secantus

    with secantus() as uri:
        rates = asyncio.run(import_rates(uri, people))
    return [
        {"bench": "assessment.import_path", "metric": "rows_per_second", "value": round(rates[kind], 1),
         "unit": "rows/s", "kind": kind, "n": people, "stack": "secantusdb", "runs": 1}
        for kind in ("employees", "assessments")
    ]  # fmt: skip
