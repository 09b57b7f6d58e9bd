"""The local stack: Tansu, SecantusDB and the four services as processes, with pids and logs in one run folder."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from mutasi.chassis.sealed import generate_key_pair
from mutasi.cli import console as console_mod
from mutasi.cli.servers import create_topics_sync, free_port, spawn, start_secantus, start_tansu, wait_for_port

SERVICES = ("assessment", "placement", "training", "evaluation")
IDP_PORT = 8090  # the identity provider's usual port (the services' default issuer); another if it is taken
TOKEN_TTL_S = 3600
STATE_FILE = "stack.json"
READY_TIMEOUT_S = 240.0  # how long `up` waits for each service to answer ready (a busy 2-core box is slow)
MONGO_DATA = "mongo-data"  # SecantusDB's files, in the run folder: committed data survives a restart of the server


@dataclass
class StackState:
    """What `stack up` started; written to `<run_dir>/stack.json` so `down` and `status` can find it."""

    run_dir: str
    kafka: str
    mongo_uri: str
    pids: dict[str, int] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    issuer: str = ""  # the local identity provider's URL: the `iss` the services accept
    settings: dict[str, str] = field(default_factory=dict)  # more service settings, e.g. METRICS_REFRESH_S
    # With `up(mongo_per_service=True)`: each service's own SecantusDB (service -> URI); the others use mongo_uri.
    mongo_uris: dict[str, str] = field(default_factory=dict)

    def mongo(self, service: str) -> str:
        """The MongoDB URI `service` (or one of its replicas) uses."""
        return self.mongo_uris.get(service, self.mongo_uri)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def save(self) -> None:
        (Path(self.run_dir) / STATE_FILE).write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, run_dir: Path) -> StackState | None:
        path = run_dir / STATE_FILE
        return cls(**json.loads(path.read_text())) if path.exists() else None


def seal_keys(run_dir: Path) -> tuple[str, str]:
    """The local stack's sealing key pair (placement's private JWK, its public half), made once per run folder."""
    path = run_dir / "keys" / "seal.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(json.dumps(generate_key_pair("local-placement-seal")))
    private, public = json.loads(path.read_text())
    return str(private), str(public)


def service_env(
    service: str,
    kafka: str,
    mongo_uri: str,
    port: int,
    log_level: str = "INFO",
    issuer: str = "",
    run_dir: Path | None = None,
    settings: dict[str, str] | None = None,
) -> dict[str, str]:
    """Environment of one service process: where Kafka, MongoDB and the identity provider are, its port,
    fast group joins, its sealing keys; `settings` (names without the prefix) override the stack's own."""
    prefix = f"MUTASI_{service.upper()}_"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUTASI_")}
    if service in ("assessment", "placement"):
        private, public = seal_keys(run_dir or Path(".run"))
        if service == "assessment":  # seals with the public half; only placement holds the private one
            env[f"{prefix}PLACEMENT_SEAL_KEY"] = public
        else:
            env[f"{prefix}SEAL_PRIVATE_KEYS"] = private
    env.update(
        {
            f"{prefix}KAFKA_BOOTSTRAP": kafka,
            f"{prefix}MONGO_URI": mongo_uri,
            f"{prefix}HTTP_PORT": str(port),
            # Tansu: a group join waits about half the session timeout (docs/architecture.md#where-it-runs).
            f"{prefix}KAFKA_SESSION_TIMEOUT_MS": "2000",
            f"{prefix}KAFKA_HEARTBEAT_INTERVAL_MS": "300",
            f"{prefix}RELAY_INTERVAL_S": "0.2",
            # A demo round lasts minutes: refresh the calendar gauges and the consumer lag every few seconds.
            f"{prefix}METRICS_REFRESH_S": "5",
            f"{prefix}CONSUMER_LAG_INTERVAL_S": "5",
            f"{prefix}LOG_LEVEL": log_level,
        }
    )
    if issuer:
        env[f"{prefix}AUTH_ISSUER"] = issuer
    env.update({f"{prefix}{name.upper()}": value for name, value in (settings or {}).items()})
    return env


def start_service(state: StackState, service: str, name: str | None = None) -> subprocess.Popen[bytes]:
    """A process of `service`, known as `name` (the service's own name unless a replica) in pids, ports and logs."""
    name = name or service
    port = state.ports.get(name) or free_port()
    state.ports[name] = port
    env = service_env(service, state.kafka, state.mongo(service), port, issuer=state.issuer,
                      run_dir=Path(state.run_dir), settings=state.settings)  # fmt: skip
    proc = spawn([sys.executable, "-m", f"mutasi.{service}"], Path(state.run_dir) / "logs" / f"{name}.log", env)
    state.pids[name] = proc.pid
    return proc


def start_replica(state: StackState, service: str, index: int = 2) -> subprocess.Popen[bytes]:
    """Another process of `service` (`<service>-<index>` in pids, ports and logs): the same database and consumer
    groups, its own HTTP port. The replicas split the topics' partitions; the relay lease keeps one publisher."""
    proc = start_service(state, service, f"{service}-{index}")
    state.save()
    return proc


def restart_mongo(state: StackState) -> subprocess.Popen[bytes]:
    """Start SecantusDB again on its port with its files (after a crash or `stop`); services reconnect by themselves."""
    run_dir = Path(state.run_dir)
    mongo = start_secantus(
        run_dir / "logs" / "secantus.log", port=state.ports["mongo"], storage=run_dir / MONGO_DATA, sync_on_commit=True
    )
    state.pids["mongo"] = mongo.proc.pid
    state.save()
    return mongo.proc


def wait_ready(url: str, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {proc.returncode}; see its log")
        try:
            r = httpx.get(f"{url}/health/ready", timeout=2)
            if r.status_code == 200:
                return
            last = r.text
        except httpx.HTTPError as exc:
            last = str(exc)
        time.sleep(0.2)
    raise TimeoutError(f"{url} not ready after {timeout:.0f}s: {last}")


def up(
    run_dir: Path,
    say: Callable[[str], None] = print,
    console: bool = True,
    *,
    agencies: tuple[str, ...] = (),
    partitions: int | None = None,
    settings: dict[str, str] | None = None,
    mongo_per_service: bool = False,
) -> StackState:
    """Start everything and wait until every service answers ready; with `console`, also the local mailbox
    (SMTP) and the web console with its notifier. `agencies`: more agencies whose demo staff the identity
    provider knows (the province bench); `partitions`: of every topic (default MUTASI_TOPIC_PARTITIONS);
    `settings`: service settings for every service (names without the MUTASI_<SERVICE>_ prefix);
    `mongo_per_service`: each service gets its own SecantusDB process, as in production each service has its own
    MongoDB (SecantusDB is a Python server that uses one core: separate servers let two services' writes run on
    two cores); the console and tools keep the shared one."""
    existing = StackState.load(run_dir)
    if existing is not None and any(_alive(pid) for pid in existing.pids.values()):
        raise RuntimeError(f"a stack is already running from {run_dir}; run `mutasi stack down` first")
    run_dir.mkdir(parents=True, exist_ok=True)
    logs = run_dir / "logs"
    # Tansu keeps topics in memory, so a new stack starts empty; its database must start empty too.
    for data in (MONGO_DATA, *(f"{MONGO_DATA}-{s}" for s in SERVICES)):
        shutil.rmtree(run_dir / data, ignore_errors=True)
    shutil.rmtree(run_dir / console_mod.MAILBOX_DIR, ignore_errors=True)  # and so must the mailbox of its notices
    kafka = start_tansu(logs / "tansu.log")
    say(f"  kafka (Tansu)        127.0.0.1:{kafka.port}")
    mongo = start_secantus(logs / "secantus.log", storage=run_dir / MONGO_DATA, sync_on_commit=True)
    say(f"  mongodb (SecantusDB) 127.0.0.1:{mongo.port}")
    state = StackState(
        str(run_dir),
        kafka.url,
        mongo.url,
        {"kafka": kafka.proc.pid, "mongo": mongo.proc.pid},
        {"kafka": kafka.port, "mongo": mongo.port},
        settings=dict(settings or {}),
    )
    if mongo_per_service:
        for service in SERVICES:
            own = start_secantus(logs / f"secantus-{service}.log", storage=run_dir / f"{MONGO_DATA}-{service}",
                                 sync_on_commit=True)  # fmt: skip
            name = f"mongo-{service}"
            state.pids[name], state.ports[name], state.mongo_uris[service] = own.proc.pid, own.port, own.url
            say(f"  mongodb ({service:<10}) 127.0.0.1:{own.port}")
    state.issuer = start_idp(state, logs / "idp.log", agencies)
    say(f"  identity provider    {state.issuer}  (demo users: docs/identity.md)")
    state.save()
    create_topics_sync(kafka.url, partitions)
    procs = {s: start_service(state, s) for s in SERVICES}
    state.save()
    for service, proc in procs.items():
        # the wait covers the process start (numpy, OR-Tools imports): over a minute on a busy 2-core machine
        wait_ready(state.url(service), READY_TIMEOUT_S, proc)
        say(f"  {service:<20} {state.url(service)}  ready")
    if console:
        start_console(state, say)
    return state


def start_console(state: StackState, say: Callable[[str], None]) -> None:
    """The mailbox every e-mail notice lands in, then the console (pages + notifier) pointed at the stack."""
    run_dir = Path(state.run_dir)
    state.pids["mailbox"], state.ports["mailbox"] = console_mod.start_mailbox(run_dir)
    say(f"  mailbox (SMTP)       127.0.0.1:{state.ports['mailbox']}  -> {run_dir / console_mod.MAILBOX_DIR}")
    port = state.ports.get("console") or free_port()
    state.ports["console"] = port
    env = service_env("console", state.kafka, state.mongo_uri, port)
    urls = {s: state.url(s) for s in SERVICES}
    env.update(console_mod.console_env(urls, getattr(state, "issuer", ""), port, state.ports["mailbox"]))
    proc = spawn([sys.executable, "-m", "mutasi.console"], run_dir / "logs" / "console.log", env)
    state.pids["console"] = proc.pid
    state.save()
    wait_ready(state.url("console"), READY_TIMEOUT_S, proc)
    say(f"  {'console':<20} {state.url('console')}  ready")


def start_idp(state: StackState, log_path: Path, agencies: tuple[str, ...] = ()) -> str:
    """The local OpenID Connect provider (mutasi.cli.idp) on IDP_PORT, or a free port if that one is taken."""
    port = IDP_PORT if _port_free(IDP_PORT) else free_port()
    cmd = [sys.executable, "-m", "mutasi.cli.idp", "--port", str(port), "--token-ttl", str(TOKEN_TTL_S)]
    if agencies:
        cmd += ["--agencies", ",".join(agencies)]
    proc = spawn(cmd, log_path)
    state.pids["idp"], state.ports["idp"] = proc.pid, port
    wait_for_port(port, 30, proc)
    return f"http://127.0.0.1:{port}"


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def down(run_dir: Path) -> list[str]:
    """Stop everything `up` started (services first, then the servers); returns what was stopped."""
    state = StackState.load(run_dir)
    if state is None:
        return []
    stopped = []
    databases = [f"mongo-{s}" for s in SERVICES]  # up(mongo_per_service=True)
    servers = ["console", *SERVICES, "idp", "mailbox", "kafka", "mongo", *databases]
    replicas = [name for name in state.pids if name not in servers]  # start_replica's `<service>-<n>`
    for name in [*replicas, *servers]:
        pid = state.pids.get(name)
        if pid and _alive(pid):
            _terminate(pid)
            stopped.append(name)
    (run_dir / STATE_FILE).unlink(missing_ok=True)
    return stopped


def status(run_dir: Path) -> dict[str, str]:
    state = StackState.load(run_dir)
    if state is None:
        return {}
    report = {}
    for name, pid in state.pids.items():
        if not _alive(pid):
            report[name] = f"stopped (pid {pid})"
        elif name in (*SERVICES, "console"):
            try:
                ok = httpx.get(f"{state.url(name)}/health/ready", timeout=2).status_code == 200
            except httpx.HTTPError:
                ok = False
            report[name] = f"{'ready' if ok else 'not ready'} (pid {pid}, {state.url(name)})"
        else:
            report[name] = f"running (pid {pid}, port {state.ports[name]})"
    return report


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # a zombie of ours counts as gone
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def _terminate(pid: int, timeout: float = 10) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except OSError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return
        time.sleep(0.1)
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)
