"""Quiet outages: a dependency that is down is logged when it goes down, in a periodic summary, and when it is back.

Retries happen many times a second while the database or broker is unreachable; logging each one buried the
logs (tens of thousands of lines a minute). Callers report every failure and every success; this logs a line
only when the state changes, plus one summary every `summary_s` while it lasts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from pymongo.errors import PyMongoError

log = logging.getLogger("mutasi.outage")


class Outage:
    """The up/down state of one dependency (e.g. "database", "broker") as seen by one service."""

    def __init__(self, dependency: str, summary_s: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.dependency = dependency
        self._summary_s = summary_s
        self._clock = clock
        self._since: float | None = None
        self._failures = 0
        self._last_summary = 0.0
        self._last_error = ""

    @property
    def down(self) -> bool:
        return self._since is not None

    @property
    def failures(self) -> int:
        """Failed attempts in the current outage (each of which would have been a log line)."""
        return self._failures

    def failed(self, exc: BaseException | str) -> None:
        """One failed attempt; logs only the first of an outage and then a summary every `summary_s`."""
        now = self._clock()
        self._failures += 1
        self._last_error = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"[:300]
        if self._since is None:
            self._since = self._last_summary = now
            log.warning(
                f"{self.dependency} unreachable; retrying quietly",
                extra={"dependency": self.dependency, "error": self._last_error, "state": "down"},
            )
        elif now - self._last_summary >= self._summary_s:
            self._last_summary = now
            log.warning(
                f"{self.dependency} still unreachable",
                extra={
                    "dependency": self.dependency,
                    "down_s": round(now - self._since, 1),
                    "failures": self._failures,
                    "error": self._last_error,
                    "state": "down",
                },
            )

    def recovered(self) -> None:
        """A successful attempt; logs once if the dependency had been down."""
        if self._since is None:
            return
        log.warning(
            f"{self.dependency} reachable again",
            extra={
                "dependency": self.dependency,
                "down_s": round(self._clock() - self._since, 1),
                "failures": self._failures,
                "state": "up",
            },
        )
        self._since = None
        self._failures = 0


class OutageFilter(logging.Filter):
    """Turns a noisy library's connection-error lines into `Outage.failed` calls instead of log lines.

    aiokafka logs every failed reconnect (several a second per consumer); those are the outage, not news."""

    def __init__(self, outage: Outage, markers: tuple[str, ...], loggers: tuple[str, ...]) -> None:
        super().__init__()
        self._outage = outage
        self._markers = markers
        self._loggers = loggers

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(self._loggers):
            return True
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += f" {type(record.exc_info[1]).__name__} {record.exc_info[1]}"
        if any(marker in text for marker in self._markers):
            self._outage.failed(text[:300])
            return False
        return True


class Outages:
    """The two dependencies every service has; the consumer and the relay report into the same pair."""

    def __init__(self, summary_s: float = 60.0) -> None:
        self.database = Outage("database", summary_s)
        self.broker = Outage("broker", summary_s)

    def of(self, exc: BaseException) -> Outage:
        """Which dependency a transient failure belongs to."""
        return self.database if isinstance(exc, PyMongoError) else self.broker


# What aiokafka, FastStream and PyMongo say when the broker or database is unreachable.
BROKER_MARKERS = (
    "Unable connect to",
    "Unable to update metadata",
    "KafkaConnectionError",
    "NodeNotReadyError",
    "KafkaTimeoutError",
    "RequestTimedOutError",
    "Connection at",
    "Failed fetch messages",
    "Heartbeat failed",
    "Coordinator",
    "coordinator",
)
DATABASE_MARKERS = ("ServerSelectionTimeoutError", "AutoReconnect", "NetworkTimeout", "ConnectionFailure")


def quiet_library_logs(outages: Outages, *broker_loggers: str) -> None:
    """Route the libraries' per-retry connection errors into the outage state instead of the log.

    The filters sit on the root handlers (a logger's own filters do not apply to its children's records)."""
    loggers = ("aiokafka", "faststream", "pymongo", *broker_loggers)
    for handler in logging.getLogger().handlers:
        handler.addFilter(OutageFilter(outages.database, DATABASE_MARKERS, loggers))
        handler.addFilter(OutageFilter(outages.broker, BROKER_MARKERS, loggers))
