"""Kafka ACLs derived from the topic registry: each service's principal writes what it owns, reads what it consumes.

`python -m mutasi.chassis.kafka_acls` prints `deploy/kafka/acls.sh` (a test checks the committed file is current)."""

from __future__ import annotations

from dataclasses import dataclass

from mutasi.contracts.topics import ALL, Topic

SERVICES = ("assessment", "placement", "training", "evaluation")  # the order acls.sh lists them in


def services(topics: tuple[Topic, ...] = ALL) -> list[str]:
    """Every service the registry names as a producer or consumer (a new consumer gets its own principal)."""
    named = {t.producer for t in topics} | {c for t in topics for c in t.consumers}
    return [s for s in SERVICES if s in named] + sorted(named - set(SERVICES))


def principal(service: str) -> str:
    """The SASL/SCRAM user of a service (`User:mutasi-<service>`)."""
    return f"User:mutasi-{service}"


@dataclass(frozen=True, order=True)
class Acl:
    """One allow rule: `principal` may `operation` on a resource (topic or consumer group; literal or prefixed)."""

    principal: str
    operation: str  # Read | Write | Describe
    resource: str  # topic | group
    name: str
    pattern: str = "literal"  # literal | prefixed

    def command(self) -> str:
        kind = "--topic" if self.resource == "topic" else "--group"
        return (
            f'kafka-acls.sh --bootstrap-server "$KAFKA" --command-config "$ADMIN_CONFIG" --add '
            f"--allow-principal {self.principal} --operation {self.operation} {kind} {self.name} "
            f"--resource-pattern-type {self.pattern}"
        )


def service_acls(service: str, topics: tuple[Topic, ...] = ALL) -> list[Acl]:
    """Write: the topics the service produces and the DLQs of those it consumes (its consumers dead-letter there).

    Read: the topics it consumes, through its own consumer groups (`mutasi-<service>.<topic>`, one prefix)."""
    who = principal(service)
    writes = [t.name for t in topics if t.producer == service] + [t.dlq for t in topics if service in t.consumers]
    reads = [t.name for t in topics if service in t.consumers]
    acls = {Acl(who, op, "topic", name) for name in writes for op in ("Write", "Describe")}
    acls |= {Acl(who, op, "topic", name) for name in reads for op in ("Read", "Describe")}
    if reads:
        acls.add(Acl(who, "Read", "group", f"mutasi-{service}.", "prefixed"))
    return sorted(acls)


def all_acls(topics: tuple[Topic, ...] = ALL) -> list[Acl]:
    return [acl for service in services(topics) for acl in service_acls(service, topics)]


def render() -> str:
    lines = [
        "#!/bin/sh",
        "# GENERATED from libs/contracts/src/mutasi/contracts/topics.py by `make acls`; do not edit by hand.",
        "# Each service's SCRAM principal may write only the topics it produces and the DLQs of the topics it",
        "# consumes, and read only the topics it consumes, through its own consumer groups (mutasi-<service>.*).",
        "# Needs: KAFKA (bootstrap), ADMIN_CONFIG (client properties of a super user). See deploy/kafka/README.md.",
        "set -eu",
    ]
    for service in services():
        lines += ["", f"# {service}"] + [acl.command() for acl in service_acls(service)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
