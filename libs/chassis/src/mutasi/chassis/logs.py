"""JSON log lines carrying the correlation id, with personal fields (NIK, birth date, family) redacted."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from mutasi.chassis.context import correlation_id

# UU 27/2022: these never reach a log line, whatever a caller passes in `extra`.
REDACTED_KEYS = re.compile(r"nik|birth|lahir|pasangan|spouse|anak|child|family|keluarga|health|sehat", re.I)
_NIK = re.compile(r"\b\d{16}\b")
_STANDARD = set(vars(logging.makeLogRecord({})))


def redact(value: Any, key: str = "") -> Any:
    if key and REDACTED_KEYS.search(key):
        return "[redacted]"
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, str):
        return _NIK.sub("[redacted-nik]", value)
    return value


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, correlation id and any `extra` fields."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "msg": redact(record.getMessage()),
            "correlation_id": correlation_id(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line:
                line[key] = redact(value, key)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def configure_logging(service: str, level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "pymongo", "faststream"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
