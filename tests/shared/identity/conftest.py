from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Query
from pydantic import BaseModel

from shared.app import create_service_app
from shared.auth import ALL_SCOPES, Principal, Scope, require
from shared.db import Database
from shared.oidc import me_router
from shared.settings import Settings
from tests.helpers import HostRouter, running, test_settings
from tests.shared.identity.issuer import TestIssuer

PROBE = "http://probe.test"
ORIGIN = "https://app.exempelstad.se"


class IdpRouter(HostRouter):
    """The in-process services plus the test identity provider at idp.test."""

    def __init__(self, issuer: TestIssuer) -> None:
        super().__init__()
        self.idp = httpx.MockTransport(issuer.handle)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "idp.test":
            return await self.idp.handle_async_request(request)
        return await super().handle_async_request(request)


class UnitsIn(BaseModel):
    units: list[str]


def probe_router() -> APIRouter:
    """Small routes: one per scope, plus the Principal's tenant and unit rules."""
    router = APIRouter(prefix="/probe")

    def add_scope_route(scope: Scope) -> None:
        async def probe() -> dict[str, str]:
            return {"scope": scope}

        router.add_api_route(
            f"/scope/{scope}", probe, methods=["GET"], dependencies=[Depends(require(scope))]
        )

    for scope in ALL_SCOPES:
        add_scope_route(scope)

    @router.get("/whoami")
    async def whoami(principal: Annotated[Principal, Depends(require())]) -> dict[str, Any]:
        return {
            "name": principal.name,
            "municipality_code": principal.municipality_code,
            "municipalities": sorted(principal.municipalities or []),
            "unit_codes": None if principal.unit_codes is None else sorted(principal.unit_codes),
            "roles": sorted(principal.roles),
            "scopes": sorted(principal.scopes),
            "key_id": str(principal.key_id),
            "is_person": principal.is_person,
        }

    @router.get("/tenant")
    async def tenant(
        principal: Annotated[Principal, Depends(require())],
        municipality_code: Annotated[str | None, Query()] = None,
    ) -> dict[str, str]:
        return {"municipality_code": principal.tenant(municipality_code)}

    @router.post("/local-data")
    async def write_local(
        body: UnitsIn, principal: Annotated[Principal, Depends(require("ingest:write"))]
    ) -> dict[str, list[str]]:
        principal.require_units(body.units)
        return {"written": body.units}

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("unexpected")

    return router


@pytest.fixture
def issuer() -> TestIssuer:
    return TestIssuer()


@pytest.fixture
def identity_settings(database_url: str, issuer: TestIssuer) -> Settings:
    return test_settings(
        database_url,
        OIDC_ISSUERS=[issuer.config()],
        OIDC_JWKS_REFETCH_S=30.0,
        CORS_ALLOW_ORIGINS=[ORIGIN],
        CORS_MAX_AGE_S=900,
    )


MakeApp = Callable[..., FastAPI]


@pytest.fixture
async def identity_apps(
    identity_settings: Settings, database: Database, issuer: TestIssuer
) -> AsyncIterator[dict[str, FastAPI]]:
    """The four services and the probe app with the test issuer configured."""
    import importlib
    from contextlib import AsyncExitStack

    router = IdpRouter(issuer)
    apps: dict[str, FastAPI] = {}
    async with AsyncExitStack() as stack:
        for service in ("ingest", "indicators", "awards", "budget"):
            module = importlib.import_module(f"services.{service}.app")
            app = module.create_app(identity_settings, database=database, transport=router)
            router.add(service, app)
            apps[service] = await stack.enter_async_context(running(app))
        probe = create_service_app(
            service="ingest",
            title="probe",
            description="test routes",
            routers=[probe_router(), me_router()],
            settings=identity_settings,
            database=database,
            transport=router,
        )
        apps["probe"] = await stack.enter_async_context(running(probe))
        yield apps


PersonClient = Callable[..., httpx.AsyncClient]


@pytest.fixture
async def person(identity_apps: dict[str, FastAPI]) -> AsyncIterator[PersonClient]:
    """`person("budget", token)`: a client of one app sending a bearer token."""
    opened: list[httpx.AsyncClient] = []

    def make(app: str, token: str | None = None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        c = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=identity_apps[app], raise_app_exceptions=False),
            base_url=PROBE if app == "probe" else f"http://{app}.test",
            headers=headers,
        )
        opened.append(c)
        return c

    yield make
    for c in opened:
        await c.aclose()
