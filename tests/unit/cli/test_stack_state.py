"""The local stack's state file: which database server each service uses."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from mutasi.cli import stack
from mutasi.cli.stack import StackState


def test_a_service_uses_its_own_database_server_when_it_has_one(tmp_path: Path) -> None:
    state = StackState(str(tmp_path), "127.0.0.1:9092", "mongodb://shared", mongo_uris={"placement": "mongodb://own"})
    state.save()
    loaded = StackState.load(tmp_path)

    assert loaded is not None
    assert loaded.mongo("placement") == "mongodb://own"
    assert loaded.mongo("training") == "mongodb://shared"


def test_an_old_state_file_without_per_service_servers_still_loads(tmp_path: Path) -> None:
    (tmp_path / "stack.json").write_text('{"run_dir": "x", "kafka": "k", "mongo_uri": "mongodb://shared"}')
    loaded = StackState.load(tmp_path)

    assert loaded is not None
    assert loaded.mongo("assessment") == "mongodb://shared"


def test_a_service_and_its_replica_are_started_against_its_own_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: dict[str, dict[str, str]] = {}

    def spawn(cmd: list[str], log_path: Path, env: dict[str, str] | None = None) -> Any:
        started[log_path.stem] = env or {}
        return SimpleNamespace(pid=4242)

    monkeypatch.setattr(stack, "spawn", spawn)
    state = StackState(str(tmp_path), "k", "mongodb://shared", mongo_uris={"evaluation": "mongodb://own"})
    stack.start_service(state, "evaluation")
    stack.start_replica(state, "evaluation")
    stack.start_service(state, "training")

    assert started["evaluation"]["MUTASI_EVALUATION_MONGO_URI"] == "mongodb://own"
    assert started["evaluation-2"]["MUTASI_EVALUATION_MONGO_URI"] == "mongodb://own"
    assert started["training"]["MUTASI_TRAINING_MONGO_URI"] == "mongodb://shared"
