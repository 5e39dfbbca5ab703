"""The factory every service uses: middleware, error handlers, health, metrics, lifespan."""

from __future__ import annotations

import asyncio
import copy
import gc
import json
import logging
import re
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import fastapi_offline
import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ConfigDict

from shared import API_VERSION, __version__, cpu, metrics, tenancy, tracing
from shared.auth import FailureThrottle, KeyCache, revocations_heard
from shared.db import Database
from shared.deprecation import headers_for as deprecation_headers
from shared.disconnect import CancelOnDisconnectMiddleware
from shared.errors import (
    COMMON_RESPONSES,
    AppError,
    Problem,
    UnsupportedMediaType,
    install_error_handlers,
    problem_response,
)
from shared.http_cache import conditional
from shared.i18n import message
from shared.logging import configure_logging
from shared.middleware import BodyLimitMiddleware, RateLimitMiddleware, RequestContextMiddleware
from shared.openapi import finish
from shared.public_urls import PublicUrlMiddleware, public_path
from shared.request_input import refuse_personal_data_in_query
from shared.settings import ServiceName, Settings, get_settings

logger = logging.getLogger("kvn.app")

ExtraLifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


class JsonRoute(APIRoute):
    """Refuses a JSON body sent with another media type (415) instead of guessing, and a
    query string holding a personnummer (422, shared.request_input).

    --- api: every successful GET gets an ETag and answers 304 to a matching If-None-Match
    (shared.http_cache); a route marked by shared.deprecation.deprecated sends Deprecation
    and Sunset on every response, problems included. ---"""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        expects_json = self.body_field is not None and not _is_form(self)
        sunset_headers = deprecation_headers(self.deprecated, self.openapi_extra)

        async def route_handler(request: Request) -> Response:
            try:
                refuse_personal_data_in_query(request)
                if expects_json and request.method in {"POST", "PUT", "PATCH"}:
                    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
                    if media and media != "application/json" and not media.endswith("+json"):
                        raise UnsupportedMediaType(
                            message("problem.shared.send_body_application_json", media=media),
                            headers={"Accept-Post": "application/json"},
                        )
                response = conditional(request, await handler(request))
            except AppError as exc:
                exc.headers.update(sunset_headers)
                raise
            response.headers.update(sunset_headers)
            return response

        return route_handler


def summarize(docstring: str) -> tuple[str, str]:
    """The first line of a docstring when that ends a sentence, else its first sentence; and
    the rest."""
    paragraph = docstring.split("\n\n")[0]
    first_line = paragraph.split("\n")[0].rstrip()
    if first_line.endswith((".", "?")):
        end = len(first_line)
    else:
        found = re.search(r"[.?](\s|$)", paragraph)
        end = found.start() + 1 if found else len(paragraph)
    return " ".join(docstring[:end].split()).rstrip("."), docstring[end:].strip()


def operation_id(route: APIRoute) -> str:
    """--- api: the operationId is the handler's name (`<verb>_<entity>`), stable for
    generated clients; shared.openapi prefixes the service where names clash. ---"""
    return route.name


def _is_form(route: APIRoute) -> bool:
    from fastapi.params import Body, File, Form

    field = route.body_field
    info = getattr(field, "field_info", None)
    return isinstance(info, Form | File) or (
        isinstance(info, Body) and info.media_type != "application/json"
    )


def service_router(**kwargs: Any) -> APIRouter:
    """An APIRouter with the suite's route class and the declared problem responses."""
    kwargs.setdefault("responses", COMMON_RESPONSES)
    kwargs.setdefault("generate_unique_id_function", operation_id)
    return APIRouter(route_class=JsonRoute, **kwargs)


class Health(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "ok", "service": "budget", "version": "0.2.0"}]}
    )

    status: str
    service: str
    version: str


