"""OpenTelemetry traces, configured here only: off unless OTEL_TRACES_EXPORTER or
OTEL_EXPORTER_OTLP_ENDPOINT is set.

When on, every service app gets a server span per request (the FastAPI instrumentation,
which reads W3C `traceparent`), every service-to-service call a client span that sends
`traceparent` (the httpx instrumentation on the one client per process), and every statement a
database span (the SQLAlchemy instrumentation on each engine), so one trace runs gateway →
service → service → database. The exporter is OTLP over HTTP (protobuf), configured by the
standard OTEL_* variables, which the SDK reads itself; `console` prints spans instead.

The provider is held here rather than set globally, so a test can trace into an in-memory
exporter (`use(provider)`) and switch tracing off again (`use(None)`).
"""

from __future__ import annotations

import logging
import weakref

import httpx
from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
)
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.settings import Settings

logger = logging.getLogger("kvn.tracing")

# Probes and scrapes would be most of the spans and say nothing.
EXCLUDED_URLS = "healthz,readyz,metrics"

_provider: TracerProvider | None = None
_engines: weakref.WeakSet[Engine] = weakref.WeakSet()
_transports: weakref.WeakSet[httpx.AsyncBaseTransport] = weakref.WeakSet()


def wanted(settings: Settings) -> bool:
    exporter = settings.OTEL_TRACES_EXPORTER.strip().lower()
    if exporter == "none":
        return False
    return bool(exporter or settings.OTEL_EXPORTER_OTLP_ENDPOINT.strip())


def configure(settings: Settings, *, service: str) -> None:
    """Start tracing for this process when the settings ask for it (once; later calls keep
    what the first one chose). The resource is OTEL_SERVICE_NAME, else `kvalitetsnavet-<service>`
    (`kvn run` serves all four in one process: the first app names it)."""
    if _provider is not None or not wanted(settings):
        return
    name = settings.OTEL_SERVICE_NAME or f"kvalitetsnavet-{service}"
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}))
    if settings.OTEL_TRACES_EXPORTER.strip().lower() == "console":
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    use(provider)
    logger.info("tracing on", extra={"exporter": settings.OTEL_TRACES_EXPORTER or "otlp"})


def use(provider: TracerProvider | None) -> None:
    """Trace into `provider` from now on (apps, clients and engines set up afterwards); None
    switches tracing off and detaches the engines' listeners."""
    global _provider
    if provider is None and _provider is not None:
        EngineTracer.remove_all_event_listeners()  # type: ignore[no-untyped-call]
        _engines.clear()
        _transports.clear()
    _provider = provider


def active() -> TracerProvider | None:
    """The provider traces go to, None while tracing is off."""
    return _provider


def instrument_app(app: FastAPI) -> None:
    if _provider is not None:
        FastAPIInstrumentor.instrument_app(
            app, tracer_provider=_provider, excluded_urls=EXCLUDED_URLS
        )


def instrument_client(client: httpx.AsyncClient) -> None:
    # The instrumentation wraps the client's transport; one shared by several clients (the
    # tests' in-process router) is wrapped once, else each call would nest a span per client.
    transport: httpx.AsyncBaseTransport | None = getattr(client, "_transport", None)
    if _provider is None or (transport is not None and transport in _transports):
        return
    if transport is not None:
        _transports.add(transport)
    HTTPXClientInstrumentor.instrument_client(client, tracer_provider=_provider)


def instrument_engine(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine
    if _provider is None or sync_engine in _engines:
        return
    _engines.add(sync_engine)
    meter = NoOpMeterProvider().get_meter(__name__)
    EngineTracer(  # type: ignore[no-untyped-call]
        _provider.get_tracer("opentelemetry.instrumentation.sqlalchemy"),
        sync_engine,
        meter.create_up_down_counter("db.client.connections.usage"),
    )
