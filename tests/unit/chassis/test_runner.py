"""A service process hides its startup objects from the cyclic collector before it serves, and keeps idle
connections open longer than the proxies and clients in front of it."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from mutasi.chassis import runner


def test_serve_freezes_what_startup_built_before_uvicorn_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    monkeypatch.setattr(runner.uvicorn, "run", lambda *a, **k: seen.append(gc.get_freeze_count()))
    settings: Any = type("S", (), {"http_host": "127.0.0.1", "http_port": 0, "http_keep_alive_s": 75})()
    gc.unfreeze()
    try:
        runner.serve(object(), settings)  # type: ignore[arg-type]
    finally:
        gc.unfreeze()  # the rest of the test session keeps the collector as it was
    assert len(seen) == 1
    assert seen[0] > 0


def test_idle_keep_alive_connections_outlive_a_proxys_idle_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn closes an idle connection after 5 s unless told otherwise; a proxy (nginx keeps upstream connections
    60 s) or a client pool that reuses it as it closes gets "server disconnected". The default outlasts both."""
    from mutasi.chassis.settings import ServiceSettings

    kwargs: dict[str, Any] = {}
    monkeypatch.setattr(runner.uvicorn, "run", lambda *a, **k: kwargs.update(k))
    monkeypatch.setattr(runner, "freeze_startup_objects", lambda: None)
    runner.serve(object(), ServiceSettings(service_name="toy"))  # type: ignore[arg-type]
    assert kwargs["timeout_keep_alive"] > 60
    runner.serve(object(), ServiceSettings(service_name="toy", http_keep_alive_s=90))  # type: ignore[arg-type]
    assert kwargs["timeout_keep_alive"] == 90
