"""Run the test suite as two lanes side by side and print one closing line.

The in-process lane (unit, component) is bound by the CPU; the stack lane (integration, e2e, browser) mostly waits
for the processes it starts. Side by side on two cores they finish sooner than one after the other. Each lane's
output goes to `out/tests-<lane>.log` and is printed when the lane ends; the exit status is non-zero if either
lane failed.

    python tools/test_lanes.py            # both lanes
    python tools/test_lanes.py --serial   # one after the other (a quieter machine, or to compare)
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANES = {
    # The fault suite (two local stacks of its own, ~7 min) runs after the in-process tests, beside the stack lane:
    # at the end of that lane it would add its minutes to the longest lane.
    "in-process": ["tests/unit", "tests/component", "tests/contract", "tests/faults"],
    "stack": ["tests/integration", "tests/e2e", "tests/browser"],
}
COUNT = re.compile(r"(\d+) (passed|failed|skipped|errors?|xfailed|xpassed)")


def start(lane: str, paths: list[str]) -> tuple[subprocess.Popen[bytes], Path, float]:
    log = ROOT / "out" / f"tests-{lane}.log"
    log.parent.mkdir(exist_ok=True)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *[p for p in paths if (ROOT / p).exists()]]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT), log, time.monotonic()


def summary(log: Path) -> dict[str, int]:
    lines = [line for line in log.read_text(errors="replace").splitlines() if COUNT.search(line)]
    found: dict[str, int] = {}
    for n, word in COUNT.findall(lines[-1] if lines else ""):
        key = "error" if word.startswith("error") else word
        found[key] = found.get(key, 0) + int(n)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serial", action="store_true")
    args = parser.parse_args()
    results: list[tuple[str, int, Path, float]] = []
    if args.serial:
        for lane, paths in LANES.items():
            proc, log, t0 = start(lane, paths)
            results.append((lane, proc.wait(), log, time.monotonic() - t0))
    else:
        running = [(lane, *start(lane, paths)) for lane, paths in LANES.items()]
        results = [(lane, proc.wait(), log, time.monotonic() - t0) for lane, proc, log, t0 in running]
    total: dict[str, int] = {}
    for lane, code, log, seconds in results:
        print(f"===== lane {lane}: exit {code} in {seconds:.0f} s ({log.relative_to(ROOT)}) =====")
        print(log.read_text(errors="replace"))
        for key, n in summary(log).items():
            total[key] = total.get(key, 0) + n
    failed = total.get("failed", 0) + total.get("error", 0)
    line = f"{total.get('passed', 0)} passed, {failed} failed"
    if total.get("skipped"):
        line += f", {total['skipped']} skipped"
    print(line)
    return 0 if all(code in (0, 5) for _, code, _, _ in results) and failed == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
