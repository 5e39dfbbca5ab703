"""OpenTelemetry: one trace spans awards → indicators → the database, `traceparent` carried by
the service client; tracing stays off unless the settings ask for it."""

from __future__ import annotations

import asyncio
import contextvars
import importlib
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from shared import tracing
from shared.db import Database
from shared.settings import SERVICES, ServiceName, Settings
from tests import helpers
from tests.conftest import MakeKey
from tests.helpers import TEST_HOSTS, HostRouter, running


class ProcessBoundary(HostRouter):
    """Serves each peer call in an empty context, as another process would: what links the
    peer's spans to the caller's is the `traceparent` header alone."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        call = super().handle_async_request(request)
        return await asyncio.create_task(call, context=contextvars.Context())


@asynccontextmanager
async def separate_services(
    settings: Settings, database: Database
) -> AsyncIterator[dict[ServiceName, FastAPI]]:
    router = ProcessBoundary()
    async with AsyncExitStack() as stack:
        apps: dict[ServiceName, FastAPI] = {}
        for service in SERVICES:
            module = importlib.import_module(f"services.{service}.app")
            app = module.create_app(settings, database=database, transport=router)
            router.add(service, app)
            apps[service] = await stack.enter_async_context(running(app))
        yield apps


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    tracing.use(provider)
    yield spans
    tracing.use(None)


def _attr(span: ReadableSpan, name: str) -> object:
    return (span.attributes or {}).get(name)


def _parent(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> ReadableSpan | None:
    return by_id.get(span.parent.span_id) if span.parent is not None else None


def _ancestors(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> list[ReadableSpan]:
    chain = []
    found = _parent(span, by_id)
    while found is not None:
        chain.append(found)
        found = _parent(found, by_id)
    return chain


async def test_one_trace_spans_awards_indicators_and_the_database(
    exporter: InMemorySpanExporter, settings: Settings, database: Database, make_key: MakeKey
) -> None:
    key = await make_key()
    async with (
        separate_services(settings, database) as apps,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=apps["awards"]),
            base_url=TEST_HOSTS["awards"],
            headers={"Authorization": f"Bearer {key}"},
        ) as awards,
    ):
        response = await awards.post(
            "/v1/evaluations",
            json={"title": "Spårad", "indicator_code": "andel_nojda", "period": "2024"},
        )
    assert response.status_code == 201, response.text

    spans = exporter.get_finished_spans()
    servers = [s for s in spans if s.kind is SpanKind.SERVER]
    (awards_span,) = [s for s in servers if _attr(s, "http.route") == "/v1/evaluations"]
    trace_id = awards_span.context.trace_id
    in_trace = [s for s in spans if s.context.trace_id == trace_id]
    by_id = {s.context.span_id: s for s in in_trace}
    indicators_spans = [
        s
        for s in in_trace
        if s.kind is SpanKind.SERVER and "/v1/indicators/" in str(_attr(s, "http.route"))
    ]
    assert indicators_spans, "the indicators service's span is not in awards' trace"
    indicators_span = indicators_spans[0]
    # awards' server span → its httpx client span → indicators' server span (traceparent)
    client_span = _parent(indicators_span, by_id)
    assert client_span is not None
    assert client_span.kind is SpanKind.CLIENT
    assert "indicators.test" in str(_attr(client_span, "url.full")) + str(
        _attr(client_span, "http.url")
    )
    assert awards_span in _ancestors(client_span, by_id)
    # … → a statement the indicators service ran, in the same trace.
    database_spans = [
        s
        for s in in_trace
        if s.kind is SpanKind.CLIENT
        and (_attr(s, "db.system") or _attr(s, "db.system.name")) == "postgresql"
    ]
    assert any(indicators_span in _ancestors(s, by_id) for s in database_spans), [
        s.name for s in in_trace
    ]
    # Probes and scrapes are not traced; the trace holds only this request's work.
    assert {s.context.trace_id for s in servers} == {trace_id}


def test_tracing_is_off_unless_an_exporter_or_endpoint_is_set(database_url: str) -> None:
    assert not tracing.wanted(helpers.test_settings(database_url))
    assert not tracing.wanted(helpers.test_settings(database_url, OTEL_TRACES_EXPORTER="none"))
    assert tracing.wanted(helpers.test_settings(database_url, OTEL_TRACES_EXPORTER="otlp"))
    assert tracing.wanted(
        helpers.test_settings(database_url, OTEL_EXPORTER_OTLP_ENDPOINT="http://collector:4318")
    )


def test_an_otlp_endpoint_turns_tracing_on_named_after_the_service(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert tracing.active() is None
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.invalid:4318")
    settings = helpers.test_settings(
        database_url, OTEL_EXPORTER_OTLP_ENDPOINT="http://collector.invalid:4318"
    )
    tracing.configure(settings, service="awards")
    provider = tracing.active()
    try:
        assert provider is not None
        assert provider.resource.attributes["service.name"] == "kvalitetsnavet-awards"
        tracing.configure(settings, service="budget")  # once per process
        assert tracing.active() is provider
    finally:
        tracing.use(None)
        if provider is not None:
            provider.shutdown()