def create_service_app(
    *,
    service: ServiceName,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    settings: Settings | None = None,
    database: Database | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    extra_lifespan: ExtraLifespan | None = None,
    upload_suffixes: tuple[str, ...] = (),
    database_gauges: bool = False,
) -> FastAPI:
    """Build one service. Tests pass a `database` bound to their connection and a `transport`
    that routes service-to-service calls to in-process peer apps. `database_gauges`: this
    service's /metrics also reads the sync jobs, outbox and webhook deliveries (one service
    does, so the figures are not repeated by every service)."""
    settings = settings or get_settings()
    metrics.install()
    tracing.configure(settings, service=service)
    cpu.favour_the_event_loop()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            db = database or Database.from_settings(settings)
            stack.push_async_callback(db.dispose)
            app.state.database = db
            app.state.settings = settings
            app.state.key_cache = KeyCache(ttl=0.0 if settings.ENVIRONMENT == "test" else 10.0)
            app.state.auth_throttle = FailureThrottle(
                burst=settings.AUTH_FAILURE_BURST, per_minute=settings.AUTH_FAILURES_PER_MINUTE
            )
            if app.state.key_cache.ttl > 0:
                await stack.enter_async_context(revocations_heard(db.engine, app.state.key_cache))
            http = httpx.AsyncClient(
                transport=transport,
                timeout=httpx.Timeout(settings.HTTP_TIMEOUT_S, connect=3.0),
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            )
            tracing.instrument_client(http)
            stack.push_async_callback(http.aclose)
            app.state.http = http
            if extra_lifespan is not None:
                await stack.enter_async_context(extra_lifespan(app))
            watcher = asyncio.create_task(metrics.watch_event_loop(service))
            stack.callback(watcher.cancel)
            if settings.ENVIRONMENT != "test":
                # Everything loaded at start-up (modules, models, schemas) lives as long as
                # the process: out of the collector's sight, a full collection no longer
                # walks it, which held the event loop for hundreds of milliseconds.
                gc.collect()
                gc.freeze()
            yield

    app = FastAPI(
        title=title,
        description=description,
        version=__version__,
        lifespan=lifespan,
        responses=COMMON_RESPONSES,
        docs_url=None,  # served below from the suite's own files (_serve_docs)
        redoc_url=None,
        generate_unique_id_function=operation_id,
    )
    app.router.route_class = JsonRoute
    install_error_handlers(app)
    tenancy.install()

    app.add_middleware(RateLimitMiddleware, per_minute=settings.RATE_LIMIT_PER_MINUTE)
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.MAX_BODY_BYTES,
        upload_bytes=settings.MAX_UPLOAD_BYTES,
        upload_suffixes=upload_suffixes,
    )
    app.add_middleware(RequestContextMiddleware, service=service)
    app.add_middleware(PublicUrlMiddleware)
    app.add_middleware(CancelOnDisconnectMiddleware)

    ops = APIRouter(route_class=JsonRoute, tags=["operations"])

    @ops.get(
        "/healthz",
        response_model=Health,
        operation_id=f"{service}_healthz",
        summary="Liveness: the process answers",
    )
    async def get_health() -> Health:
        """Liveness: the process answers. No I/O."""
        return Health(status="ok", service=service, version=__version__)

    @ops.get(
        "/readyz",
        response_model=Health,
        operation_id=f"{service}_readyz",
        summary="Readiness: the worker processes have started, the database answers",
        responses={503: COMMON_RESPONSES[503]},
    )
    async def get_readiness(request: Request) -> Response:
        """Readiness: the service's worker processes have started and the database answers a
        ping."""
        starting: list[asyncio.Task[None]] = getattr(request.app.state, "starting", [])
        if any(not task.done() for task in starting):
            return problem_response(
                request,
                status=503,
                slug="starting",
                detail=message("problem.shared.still_starting"),
                headers={"Retry-After": "1"},
            )
        db: Database = request.app.state.database
        try:
            await db.ping()
        except Exception:
            return problem_response(
                request,
                status=503,
                slug="database-unavailable",
                detail=message("problem.shared.database_not_answering"),
                headers={"Retry-After": "5"},
            )
        return JSONResponse(
            Health(status="ready", service=service, version=__version__).model_dump()
        )

    @ops.get("/metrics", include_in_schema=False)
    async def get_metrics(request: Request) -> PlainTextResponse:
        """Prometheus exposition; inside the cluster only (the gateway refuses it)."""
        if database_gauges:
            db: Database = request.app.state.database
            try:
                async with db.read_sessionmaker() as session:
                    await metrics.refresh_database_gauges(session)
            except Exception:
                # A scrape still answers (with the last figures) while the database is away.
                logger.warning("metrics: the database gauges could not be read", exc_info=True)
        return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    app.include_router(ops)
    for router in routers:
        app.include_router(router)
    if settings.docs_enabled:
        _serve_docs(app, title)

    def custom_openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            servers=[{"url": f"/api/{service}"}],
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault(
            "Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        for name, sub in (
            Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            .get("$defs", {})
            .items()
        ):
            components.setdefault(name, sub)
        components["Problem"].pop("$defs", None)
        schema["info"]["x-api-version"] = API_VERSION
        _title_enums(components)
        _name_enums(schema)
        _summaries(schema)
        _problem_content(schema)
        finish(schema, service=service, routes=app.routes, page_max=settings.MAX_PAGE_SIZE)
        app.openapi_schema = schema
        return schema

    app.openapi = custom_openapi  # type: ignore[method-assign]
    # Before the browser wrapper: the instrumentation expects Starlette's own stack.
    tracing.instrument_app(app)
    _wrap_for_browsers(app, settings)
    return app


# Swagger UI's files as shipped in the fastapi-offline wheel (pinned in pyproject.toml).
DOCS_STATIC = Path(fastapi_offline.__file__).parent / "static"


def _serve_docs(app: FastAPI, title: str) -> None:
    """--- api: the interactive docs (Swagger UI) load only the suite's own files, so they work
    without internet and under a Content-Security-Policy of 'self' (shared.browser). ---"""
    app.mount("/docs/static", StaticFiles(directory=DOCS_STATIC), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    async def get_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=public_path("/openapi.json"),
            title=f"{title}: API",
            swagger_js_url=public_path("/docs/static/swagger-ui-bundle.js"),
            swagger_css_url=public_path("/docs/static/swagger-ui.css"),
            swagger_favicon_url=public_path("/docs/static/favicon.png"),
        )


