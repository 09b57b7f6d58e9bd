"""CPU per imported person of the assessment service and its database, two code trees side by side in one run.

An import as the province round drives it: per agency its SKJ (not measured), then its employee file and its
assessment file through `run_import` on one SecantusDB stored on disk and syncing every commit (as the local stack
runs it, one database for the service). Measured over the two files: the service's CPU (every thread of its
process) and the database process's CPU, per person. Each measurement runs in a fresh process against a fresh
database; the "before" tree is an exported commit put first on `PYTHONPATH`, so both trees run alternately on the
same machine under the same load. A digest of what each stored (every employee with its latest result, every
assessment, every event's subject, type and data) shows the two store the same records and events.

    python -m bench.assessment_import_cpu [--people N] [--agencies A] [--runs R] [--before DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.procstat import cpu_seconds

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("libs/chassis/src", "libs/contracts/src", "services/assessment/src", "cli/src", ".")
VOLATILE = {"_id", "updated_at", "recorded_at", "import_id", "replaced_at", "replaced_by_import"}
EVENT_VOLATILE = {"id", "time", "correlationid", "causationid", "traceparent", "dataschema"}


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in sorted(value.items()) if k not in VOLATILE}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


async def _measure(people: int, agencies: int) -> dict[str, Any]:
    from bench.bench_assessment import TODAY, assessment_row, csv_file, employee_row, posts_of, skj_rows
    from bench.handler_rig import database_settings, started
    from mutasi.assessment.adapters.tables import read_table
    from mutasi.assessment.bootstrap import create_app
    from mutasi.assessment.service_layer.deps import Deps
    from mutasi.assessment.service_layer.imports import ImportRequest, run_import
    from mutasi.assessment.settings import AssessmentSettings
    from mutasi.chassis.faults import is_transient
    from mutasi.chassis.runner import freeze_startup_objects
    from mutasi.cli.servers import start_secantus, stop
    from tests.support.service import seal_settings

    names = [f"agency-{a:02d}" for a in range(agencies)]
    per_agency = people // agencies
    with tempfile.TemporaryDirectory() as tmp:
        server = start_secantus(Path(tmp) / "secantus.log", storage=Path(tmp) / "data", sync_on_commit=True)
        try:
            settings = AssessmentSettings(
                **database_settings(server.url), **seal_settings(), agencies=names, today=TODAY
            )
            kit = create_app(settings).state.kit
            await started(kit)
            deps = kit.deps(Deps)
            freeze_startup_objects()  # as `serve` does before the service answers

            async def upload(agency: str, kind: str, content: bytes) -> None:
                while True:  # as the import job does: a pass that meets a transient failure runs again
                    table = read_table(content, f"{kind}.csv", deps.sheet_limits)
                    req = ImportRequest(agency, kind, f"{kind}.csv", kind, table.header, table.rows)
                    try:
                        result = await run_import(deps, req)
                        break
                    except Exception as exc:
                        if not is_transient(exc):
                            raise
                assert result["stored"], result.get("errors", [])[:3]

            files = {}
            for a, agency in enumerate(names):
                rows = [employee_row(a * per_agency + j, a) for j in range(per_agency)]
                files[agency] = (
                    csv_file(rows),
                    csv_file([assessment_row(e["nip"], j) for j, e in enumerate(rows)]),
                )
                await upload(agency, "skj", csv_file(skj_rows(posts_of(a))))
            service_cpu, db_cpu, wall = time.process_time(), cpu_seconds(server.proc.pid), time.perf_counter()
            for agency in names:
                await upload(agency, "employees", files[agency][0])
            employees_cpu = time.process_time() - service_cpu, cpu_seconds(server.proc.pid) - db_cpu
            for agency in names:
                await upload(agency, "assessments", files[agency][1])
            service_cpu = time.process_time() - service_cpu
            db_cpu = cpu_seconds(server.proc.pid) - db_cpu
            wall = time.perf_counter() - wall
            digest = await _digest(kit, deps, names)
            await kit.stop(stop_broker=False)
        finally:
            stop(server.proc)
    n = per_agency * agencies
    return {
        "people": n,
        "service_ms": round(service_cpu / n * 1000, 3),
        "db_ms": round(db_cpu / n * 1000, 3),
        "total_ms": round((service_cpu + db_cpu) / n * 1000, 3),
        "employees_service_ms": round(employees_cpu[0] / n * 1000, 3),
        "employees_db_ms": round(employees_cpu[1] / n * 1000, 3),
        "wall_s": round(wall, 1),
        "load": round(os.getloadavg()[0], 1),
        **digest,
    }


async def _digest(kit: Any, deps: Any, names: list[str]) -> dict[str, Any]:
    """A hash of every stored employee (with its latest result), assessment and event, minus times and ids."""
    from mutasi.chassis.store import OUTBOX

    people, assessments = hashlib.sha256(), hashlib.sha256()
    count = 0
    async with deps.uow() as uow:
        for agency in names:
            employees = await deps.store.employees(uow, agency, None)
            count += len(employees)
            ids = sorted(e["latest"]["assessment_id"] for e in employees if e.get("latest"))
            found = await deps.store.assessments_by_id(uow, agency, ids)
            for e in employees:
                people.update(json.dumps(_clean(e), sort_keys=True).encode())
            for i in ids:
                assessments.update(json.dumps(_clean(found[i]), sort_keys=True).encode())
    events = []
    for doc in await kit.database().raw(OUTBOX).find({}):
        for body in doc["bodies"]:
            event = json.loads(body)
            event["data"].pop("sealed_flags", None)  # encrypted with a fresh nonce each time
            events.append(json.dumps({k: v for k, v in sorted(event.items()) if k not in EVENT_VOLATILE}))
    return {
        "stored_employees": count,
        "employees_sha": people.hexdigest()[:16],
        "assessments_sha": assessments.hexdigest()[:16],
        "events": len(events),
        "events_sha": hashlib.sha256("".join(sorted(events)).encode()).hexdigest()[:16],
    }


def _run(tree: Path, people: int, agencies: int) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(str(tree / s) for s in SOURCES))
    out = subprocess.run(
        [sys.executable, "-m", "bench.assessment_import_cpu", "--child", "--people", str(people),
         "--agencies", str(agencies)],
        cwd=tree, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--agencies", type=int, default=2)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--before", type=Path, help="an exported tree of the commit to compare with")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(_measure(args.people, args.agencies))))
        return
    trees = {"after": ROOT, **({"before": args.before} if args.before else {})}
    for run in range(args.runs):
        for name, tree in sorted(trees.items(), reverse=run % 2 == 1):
            record = _run(tree, args.people, args.agencies)
            print(json.dumps({"bench": "assessment.import_cpu", "tree": name, "run": run, **record}), flush=True)


if __name__ == "__main__":
    main()
