"""The four services as separate processes on the local stack (Tansu + SecantusDB), shared by the e2e tests."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mutasi.cli import stack
from mutasi.cli.demo.runner import run_demo


@dataclass
class RoundOnStack:
    state: stack.StackState
    run_dir: Path
    results: dict[str, dict[str, Any]]
    lines: list[str]


@pytest.fixture(scope="package")
def round_on_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RoundOnStack]:
    run_dir = tmp_path_factory.mktemp("stack")
    lines: list[str] = []
    state = stack.up(run_dir, lines.append, console=False)
    try:
        out = run_dir / "demo"
        out.mkdir()
        urls = {s: state.url(s) for s in stack.SERVICES}
        results = asyncio.run(run_demo(urls, out, lines.append, state.issuer, seed=7, size=220))
        print("\n".join(x for x in lines if x.startswith(("demo:", "audit verify", "province:"))))
        yield RoundOnStack(state, run_dir, results, lines)
    finally:
        stack.down(run_dir)
