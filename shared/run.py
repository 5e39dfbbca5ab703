"""`make run`: the embedded default. One process serves the four services under /api/<service>/
(the same paths as the gateway), with the scheduler, on the embedded PostgreSQL unless
DATABASE_URL is set."""

from __future__ import annotations

import asyncio
import importlib
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from shared import __version__
from shared.auth import create_api_key, key_status
from shared.browser import wrap_for_browsers
from shared.db import Database
from shared.demo import load_demo
from shared.devissuer import DevIssuer, dev_issuer_router
from shared.embedded import EmbeddedPostgres
from shared.errors import install_error_handlers
from shared.middleware import RequestContextMiddleware
from shared.migrate import upgrade
from shared.scheduler import LeaderScheduler
from shared.settings import SERVICES, Settings, get_settings

logger = logging.getLogger("kvn.run")


def service_factory(service: str) -> str:
    return f"services.{service}.app:create_app"


def build_combined_app(
    settings: Settings, database_url: str, *, dev_issuer: DevIssuer | None = None
) -> FastAPI:
    """Mount the four service apps; their lifespans run inside the parent's."""
    apps = {}
    for service in SERVICES:
        module = importlib.import_module(f"services.{service}.app")
        apps[service] = module.create_app(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            for sub in apps.values():
                await stack.enter_async_context(sub.router.lifespan_context(sub))
            if settings.SCHEDULER_ENABLED:
                scheduler = LeaderScheduler(settings, database_url)
                await scheduler.start()
                stack.push_async_callback(scheduler.stop)
            yield

    parent = FastAPI(
        title="Kvalitetsnavet",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    install_error_handlers(parent)
    # Request ids and API-Version on the parent's own answers (its 404) too; the mounted
    # services reuse the id it chose. Metrics stay with the services.
    parent.add_middleware(RequestContextMiddleware, service="run", metrics=False)

    @parent.get("/", include_in_schema=False)
    async def index() -> JSONResponse:
        return JSONResponse(
            {
                "name": "Kvalitetsnavet",
                "version": __version__,
                "services": {
                    s: {
                        "api": f"/api/{s}/v1",
                        "docs": f"/api/{s}/docs",
                        "openapi": f"/api/{s}/openapi.json",
                    }
                    for s in SERVICES
                },
            }
        )

    for service, sub in apps.items():
        parent.mount(f"/api/{service}", sub)
    if dev_issuer is not None:
        parent.mount("/dev/issuer", dev_issuer_app(dev_issuer, settings))
    return parent


def dev_issuer_app(issuer: DevIssuer, settings: Settings) -> FastAPI:
    """--- identity: the development-only token issuer, with the suite's browser headers ---"""
    if not settings.DEV_ISSUER_ENABLED or settings.ENVIRONMENT == "production":
        raise RuntimeError("the development issuer is off (DEV_ISSUER_ENABLED) or in production")
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    install_error_handlers(app)
    app.include_router(dev_issuer_router(issuer))
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: wrap_for_browsers(build(), settings)  # type: ignore[method-assign]
    return app


def _read_or_create(
    path: Path,
    settings: Settings,
    database_url: str,
    *,
    name: str,
    municipality: str | None,
    scopes: list[str],
) -> str:
    """The key kept in `path`, valid in this database: a kept key the database does not know
    (a new or another database under the same var/) is registered again; a revoked one is
    replaced by a new key."""
    kept = path.read_text().strip() if path.exists() else None

    async def ensure() -> str:
        db = Database.from_settings(settings, url=database_url)
        try:
            async with db.unit_of_work() as session:
                if kept is not None:
                    known = await key_status(session, kept)
                    if known == "valid":
                        return kept
                    if known == "unknown":
                        await create_api_key(
                            session,
                            name=name,
                            municipality_code=municipality,
                            scopes=scopes,
                            token=kept,
                        )
                        return kept
                key = await create_api_key(
                    session, name=name, municipality_code=municipality, scopes=scopes
                )
            return key.token
        finally:
            await db.dispose()

    token = asyncio.run(ensure())
    if token != kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(token + "\n")
        path.chmod(0o600)
    return token


def _exit_on_signal(signum: int, _frame: object) -> None:
    # uvicorn stops gracefully on SIGTERM, then raises the signal again with the handler it
    # found: this one, so main()'s clean-up (the embedded PostgreSQL) runs before the exit.
    raise SystemExit(128 + signum)


def main() -> None:
    signal.signal(signal.SIGTERM, _exit_on_signal)
    settings = get_settings()
    # The run's own files (keys) live beside the embedded database's data: var/ by default.
    var = settings.EMBEDDED_DATA_DIR.parent
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    embedded: EmbeddedPostgres | None = None
    database_url = settings.DATABASE_URL
    if not database_url:
        embedded = EmbeddedPostgres(settings.EMBEDDED_DATA_DIR)
        print(f"Starting the embedded PostgreSQL in {settings.EMBEDDED_DATA_DIR} …", flush=True)
        database_url = embedded.start()
    try:
        upgrade(database_url)
        db_settings = settings.model_copy(update={"DATABASE_URL": database_url})

        async def demo() -> bool:
            db = Database.from_settings(db_settings)
            try:
                async with db.unit_of_work() as session:
                    return await load_demo(session)
            finally:
                await db.dispose()

        if asyncio.run(demo()):
            print("Loaded the demo data.", flush=True)
        service_key = settings.SERVICE_API_KEY
        if not service_key.startswith("kvn_"):
            service_key = _read_or_create(
                var / "service_api_key",
                db_settings,
                database_url,
                name="embedded service key",
                municipality=None,
                scopes=["admin"],
            )
        demo_key = _read_or_create(
            var / "demo_api_key",
            db_settings,
            database_url,
            name="demo key (national, all scopes)",
            municipality=None,
            scopes=["admin"],
        )
        base = f"http://{settings.HOST}:{settings.PORT}"
        run_settings = db_settings.model_copy(
            update={
                "SERVICE_API_KEY": service_key,
                **{f"{s.upper()}_URL": f"{base}/api/{s}" for s in SERVICES},
            }
        )
        dev_issuer = None
        if settings.DEV_ISSUER_ENABLED:
            dev_issuer = DevIssuer.load_or_create(
                var / "dev_issuer_key.pem", issuer=f"{base}/dev/issuer"
            )
            run_settings = run_settings.model_copy(
                update={"OIDC_ISSUERS": [*run_settings.OIDC_ISSUERS, dev_issuer.config()]}
            )
        app = build_combined_app(run_settings, database_url, dev_issuer=dev_issuer)
        print(f"\nKvalitetsnavet {__version__} at {base}/", flush=True)
        for service in SERVICES:
            print(
                f"  {service:<11} {base}/api/{service}/v1   docs: {base}/api/{service}/docs",
                flush=True,
            )
        print(f"\nDemo API key (national, all scopes): {demo_key}", flush=True)
        print(
            f"  curl -H 'Authorization: Bearer {demo_key}' "
            f"'{base}/api/indicators/v1/indicators/andel_nojda/values?municipality_code=9990&period=2024'",
            flush=True,
        )
        if dev_issuer is not None:
            print(
                f"\nDEVELOPMENT-ONLY token issuer at {base}/dev/issuer (anyone may mint any role):"
                f"\n  curl '{base}/dev/issuer/token?role=controller&municipality=9990'"
                "\n  roles: reader unit_manager (&unit=HT-NORR) controller quality_developer "
                "jury admin; cooperation: &municipality=1461&municipality=1460",
                flush=True,
            )
        else:
            print("(Set DEV_ISSUER_ENABLED=true for demo sign-in tokens per role.)", flush=True)
        print("Ctrl-C stops everything.\n", flush=True)
        uvicorn.run(
            app,
            host=settings.HOST,
            port=settings.PORT,
            log_config=None,
            proxy_headers=False,
            server_header=False,
            timeout_graceful_shutdown=settings.SHUTDOWN_GRACE_S,
        )
    finally:
        if embedded is not None:
            print("Stopping the embedded PostgreSQL …", flush=True)
            embedded.stop()
