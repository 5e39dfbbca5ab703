"""The production topology over real HTTP: nginx (deploy/gateway) in front of four separately
started `kvn serve` processes on a migrated database. Skips when nginx is not installed
(`.ci/run` installs it)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.auth import ALL_SCOPES, create_api_key
from shared.db import Database
from shared.demo import load_demo
from shared.migrate import upgrade
from tests import helpers
from tests.e2e.test_slice import survey_rows
from tests.gateway.stack import Stack, find_nginx, running_stack

pytestmark = pytest.mark.gateway
PROBLEM = "application/problem+json"


async def _prepare(url: str) -> tuple[str, str]:
    db = Database.from_settings(helpers.test_settings(url))
    try:
        async with db.unit_of_work() as session:
            await load_demo(session)
            service = await create_api_key(
                session, name="gateway test service", municipality_code=None, scopes=["admin"]
            )
            user = await create_api_key(
                session, name="gateway test user", municipality_code="9990", scopes=ALL_SCOPES
            )
        return service.token, user.token
    finally:
        await db.dispose()


@pytest.fixture(scope="module")
def stack(
    pg_server: helpers.TestServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    nginx = find_nginx()
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install -y nginx; .ci/run does this)")
    url = pg_server.create_database("kvn_gateway")
    try:
        upgrade(url)
        with ThreadPoolExecutor(1) as pool:
            service_key, user_key = pool.submit(asyncio.run, _prepare(url)).result()
        workdir = tmp_path_factory.mktemp("gateway")
        with running_stack(workdir, url, service_key, nginx) as running:
            running.user_key = user_key
            yield running
    finally:
        pg_server.drop_database(url)


@pytest.fixture
def http(stack: Stack) -> Iterator[httpx.Client]:
    key = stack.user_key
    with httpx.Client(
        base_url=stack.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30
    ) as client:
        yield client


def access_log_lines(stack: Stack) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stack.access_log.read_text().splitlines() if line]


def logged(stack: Stack, request_id: str) -> dict[str, Any]:
    """The access-log line of one request (nginx writes it just after the response)."""
    deadline = time.monotonic() + 5
    while True:
        found = [line for line in access_log_lines(stack) if line["request_id"] == request_id]
        if found or time.monotonic() > deadline:
            assert len(found) == 1, (request_id, found)
            return found[0]
        time.sleep(0.05)


def test_thin_slice_through_the_gateway(http: httpx.Client) -> None:
    rows = (
        survey_rows("HT-NORR", "2025", k=(20, 18), m=(10, 7))
        + survey_rows("HT-SODER", "2025", k=(15, 12), m=(9, 8))
        + survey_rows("HT-VASTER", "2025", k=(4, 4), m=(2, 2))
        # hidden too (secondary), so the total minus the shown units does not give Väster
        + survey_rows("HT-OSTER", "2025", k=(4, 3), m=(3, 3))
    )
    created = http.post("/api/ingest/v1/batches", json={"observations": rows})
    assert created.status_code == 201, created.text
    assert created.json()["created"] == len(rows)

    values = http.get(
        "/api/indicators/v1/indicators/andel_nojda/values",
        params={"period": "2025", "gender": "all"},
    )
    assert values.status_code == 200, values.text
    by_cell = {(v["unit_code"], v["gender"]): v for v in values.json()["values"]}
    assert by_cell[("HT-NORR", "T")]["value"] == "83.3"
    assert by_cell[("HT-NORR", "K")]["value"] == "90.0"
    assert by_cell[("HT-VASTER", "T")]["suppressed"] is True
    assert by_cell[("HT-OSTER", "T")]["suppression"] == "secondary"

    # awards calls indicators service-to-service (directly, with the caller's key).
    ranked = http.post(
        "/api/awards/v1/evaluations",
        json={
            "title": "Årets hemtjänstenhet 2025",
            "indicator_code": "andel_nojda",
            "period": "2025",
        },
    )
    assert ranked.status_code == 201, ranked.text
    ranking = ranked.json()["ranking"]
    assert [(r["unit_code"], r["rank"]) for r in ranking] == [("HT-NORR", 1), ("HT-SODER", 1)]

    frame = {
        "board": "Socialnämnden",
        "year": 2026,
        "unit": "tkr",
        "previous_amount": 317348,
        "amount": 302257,
        "changes": [
            {"amount": 7008, "category": "index_compensation", "reason": "Index"},
            {"amount": -5420, "category": "transfer_out", "reason": "Löneindex till lönepott"},
            {"amount": -6875, "category": "transfer_out", "reason": "Kost till Samhällsnämnden"},
            {"amount": -7154, "category": "transfer_out", "reason": "Vuxenutbildning"},
            {"amount": -2650, "category": "efficiency_demand", "reason": "Effektivisering"},
        ],
    }
    stored = http.post("/api/budget/v1/frames", json=frame)
    assert stored.status_code == 201, stored.text
    assert stored.json()["change_total"] == "-15091"

    refused = http.post("/api/budget/v1/frames", json={**frame, "year": 2027, "amount": 302357})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith(PROBLEM)
    assert refused.json()["difference"] == "100"


def test_request_id_is_forwarded_end_to_end(stack: Stack, http: httpx.Client) -> None:
    given = http.get("/api/indicators/v1/indicators", headers={"X-Request-ID": "gw-trace-0001"})
    assert given.status_code == 200, given.text
    assert given.headers["x-request-id"] == "gw-trace-0001"
    # A problem from a service behind the gateway carries the same id in its body.
    missing = http.get("/api/budget/v1/frames/not-a-uuid", headers={"X-Request-ID": "gw-trace-2"})
    assert missing.status_code == 422
    assert missing.json()["request_id"] == "gw-trace-2"

    made = http.get("/api/ingest/healthz")
    made_id = made.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made_id)  # nginx's $request_id, kept by the service
    replaced = http.get("/api/ingest/healthz", headers={"X-Request-ID": "bad id"})
    assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["x-request-id"])

    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    traced = http.get(
        "/api/ingest/healthz", headers={"X-Request-ID": "gw-tp", "traceparent": traceparent}
    )
    assert traced.status_code == 200
    assert logged(stack, "gw-tp")["traceparent"] == traceparent

    line = logged(stack, "gw-trace-0001")
    assert line["status"] == 200
    assert line["uri"] == "/api/indicators/v1/indicators"
    assert line["upstream"] == f"127.0.0.1:{stack.ports['indicators']}"
    assert logged(stack, made_id)["upstream_status"] == "200"


def test_unknown_route_is_404_problem(http: httpx.Client) -> None:
    outside = http.get("/api/nothing/v1/things", headers={"X-Request-ID": "gw-404"})
    assert outside.status_code == 404
    assert outside.headers["content-type"].startswith(PROBLEM)
    assert outside.headers["x-request-id"] == "gw-404"
    assert outside.json()["request_id"] == "gw-404"
    assert outside.json()["status"] == 404

    inside = http.get("/api/ingest/v1/nothing")
    assert inside.status_code == 404
    assert inside.headers["content-type"].startswith(PROBLEM)
    assert inside.json()["instance"] == "/api/ingest/v1/nothing"  # the public path


def test_openapi_and_health_are_served_anonymously(stack: Stack) -> None:
    for service in ("ingest", "indicators", "awards", "budget"):
        # The stack runs as production: the interactive docs are off, the document is served.
        docs = httpx.get(f"{stack.base_url}/api/{service}/docs", timeout=10)
        assert docs.status_code == 404
        # The services answer their probes directly too (no prefix), as k8s and compose ask.
        direct = httpx.get(f"http://127.0.0.1:{stack.ports[service]}/readyz", timeout=10)
        assert direct.status_code == 200
        spec = httpx.get(f"{stack.base_url}/api/{service}/openapi.json", timeout=10)
        assert spec.status_code == 200
        assert spec.json()["servers"][0]["url"] == f"/api/{service}"
        assert httpx.get(f"{stack.base_url}/api/{service}/readyz", timeout=10).status_code == 200
        # /metrics is for the cluster's Prometheus: served on the service's own port only.
        refused = httpx.get(f"{stack.base_url}/api/{service}/metrics", timeout=10)
        assert refused.status_code == 404
        assert refused.headers["content-type"].startswith(PROBLEM)
        assert "kvn_" not in refused.text
        direct_metrics = httpx.get(f"http://127.0.0.1:{stack.ports[service]}/metrics", timeout=10)
        assert "kvn_http_requests_total" in direct_metrics.text


def test_body_limits_small_for_json_large_for_uploads(stack: Stack, http: httpx.Client) -> None:
    big = http.post(
        "/api/budget/v1/frames",
        content=b"x" * 100_000,
        headers={"Content-Type": "application/json", "X-Request-ID": "gw-413"},
    )
    assert big.status_code == 413
    assert big.headers["content-type"].startswith(PROBLEM)
    assert big.json()["request_id"] == "gw-413"

    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b"x" * 10_000

    streamed = http.post(
        "/api/budget/v1/frames", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    assert streamed.headers["content-type"].startswith(PROBLEM)

    upload = http.post(
        "/api/ingest/v1/uploads",
        content=b"x" * 100_000,
        headers={"Content-Type": "text/csv", "X-Request-ID": "gw-upload"},
    )
    # Past the gateway: whatever ingest answers, it is not the gateway's 413.
    assert upload.status_code != 413
    assert logged(stack, "gw-upload")["upstream"] == f"127.0.0.1:{stack.ports['ingest']}"


def test_rate_limit_is_429_problem_with_retry_after(stack: Stack) -> None:
    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=stack.base_url, timeout=30) as client:
            return await asyncio.gather(*(client.get("/api/ingest/healthz") for _ in range(80)))

    responses = asyncio.run(burst())
    limited = [r for r in responses if r.status_code == 429]
    assert limited, [r.status_code for r in responses]
    assert all(r.status_code in (200, 429) for r in responses)
    first = limited[0]
    assert first.headers["content-type"].startswith(PROBLEM)
    assert first.headers["retry-after"] == "1"
    assert first.json()["status"] == 429
    assert first.json()["request_id"] == first.headers["x-request-id"]


def test_every_location_leads_to_its_resource_through_the_gateway(http: httpx.Client) -> None:
    """Handlers name `/v1/...`; the caller gets the public path (shared.public_urls) and
    following it through nginx answers the resource, for a write of each service."""
    writes: list[tuple[str, dict[str, Any]]] = [
        (
            "/api/ingest/v1/batches",
            {"observations": survey_rows("HT-OSTER", "2027", k=(9, 8), m=(8, 6))},
        ),
        (
            "/api/indicators/v1/targets",
            {
                "indicator_code": "andel_nojda",
                "scope_type": "unit",
                "scope_value": "HT-OSTER",
                "period": "2027",
                "comparator": "at_least",
                "value": "80",
                "tolerance": "0",
            },
        ),
        (
            "/api/awards/v1/evaluations",
            {"title": "Årets enhet 2027", "indicator_code": "andel_nojda", "period": "2027"},
        ),
        (
            "/api/budget/v1/frames",
            {
                "board": "Socialnämnden",
                "year": 2031,
                "unit": "tkr",
                "previous_amount": 1000,
                "amount": 1000,
                "changes": [],
            },
        ),
    ]
    for path, body in writes:
        created = http.post(path, json=body)
        assert created.status_code == 201, created.text
        location = created.headers["location"]
        assert location.startswith(path.split("/v1/")[0] + "/v1/"), (path, location)
        followed = http.get(location)
        assert followed.status_code == 200, (location, followed.text)
    upload = http.post(
        "/api/ingest/v1/uploads",
        params={"kind": "sick_leave"},
        content=b"unit_code;period;sick_leave_pct\r\nHT-OSTER;2027-05;5,5\r\n",
        headers={"Content-Type": "text/csv"},
    )
    assert upload.status_code == 201, upload.text
    assert upload.headers["location"].startswith("/api/ingest/v1/uploads/")
    assert http.get(upload.headers["location"]).status_code == 200


def test_gateway_answers_502_problem_when_a_service_is_down(stack: Stack) -> None:
    # Runs last in this module: it stops the budget service.
    stack.stop_one("budget")
    down = httpx.get(f"{stack.base_url}/api/budget/healthz", timeout=30)
    assert down.status_code == 502
    assert down.headers["content-type"].startswith(PROBLEM)
    assert down.json()["title"] == "Bad Gateway"
    assert down.headers["retry-after"] == "5"
    assert httpx.get(f"{stack.base_url}/api/ingest/healthz", timeout=30).status_code == 200


def test_logs_are_json_lines(stack: Stack) -> None:
    lines = access_log_lines(stack)
    assert lines
    assert {"ts", "request_id", "method", "uri", "status", "duration_s"} <= set(lines[0])
    service_log = (Path(stack.workdir) / "ingest.log").read_text().splitlines()
    parsed = [json.loads(line) for line in service_log if line.startswith("{")]
    assert parsed, service_log[:5]
    # The service's own access line per request, behind the gateway's.
    access = [p for p in parsed if p.get("logger") == "kvn.access"]
    assert access, parsed[:5]
    assert {"method", "route", "status", "duration_ms", "request_id", "tenant", "key_id"} <= set(
        access[0]
    )
