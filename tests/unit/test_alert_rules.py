"""The alert and recording rules on the real rule engine: `promtool check rules` and `promtool test rules`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

PROMETHEUS = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"
RULE_FILES = [PROMETHEUS / "recording.yml", PROMETHEUS / "alerts.yml"]
UNIT_TESTS = PROMETHEUS / "tests" / "alerts.test.yml"

promtool = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    promtool is None, reason="promtool is not installed (make test installs Debian's prometheus when run as root)"
)


def alert_names() -> set[str]:
    groups = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text(encoding="utf-8"))["groups"]
    return {rule["alert"] for group in groups for rule in group["rules"]}


def test_every_alert_has_a_unit_test_that_expects_it_to_fire() -> None:
    tests = yaml.safe_load(UNIT_TESTS.read_text(encoding="utf-8"))["tests"]
    firing = {case["alertname"] for t in tests for case in t["alert_rule_test"] if case["exp_alerts"]}
    assert firing == alert_names()


@needs_promtool
def test_promtool_accepts_the_rule_files() -> None:
    result = subprocess.run([promtool, "check", "rules", *map(str, RULE_FILES)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_promtool_unit_tests_of_every_alert_pass() -> None:
    result = subprocess.run([promtool, "test", "rules", str(UNIT_TESTS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr
