"""Every service writes one JSON access line per request (never the credential), and /metrics
carries the database, sync, outbox, webhook, scheduler and cache families."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid

import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import emit
from shared.logging import JsonFormatter
from shared.lru import Lru
from shared.models.ingest import KoladaSyncJob
from shared.settings import SERVICES
from tests.conftest import MakeClient, MakeKey
from tests.shared.webhooks.test_delivery import FRAME_SAVED

# One authenticated GET per service.
ROUTES = {
    "ingest": ("/v1/batches", "/v1/batches"),
    "indicators": ("/v1/indicators/andel_nojda", "/v1/indicators/{code}"),
    "awards": ("/v1/schemes", "/v1/schemes"),
    "budget": ("/v1/frames", "/v1/frames"),
}


async def test_every_service_logs_one_json_line_per_request_without_the_key(
    client: MakeClient, make_key: MakeKey, caplog: pytest.LogCaptureFixture
) -> None:
    token = await make_key()
    caplog.set_level(logging.INFO, logger="kvn.access")
    answers = {}
    for service in SERVICES:
        path, _ = ROUTES[service]
        answers[service] = await client(service, token).get(path)
        assert answers[service].status_code < 500, answers[service].text
    records = [r for r in caplog.records if r.name == "kvn.access"]
    lines = [json.loads(JsonFormatter().format(r)) for r in records]
    for service in SERVICES:
        response = answers[service]
        (line,) = [entry for entry in lines if entry["service"] == service]
        assert line["method"] == "GET"
        assert line["route"] == ROUTES[service][1]
        assert line["status"] == response.status_code
        assert line["request_id"] == response.headers["x-request-id"]
        assert line["tenant"] == "9990"
        assert uuid.UUID(line["key_id"])
        assert 0 < line["duration_ms"] < 60_000
    # The key's secret, or any part of it longer than its public prefix, is in no line.
    text = "\n".join(JsonFormatter().format(r) for r in records)
    assert token not in text
    assert token[-16:] not in text


async def test_an_anonymous_request_is_logged_without_tenant_or_key(
    client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kvn.access")
    response = await client("budget", "not-a-key-0123456789abcdef").get("/v1/frames")
    assert response.status_code == 401
    (record,) = [r for r in caplog.records if r.name == "kvn.access"]
    line = json.loads(JsonFormatter().format(record))
    assert (line["status"], line["tenant"], line["key_id"]) == (401, None, None)
    assert "not-a-key" not in JsonFormatter().format(record)


def _samples(text: str) -> dict[str, list[Sample]]:
    return {f.name: f.samples for f in text_string_to_metric_families(text)}


def _value(samples: list[Sample], name: str, **labels: str) -> float:
    found = [s.value for s in samples if s.name == name and labels.items() <= s.labels.items()]
    assert found, (name, labels)
    return sum(found)


async def test_metrics_show_pool_statements_sync_jobs_outbox_webhooks_and_caches(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    session.add(
        KoladaSyncJob(
            mode="full",
            trigger="api",
            state="running",
            plan={},
            chunks_total=12,
            chunks_done=5,
            chunks_failed=1,
            rows_done=4321,
        )
    )
    await emit(session, municipality_code="9990", type="budget.frame_saved", payload=FRAME_SAVED)
    await session.commit()
    cache = Lru[str, int](4, name="observability_test")
    cache.put("a", 1)
    assert cache.get("a") == 1
    assert cache.get("b") is None
    ingest = client("ingest", await make_key())
    assert (await ingest.get("/v1/batches")).status_code == 200

    scrape = await ingest.get("/metrics")
    assert scrape.status_code == 200
    families = _samples(scrape.text)

    http = families["kvn_http_requests"]
    assert _value(http, "kvn_http_requests_total", service="ingest", route="/v1/batches") >= 1
    statements = families["kvn_db_statement_duration_seconds"]
    assert _value(statements, "kvn_db_statement_duration_seconds_count", operation="SELECT") >= 1
    pool = families["kvn_db_pool_connections"]
    # This test's own connection is checked out of the pool while the scrape runs.
    assert _value(pool, "kvn_db_pool_connections", pool="primary", state="in_use") >= 1
    assert _value(pool, "kvn_db_pool_connections", pool="primary", state="idle") >= 0
    assert _value(families["kvn_db_pool_waiting"], "kvn_db_pool_waiting", pool="primary") == 0
    jobs = families["kvn_kolada_sync_jobs"]
    assert _value(jobs, "kvn_kolada_sync_jobs", state="running") >= 1
    chunks = families["kvn_kolada_sync_chunks"]
    assert _value(chunks, "kvn_kolada_sync_chunks", progress="total") >= 12
    assert _value(chunks, "kvn_kolada_sync_chunks", progress="done") >= 5
    rows = families["kvn_kolada_sync_rows"]
    assert _value(rows, "kvn_kolada_sync_rows", state="running") >= 4321
    assert _value(families["kvn_outbox_pending_events"], "kvn_outbox_pending_events") >= 1
    age = _value(
        families["kvn_outbox_oldest_pending_age_seconds"], "kvn_outbox_oldest_pending_age_seconds"
    )
    assert 0 <= age < 365 * 86400
    for state in ("pending", "delivered", "failed"):
        assert (
            _value(families["kvn_webhook_deliveries"], "kvn_webhook_deliveries", state=state) >= 0
        )
    assert "kvn_webhook_delivery_attempts" in families
    assert _value(families["kvn_scheduler_leader"], "kvn_scheduler_leader") in (0, 1)
    lookups = families["kvn_cache_lookups"]
    assert _value(lookups, "kvn_cache_lookups_total", cache="observability_test", result="hit") == 1
    assert (
        _value(lookups, "kvn_cache_lookups_total", cache="observability_test", result="miss") == 1
    )


async def test_only_ingest_reads_the_database_gauges(client: MakeClient) -> None:
    """The sync, outbox and delivery figures are the same everywhere: one service reports
    them, so a sum over targets does not multiply them."""
    before = (await client("budget").get("/metrics")).text
    statements = _samples(before)["kvn_db_statement_duration_seconds"]
    count = _value(statements, "kvn_db_statement_duration_seconds_count")
    after = (await client("budget").get("/metrics")).text
    statements = _samples(after)["kvn_db_statement_duration_seconds"]
    assert _value(statements, "kvn_db_statement_duration_seconds_count") == count


async def test_a_held_event_loop_shows_in_every_services_metrics(
    client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Ops see how long a request waited before its process could look at it: each
    service's event loop lag, and a warning when something held it for a second."""

    async def held() -> dict[str, float]:
        """Lags over half a second observed so far, by service."""
        found: dict[str, float] = {}
        for service in SERVICES:
            lag = _samples((await client(service).get("/metrics")).text)
            samples = lag["kvn_event_loop_lag_seconds"]
            found[service] = _value(
                samples, "kvn_event_loop_lag_seconds_count", service=service
            ) - _value(samples, "kvn_event_loop_lag_seconds_bucket", service=service, le="0.5")
        return found

    before = await held()
    with caplog.at_level(logging.WARNING, logger="kvn.metrics"):
        time.sleep(1.1)  # noqa: ASYNC251 (the loop held, as CPU-bound work on it would be)
        await asyncio.sleep(0.3)  # the watchers wake and observe how late they are
    after = await held()
    assert all(after[s] > before[s] for s in SERVICES), (before, after)
    assert any(r.getMessage() == "the event loop was held" for r in caplog.records)
