"""The round bench fails a stuck stage with a message that names it, instead of waiting forever."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bench import province


def quiet(_: str) -> None:
    pass


async def test_a_count_that_reaches_its_target_returns_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(province, "POLL_S", 0.001)
    seen = iter([1, 2, 5])

    async def count() -> int:
        return next(seen)

    assert await province.wait_until("pool", count, 5, quiet) == 5


async def test_the_database_is_counted_only_once_the_services_counter_says_done(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(province, "POLL_S", 0.001)
    monkeypatch.setattr(province, "CONFIRM_S", 0.001)
    counter = iter([10, 400, 500, 500, 500])
    database = iter([499, 500])  # the counter can run ahead of what a reader sees committed: counted again
    asked = []

    async def cheap() -> int:
        return next(counter)

    async def count() -> int:
        asked.append(1)
        return next(database)

    assert await province.wait_until("pool", count, 500, quiet, cheap=cheap) == 500
    assert len(asked) == 2  # not while the counter was at 10 or 400


async def test_a_count_that_stops_moving_fails_the_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(province, "POLL_S", 0.001)
    monkeypatch.setattr(province, "STALL_S", 0.05)

    async def count() -> int:
        return 1393

    with pytest.raises(TimeoutError, match=r"training plans: stuck at 1393 of 4608"):
        await province.wait_until("training plans", count, 4608, quiet)


async def test_a_count_that_does_not_answer_fails_the_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(province, "COUNT_TIMEOUT_S", 0.05)

    async def count() -> int:
        await asyncio.sleep(10)
        return 0

    with pytest.raises(TimeoutError, match=r"training plans: counting did not answer"):
        await province.wait_until("training plans", count, 4608, quiet)


def test_an_incomplete_round_keeps_the_stages_it_finished() -> None:
    from bench import bench_round

    stop = province.RoundIncomplete(
        "TimeoutError: training plans: stuck at 1393 of 4608 for 600s",
        {"prepare": 22.7, "assessment": 323.7, "pool": 138.2, "placement": 212.8},
        {"assessed": 106759, "pool": 106759, "decided": 4608, "round_ids": ["r1", "r2"]},
    )
    records = bench_round.incomplete_records(
        stop, 117000, 115895, 15351, ["a", "b"], "per_service", [1.0, 1.0, 1.0], {"training": 500.0}
    )
    stages = {r["stage"]: r["value"] for r in records if r["metric"] == "seconds"}
    assert stages == {"prepare": 22.7, "assessment": 323.7, "pool": 138.2, "placement": 212.8}
    [total] = [r for r in records if r["metric"] == "incomplete"]
    assert "stuck at 1393" in total["value"]
    assert total["all_counts_checked"] is False
    assert total["counts"] == {"assessed": 106759, "pool": 106759, "decided": 4608}
    assert not bench_round.growth(records)  # a partial round is not a size in the growth figures


def test_a_round_that_did_not_finish_keeps_the_stacks_logs_outside_its_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench import bench_round

    run_dir = tmp_path / "run"
    (run_dir / "logs").mkdir(parents=True)
    (run_dir / "logs" / "placement.log").write_text("503 on /v1/rounds\n")
    monkeypatch.chdir(tmp_path)
    kept = bench_round.keep_logs(run_dir, 117000)
    assert kept == Path("out") / "bench-round" / "logs-117000"
    assert (tmp_path / kept / "placement.log").read_text() == "503 on /v1/rounds\n"
    (run_dir / "logs" / "placement.log").write_text("second run\n")
    bench_round.keep_logs(run_dir, 117000)  # a later run replaces the earlier logs
    assert (tmp_path / kept / "placement.log").read_text() == "second run\n"
