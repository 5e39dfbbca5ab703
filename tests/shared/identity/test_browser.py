"""Browser use: CORS from the allow-list, security headers on every response, docs off."""

from __future__ import annotations

import re

import httpx
import pytest

from shared.settings import Settings
from tests import helpers
from tests.shared.identity.conftest import ORIGIN, PersonClient
from tests.shared.identity.issuer import TestIssuer

SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-resource-policy": "same-origin",
}


def assert_security_headers(response: httpx.Response) -> None:
    for name, value in SECURITY.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_preflight_from_an_allowed_origin_is_answered_and_cached(
    person: PersonClient,
) -> None:
    response = await person("budget").options(
        "/v1/frames",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert response.headers["access-control-max-age"] == "900"
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    assert_security_headers(response)


async def test_preflight_from_another_origin_gets_no_cors_grant(person: PersonClient) -> None:
    response = await person("budget").options(
        "/v1/frames",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_actual_request_carries_cors_and_exposes_request_id(
    person: PersonClient, issuer: TestIssuer
) -> None:
    response = await person("budget", issuer.token()).get("/v1/frames", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()
    assert "*" not in response.headers["access-control-allow-origin"]


@pytest.mark.parametrize(
    ("path", "token", "status"),
    [
        ("/healthz", False, 200),
        ("/probe/whoami", False, 401),
        ("/probe/scope/budget:write", True, 403),
        ("/nowhere", False, 404),
        ("/probe/boom", False, 500),
    ],
)
async def test_security_headers_on_every_response_including_errors(
    person: PersonClient, issuer: TestIssuer, path: str, token: bool, status: int
) -> None:
    client = person("probe", issuer.token() if token else None)
    response = await client.get(path, headers={"Origin": ORIGIN})
    assert response.status_code == status
    assert_security_headers(response)
    assert response.headers.get("access-control-allow-origin") == ORIGIN


async def test_docs_are_off_outside_development(person: PersonClient) -> None:
    assert (await person("budget").get("/docs")).status_code == 404


async def test_docs_can_be_enabled(database_url: str) -> None:
    from services.budget.app import create_app

    settings = helpers.test_settings(database_url, DOCS_ENABLED=True)
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://budget.test"
    ) as c:
        response = await c.get("/docs")
        assets = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", response.text)
        loaded = {url: await c.get(url) for url in assets}
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "http" not in csp
    assert "script-src 'self' 'unsafe-inline'" in csp
    # The page loads only the service's own files (no CDN: the docs work without internet).
    assert "http://" not in response.text
    assert "https://" not in response.text
    assert sorted(assets) == [
        "/docs/static/favicon.png",
        "/docs/static/swagger-ui-bundle.js",
        "/docs/static/swagger-ui.css",
    ]
    assert "url: '/openapi.json'" in response.text
    for url, asset in loaded.items():
        assert asset.status_code == 200, url
        assert len(asset.content) > 1000, url
    assert "SwaggerUIBundle" in loaded["/docs/static/swagger-ui-bundle.js"].text
    assert loaded["/docs/static/swagger-ui.css"].headers["content-type"].startswith("text/css")


def test_docs_default_follows_the_environment() -> None:
    assert Settings(ENVIRONMENT="development").docs_enabled
    assert not Settings(ENVIRONMENT="production", SERVICE_API_KEY="kvn_a_b").docs_enabled


def test_wildcard_origin_with_credentials_is_refused() -> None:
    with pytest.raises(ValueError, match="credentials"):
        Settings(CORS_ALLOW_ORIGINS=["*"], CORS_ALLOW_CREDENTIALS=True)
    with pytest.raises(ValueError, match="scheme"):
        Settings(CORS_ALLOW_ORIGINS=["app.example.se"])
