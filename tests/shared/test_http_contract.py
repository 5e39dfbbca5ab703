"""The HTTP contract every service shares, proven on an app built by the real factory
(shared.app.create_service_app) against the run's PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from shared import API_VERSION, __version__
from shared.auth import revoke_api_key
from shared.db import Database
from shared.settings import Settings
from tests.conftest import MakeKey
from tests.helpers import running
from tests.shared.probe import TRACE_MARKER, create_probe_app

PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, object] = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


@pytest.fixture
async def probe(settings: Settings, database: Database) -> AsyncIterator[FastAPI]:
    small = settings.model_copy(update={"MAX_BODY_BYTES": 2048, "MAX_UPLOAD_BYTES": 16384})
    async with running(create_probe_app(small, database=database)) as app:
        yield app


@pytest.fixture
async def http(probe: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=probe, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://probe.test") as c:
        yield c


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def test_request_id_is_kept_from_the_caller_or_made(http: httpx.AsyncClient) -> None:
    given = await http.get("/healthz", headers={"X-Request-ID": "caller-id.42:abc"})
    assert given.status_code == 200
    assert given.headers["x-request-id"] == "caller-id.42:abc"
    assert given.headers["api-version"] == API_VERSION

    made = await http.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    assert made.headers["api-version"] == API_VERSION

    # A malformed id (spaces, too long) is replaced, never echoed into headers or logs.
    for bad in ("has spaces", "x" * 129, "<script>"):
        replaced = await http.get("/healthz", headers={"X-Request-ID": bad})
        assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["x-request-id"])

    missing = await http.get("/nowhere", headers={"X-Request-ID": "trace-me-1"})
    body = assert_problem(missing, 404)
    assert body["request_id"] == "trace-me-1"
    assert missing.headers["api-version"] == API_VERSION


async def test_health_and_openapi_are_anonymous(http: httpx.AsyncClient) -> None:
    health = await http.get("/healthz")
    assert health.json() == {"status": "ok", "service": "ingest", "version": __version__}
    ready = await http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
    spec = await http.get("/openapi.json")
    assert spec.status_code == 200
    assert spec.json()["info"]["x-api-version"] == API_VERSION
    assert "/v1/things" in spec.json()["paths"]


async def test_unknown_route_is_404_problem(http: httpx.AsyncClient) -> None:
    body = assert_problem(await http.get("/v1/nothing/here"), 404)
    assert body["detail"] == "Det finns inget på /v1/nothing/here"
    assert body["title"] == "Hittades inte"
    assert body["type"] == "https://kvalitetsnavet.se/problems/not-found"
    assert body["instance"] == "/v1/nothing/here"


async def test_wrong_method_is_405_with_allow(http: httpx.AsyncClient) -> None:
    response = await http.delete("/v1/things")
    body = assert_problem(response, 405)
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert "DELETE är inte tillåtet" in str(body["detail"])


async def test_missing_malformed_unknown_and_revoked_keys_are_401(
    http: httpx.AsyncClient, make_key: MakeKey, database: Database
) -> None:
    none = await http.get("/v1/things")
    assert_problem(none, 401)
    assert none.headers["www-authenticate"].startswith("Bearer")
    assert_problem(await http.get("/v1/things", headers={"Authorization": "Basic abc"}), 401)
    assert_problem(await http.get("/v1/things", headers=auth("not-a-key")), 401)
    assert_problem(await http.get("/v1/things", headers=auth("kvn_abcdef012345_guess")), 401)

    key = await make_key("indicators:read")
    assert (await http.get("/v1/things", headers=auth(key))).status_code == 200
    async with database.sessionmaker() as session:
        from sqlalchemy import select

        from shared.auth import hash_key
        from shared.models.auth import ApiKey

        key_id = (
            await session.execute(select(ApiKey.id).where(ApiKey.key_hash == hash_key(key)))
        ).scalar_one()
        assert await revoke_api_key(session, key_id)
        await session.commit()
    body = assert_problem(await http.get("/v1/things", headers=auth(key)), 401)
    assert "återkallad" in str(body["detail"])


async def test_missing_scope_is_403_and_admin_passes(
    http: httpx.AsyncClient, make_key: MakeKey
) -> None:
    reader = await make_key("indicators:read")
    body = assert_problem(
        await http.post("/v1/things", json={"name": "a", "count": 1}, headers=auth(reader)), 403
    )
    assert "indicators:write" in str(body["detail"])
    admin = await make_key("admin")
    created = await http.post("/v1/things", json={"name": "a", "count": 1}, headers=auth(admin))
    assert created.status_code == 201, created.text


async def test_another_municipalitys_object_is_404_not_403(
    http: httpx.AsyncClient, make_key: MakeKey
) -> None:
    mine = await make_key("indicators:read", "indicators:write", municipality="9990")
    theirs = await make_key("indicators:read", municipality="1462")
    national = await make_key("indicators:read", municipality=None)
    created = await http.post("/v1/things", json={"name": "x", "count": 2}, headers=auth(mine))
    assert created.json()["municipality_code"] == "9990"
    path = f"/v1/things/{created.json()['id']}"

    assert (await http.get(path, headers=auth(mine))).status_code == 200
    assert (await http.get(path, headers=auth(national))).status_code == 200
    hidden = assert_problem(await http.get(path, headers=auth(theirs)), 404)
    assert "9990" in str(hidden["detail"])
    # A municipal key cannot write into another municipality either.
    assert_problem(
        await http.post(
            "/v1/things",
            json={"name": "y", "count": 1, "municipality_code": "1462"},
            headers=auth(mine),
        ),
        404,
    )


async def test_conflict_is_409_problem(http: httpx.AsyncClient, make_key: MakeKey) -> None:
    key = await make_key("indicators:write")
    body = assert_problem(
        await http.post("/v1/things", json={"name": "taken", "count": 1}, headers=auth(key)), 409
    )
    assert body["detail"] == "A thing named 'taken' already exists"


async def test_invalid_input_is_422_naming_each_field_and_value(http: httpx.AsyncClient) -> None:
    response = await http.post("/v1/probe/echo", json={"name": 5, "count": -1, "colour": "red"})
    body = assert_problem(response, 422)
    errors = {e["field"]: e for e in body["errors"]}  # type: ignore[attr-defined]
    assert set(errors) == {"name", "count", "colour"}
    assert errors["name"]["value"] == 5
    assert errors["name"]["loc"] == ["body", "name"]
    assert errors["count"]["value"] == -1
    assert errors["count"]["code"] == "greater_than_equal"
    assert errors["colour"]["value"] == "red"
    assert errors["colour"]["code"] == "extra_forbidden"
    assert body["detail"] == "3 ogiltiga värden"

    broken = await http.post(
        "/v1/probe/echo", content=b'{"name": ', headers={"Content-Type": "application/json"}
    )
    assert_problem(broken, 422)


async def test_page_size_has_a_maximum(http: httpx.AsyncClient, make_key: MakeKey) -> None:
    key = await make_key("indicators:read")
    assert (await http.get("/v1/things?limit=500", headers=auth(key))).status_code == 200
    body = assert_problem(await http.get("/v1/things?limit=501", headers=auth(key)), 422)
    assert body["errors"][0]["loc"] == ["query", "limit"]  # type: ignore[index]
    assert body["errors"][0]["value"] == "501"  # type: ignore[index]


async def test_other_media_type_is_415(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/v1/probe/echo", content=b"name=a&count=1", headers={"Content-Type": "text/plain"}
    )
    body = assert_problem(response, 415)
    assert "text/plain" in str(body["detail"])
    assert response.headers["accept-post"] == "application/json"


async def test_body_over_the_limit_is_413_by_content_length(http: httpx.AsyncClient) -> None:
    big = b'{"name": "' + b"a" * 4000 + b'", "count": 1}'
    response = await http.post(
        "/v1/probe/echo", content=big, headers={"Content-Type": "application/json"}
    )
    body = assert_problem(response, 413)
    assert "2\u00a0048 byte" in str(body["detail"])


async def test_body_over_the_limit_is_413_while_streaming(http: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"name": "'
        for _ in range(10):
            yield b"a" * 500
        yield b'", "count": 1}'

    response = await http.post(
        "/v1/probe/echo", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert_problem(response, 413)


async def test_uploads_get_the_larger_limit(http: httpx.AsyncClient, make_key: MakeKey) -> None:
    key = await make_key("indicators:write")
    ok = await http.post(
        "/v1/things/uploads", content=b"x" * 8000, headers={**auth(key), "Content-Type": "text/csv"}
    )
    assert ok.status_code == 202, ok.text
    too_big = await http.post(
        "/v1/things/uploads",
        content=b"x" * 20000,
        headers={**auth(key), "Content-Type": "text/csv"},
    )
    assert_problem(too_big, 413)


async def test_unexpected_error_is_500_problem_without_trace(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = await http.get("/v1/probe/boom", headers={"X-Request-ID": "boom-1"})
    body = assert_problem(response, 500)
    assert body["request_id"] == "boom-1"
    assert TRACE_MARKER not in response.text
    assert "Traceback" not in response.text
    assert "RuntimeError" not in response.text
    # ... but it is logged, with the trace, for the operator.
    assert any(TRACE_MARKER in (r.exc_text or str(r.exc_info)) for r in caplog.records)


async def test_rate_limit_is_429_with_retry_after(settings: Settings, database: Database) -> None:
    limited = settings.model_copy(update={"RATE_LIMIT_PER_MINUTE": 3})
    async with running(create_probe_app(limited, database=database)) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://probe.test") as http:
            for _ in range(3):
                assert (await http.get("/healthz")).status_code == 200
            response = await http.get("/healthz")
            body = assert_problem(response, 429)
            assert 1 <= int(response.headers["retry-after"]) <= 61
            assert "3 förfrågningar per minut" in str(body["detail"])
            # Another credential has its own window.
            other = await http.get("/healthz", headers=auth("kvn_0123456789ab_other-window"))
            assert other.status_code == 200


async def test_metrics_count_requests_by_route_template(http: httpx.AsyncClient) -> None:
    await http.get("/v1/things/00000000-0000-0000-0000-000000000000")
    metrics = await http.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert "# TYPE kvn_http_requests_total counter" in text
    assert "# TYPE kvn_http_request_duration_seconds histogram" in text
    assert re.search(
        r'kvn_http_requests_total\{method="GET",route="/v1/things/\{thing_id\}",'
        r'service="ingest",status="401"\} [1-9]',
        text,
    ), text[:2000]
    # Ids never become label values (cardinality).
    assert "00000000-0000-0000-0000-000000000000" not in text


async def test_values_the_database_refuses_are_422_or_409_never_500(
    http: httpx.AsyncClient,
) -> None:
    nul = await http.post("/v1/probe/store", json={"text": "a\u0000b", "small": 1})
    assert "NUL" in str(assert_problem(nul, 422)["detail"])
    overflow = await http.post("/v1/probe/store", json={"text": "a", "small": 100_000})
    assert "out of range" in str(assert_problem(overflow, 422)["detail"])
    conflict = await http.post("/v1/probe/store", json={"text": "a", "small": 1, "conflict": True})
    assert "duplicate thing" in str(assert_problem(conflict, 409)["detail"])
    ok = await http.post("/v1/probe/store", json={"text": "å", "small": 7})
    assert ok.json() == {"text": "å", "small": "7"}
