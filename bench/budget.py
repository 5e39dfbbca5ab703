"""Benchmark: fund allocations under concurrency, through the real app and PostgreSQL.

Baseline: allocations spread over separate funds (no lock contention). Measured: the same
number of allocations racing for one fund (each waits for the fund's row lock), with the fund
sized so half are refused. Checks the invariant (never over-allocated) and prints the figures;
the last line is one JSON object. Runs on a scratch database on DATABASE_URL's server, or on
the embedded server, and drops it afterwards.

    .venv/bin/python bench/budget.py [--allocations 400] [--concurrency 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg

from services.budget.app import create_app
from shared.auth import create_api_key
from shared.db import Database
from shared.embedded import EmbeddedPostgres
from shared.migrate import sync_url, upgrade
from shared.models import Fund
from shared.settings import REPO_ROOT, Settings


def _libpq(url: str) -> str:
    return sync_url(url).replace("postgresql+psycopg://", "postgresql://", 1)


class Scratch:
    """A throw-away database on DATABASE_URL's server, else on the embedded server."""

    def __init__(self) -> None:
        self.name = f"kvn_bench_budget_{secrets.token_hex(4)}"
        self.embedded: EmbeddedPostgres | None = None
        base = Settings().DATABASE_URL
        if base:
            parts = urlsplit(_libpq(base))
            self.admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
            self.url = sync_url(urlunsplit((parts.scheme, parts.netloc, f"/{self.name}", "", "")))
        else:
            self.embedded = EmbeddedPostgres(REPO_ROOT / "var" / "pgbench", database="postgres")
            self.embedded.start()
            self.admin = ""
            self.url = self.embedded.create_database(self.name)

    def drop(self) -> None:
        if self.embedded is not None:
            self.embedded._server.psql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE);')
            self.embedded.stop()
            return
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


async def _timed(
    calls: list[Callable[[], Awaitable[httpx.Response]]], concurrency: int
) -> tuple[float, list[float], list[int]]:
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    statuses: list[int] = []

    async def one(call: Callable[[], Awaitable[httpx.Response]]) -> None:
        async with gate:
            start = time.perf_counter()
            response = await call()
            latencies.append(time.perf_counter() - start)
            statuses.append(response.status_code)

    start = time.perf_counter()
    await asyncio.gather(*(one(c) for c in calls))
    return time.perf_counter() - start, latencies, statuses


def _p(values: list[float], q: float) -> float:
    return round(statistics.quantiles(values, n=100)[int(q) - 1] * 1000, 2)


async def run(allocations: int, concurrency: int) -> dict[str, object]:
    scratch = Scratch()
    try:
        upgrade(scratch.url)
        settings = Settings(
            DATABASE_URL=scratch.url,
            ENVIRONMENT="development",
            SCHEDULER_ENABLED=False,
            RATE_LIMIT_PER_MINUTE=0,
            LOG_LEVEL="WARNING",
            DATABASE_POOL_SIZE=concurrency,
        )
        database = Database.from_settings(settings)
        spread = [uuid.uuid4() for _ in range(allocations)]
        shared_fund = uuid.uuid4()
        async with database.unit_of_work() as session:
            key = await create_api_key(
                session,
                name="bench",
                municipality_code="9990",
                scopes=["budget:write", "budget:read"],
            )
            for i, fund_id in enumerate([*spread, shared_fund]):
                session.add(
                    Fund(
                        id=fund_id,
                        municipality_code="9990",
                        code=f"bench-{i}",
                        title="bench",
                        year=2030,
                        kind="other",
                        # the shared fund covers half of the allocations
                        amount_ore=100_000 * (allocations // 2 if fund_id == shared_fund else 1),
                        display_unit="kr",
                        version=1,
                    )
                )
        app = create_app(settings, database=database)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://budget.bench",
                headers={"Authorization": f"Bearer {key.token}"},
            ) as client,
        ):

            def allocate(fund_id: uuid.UUID, ref: str) -> Callable[[], Awaitable[httpx.Response]]:
                body = {"amount": "1000", "purpose": "bench", "reference": ref}
                return lambda: client.post(f"/v1/funds/{fund_id}/allocations", json=body)

            await _timed([allocate(spread[0], "warmup")], 1)
            base_s, base_lat, base_status = await _timed(
                [allocate(f, f"b{i}") for i, f in enumerate(spread[1:])], concurrency
            )
            one_s, one_lat, one_status = await _timed(
                [allocate(shared_fund, f"c{i}") for i in range(allocations - 1)], concurrency
            )
            reads_s, read_lat, _ = await _timed(
                [lambda: client.get(f"/v1/funds/{shared_fund}") for _ in range(allocations)],
                concurrency,
            )
            view = (await client.get(f"/v1/funds/{shared_fund}")).json()
        n = allocations - 1
        result: dict[str, object] = {
            "bench": "budget_fund_allocations",
            "allocations": n,
            "concurrency": concurrency,
            "baseline_separate_funds_per_s": round(n / base_s, 1),
            "baseline_p50_ms": _p(base_lat, 50),
            "baseline_p95_ms": _p(base_lat, 95),
            "one_fund_per_s": round(n / one_s, 1),
            "one_fund_p50_ms": _p(one_lat, 50),
            "one_fund_p95_ms": _p(one_lat, 95),
            "ratio_one_fund_vs_baseline": round(base_s / one_s, 3),
            "one_fund_created": one_status.count(201),
            "one_fund_refused_409": one_status.count(409),
            "one_fund_remaining_kr": view["remaining"],
            "over_allocated": view["allocated"] != str(allocations // 2 * 1000),
            "baseline_all_created": base_status.count(201) == len(base_status),
            "get_fund_per_s": round(allocations / reads_s, 1),
            "get_fund_p95_ms": _p(read_lat, 95),
        }
        await database.dispose()
        return result
    finally:
        scratch.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allocations", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    result = asyncio.run(run(args.allocations, args.concurrency))
    for name, value in result.items():
        print(f"{name:34} {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
