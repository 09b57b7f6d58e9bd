"""Container HEALTHCHECK: GET http://127.0.0.1:<port>/health/live of the service in this container.

The service is MUTASI_SERVICE, or the `mutasi.<service>` module PID 1 runs (`python -m mutasi.placement`);
the port is that service's MUTASI_<SERVICE>_HTTP_PORT (8000 in the image). Standard library only.
"""

from __future__ import annotations

import os
import re
import sys
import urllib.request

SERVICES = ("assessment", "placement", "training", "evaluation")


def service() -> str | None:
    name = os.environ.get("MUTASI_SERVICE", "")
    if name in SERVICES:
        return name
    try:
        with open("/proc/1/cmdline", "rb") as f:
            cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    found = re.search(r"mutasi\.(assessment|placement|training|evaluation)\b", cmdline)
    return found.group(1) if found else None


def main() -> int:
    name = service()
    port = os.environ.get(f"MUTASI_{name.upper()}_HTTP_PORT", "8000") if name else "8000"
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=4) as response:
            return 0 if response.status == 200 else 1
    except Exception as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
