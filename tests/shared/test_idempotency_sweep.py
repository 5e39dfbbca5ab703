"""Every key that makes a write repeatable follows one rule (shared.idempotency): the same key
with the same request answers as the first time and stores nothing more; with another request
it is a 422 `idempotency_key_reused` that stores nothing. The routes are found in the OpenAPI
documents (an `Idempotency-Key` header or a `reference` body property), so a new one fails
here until it is given a request below."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.conftest import MakeClient, MakeKey
from tests.shared.openapi_bodies import Operation, Schema, operations, resolve
from tests.shared.rows import row_counts


@dataclass
class Attempt:
    """How to send an operation's request with a key, in a first and another version."""

    url: str
    key_loc: list[str | int]
    send: Callable[[str, bool], Awaitable[httpx.Response]]  # (key, another) → response


Setup = Callable[[MakeClient, MakeKey], Awaitable[Attempt]]


async def _batches(client: MakeClient, make_key: MakeKey) -> Attempt:
    http = client("ingest", await make_key("ingest:write", "ingest:read"))

    async def send(key: str, another: bool) -> httpx.Response:
        row = {
            "measure_code": "oj_positive_share_lss",
            "period": "2025" if another else "2026",
            "value": 80,
        }
        return await http.post(
            "/v1/batches", json={"observations": [row]}, headers={"Idempotency-Key": key}
        )

    return Attempt("/v1/batches", ["header", "Idempotency-Key"], send)


async def _uploads(client: MakeClient, make_key: MakeKey) -> Attempt:
    http = client("ingest", await make_key("ingest:write", "ingest:read"))

    async def send(key: str, another: bool) -> httpx.Response:
        month = b"2025-08" if another else b"2025-07"
        return await http.post(
            "/v1/uploads",
            params={"kind": "sick_leave"},
            content=b"unit_code;period;sick_leave_pct\nHT-VASTER;" + month + b";4\n",
            headers={"Content-Type": "text/csv", "Idempotency-Key": key},
        )

    return Attempt("/v1/uploads", ["header", "Idempotency-Key"], send)


async def _allocations(client: MakeClient, make_key: MakeKey) -> Attempt:
    http = client("budget", await make_key("budget:read", "budget:write"))
    fund = await http.post(
        "/v1/funds",
        json={
            "code": "forbattring",
            "title": "Lokala utvecklings- och förbättringsprojekt",
            "year": 2030,
            "kind": "improvement_projects",
            "unit": "kr",
            "amount": "600000",
        },
    )
    assert fund.status_code == 201, fund.text
    url = f"/v1/funds/{fund.json()['id']}/allocations"

    async def send(key: str, another: bool) -> httpx.Response:
        body = {"amount": "30000" if another else "25000", "purpose": "Årets hemtjänstenhet"}
        return await http.post(url, json=body | {"reference": key})

    return Attempt(url, ["body", "reference"], send)


ATTEMPTS: dict[tuple[str, str, str], Setup] = {
    ("ingest", "post", "/v1/batches"): _batches,
    ("ingest", "post", "/v1/uploads"): _uploads,
    ("budget", "post", "/v1/funds/{fund_id}/allocations"): _allocations,
}


def _takes_a_key(op: Operation, components: Schema) -> bool:
    headers = {p["name"].lower() for p in op.operation.get("parameters", []) if p["in"] == "header"}
    schema = op.json_schema(components) or {}
    return "idempotency-key" in headers or "reference" in resolve(schema, components).get(
        "properties", {}
    )


def test_every_route_taking_a_key_is_swept(apps: dict[str, FastAPI]) -> None:
    found = {
        (op.service, op.method, op.path)
        for op, components in operations(apps)
        if _takes_a_key(op, components)
    }
    assert found == set(ATTEMPTS)


async def test_a_key_repeats_its_first_request_and_refuses_another(
    client: MakeClient, make_key: MakeKey, connection: AsyncConnection
) -> None:
    failures: list[str] = []
    for (service, method, path), setup in ATTEMPTS.items():
        where = f"{service} {method.upper()} {path}"
        attempt = await setup(client, make_key)
        first = await attempt.send("retry-1", False)
        if first.status_code not in {200, 201, 202}:
            failures.append(f"{where}: first request {first.status_code} {first.text[:200]}")
            continue
        stored = await row_counts(connection)
        again = await attempt.send("retry-1", False)
        if again.status_code // 100 != 2 or again.json() != first.json():
            failures.append(f"{where}: the retry answered {again.status_code} {again.text[:200]}")
        reused = await attempt.send("retry-1", True)
        problem: dict[str, Any] = reused.json()
        codes = {(tuple(e["loc"]), e.get("code")) for e in problem.get("errors", [])}
        if (
            reused.status_code != 422
            or (tuple(attempt.key_loc), "idempotency_key_reused") not in codes
        ):
            failures.append(
                f"{where}: another request answered {reused.status_code} {reused.text[:300]}"
            )
        if await row_counts(connection) != stored:
            failures.append(f"{where}: the retry or the reused key stored rows")
        fresh = await attempt.send("retry-2", True)
        if fresh.status_code not in {200, 201, 202}:
            failures.append(
                f"{where}: a new key was refused: {fresh.status_code} {fresh.text[:200]}"
            )
    assert not failures, "\n".join(failures)
