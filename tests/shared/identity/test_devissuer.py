"""The development-only issuer: mints tokens per demo role that the services accept."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from shared.db import Database
from shared.devissuer import DevIssuer
from shared.run import dev_issuer_app
from shared.settings import Settings
from tests import helpers
from tests.helpers import HostRouter, running

BASE = "http://devissuer.test/dev/issuer"


class DevRouter(HostRouter):
    def __init__(self, issuer_app: FastAPI) -> None:
        super().__init__()
        self.issuer = httpx.ASGITransport(app=issuer_app, root_path="/dev/issuer")

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "devissuer.test":
            return await self.issuer.handle_async_request(request)
        return await super().handle_async_request(request)


async def test_minted_token_for_a_role_is_accepted_by_a_service(
    database_url: str, database: Database
) -> None:
    from services.budget.app import create_app

    issuer = DevIssuer.generate(issuer=BASE)
    settings = helpers.test_settings(
        database_url, DEV_ISSUER_ENABLED=True, OIDC_ISSUERS=[issuer.config()]
    )
    issuer_app = dev_issuer_app(issuer, settings)
    router = DevRouter(issuer_app)
    budget = create_app(settings, database=database, transport=router)
    async with running(budget):
        dev = httpx.AsyncClient(transport=router, base_url="http://devissuer.test")
        # Mounted at /dev/issuer in `kvn run`; here the ASGI app is addressed directly.
        jwks = await dev.get("/dev/issuer/jwks.json")
        assert jwks.status_code == 200
        assert jwks.json()["keys"][0]["alg"] == "ES256"
        assert jwks.headers["x-content-type-options"] == "nosniff"
        minted = await dev.get(
            "/dev/issuer/token", params={"role": "reader", "municipality": "9990"}
        )
        assert minted.status_code == 200, minted.text
        assert "development only" in minted.json()["warning"]
        token = minted.json()["access_token"]
        router.add("budget", budget)
        api = httpx.AsyncClient(
            transport=router,
            base_url="http://budget.test",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert (await api.get("/v1/frames")).status_code == 200
        assert (await api.post("/v1/frames", json={})).status_code == 403
        bad_role = await dev.get("/dev/issuer/token", params={"role": "mayor"})
        assert bad_role.status_code == 422
        await dev.aclose()
        await api.aclose()


def test_dev_issuer_is_refused_in_production() -> None:
    with pytest.raises(ValueError, match="DEV_ISSUER_ENABLED"):
        Settings(ENVIRONMENT="production", DEV_ISSUER_ENABLED=True, SERVICE_API_KEY="kvn_a_b")


def test_dev_issuer_app_is_not_built_unless_enabled(database_url: str) -> None:
    issuer = DevIssuer.generate(issuer=BASE)
    with pytest.raises(RuntimeError):
        dev_issuer_app(issuer, helpers.test_settings(database_url))


def test_dev_issuer_key_survives_a_restart(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    first = DevIssuer.load_or_create(tmp_path / "key.pem", issuer=BASE)
    second = DevIssuer.load_or_create(tmp_path / "key.pem", issuer=BASE)
    assert first.kid == second.kid
    assert (tmp_path / "key.pem").stat().st_mode & 0o077 == 0
