"""deploy/k8s, validated offline: plain manifests + kustomize overlays (dev/prod)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from shared.settings import REPO_ROOT, SERVICES, Settings

K8S = REPO_ROOT / "deploy" / "k8s"
BASE = K8S / "base"


def documents(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def base_objects() -> dict[tuple[str, str], dict[str, Any]]:
    kustomization = documents(BASE / "kustomization.yaml")[0]
    objects = {}
    for name in kustomization["resources"]:
        for doc in documents(BASE / name):
            objects[(doc["kind"], doc["metadata"]["name"])] = doc
    return objects


def containers(workload: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = workload["spec"]["template"]["spec"]["containers"]
    return result


def compose_kvn_environment() -> set[str]:
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    return set(compose["services"]["ingest"]["environment"])


def test_every_service_has_deployment_service_probes_hpa_pdb() -> None:
    objects = base_objects()
    for service in SERVICES:
        deployment = objects[("Deployment", service)]
        (container,) = containers(deployment)
        assert container["args"] == ["serve", service, "--port", "8000"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"][kind]), (service, kind)
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"]
        assert objects[("Service", service)]["spec"]["ports"][0]["port"] == 8000
        hpa = objects[("HorizontalPodAutoscaler", service)]
        assert hpa["spec"]["scaleTargetRef"]["name"] == service
        assert hpa["spec"]["minReplicas"] >= 2
        pdb = objects[("PodDisruptionBudget", service)]
        assert pdb["spec"]["selector"]["matchLabels"] == {"app.kubernetes.io/name": service}


def test_scheduler_is_one_replica_and_migrations_a_job() -> None:
    objects = base_objects()
    scheduler = objects[("Deployment", "scheduler")]
    assert scheduler["spec"]["replicas"] == 1
    assert scheduler["spec"]["strategy"]["type"] == "Recreate"
    assert containers(scheduler)[0]["args"] == ["scheduler"]
    assert ("HorizontalPodAutoscaler", "scheduler") not in objects
    job = objects[("Job", "migrate")]
    assert job["spec"]["template"]["spec"]["containers"][0]["args"][0] == "migrate"
    for workload in (scheduler, job):
        resources = workload["spec"]["template"]["spec"]["containers"][0]["resources"]
        assert {"requests", "limits"} <= set(resources)


def test_gateway_uses_the_compose_nginx_template() -> None:
    compose_template = REPO_ROOT / "deploy" / "gateway" / "templates" / "default.conf.template"
    assert (BASE / "gateway.conf.template").read_text() == compose_template.read_text(), (
        "copy deploy/gateway/templates/default.conf.template to deploy/k8s/base/gateway.conf.template"
    )
    objects = base_objects()
    gateway = objects[("Deployment", "gateway")]
    (nginx,) = containers(gateway)
    env = {e["name"]: e["value"] for e in nginx["env"]}
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    assert set(env) == set(compose["services"]["gateway"]["environment"])
    for service in SERVICES:
        assert env[f"GATEWAY_{service.upper()}_UPSTREAM"] == f"{service}:8000"
    assert nginx["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert {"requests", "limits"} <= set(nginx["resources"])


def test_compose_and_k8s_use_the_same_setting_names() -> None:
    config = base_objects()[("ConfigMap", "kvn-config")]["data"]
    secret = documents(K8S / "secret.example.yaml")[0]["stringData"]
    assert set(config).isdisjoint(secret)
    k8s_names = set(config) | set(secret)
    assert k8s_names == compose_kvn_environment()
    assert k8s_names <= set(Settings.model_fields)
    for workload in ("migrate", *SERVICES, "scheduler"):
        kind = "Job" if workload == "migrate" else "Deployment"
        sources = base_objects()[(kind, workload)]["spec"]["template"]["spec"]["containers"][0][
            "envFrom"
        ]
        assert {"configMapRef": {"name": "kvn-config"}} in sources
        assert {"secretRef": {"name": "kvn-secrets"}} in sources


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_overlays_build(overlay: str) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed; the overlays are checked by parsing only")
    built = subprocess.run(
        [kubectl, "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    objects = [d for d in yaml.safe_load_all(built.stdout) if d]
    namespace = "kvalitetsnavet-dev" if overlay == "dev" else "kvalitetsnavet"
    assert any(o["kind"] == "Namespace" and o["metadata"]["name"] == namespace for o in objects)
    for obj in objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == namespace, obj["metadata"]
    secrets = [o for o in objects if o["kind"] == "Secret"]
    # Dev generates a throwaway Secret; prod expects one created out of band.
    assert bool(secrets) is (overlay == "dev")
    deployments = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Deployment"}
    assert set(deployments) == {*SERVICES, "scheduler", "gateway"}
    assert deployments["scheduler"]["spec"]["replicas"] == 1
    for name, deployment in deployments.items():
        if name == "gateway":
            continue
        image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
        assert image.endswith(":dev" if overlay == "dev" else ":0.1.0"), image
