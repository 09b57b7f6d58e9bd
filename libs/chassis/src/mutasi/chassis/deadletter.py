"""Dead letters: a message the consumer cannot process goes to `<topic>.dlq`, saying who rejected it and why."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Literal

from faststream.kafka import KafkaBroker

from mutasi.chassis.metrics import ServiceMetrics

log = logging.getLogger("mutasi.deadletter")

# Why a message was dead-lettered; a bounded set, so it is also a metric label.
Reason = Literal["too_large", "invalid", "unknown_agency", "rejected", "handler_error"]
ERROR = "x-mutasi-error"
REASON = "x-mutasi-reason"
ORIGINAL_TOPIC = "x-mutasi-original-topic"
CONSUMER_GROUP = "x-mutasi-consumer-group"
SERVICE = "x-mutasi-service"
DEAD_LETTERED_AT = "x-mutasi-dead-lettered-at"
TRUNCATED_FROM = "x-mutasi-truncated-from"  # a too-large body is kept only in part; its original size
MAX_ERROR_CHARS = 2000


def dlq_headers(
    original: dict[str, Any], *, topic: str, reason: Reason, error: str, group: str, service: str
) -> dict[str, str]:
    """The original headers plus what an operator needs to decide on a replay."""
    out = {str(k): v if isinstance(v, str) else bytes(v).decode(errors="replace") for k, v in original.items()}
    out.update(
        {
            ERROR: error[:MAX_ERROR_CHARS],
            REASON: reason,
            ORIGINAL_TOPIC: topic,
            CONSUMER_GROUP: group,
            SERVICE: service,
            DEAD_LETTERED_AT: datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )
    return out


class DeadLetters:
    """Publishes dead letters for one service; each consumer group names itself in the headers."""

    def __init__(self, broker: KafkaBroker, service: str, metrics: ServiceMetrics) -> None:
        self._broker = broker
        self._service = service
        self._metrics = metrics

    async def send(
        self,
        topic: str,
        dlq: str,
        group: str,
        body: bytes,
        headers: dict[str, Any],
        key: bytes | None,
        reason: Reason,
        error: str,
    ) -> None:
        out = dlq_headers(headers, topic=topic, reason=reason, error=error, group=group, service=self._service)
        await self._broker.publish(body, dlq, key=key, headers=out)
        self._metrics.events_dead_lettered.labels(topic, reason).inc()
        log.warning("dead-lettered", extra={"topic": topic, "group": group, "reason": reason, "error": error[:300]})
