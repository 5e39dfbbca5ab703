"""The deployment files, checked offline (no Docker engine here): docker-compose.yml,
deploy/Dockerfile, .env.example and the gateway template agree with each other and with
shared/settings.Settings."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from shared.settings import REPO_ROOT, SERVICES, Settings
from tests.gateway.stack import TEMPLATE, render

COMPOSE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "deploy" / "Dockerfile"
ENV_EXAMPLE = REPO_ROOT / ".env.example"
SETTINGS = set(Settings.model_fields)
KVN_PROCESSES = {"migrate", *SERVICES, "scheduler"}
# Names compose itself interpolates (${NAME}) that are not Settings fields.
COMPOSE_ONLY = {"POSTGRES_PASSWORD", "KVN_VERSION", "GATEWAY_PUBLISH", "GATEWAY_BIND"}
DIGEST = re.compile(r"^[a-z0-9./_-]+:[A-Za-z0-9._-]+@sha256:[0-9a-f]{64}$")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def test_compose_has_the_topology(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"postgres", "migrate", *SERVICES, "scheduler", "gateway"}
    assert "pgdata" in compose["volumes"]
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])

    migrate = services["migrate"]
    assert migrate["command"][0] == "migrate"
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"

    for service in SERVICES:
        spec = services[service]
        assert spec["command"] == ["serve", service, "--port", "8000"]
        assert spec["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        probe = " ".join(spec["healthcheck"]["test"])
        assert "http://127.0.0.1:8000/readyz" in probe, service
        assert spec["build"]["dockerfile"] == "deploy/Dockerfile"
        assert "ports" not in spec, f"{service} is reached through the gateway only"

    scheduler = services["scheduler"]
    assert scheduler["command"] == ["scheduler"]
    assert scheduler["deploy"]["replicas"] == 1

    gateway = services["gateway"]
    # nginx without root (the unprivileged image listens on 8080 as uid 101).
    assert gateway["image"].startswith("nginxinc/nginx-unprivileged:")
    assert "user" not in gateway or gateway["user"] not in ("root", "0")
    assert gateway["read_only"] is True
    # Published where .env.example says: loopback unless GATEWAY_BIND opens it up.
    assert gateway["ports"] == ["${GATEWAY_BIND:-127.0.0.1}:${GATEWAY_PUBLISH:-8080}:8080"]
    assert re.search(r"^# GATEWAY_BIND=127\.0\.0\.1 ", ENV_EXAMPLE.read_text(), re.M)
    assert re.search(r"^# GATEWAY_PUBLISH=8080 ", ENV_EXAMPLE.read_text(), re.M)
    assert "./deploy/gateway/templates:/etc/nginx/templates:ro" in gateway["volumes"]
    for service in SERVICES:
        assert gateway["depends_on"][service]["condition"] == "service_healthy"
        assert gateway["environment"][f"GATEWAY_{service.upper()}_UPSTREAM"] == f"{service}:8000"


def test_compose_environment_names_are_settings_fields(compose: dict[str, Any]) -> None:
    for name in KVN_PROCESSES:
        environment = compose["services"][name]["environment"]
        unknown = set(environment) - SETTINGS
        assert not unknown, f"{name}: {unknown} are not fields of shared.settings.Settings"
        assert environment["ENVIRONMENT"] == "production"
        for service in SERVICES:
            assert environment[f"{service.upper()}_URL"] == f"http://{service}:8000"
    # The production settings validate (placeholder secrets are refused).
    env = compose["services"]["ingest"]["environment"]
    values = {
        k: re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(v))
        for k, v in env.items()
        if "${" not in str(v) or ":-" in str(v)
    }
    values["SERVICE_API_KEY"] = "kvn_0123456789ab_real-secret-value"
    values["DATABASE_URL"] = "postgresql+psycopg://kvn:pw@postgres:5432/kvalitetsnavet"
    settings = Settings.model_validate(values)
    assert settings.ENVIRONMENT == "production"
    with pytest.raises(ValueError, match="SERVICE_API_KEY"):
        Settings.model_validate({**values, "SERVICE_API_KEY": "change-me"})


def test_compose_interpolations_are_documented_in_env_example() -> None:
    used = set(re.findall(r"\$\{([A-Z_]+)", COMPOSE.read_text()))
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(), re.M))
    assert used <= documented, used - documented
    assert documented <= SETTINGS | COMPOSE_ONLY | {
        "GATEWAY_RATE",
        "GATEWAY_BURST",
        "GATEWAY_AUTH_RATE",
        "GATEWAY_AUTH_BURST",
        "GATEWAY_MAX_BODY",
        "GATEWAY_MAX_UPLOAD",
        "GATEWAY_UPSTREAM_KEEPALIVE",
    }
    # Every Settings field of the platform is documented (the services' own may follow).
    platform_fields = {n for n in SETTINGS if n not in _service_settings()}
    assert platform_fields <= documented, platform_fields - documented


def _service_settings() -> set[str]:
    """Fields the service teams append after a `# --- <service> ---` line."""
    source = (REPO_ROOT / "shared" / "settings.py").read_text()
    marker = re.search(r"^\s*# --- \w+ ---", source, re.M)
    if marker is None:
        return set()
    return set(re.findall(r"^\s+([A-Z][A-Z0-9_]+)\s*:", source[marker.start() :], re.M))


def test_gateway_template_renders_with_the_compose_values(compose: dict[str, Any]) -> None:
    environment = compose["services"]["gateway"]["environment"]
    values = {
        k: re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(v))
        for k, v in environment.items()
        if k.startswith("GATEWAY_")
    }
    rendered = render(TEMPLATE.read_text(), values)
    assert "${" not in rendered
    assert environment["NGINX_ENVSUBST_FILTER"] == "^GATEWAY_"
    for service in SERVICES:
        assert f"location /api/{service}/ {{" in rendered
        assert f"proxy_pass http://kvn_{service}/;" in rendered
        assert f"server {service}:8000" in rendered
    assert "client_max_body_size 512m;" in rendered
    assert "limit_req_status 429;" in rendered
    # Idle connections kept to each service: as many as the requests in flight (issue 19).
    assert rendered.count("keepalive 64;") == len(SERVICES)


def test_dockerfile_runs_as_a_non_root_user_with_kvn_as_entrypoint() -> None:
    text = DOCKERFILE.read_text()
    assert text.startswith("#") or "FROM python:3.11" in text
    assert re.search(r"^FROM python:3\.11", text, re.M)
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users
    assert users[-1].split(":")[0] not in ("root", "0")
    assert 'ENTRYPOINT ["kvn"]' in text
    copied = re.findall(r"^COPY\s+(.+?)\s+\S+$", text, re.M)
    for sources in copied:
        for source in sources.split():
            if "*" not in source:
                assert (REPO_ROOT / source).exists(), source


def test_every_image_from_elsewhere_is_pinned_by_digest(compose: dict[str, Any]) -> None:
    """Our own image (`kvalitetsnavet`, built here, tagged by release) aside, an image is
    named by tag and digest, so a rebuild or redeploy runs the same bytes."""
    for name, spec in compose["services"].items():
        if "build" in spec or str(spec.get("image", "")).startswith("kvalitetsnavet"):
            continue
        assert DIGEST.match(spec["image"]), (name, spec["image"])
    bases = re.findall(r"^FROM\s+(\S+)", DOCKERFILE.read_text(), re.M)
    assert bases
    for base in bases:
        assert DIGEST.match(base), base
    k8s = REPO_ROOT / "deploy" / "k8s"
    for path in sorted(k8s.rglob("*.yaml")):
        for image in re.findall(r"^\s*image:\s*(\S+)", path.read_text(), re.M):
            if image != "kvalitetsnavet":  # set per overlay by kustomize `images:`
                assert DIGEST.match(image), (path.name, image)
