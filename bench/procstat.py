"""What a process has cost, read from Linux's /proc: the benches measure the database's and the services' CPU
beside the wall clock, because on a shared machine wall-clock rates move with its load."""

from __future__ import annotations

import os
from pathlib import Path


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds process `pid` has used so far (0.0 for None)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
