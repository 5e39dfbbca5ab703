"""deploy/k8s, validated offline: plain manifests + kustomize overlays (dev/prod)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from shared.settings import REPO_ROOT, SERVICES, Settings

K8S = REPO_ROOT / "deploy" / "k8s"
BASE = K8S / "base"
K8S_VERSION = "1.30.0"  # the oldest Kubernetes the manifests are checked against


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


def test_scheduler_is_one_replica_and_every_pod_migrates_first() -> None:
    objects = base_objects()
    scheduler = objects[("Deployment", "scheduler")]
    assert scheduler["spec"]["replicas"] == 1
    assert scheduler["spec"]["strategy"]["type"] == "Recreate"
    assert containers(scheduler)[0]["args"] == ["scheduler"]
    assert ("HorizontalPodAutoscaler", "scheduler") not in objects
    # No Job that must be deleted before each apply: the pods of a rollout migrate (in turn,
    # under the advisory lock of `kvn migrate`) before their container starts.
    assert not [key for key in objects if key[0] == "Job"]
    for name in (*SERVICES, "scheduler"):
        pod = objects[("Deployment", name)]["spec"]["template"]["spec"]
        (migrate,) = pod["initContainers"]
        assert migrate["args"] == ["migrate", "--ensure-service-key"]
        assert migrate["image"] == pod["containers"][0]["image"]
        assert migrate["envFrom"] == pod["containers"][0]["envFrom"]
        assert {"requests", "limits"} <= set(migrate["resources"])
        assert migrate["securityContext"]["allowPrivilegeEscalation"] is False
        assert {"requests", "limits"} <= set(pod["containers"][0]["resources"])


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
    for workload in (*SERVICES, "scheduler"):
        sources = base_objects()[("Deployment", workload)]["spec"]["template"]["spec"][
            "containers"
        ][0]["envFrom"]
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
    # Every object against the Kubernetes schemas (bundled with kubernetes-validate, strict:
    # an unknown or misplaced field is an error too).
    for obj in objects:
        kubernetes_validate.validate(obj, K8S_VERSION, strict=True)
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


def test_every_base_object_fits_the_kubernetes_schema_and_a_broken_one_does_not() -> None:
    """Without kubectl too: the base's objects one by one (the overlays need kustomize)."""
    for obj in base_objects().values():
        kubernetes_validate.validate(obj, K8S_VERSION, strict=True)
    deployment = base_objects()[("Deployment", "ingest")]
    broken = {**deployment, "spec": {**deployment["spec"], "replicas": "two"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSION, strict=True)
    misplaced = {**deployment, "spec": {**deployment["spec"], "initContainer": []}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(misplaced, K8S_VERSION, strict=True)


# --- NetworkPolicies, evaluated as the API defines them -------------------------------------
NAMESPACE = "kvalitetsnavet"
Pod = tuple[str, dict[str, str]]  # (namespace, labels)


def pod_of(name: str) -> Pod:
    labels = base_objects()[("Deployment", name)]["spec"]["template"]["metadata"]["labels"]
    return NAMESPACE, dict(labels)


POSTGRES: Pod = (NAMESPACE, {"app.kubernetes.io/name": "postgres"})
OUTSIDER: Pod = ("elsewhere", {"app": "curious"})
NEIGHBOUR: Pod = (NAMESPACE, {"app": "debug-shell"})
PROMETHEUS: Pod = ("monitoring", {"app.kubernetes.io/name": "prometheus"})


def policies() -> list[dict[str, Any]]:
    return [o for (kind, _), o in base_objects().items() if kind == "NetworkPolicy"]


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    return dict(selector.get("matchLabels", {})).items() <= labels.items()


def _peer_matches(peer: dict[str, Any], pod: Pod, policy_namespace: str) -> bool:
    namespace, labels = pod
    if "namespaceSelector" in peer:
        if not _selects(peer["namespaceSelector"], {"kubernetes.io/metadata.name": namespace}):
            return False
        return _selects(peer.get("podSelector", {}), labels)
    return namespace == policy_namespace and _selects(peer["podSelector"], labels)


def _allows(kind: str, rules_key: str, peers_key: str, subject: Pod, peer: Pod, port: int) -> bool:
    """Whether the policies of `kind` (Ingress/Egress) that select `subject` let `peer` in
    (or out) on `port`; a pod no policy of that kind selects is open."""
    namespace, labels = subject
    selecting = [
        p
        for p in policies()
        if kind in p["spec"]["policyTypes"]
        and namespace == NAMESPACE
        and _selects(p["spec"]["podSelector"], labels)
    ]
    if not selecting:
        return True
    for policy in selecting:
        for rule in policy["spec"].get(rules_key, []):
            peers = rule.get(peers_key)
            ports = rule.get("ports")
            peer_ok = not peers or any(_peer_matches(p, peer, NAMESPACE) for p in peers)
            port_ok = not ports or any(p["port"] == port for p in ports)
            if peer_ok and port_ok:
                return True
    return False


def can_connect(source: Pod, target: Pod, port: int) -> bool:
    egress = source[0] != NAMESPACE or _allows("Egress", "egress", "to", source, target, port)
    ingress = target[0] != NAMESPACE or _allows("Ingress", "ingress", "from", target, source, port)
    return egress and ingress


def test_only_the_gateway_peers_and_scheduler_reach_the_services() -> None:
    gateway, scheduler = pod_of("gateway"), pod_of("scheduler")
    for service in SERVICES:
        target = pod_of(service)
        assert can_connect(gateway, target, 8000), service
        assert can_connect(scheduler, target, 8000), service
        assert can_connect(PROMETHEUS, target, 8000), f"{service}: /metrics scrape"
        for other in SERVICES:
            assert can_connect(pod_of(other), target, 8000), (other, service)
        assert not can_connect(OUTSIDER, target, 8000), service
        assert not can_connect(NEIGHBOUR, target, 8000), service
    assert can_connect(OUTSIDER, gateway, 8080), "the Ingress controller reaches the gateway"
    assert can_connect(PROMETHEUS, scheduler, 9100)
    assert not can_connect(OUTSIDER, scheduler, 9100)


def test_only_the_services_and_scheduler_reach_postgresql() -> None:
    for name in (*SERVICES, "scheduler"):
        assert can_connect(pod_of(name), POSTGRES, 5432), name
    for stranger in (pod_of("gateway"), OUTSIDER, NEIGHBOUR, PROMETHEUS):
        assert not can_connect(stranger, POSTGRES, 5432), stranger
    # The gateway's egress alone keeps it off any database, in the cluster or not.
    external_db: Pod = ("database-host", {})
    assert not _allows("Egress", "egress", "to", pod_of("gateway"), external_db, 5432)


def test_prod_routes_an_ingress_to_the_gateway_service() -> None:
    prod = K8S / "overlays" / "prod"
    kustomization = documents(prod / "kustomization.yaml")[0]
    (ingress,) = [
        d
        for name in kustomization["resources"]
        if not name.startswith("..")
        for d in documents(prod / name)
        if d["kind"] == "Ingress"
    ]
    (rule,) = ingress["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    backend = path["backend"]["service"]
    service = base_objects()[("Service", backend["name"])]
    assert backend["name"] == "gateway"
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}
    assert rule["host"] in ingress["spec"]["tls"][0]["hosts"]


def test_the_gateway_runs_without_root_on_a_read_only_filesystem() -> None:
    gateway = base_objects()[("Deployment", "gateway")]
    pod = gateway["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    (nginx,) = pod["containers"]
    assert nginx["image"].startswith("nginxinc/nginx-unprivileged:")
    assert nginx["securityContext"]["readOnlyRootFilesystem"] is True
    assert nginx["securityContext"]["allowPrivilegeEscalation"] is False
    # What the entrypoint and nginx write: the rendered template and pid/buffers.
    mounts = {m["mountPath"] for m in nginx["volumeMounts"]}
    assert {"/etc/nginx/conf.d", "/tmp", "/etc/nginx/templates"} <= mounts  # noqa: S108
    assert nginx["ports"][0]["containerPort"] == 8080  # above 1024: no capability needed
