"""A service process hides its startup objects from the cyclic collector before it serves."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from mutasi.chassis import runner


def test_serve_freezes_what_startup_built_before_uvicorn_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    monkeypatch.setattr(runner.uvicorn, "run", lambda *a, **k: seen.append(gc.get_freeze_count()))
    settings: Any = type("S", (), {"http_host": "127.0.0.1", "http_port": 0})()
    gc.unfreeze()
    try:
        runner.serve(object(), settings)  # type: ignore[arg-type]
    finally:
        gc.unfreeze()  # the rest of the test session keeps the collector as it was
    assert len(seen) == 1
    assert seen[0] > 0
