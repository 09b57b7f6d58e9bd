"""Real Kafka- and MongoDB-protocol servers for tests: the local stand-ins, or testcontainers on a Docker host."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from mutasi.cli.servers import create_topics_sync, start_secantus, start_tansu, stop


@dataclass(frozen=True)
class Wire:
    """Where a test's Kafka and MongoDB are."""

    name: str
    kafka: str
    mongo_uri: str

    def settings(self, **extra: Any) -> dict[str, Any]:
        """Settings fields for a service on this wire, with a fresh database and group id."""
        unique = uuid.uuid4().hex[:8]
        return {
            "kafka_bootstrap": self.kafka,
            "mongo_uri": self.mongo_uri,
            "database": f"test_{unique}",
            "group_id": f"test-{unique}",
            "kafka_session_timeout_ms": 2000,
            "kafka_heartbeat_interval_ms": 300,
            "relay_interval_s": 0.1,
            "retry_backoff_s": 0.05,
            **extra,
        }


def docker_engine_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@contextmanager
def local_wire(log_dir: Path) -> Iterator[Wire]:
    kafka = start_tansu(log_dir / "tansu.log")
    mongo = start_secantus(log_dir / "secantus.log")
    try:
        create_topics_sync(kafka.url)
        yield Wire("local", kafka.url, mongo.url)
    finally:
        stop(kafka.proc)
        stop(mongo.proc)


# The image deploy/compose.yaml runs (pinned by digest).
MONGO_IMAGE = "mongo:8.0@sha256:4968f22d0c6c10ef29952f3e807f62872ba22b3312f25803564fbfc08255efc2"


@contextmanager
def docker_wire() -> Iterator[Wire]:  # pragma: no cover - runs only where a Docker engine answers
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.waiting_utils import wait_for_logs
    from testcontainers.kafka import KafkaContainer

    kafka = KafkaContainer("confluentinc/cp-kafka:7.7.1").with_kraft()
    mongo = DockerContainer(MONGO_IMAGE).with_command("--replSet rs0 --bind_ip_all").with_exposed_ports(27017)
    with kafka, mongo:
        wait_for_logs(mongo, "Waiting for connections")
        mongo.exec(
            ["mongosh", "--quiet", "--eval", "rs.initiate({_id:'rs0',members:[{_id:0,host:'localhost:27017'}]})"]
        )
        time.sleep(2)
        host, port = mongo.get_container_host_ip(), mongo.get_exposed_port(27017)
        bootstrap = kafka.get_bootstrap_server()
        create_topics_sync(bootstrap)
        yield Wire("docker", bootstrap, f"mongodb://{host}:{port}/?directConnection=true")


async def produce(bootstrap: str, topic: str, body: bytes, key: bytes | None) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False)
    await producer.start()
    try:
        await producer.send_and_wait(topic, body, key=key)
    finally:
        await producer.stop()


async def consume(bootstrap: str, topic: str, until: Callable[[list[Any]], bool], timeout: float = 60) -> list[Any]:
    """Read `topic` from the beginning (fresh group) until `until(records)` holds or `timeout` passes. It returns as
    soon as `until` holds, so the timeout only bounds a failure; it is generous because a fresh group's join on the
    local broker (Tansu) can take tens of seconds on a loaded machine (a CI run with both test lanes at once once
    read a dead letter's topic for 20 s and got nothing back, most likely while still joining). Callers that expect
    nothing pass a short timeout."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"reader-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        session_timeout_ms=2000,
        heartbeat_interval_ms=300,
    )
    await consumer.start()
    records: list[Any] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while not until(records) and asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=300)
            for part in batch.values():
                records.extend(part)
    finally:
        await consumer.stop()
    return records


async def eventually(check: Any, timeout: float = 20, interval: float = 0.1) -> Any:
    """Await `check()` until it returns something truthy, or fail after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {result!r})")
        await asyncio.sleep(interval)
