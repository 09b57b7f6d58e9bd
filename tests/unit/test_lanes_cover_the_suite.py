"""`make test` runs the suite as two lanes (tools/test_lanes.py); every test folder must be in one of them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_test_folder_with_tests_is_in_a_lane() -> None:
    spec = importlib.util.spec_from_file_location("test_lanes", ROOT / "tools" / "test_lanes.py")
    assert spec is not None
    assert spec.loader is not None
    lanes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lanes)
    in_lanes = {p for paths in lanes.LANES.values() for p in paths}
    folders = {f"tests/{d.name}" for d in (ROOT / "tests").iterdir() if d.is_dir() and any(d.rglob("test_*.py"))}
    assert folders - in_lanes == set()
