"""Kafka identities: ACLs generated from the topic registry, and every Deployment logging in as its own user.

Tansu cannot enforce ACLs, so these check the configuration files that a real cluster applies."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from mutasi.chassis import kafka_acls
from mutasi.contracts.topics import ALL

ROOT = Path(__file__).resolve().parents[2]
KAFKA = ROOT / "deploy" / "kafka"
K8S = ROOT / "deploy" / "k8s"
SERVICES = tuple(kafka_acls.services())


def committed_rules() -> list[dict[str, str]]:
    """The committed acls.sh, parsed back into (principal, operation, resource, name, pattern)."""
    rules = []
    for line in (KAFKA / "acls.sh").read_text(encoding="utf-8").splitlines():
        if not line.startswith("kafka-acls.sh"):
            continue
        args = shlex.split(line)
        value = {a: args[i + 1] for i, a in enumerate(args[:-1]) if a.startswith("--")}
        resource = "topic" if "--topic" in value else "group"
        rules.append({"principal": value["--allow-principal"], "operation": value["--operation"],
                      "resource": resource, "name": value[f"--{resource}"],
                      "pattern": value["--resource-pattern-type"]})  # fmt: skip
    return rules


def test_the_committed_acls_are_what_the_topic_registry_generates() -> None:
    assert (KAFKA / "acls.sh").read_text(encoding="utf-8") == kafka_acls.render(), "run `make acls`"


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_writes_only_its_own_topics_and_the_dlqs_of_what_it_consumes_and_reads_only_what_it_consumes(
    service: str,
) -> None:
    mine = [r for r in committed_rules() if r["principal"] == f"User:mutasi-{service}"]
    writes = {r["name"] for r in mine if r["operation"] == "Write"}
    reads = {r["name"] for r in mine if r["operation"] == "Read" and r["resource"] == "topic"}
    assert writes == {t.name for t in ALL if t.producer == service} | {t.dlq for t in ALL if service in t.consumers}
    assert reads == {t.name for t in ALL if service in t.consumers}
    groups = [r for r in mine if r["resource"] == "group"]
    assert groups == [{"principal": f"User:mutasi-{service}", "operation": "Read", "resource": "group",
                       "name": f"mutasi-{service}.", "pattern": "prefixed"}]  # fmt: skip
    assert all(r["pattern"] == "literal" for r in mine if r["resource"] == "topic")
    assert {r["operation"] for r in mine} <= {"Read", "Write", "Describe"}


def test_no_rule_is_a_wildcard_and_only_the_four_services_have_rules() -> None:
    rules = committed_rules()
    assert {r["principal"] for r in rules} == {f"User:mutasi-{s}" for s in SERVICES}
    assert not [r for r in rules if "*" in r["name"] or r["name"] == ""]


def test_no_service_may_write_a_topic_that_another_service_produces() -> None:
    for topic in ALL:
        writers = {r["principal"] for r in committed_rules() if r["name"] == topic.name and r["operation"] == "Write"}
        assert writers == {f"User:mutasi-{topic.producer}"}, topic.name


def test_the_brokers_deny_by_default_over_sasl_scram() -> None:
    props = dict(
        line.split("=", 1)
        for line in (KAFKA / "server-security.properties").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )
    assert props["allow.everyone.if.no.acl.found"] == "false"
    assert props["authorizer.class.name"].endswith("StandardAuthorizer")
    assert props["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert "PLAINTEXT" not in props["listener.security.protocol.map"]
    assert props["auto.create.topics.enable"] == "false"


def deployment_env(service: str) -> dict[str, Any]:
    (deployment,) = [d for d in yaml.safe_load_all((K8S / f"{service}.yaml").read_text(encoding="utf-8"))
                     if d and d.get("kind") == "Deployment"]  # fmt: skip
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}


@pytest.mark.parametrize("service", SERVICES)
def test_each_deployment_logs_in_to_kafka_as_its_own_scram_user(service: str) -> None:
    env = deployment_env(service)
    prefix = f"MUTASI_{service.upper()}_KAFKA_"
    assert env[f"{prefix}SECURITY_PROTOCOL"] == "SASL_SSL"
    assert env[f"{prefix}SASL_MECHANISM"] == "SCRAM-SHA-512"
    assert env[f"{prefix}SASL_USERNAME"] == f"mutasi-{service}"
    assert env[f"{prefix}SASL_PASSWORD"] == {"secretKeyRef": {"name": "mutasi-kafka", "key": f"{service}-password"}}


def test_the_scram_users_script_creates_one_user_per_service() -> None:
    script = (KAFKA / "users.sh").read_text(encoding="utf-8")
    (loop,) = re.findall(r"^for service in (.+); do$", script, re.M)
    assert tuple(loop.split()) == SERVICES
    assert "SCRAM-SHA-512" in script
    assert '--entity-name "mutasi-$service"' in script
