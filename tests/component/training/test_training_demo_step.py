"""The demo step against the in-process service: catalogue imported, plans found, most items completed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from mutasi.cli.demo import step_training
from mutasi.cli.demo.context import DemoContext
from mutasi.cli.demo.synth import generate
from mutasi.contracts import topics
from mutasi.training.bootstrap import create_app
from tests.component.training.training_component_support import decision, settings
from tests.support.service import publish_event, running_service

TODAY = date(2026, 11, 28)
MANAGERIAL_3 = {c: 3 for c in ("komunikasi", "kerja_sama", "mengelola_perubahan", "orientasi_hasil")}


def nip(i: int) -> str:
    return f"19900101201503{1 + i % 2}{i:03d}"


async def test_the_demo_step_imports_the_catalogue_plans_and_records_most_completions(tmp_path: Path) -> None:
    dataset = generate(seed=7, size=150, today=TODAY)
    async with running_service(create_app(settings(today=TODAY))) as svc:
        ctx = DemoContext(dataset, {"training": svc.http}, tmp_path, lambda _: None, {})
        await step_training.prepare(ctx)
        moved = [nip(i) for i in range(1, 13)]
        for i, who in enumerate(moved, start=1):
            levels = {c: 2 + (i % 2) for c in MANAGERIAL_3} | {"tek_sistem_informasi": i % 3}
            await publish_event(
                svc,
                topics.MUTATION_DECIDED,
                decision(
                    f"dec-{i}",
                    who,
                    effective_date=TODAY + timedelta(days=30),
                    competencies=levels,
                    target_standard=MANAGERIAL_3 | {"tek_sistem_informasi": 2},
                ),
            )
        ctx.facts["moved"] = moved

        result = await step_training.run(ctx)
        again = await step_training.run(ctx)

    assert result["plans"] == 12
    assert 8 <= result["trained"] <= 12
    assert result["gap_coverage_pct"] > 50
    assert result["completions"] > 0
    assert again["completions"] == 0  # everything completed stays completed; nothing is recorded twice
    assert (tmp_path / "training-catalogue.xlsx").exists()
    assert (tmp_path / "training-attendance.xlsx").exists()
