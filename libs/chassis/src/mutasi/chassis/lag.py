"""Consumer lag per group and partition, read from the service's own Kafka consumers on a timer."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiokafka import AIOKafkaConsumer
from faststream.kafka import KafkaBroker

from mutasi.chassis.metrics import ServiceMetrics

log = logging.getLogger("mutasi.lag")


def _consumers(broker: KafkaBroker) -> list[AIOKafkaConsumer]:
    found: list[AIOKafkaConsumer] = []
    for subscriber in broker.subscribers:
        group: Any = getattr(subscriber, "consumer_subgroup", None) or [getattr(subscriber, "consumer", None)]
        found += [c for c in group if isinstance(c, AIOKafkaConsumer)]
    return found


async def measure(consumer: AIOKafkaConsumer, timeout: float = 5.0) -> dict[tuple[str, str, str], int]:
    """(group, topic, partition) → end offset minus the group's position, for the partitions assigned here."""
    partitions = sorted(consumer.assignment(), key=lambda tp: (tp.topic, tp.partition))
    if not partitions:
        return {}
    group = str(getattr(consumer, "_group_id", "") or "")
    ends = await asyncio.wait_for(consumer.end_offsets(partitions), timeout)
    lag = {}
    for tp in partitions:
        position = await asyncio.wait_for(consumer.position(tp), timeout)
        lag[(group, tp.topic, str(tp.partition))] = max(0, ends[tp] - position)
    return lag


async def record_lag(broker: KafkaBroker, metrics: ServiceMetrics) -> None:
    """Refresh `mutasi_consumer_lag`; partitions no longer assigned to this replica disappear from it."""
    lag: dict[tuple[str, str, str], int] = {}
    for consumer in _consumers(broker):
        try:
            lag.update(await measure(consumer))
        except Exception as exc:  # a timeout, a rebalance or an unreachable broker: try again next time
            log.debug("consumer lag not measured", extra={"error": repr(exc)})
    metrics.consumer_lag.metric.clear()
    for (group, topic, partition), value in lag.items():
        metrics.consumer_lag.labels(group, topic, partition).set(value)
