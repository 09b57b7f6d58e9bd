"""Runs every benchmark and prints one JSON object per line (also written to out/bench.jsonl).

Usage: `make bench` or `python -m bench [name ...]` with names like `placement`, `assessment`, `training`.
Each record: {"bench", "metric", "value", "unit", ...context}. The machine is shared and noisy, so the
benchmarks report medians of repeated runs and compare alternatives side by side in the same run.
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from pathlib import Path

MODULES = ("chassis", "assessment", "placement", "training", "evaluation", "round")


def main(names: list[str]) -> int:
    out = Path("out")
    out.mkdir(exist_ok=True)
    selected = names or list(MODULES)
    host = {"python": platform.python_version(), "machine": platform.machine(), "cpus": _cpus()}
    failures = 0
    with (out / "bench.jsonl").open("w") as sink:
        for name in selected:
            try:
                module = importlib.import_module(f"bench.bench_{name}")
            except ModuleNotFoundError:
                continue
            started = time.perf_counter()
            try:
                records = module.run()
            except Exception as exc:  # a failing benchmark is reported, the others still run
                records = [{"bench": name, "metric": "error", "value": repr(exc), "unit": ""}]
                failures += 1
            for record in records:
                line = json.dumps({**record, "host": host}, default=str)
                print(line, flush=True)
                sink.write(line + "\n")
            print(
                json.dumps(
                    {
                        "bench": name,
                        "metric": "wall_seconds",
                        "value": round(time.perf_counter() - started, 2),
                        "unit": "s",
                    }
                ),
                file=sys.stderr,
            )
    return 1 if failures else 0


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
