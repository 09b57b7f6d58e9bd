"""deploy/: the files nothing here can run (no Docker engine, no cluster) are checked for what they must say."""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import shlex
import threading
import tomllib
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from mutasi.contracts.topics import ALL
from tests.support.service import seal_settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
SERVICES = ("assessment", "placement", "training", "evaluation")
DEPLOYED = (*SERVICES, "console")  # the Kubernetes Deployments: the four services and the console
CONTAINER_PORT = 8000


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_all(path: Path) -> list[Any]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]


@cache
def compose() -> dict[str, Any]:
    data: dict[str, Any] = load(DEPLOY / "compose.yaml")
    return data


def k8s_objects(kind: str) -> list[dict[str, Any]]:
    objects = []
    for path in sorted(K8S.rglob("*.yaml")):
        objects += [doc for doc in load_all(path) if doc.get("kind") == kind]
    return objects


def dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text(encoding="utf-8")


@cache
def exposed_metric_names() -> frozenset[str]:
    """Every sample name the four services can expose on /metrics (their real registries, built in memory)."""
    names: set[str] = set()
    suffixes = {
        "counter": ("_total", "_created"),
        "gauge": ("",),
        "histogram": ("_bucket", "_sum", "_count", "_created"),
        "info": ("_info",),
    }
    for service in SERVICES:
        bootstrap = importlib.import_module(f"mutasi.{service}.bootstrap")
        settings_module = importlib.import_module(f"mutasi.{service}.settings")
        settings_class = getattr(settings_module, f"{service.capitalize()}Settings")
        app = bootstrap.create_app(settings_class(mongo_uri="memory://", **seal_settings()))
        for family in app.state.kit.metrics.registry.collect():
            names.update(family.name + suffix for suffix in suffixes.get(family.type, ("",)))
    return frozenset(names)


RECORDED = re.compile(r"\b[a-z_]+:[a-z_]+:[a-z0-9_]+\b")


def recording_rules() -> dict[str, str]:
    rules = [r for g in load(DEPLOY / "prometheus" / "recording.yml")["groups"] for r in g["rules"]]
    return {r["record"]: r["expr"] for r in rules}


def referenced_metrics(expr: str) -> set[str]:
    """Metric names in a PromQL expression; a recorded series stands for the metrics of its rule."""
    recorded = RECORDED.findall(expr)
    names = {m for name in recorded for m in referenced_metrics(recording_rules()[name])}
    literal = RECORDED.sub("", expr)
    return names | set(re.findall(r"\b((?:mutasi|faststream|http)_[A-Za-z0-9_]+)\b", literal))


def exists(name: str, names: frozenset[str]) -> bool:
    return name in names


# --- every file parses ----------------------------------------------------------------------------------------------


def test_every_yaml_file_in_deploy_parses() -> None:
    paths = sorted([*DEPLOY.rglob("*.yaml"), *DEPLOY.rglob("*.yml")])
    assert len(paths) >= 10
    for path in paths:
        assert load_all(path), f"{path} is empty"


def test_the_grafana_dashboard_is_valid_json_with_panels() -> None:
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "mutasi.json").read_text(encoding="utf-8"))
    assert dashboard["uid"] == "mutasi-overview"
    assert len([p for p in dashboard["panels"] if p["type"] != "row"]) >= 10


# --- Dockerfile -----------------------------------------------------------------------------------------------------


def test_the_dockerfile_installs_from_the_lock_with_frozen_and_without_dev_dependencies() -> None:
    lines = [line for line in dockerfile().splitlines() if not line.lstrip().startswith("#")]
    syncs = [line for line in lines if re.search(r"\buv sync\b", line)]
    assert syncs
    for line in syncs:
        assert "--frozen" in line, line
        assert "--no-dev" in line, line
        assert "--all-packages" not in line, "--all-packages would install mutasi-cli with SecantusDB and Tansu"
    assert "COPY pyproject.toml uv.lock" in dockerfile()


def test_the_dockerfile_installs_only_service_packages_never_the_cli() -> None:
    text = dockerfile()
    assert "--package mutasi-$s" in text
    copied_cli = [line for line in text.splitlines() if line.startswith("COPY cli")]
    assert copied_cli == ["COPY cli/pyproject.toml cli/pyproject.toml"], "only the cli manifest may enter the build"
    assert "secantusdb|calfkit" in text, "the build must fail if a dev-only stand-in reaches the runtime venv"


def test_the_dockerfile_copies_the_manifest_of_every_workspace_member() -> None:
    members = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]["members"]
    for member in members:
        assert f"COPY {member}/pyproject.toml {member}/pyproject.toml" in dockerfile(), member


def test_the_dockerfile_pins_the_same_uv_version_as_the_makefile() -> None:
    make_version = re.search(r"^UV_VERSION := (\S+)", (ROOT / "Makefile").read_text(), re.M)
    assert make_version is not None
    assert f"ARG UV_VERSION={make_version.group(1)}" in dockerfile()
    pinned = (DEPLOY / "uv-requirements.txt").read_text()
    assert f"uv=={make_version.group(1)} " in pinned
    assert len(re.findall(r"--hash=sha256:[0-9a-f]{64}", pinned)) >= 2  # one per platform wheel
    assert "--require-hashes -r /tmp/uv-requirements.txt" in dockerfile()


def test_the_runtime_image_runs_as_a_non_root_user_with_a_liveness_healthcheck() -> None:
    text = dockerfile()
    runtime = text[text.index("AS runtime") :]
    user = re.search(r"^USER (\S+)", runtime, re.M)
    assert user is not None
    assert not user.group(1).startswith(("root", "0"))
    assert "HEALTHCHECK" in runtime
    assert "/opt/mutasi/healthcheck.py" in runtime
    assert "/health/live" in (DEPLOY / "healthcheck.py").read_text()
    assert text.count("FROM ") >= 2, "multi-stage: build, runtime"


def test_the_image_sets_every_service_to_listen_on_the_container_port() -> None:
    for service in SERVICES:
        prefix = f"MUTASI_{service.upper()}_"
        assert f"{prefix}HTTP_HOST=0.0.0.0 {prefix}HTTP_PORT={CONTAINER_PORT}" in dockerfile()


class _Live(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/health/live" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_the_healthcheck_script_asks_the_service_port_for_health_live(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("mutasi_healthcheck", DEPLOY / "healthcheck.py")
    assert spec is not None
    assert spec.loader is not None
    healthcheck = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(healthcheck)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Live)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("MUTASI_SERVICE", "placement")
        monkeypatch.setenv("MUTASI_PLACEMENT_HTTP_PORT", str(server.server_address[1]))
        assert healthcheck.main() == 0
    finally:
        server.shutdown()
        server.server_close()
    assert healthcheck.main() == 1


# --- compose ---------------------------------------------------------------------------------------------------------


def test_compose_defines_the_four_services_kafka_mongo_prometheus_and_grafana() -> None:
    services = set(compose()["services"])
    assert {*SERVICES, "kafka", "mongo", "prometheus", "grafana"} <= services


