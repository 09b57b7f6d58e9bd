"""A real Prometheus scraping the local stack: the dashboard's queries answer, and the alerts fire.

The rules are the deployed ones; only the `for:` hold times are shortened (and scrape/evaluation run every
second) so that the test takes seconds, not minutes. `promtool test rules` covers the real hold times."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from mutasi.cli import stack
from mutasi.contracts import topics
from tests.e2e.conftest import RoundOnStack
from tests.support.wire import produce

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
PROMETHEUS = shutil.which("prometheus")
pytestmark = pytest.mark.skipif(
    PROMETHEUS is None, reason="prometheus is not installed (make test installs Debian's prometheus when run as root)"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(folder: Path, state: stack.StackState) -> Path:
    alerts = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text(encoding="utf-8"))
    for group in alerts["groups"]:
        for rule in group["rules"]:
            if "for" in rule:
                rule["for"] = "2s"
    (folder / "alerts.yml").write_text(yaml.safe_dump(alerts), encoding="utf-8")
    shutil.copy(DEPLOY / "prometheus" / "recording.yml", folder / "recording.yml")
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(folder / "recording.yml"), str(folder / "alerts.yml")],
        "scrape_configs": [
            {
                "job_name": f"mutasi-{s}",
                "honor_labels": True,
                "static_configs": [{"targets": [f"127.0.0.1:{state.ports[s]}"], "labels": {"service": s}}],
            }
            for s in stack.SERVICES
        ],
    }
    path = folder / "prometheus.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def prometheus(round_on_stack: RoundOnStack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("prometheus")
    port = free_port()
    assert PROMETHEUS is not None
    log = (folder / "prometheus.log").open("wb")
    proc = subprocess.Popen(
        [PROMETHEUS, f"--config.file={write_config(folder, round_on_stack.state)}",
         f"--storage.tsdb.path={folder / 'data'}", f"--web.listen-address=127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: httpx.get(f"{url}/-/ready", timeout=2).status_code == 200, 30, "prometheus ready")
        wait_for(lambda: len(query(url, 'up{job=~"mutasi-.+"} == 1')) == 4, 30, "four services up")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def wait_for(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def query(url: str, promql: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{url}/api/v1/query", params={"query": promql}, timeout=5).json()
    assert answer["status"] == "success", answer
    result: list[dict[str, Any]] = answer["data"]["result"]
    return result


def firing(url: str, alert: str) -> list[dict[str, str]]:
    alerts = httpx.get(f"{url}/api/v1/alerts", timeout=5).json()["data"]["alerts"]
    return [a["labels"] for a in alerts if a["labels"]["alertname"] == alert and a["state"] == "firing"]


def dashboard_queries() -> list[tuple[str, str]]:
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "mutasi.json").read_text(encoding="utf-8"))
    found = []
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            expr = target["expr"].replace("$service", ".*").replace("$__rate_interval", "1m")
            found.append((panel["title"], re.sub(r"\$__range", "5m", expr)))
    return found


def test_every_dashboard_query_returns_a_series(prometheus: str) -> None:
    time.sleep(6)  # a few evaluations, so the recording rules have written their series
    empty = [(title, expr) for title, expr in dashboard_queries() if not query(prometheus, expr)]
    assert not empty, "\n".join(f"{title}: {expr}" for title, expr in empty)


async def test_the_first_poison_message_fires_mutasi_dead_letter(prometheus: str, round_on_stack: RoundOnStack) -> None:
    decided = topics.MUTATION_DECIDED.name
    before = f'mutasi_events_dead_lettered_total{{service="training",topic="{decided}",reason="invalid"}}'
    baseline = query(prometheus, before)
    assert baseline, "the dead-letter counter is exported before anything is dead-lettered"
    await asyncio.sleep(2)  # Prometheus has scraped the counter's current value
    key = f"poison-{uuid.uuid4().hex[:6]}".encode()
    await produce(round_on_stack.state.kafka, decided, b'{"specversion": "1.0", "data": "not a decision"}', key)
    wait_for(
        lambda: any(a.get("service") == "training" and a.get("topic") == decided for a in firing(
            prometheus, "MutasiDeadLetter")), 40, "MutasiDeadLetter firing for training",
    )  # fmt: skip


def test_a_killed_service_fires_mutasi_service_down(prometheus: str, round_on_stack: RoundOnStack) -> None:
    state = round_on_stack.state
    os.kill(state.pids["evaluation"], signal.SIGKILL)
    try:
        wait_for(
            lambda: any(a.get("service") == "evaluation" for a in firing(prometheus, "MutasiServiceDown")),
            40, "MutasiServiceDown firing for evaluation",
        )  # fmt: skip
    finally:
        proc = stack.start_service(state, "evaluation")
        stack.wait_ready(state.url("evaluation"), stack.READY_TIMEOUT_S, proc)  # imports are slow under load
        state.save()
