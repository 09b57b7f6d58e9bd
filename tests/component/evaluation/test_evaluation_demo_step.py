"""The demo step against the in-process service: checkpoints simulated, report written, fit pays off."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from mutasi.cli.demo import step_evaluation
from mutasi.cli.demo.context import DemoContext
from mutasi.cli.demo.dataset import Dataset
from mutasi.contracts import topics
from tests.component.evaluation.evaluation_events import decided, nip
from tests.support.service import RunningService, publish_event


def context(svc: RunningService, run_dir: Path, moved: list[str]) -> DemoContext:
    dataset = Dataset("sawahlunto", "Kota Sawahlunto", 7, date(2026, 11, 28), [], [], [], [], [], [])
    return DemoContext(dataset, {"evaluation": svc.http}, run_dir, lambda _: None, {"moved": moved})


def read_outputs(html: Path, xlsx: Path, run_dir: Path) -> tuple[str, int, dict[str, Any]]:
    report: dict[str, Any] = json.loads((run_dir / "laporan-evaluasi.json").read_text("utf-8"))
    return html.read_text("utf-8"), xlsx.stat().st_size, report


async def test_the_demo_step_evaluates_everyone_moved_and_writes_the_report(
    svc: RunningService, tmp_path: Path
) -> None:
    for i in range(1, 41):
        unit = ("KOMINFO", "BKPSDM", "DINKES")[i % 3]
        await publish_event(svc, topics.MUTATION_DECIDED, decided(i, unit=unit, fit=50.0 + i))
    result = await step_evaluation.run(context(svc, tmp_path, [nip(i) for i in range(1, 41)]))
    assert result["evaluated"] == 40
    assert result["evaluations"] == 120
    assert result["missing_schedules"] == 0
    html, xlsx, report = read_outputs(Path(result["report"]), Path(result["xlsx"]), tmp_path)
    assert html.startswith("<!doctype html>")
    assert xlsx > 0
    fit = next(p for p in report["learning"]["parts"] if p["part"] == "jpm")
    assert report["learning"]["status"] == "suggested"
    assert fit["correlation"] > 0.3  # better-fitting moves did better


async def test_the_demo_step_is_reproducible_and_safe_to_rerun(svc: RunningService, tmp_path: Path) -> None:
    for i in range(1, 6):
        await publish_event(svc, topics.MUTATION_DECIDED, decided(i, fit=60.0 + 5 * i))
    ctx = context(svc, tmp_path, [nip(i) for i in range(1, 6)])
    first = await step_evaluation.run(ctx)
    again = await step_evaluation.run(ctx)
    assert first == again
    await svc.drain()
    assert len(await svc.published(topics.EVALUATION_RECORDED)) == 15