def test_compose_runs_apache_kafka_in_kraft_mode_without_auto_created_topics() -> None:
    kafka = compose()["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = kafka["environment"]
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert "healthcheck" in kafka


def test_compose_creates_every_registered_topic_and_its_dlq_with_twelve_partitions_by_default() -> None:
    init = compose()["services"]["kafka-init"]
    created = init["environment"]["MUTASI_TOPICS"].split()
    assert sorted(created) == sorted([t.name for t in ALL] + [t.dlq for t in ALL])
    assert len(created) == len(set(created))
    assert init["environment"]["PARTITIONS"] == "${MUTASI_TOPIC_PARTITIONS:-12}"
    script = init["command"][0]
    assert "for topic in $$MUTASI_TOPICS" in script
    assert "--create --if-not-exists" in script
    assert init["depends_on"]["kafka"]["condition"] == "service_healthy"


def test_compose_runs_mongodb_as_a_replica_set_initiated_by_its_healthcheck() -> None:
    mongo = compose()["services"]["mongo"]
    assert mongo["image"].startswith("mongo:8")
    assert mongo["command"][mongo["command"].index("--replSet") + 1] == "rs0"
    check = " ".join(mongo["healthcheck"]["test"])
    assert "rs.initiate" in check
    assert "host: 'mongo:27017'" in check
    assert "isWritablePrimary" in check


@pytest.mark.parametrize("service", SERVICES)
def test_each_compose_service_has_its_own_database_and_reaches_kafka_and_mongo(service: str) -> None:
    spec = compose()["services"][service]
    prefix = f"MUTASI_{service.upper()}_"
    env = {k: str(v) for k, v in spec["environment"].items()}
    assert all(k.startswith(prefix) for k in env), "a service reads only its own MUTASI_<SERVICE>_ variables"
    assert env[prefix + "DATABASE"] == f"mutasi_{service}"
    assert env[prefix + "MONGO_URI"].startswith("mongodb://mongo:27017/")
    assert "replicaSet=rs0" in env[prefix + "MONGO_URI"]
    assert env[prefix + "KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert env[prefix + "HTTP_HOST"] == "0.0.0.0"
    assert env[prefix + "HTTP_PORT"] == str(CONTAINER_PORT)
    assert env[prefix + "KAFKA_ENABLE_IDEMPOTENCE"] == "true"
    assert spec["command"] == ["python", "-m", f"mutasi.{service}"]
    assert spec["build"]["dockerfile"] == "deploy/Dockerfile"
    assert spec["build"]["args"]["SERVICE"] == service
    assert spec["depends_on"]["mongo"]["condition"] == "service_healthy"
    assert spec["depends_on"]["kafka-init"]["condition"] == "service_completed_successfully"
    assert any(str(p).endswith(f":{CONTAINER_PORT}") for p in spec["ports"])


def test_compose_mounts_the_prometheus_and_grafana_files_that_exist() -> None:
    for name in ("prometheus", "grafana"):
        for volume in compose()["services"][name]["volumes"]:
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (DEPLOY / source).exists(), f"{name} mounts missing {source}"


# --- Prometheus ------------------------------------------------------------------------------------------------------


def test_prometheus_scrapes_exactly_the_four_services_metrics_endpoints() -> None:
    config = load(DEPLOY / "prometheus" / "prometheus.yml")
    scraped = set()
    for job in config["scrape_configs"]:
        for static in job["static_configs"]:
            for target in static["targets"]:
                scraped.add((target, job.get("metrics_path", "/metrics"), static["labels"]["service"], job["job_name"]))
    assert scraped == {(f"{s}:{CONTAINER_PORT}", "/metrics", s, f"mutasi-{s}") for s in SERVICES}
    assert config["rule_files"] == ["/etc/prometheus/recording.yml", "/etc/prometheus/alerts.yml"]
    assert all(job["honor_labels"] for job in config["scrape_configs"])  # keep the services' `service` label


def test_the_alert_rules_cover_dlq_outbox_service_down_retries_and_overdue_checkpoints() -> None:
    rules = [r for g in load(DEPLOY / "prometheus" / "alerts.yml")["groups"] for r in g["rules"]]
    by_name = {r["alert"]: r for r in rules}
    expected = {
        "MutasiDeadLetter": "events_dead_lettered_total",
        "MutasiOutboxPendingGrowing": "outbox_pending",
        "MutasiServiceDown": "up{",
        "MutasiConsumerRetriesSpiking": "events_retried_total",
        "MutasiEvaluationCheckpointsOverdue": "mutasi_checkpoints_overdue",
    }
    for alert, needle in expected.items():
        assert needle in by_name[alert]["expr"], alert
    assert by_name["MutasiOutboxPendingGrowing"]["for"] == "5m"
    for rule in rules:
        assert {"alert", "expr", "labels", "annotations"} <= set(rule), rule.get("alert")
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}


def test_every_metric_the_alerts_and_dashboard_use_is_exposed_by_a_service() -> None:
    names = exposed_metric_names()
    exprs = [r["expr"] for g in load(DEPLOY / "prometheus" / "alerts.yml")["groups"] for r in g["rules"]]
    exprs += list(recording_rules().values())
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "mutasi.json").read_text(encoding="utf-8"))
    exprs += [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    missing = {m for expr in exprs for m in referenced_metrics(expr) if not exists(m, names)}
    assert not missing, f"not exposed by any service: {sorted(missing)}"


def test_the_kubernetes_prometheus_rule_carries_the_same_rules_as_recording_and_alerts_yml() -> None:
    (rule,) = load_all(K8S / "monitoring" / "prometheusrule.yaml")
    groups = (
        load(DEPLOY / "prometheus" / "recording.yml")["groups"] + load(DEPLOY / "prometheus" / "alerts.yml")["groups"]
    )
    assert rule["spec"] == {"groups": groups}


def test_no_rule_or_panel_selects_metrics_by_a_name_pattern() -> None:
    texts = [(DEPLOY / "prometheus" / f).read_text(encoding="utf-8") for f in ("alerts.yml", "recording.yml")]
    texts.append((DEPLOY / "grafana" / "dashboards" / "mutasi.json").read_text(encoding="utf-8"))
    assert not any("__name__" in text for text in texts)


# --- Grafana ---------------------------------------------------------------------------------------------------------


def test_grafana_provisions_the_prometheus_datasource_the_dashboard_uses() -> None:
    (source,) = load(DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml")["datasources"]
    assert source["url"] == "http://prometheus:9090"
    dashboard = (DEPLOY / "grafana" / "dashboards" / "mutasi.json").read_text(encoding="utf-8")
    uids = set(re.findall(r'"uid": "([^"]+)"', dashboard)) - {"mutasi-overview"}
    assert uids == {source["uid"]}
    provider = load(DEPLOY / "grafana" / "provisioning" / "dashboards" / "mutasi.yml")["providers"][0]
    mounts = dict(v.split(":")[:2][::-1] for v in compose()["services"]["grafana"]["volumes"] if v.startswith("./"))
    assert mounts[provider["options"]["path"]] == "./grafana/dashboards"


def test_the_dashboard_shows_events_outbox_faststream_latency_and_business_counters() -> None:
    text = (DEPLOY / "grafana" / "dashboards" / "mutasi.json").read_text(encoding="utf-8")
    for needle in (
        "events_consumed_total",
        "events_dead_lettered_total",
        "outbox_pending",
        "faststream_received_processed_messages_duration_seconds_bucket",
        "faststream_published_messages_duration_seconds_bucket",
        "mutasi_assessments_completed_total",
        "mutasi_moves_decided_total",
        "mutasi_training_plans_total",
        "mutasi_checkpoints_overdue",
        "http_requests",
        "mutasi_consumer_lag",
        "mutasi_build_info",
    ):
        assert needle in text, needle


# --- Kubernetes ------------------------------------------------------------------------------------------------------


def test_the_kustomization_lists_every_manifest_but_the_secret_example() -> None:
    kustomization = load(K8S / "kustomization.yaml")
    listed = set(kustomization["resources"])
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml", "secret.example.yaml"}
    assert listed == on_disk
    assert kustomization["namespace"] == "mutasi"
    assert [i["name"] for i in kustomization["images"]] == ["mutasi"]
    monitoring = load(K8S / "monitoring" / "kustomization.yaml")
    assert set(monitoring["resources"]) == {p.name for p in (K8S / "monitoring").glob("*.yaml")} - {
        "kustomization.yaml"
    }


def test_kubernetes_deploys_no_kafka_or_mongodb_of_its_own() -> None:
    images = [c["image"] for d in k8s_objects("Deployment") for c in d["spec"]["template"]["spec"]["containers"]]
    assert images
    assert all(image == "mutasi" for image in images)
    assert not k8s_objects("StatefulSet")


def test_every_kubernetes_deployment_has_liveness_and_readiness_probes_on_the_right_paths() -> None:
    deployments = k8s_objects("Deployment")
    assert sorted(d["metadata"]["name"] for d in deployments) == sorted(f"mutasi-{s}" for s in DEPLOYED)
    for deployment in deployments:
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert ports == {"http": CONTAINER_PORT}
        for probe, path in (("livenessProbe", "/health/live"), ("readinessProbe", "/health/ready")):
            assert container[probe]["httpGet"] == {"path": path, "port": "http"}, (
                deployment["metadata"]["name"],
                probe,
            )
        assert container["startupProbe"]["httpGet"]["path"] == "/health/live"


@pytest.mark.parametrize("service", DEPLOYED)
def test_each_kubernetes_deployment_runs_two_replicas_with_settings_from_configmap_and_secret(service: str) -> None:
    (deployment,) = [d for d in k8s_objects("Deployment") if d["metadata"]["name"] == f"mutasi-{service}"]
    spec = deployment["spec"]
    assert spec["replicas"] == 2
    pod = spec["template"]
    assert pod["metadata"]["annotations"]["prometheus.io/scrape"] == "true"
    assert pod["metadata"]["annotations"]["prometheus.io/port"] == str(CONTAINER_PORT)
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["spec"]["containers"]
    assert container["command"] == ["python", "-m", f"mutasi.{service}"]
    assert {"requests", "limits"} <= set(container["resources"])
    prefix = f"MUTASI_{service.upper()}_"
    env = {e["name"]: e for e in container["env"]}
    assert all(name.startswith(prefix) for name in env)
    assert env[prefix + "MONGO_URI"]["valueFrom"]["secretKeyRef"] == {"name": "mutasi-mongo", "key": f"{service}-uri"}
    assert env[prefix + "KAFKA_BOOTSTRAP"]["valueFrom"]["configMapKeyRef"]["name"] == "mutasi-platform"
    assert env[prefix + "KAFKA_ENABLE_IDEMPOTENCE"]["value"] == "true"
    assert env[prefix + "DATABASE"]["value"] == f"mutasi_{service}"
    assert env[prefix + "HTTP_HOST"]["value"] == "0.0.0.0"
    assert env[prefix + "HTTP_PORT"]["value"] == str(CONTAINER_PORT)


def test_every_kubernetes_service_and_disruption_budget_selects_its_deployment() -> None:
    pods = {d["metadata"]["name"]: d["spec"]["template"]["metadata"]["labels"] for d in k8s_objects("Deployment")}
    services = {s["metadata"]["name"]: s for s in k8s_objects("Service")}
    budgets = {b["metadata"]["name"]: b for b in k8s_objects("PodDisruptionBudget")}
    assert set(services) == set(budgets) == set(pods)
    for name, labels in pods.items():
        assert services[name]["spec"]["selector"].items() <= labels.items()
        assert budgets[name]["spec"]["selector"]["matchLabels"].items() <= labels.items()
        assert budgets[name]["spec"]["minAvailable"] == 1
        assert services[name]["spec"]["ports"][0]["targetPort"] == "http"


def test_the_kubernetes_configmap_names_the_external_kafka_and_the_secret_only_an_example() -> None:
    (platform,) = [c for c in k8s_objects("ConfigMap") if c["metadata"]["name"] == "mutasi-platform"]
    assert {"KAFKA_BOOTSTRAP", "LOG_LEVEL"} <= set(platform["data"])
    assert "secret.example.yaml" not in load(K8S / "kustomization.yaml")["resources"]
    secrets = {s["metadata"]["name"]: s for s in load_all(K8S / "secret.example.yaml")}
    assert set(secrets) == {"mutasi-mongo", "mutasi-seal", "mutasi-kafka", "mutasi-console"}
    assert set(secrets["mutasi-kafka"]["stringData"]) == {f"{s}-password" for s in DEPLOYED}
    assert set(secrets["mutasi-mongo"]["stringData"]) == {f"{s}-uri" for s in DEPLOYED}
    assert set(secrets["mutasi-console"]["stringData"]) == {"session-key", "smtp-password"}
    assert set(secrets["mutasi-seal"]["stringData"]) == {"placement-private-jwk", "placement-public-jwk"}
    assert all("CHANGE_ME" in value for s in secrets.values() for value in s["stringData"].values())


def test_only_placement_is_given_the_private_sealing_key() -> None:
    def seal_refs(service: str) -> set[str]:
        text = (K8S / f"{service}.yaml").read_text(encoding="utf-8")
        return set(re.findall(r"name: mutasi-seal\s+key: (\S+)", text))

    assert {s: seal_refs(s) for s in SERVICES} == {
        "assessment": {"placement-public-jwk"}, "placement": {"placement-private-jwk"}, "training": set(),
        "evaluation": set(),
    }  # fmt: skip
    env = {name: svc.get("environment", {}) for name, svc in compose()["services"].items()}
    holders = [
        name for name, e in env.items() if any("SEAL_PRIVATE" in str(v) or "SEAL_PRIVATE" in k for k, v in e.items())
    ]
    assert holders == ["placement"]


# --- README ----------------------------------------------------------------------------------------------------------


def test_the_deploy_readme_says_it_was_not_run_here_and_that_the_gpl_stand_ins_are_never_shipped() -> None:
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    for needle in ("SecantusDB", "GPL-2.0", "Tansu", "no Docker engine", "make up", "KAFKA_BOOTSTRAP", "MONGO_URI"):
        assert needle in readme, needle
    for command in re.findall(r"^\s*(docker compose [^\n]+)$", readme, re.M):
        assert "-f deploy/compose.yaml" in shlex.join(shlex.split(command)), command


# --- hygiene: every manifest against the Kubernetes schemas, Kafka data on a volume, the build guard -----------------

# Custom resources without a schema in kubernetes-validate (the Prometheus Operator's and kustomize's).
NO_OFFLINE_SCHEMA = {"Kustomization", "PrometheusRule", "ServiceMonitor"}


def test_every_kubernetes_manifest_validates_strictly_against_the_kubernetes_schemas() -> None:
    import kubernetes_validate

    version = kubernetes_validate.latest_version()
    validated = []
    for path in sorted(K8S.rglob("*.yaml")):
        for doc in load_all(path):
            if doc["kind"] in NO_OFFLINE_SCHEMA:
                continue
            kubernetes_validate.validate(doc, version, strict=True)
            validated.append(doc["kind"])
    assert {"Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "ConfigMap"} <= set(validated)


def test_only_the_console_gateway_and_prometheus_may_reach_the_services() -> None:
    policies = {p["metadata"]["name"]: p["spec"] for p in k8s_objects("NetworkPolicy")}
    assert policies["mutasi-default-deny-ingress"] == {"podSelector": {}, "policyTypes": ["Ingress"]}
    allowed = policies["mutasi-services-ingress"]["ingress"]
    peers = [peer for rule in allowed for peer in rule["from"]]
    sources = [p["podSelector"]["matchExpressions"][0]["values"] for p in peers if "namespaceSelector" not in p]
    assert sources == [["console", "gateway"]]
    assert [p["podSelector"]["matchLabels"] for p in peers if "namespaceSelector" in p] == [
        {"app.kubernetes.io/name": "prometheus"}
    ]


def test_compose_keeps_kafka_data_on_a_named_volume() -> None:
    kafka = compose()["services"]["kafka"]
    assert kafka["environment"]["KAFKA_LOG_DIRS"] == "/var/lib/kafka/data"
    assert "kafka-data:/var/lib/kafka/data" in kafka["volumes"]
    assert "kafka-data" in compose()["volumes"]


def test_the_dev_package_guard_fails_the_build_when_the_listing_fails() -> None:
    guard = dockerfile().split("# Guard:")[0].rsplit("RUN", 1)[1]
    assert "set -euo pipefail" in guard
    assert "#!/usr/bin/env bash" in guard


DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


def test_every_third_party_image_is_pinned_by_digest_with_its_tag() -> None:
    """A tag can be rebuilt under the same name; a digest cannot. Our own images are built from this repository."""
    images = [s["image"] for s in compose()["services"].values() if not s["image"].startswith("mutasi-")]
    images += re.findall(r"^ARG PYTHON_IMAGE=(\S+)$", dockerfile(), re.MULTILINE)
    assert len(images) >= 5
    assert re.findall(r"^FROM (\S+)", dockerfile(), re.MULTILINE) == ["${PYTHON_IMAGE}", "${PYTHON_IMAGE}"]
    unpinned = [i for i in images if not (DIGEST.search(i) and ":" in i.split("@")[0])]
    assert unpinned == []


def test_the_console_is_reached_through_an_ingress_and_signs_people_in_at_the_agencys_provider() -> None:
    (deployment,) = [d for d in k8s_objects("Deployment") if d["metadata"]["name"] == "mutasi-console"]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e for e in container["env"]}
    assert env["MUTASI_CONSOLE_OIDC_ISSUER"]["valueFrom"]["configMapKeyRef"] == {
        "name": "mutasi-platform",
        "key": "OIDC_ISSUER",
    }
    assert env["MUTASI_CONSOLE_SESSION_KEY"]["valueFrom"]["secretKeyRef"]["name"] == "mutasi-console"
    assert env["MUTASI_CONSOLE_COOKIE_SECURE"]["value"] == "true"
    for service in SERVICES:
        assert env[f"MUTASI_CONSOLE_{service.upper()}_URL"]["value"] == f"http://mutasi-{service}"
    (ingress,) = k8s_objects("Ingress")
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "mutasi-console", "port": {"name": "http"}}
    assert ingress["spec"]["tls"]
    policies = {p["metadata"]["name"]: p["spec"] for p in k8s_objects("NetworkPolicy")}
    assert policies["mutasi-console-ingress"]["podSelector"] == {
        "matchLabels": {"app.kubernetes.io/component": "console"}
    }