def _problem_content(schema: dict[str, Any]) -> None:
    """--- api: an error a route declares by description only (412, 428 ...) is rendered by
    shared.errors like every other: say so, so clients type it as a Problem. ---"""
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for item in schema.get("paths", {}).values():
        for op in item.values():
            if not isinstance(op, dict):
                continue
            for status, response in op.get("responses", {}).items():
                if str(status)[0] in "45" and not response.get("content"):
                    response["content"] = copy.deepcopy(problem)


def _summaries(schema: dict[str, Any]) -> None:
    """--- api: an operation's summary is its handler's docstring's first sentence (see
    `summarize`) and its description the rest, unless the route sets a summary. ---"""
    for item in schema.get("paths", {}).values():
        for op in item.values():
            if not isinstance(op, dict) or not op.get("description"):
                continue
            default = op.get("operationId", "").replace("_", " ").title()
            if op.get("summary") in (None, default):
                op["summary"], rest = summarize(op["description"])
                if rest:
                    op["description"] = rest
                else:
                    del op["description"]


def _title_enums(node: Any, title: str | None = None) -> None:
    """--- api: an optional or listed Literal is an enum without a title inside a titled
    property; generated clients name it after that property (e.g. `Direction`). ---"""
    if isinstance(node, dict):
        if "enum" in node and "title" not in node and title:
            node["title"] = title
        inner = node.get("title", title) if isinstance(node.get("title", title), str) else title
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                for name, prop in value.items():
                    fallback = name.replace("_", " ").title()
                    _title_enums(
                        prop, prop.get("title", fallback) if isinstance(prop, dict) else None
                    )
            elif key != "title":
                _title_enums(value, inner)
    elif isinstance(node, list):
        for item in node:
            _title_enums(item, title)


def _pascal(text: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", text) if w)


# What an enum's component holds; the rest (default, description …) stays where it is used.
_ENUM_KEYS = ("type", "enum")


def _name_enums(schema: dict[str, Any]) -> None:
    """--- api: every enum is a named component referenced by $ref, so a client gets one type
    per enum. Enums with the same title and values share one; where one title has several
    value sets, the most used keeps the plain name and the others get their parent's name
    in front (`<Schema><Property>`, `<OperationId><Parameter>`). ---"""
    components: dict[str, Any] = schema.setdefault("components", {}).setdefault("schemas", {})
    sites: list[tuple[dict[str, Any], str, str]] = []  # (node, title, parent)

    def visit(node: Any, title: str, parent: str) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("enum"), list):
                sites.append((node, _pascal(node.get("title") or title) or "Enum", parent))
                return
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    for name, prop in value.items():
                        visit(prop, name, parent)
                elif key != "$ref":
                    visit(value, title, parent)
        elif isinstance(node, list):
            for item in node:
                visit(item, title, parent)

    for name, component in list(components.items()):
        if "enum" not in component:
            visit(component, name, name)
    for item in schema.get("paths", {}).values():
        for op in item.values():
            if not isinstance(op, dict):
                continue
            parent = _pascal(op.get("operationId", ""))
            for param in op.get("parameters", []):
                visit(param.get("schema"), param.get("name", ""), parent)
            visit(op.get("requestBody"), "", parent)
            visit(op.get("responses"), "", parent)

    def key(node: dict[str, Any]) -> str:
        return json.dumps({k: node[k] for k in _ENUM_KEYS if k in node}, sort_keys=True)

    variants: dict[str, dict[str, list[str]]] = {}  # title → definition → parents
    for node, title, parent in sites:
        variants.setdefault(title, {}).setdefault(key(node), []).append(parent)
    names: dict[tuple[str, str], str] = {}
    for title, by_definition in variants.items():
        ranked = sorted(by_definition.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        for rank, (definition, parents) in enumerate(ranked):
            name = title
            if rank > 0 or (title in components and key(components[title]) != definition):
                name = parents[0] + title
                n = 2
                while name in components and key(components[name]) != definition:
                    name, n = f"{parents[0]}{title}{n}", n + 1
            components[name] = {**json.loads(definition), "title": name}
            names[title, definition] = name
    for node, title, _ in sites:
        name = names[title, key(node)]
        rest = {k: v for k, v in node.items() if k not in (*_ENUM_KEYS, "title")}
        node.clear()
        node.update({"$ref": f"#/components/schemas/{name}", **rest})
    schema["components"]["schemas"] = dict(sorted(components.items()))


def _wrap_for_browsers(app: FastAPI, settings: Settings) -> None:
    """--- identity: CORS and security headers outside the whole stack (errors included) ---"""
    from shared.browser import wrap_for_browsers

    build = app.build_middleware_stack

    def build_wrapped() -> Any:
        return wrap_for_browsers(build(), settings)

    app.build_middleware_stack = build_wrapped  # type: ignore[method-assign]


def configure_process(settings: Settings) -> None:
    configure_logging(settings.LOG_LEVEL, json_format=settings.LOG_JSON)
