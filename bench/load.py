"""Load through the real gateway: N clients for T seconds mixing reads and writes.

    python bench/load.py [--clients 50] [--seconds 60] [--rate 200r/s]

Starts the production topology on 127.0.0.1 (tests/gateway/stack.py: nginx from
deploy/gateway in front of four `kvn serve` processes) on a scratch database with the demo
data, gives every client its own API key (the gateway limits per key: `--rate`), and runs for
`--seconds`:

- reads: GET /api/indicators/v1/analytics (a dashboard's query) and
  GET /api/indicators/v1/reports/tertial (the tertial follow-up);
- writes: POST /api/ingest/v1/batches (6 survey values, preliminary, each client its own
  year so clients do not wait on each other's rows) and POST + PUT (If-Match) of a target.

Every answer other than 2xx is an error (429 included: the rate is set so a client never
reaches it). Prints per route: count, errors, p50/p95/p99 ms; the baseline in the same run is
GET /api/ingest/healthz through the same gateway. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import scratch_database  # noqa: E402
from shared.auth import ALL_SCOPES, create_api_key  # noqa: E402
from shared.db import Database  # noqa: E402
from shared.demo import load_demo  # noqa: E402
from shared.settings import Settings  # noqa: E402
from tests.gateway.stack import find_nginx, running_stack  # noqa: E402

MUNICIPALITY = "9990"
UNITS = ("HT-NORR", "HT-SODER", "HT-VASTER")


async def prepare(url: str, clients: int) -> tuple[str, list[str]]:
    database = Database.from_settings(Settings(DATABASE_URL=url))
    try:
        async with database.unit_of_work() as session:
            await load_demo(session)
            service = await create_api_key(
                session, name="load service", municipality_code=None, scopes=["admin"]
            )
            keys = [
                await create_api_key(
                    session,
                    name=f"load client {i}",
                    municipality_code=MUNICIPALITY,
                    scopes=ALL_SCOPES,
                )
                for i in range(clients)
            ]
        return service.token, [k.token for k in keys]
    finally:
        await database.dispose()


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def record(self, route: str, started: float, response: httpx.Response | None, ok: bool) -> None:
        self.latencies[route].append((time.perf_counter() - started) * 1000)
        if not ok:
            detail = "transport error" if response is None else f"{response.status_code}"
            if response is not None:
                detail += f" {response.text[:200]}"
            self.errors[route].append(detail)


def survey(period: str, unit: str) -> list[dict[str, Any]]:
    rows = []
    n = random.randint(10, 40)
    satisfied = random.randint(0, n)
    for gender, count, yes in (
        ("T", n, satisfied),
        ("K", n // 2, satisfied // 2),
        ("M", n - n // 2, satisfied - satisfied // 2),
    ):
        rows.append(
            {
                "measure_code": "survey_respondents",
                "unit_code": unit,
                "period": period,
                "gender": gender,
                "value": count,
                "respondents": count,
                "status": "preliminary",
            }
        )
        rows.append(
            {
                "measure_code": "survey_satisfied",
                "unit_code": unit,
                "period": period,
                "gender": gender,
                "value": yes,
                "respondents": count,
                "status": "preliminary",
            }
        )
    return rows


async def client_loop(index: int, base_url: str, key: str, until: float, results: Results) -> None:
    year = 1960 + index
    # A month of its own per client, in which the demo's units were open (since 2015) and
    # which the demo's survey data (yearly) leaves free.
    month = f"{2015 + index // 12}-{index % 12 + 1:02d}"
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=60
    ) as http:
        target_id: str | None = None
        etag: str | None = None
        step = 0
        while time.perf_counter() < until:
            step += 1
            pick = random.random()
            started = time.perf_counter()
            response: httpx.Response | None = None
            try:
                if pick < 0.1:
                    route = "GET /healthz (baseline)"
                    response = await http.get("/api/ingest/healthz")
                elif pick < 0.5:
                    route = "GET analytics"
                    response = await http.get(
                        "/api/indicators/v1/analytics",
                        params={
                            "indicators": "andel_nojda",
                            "from": "2024",
                            "to": "2025",
                            "gender": "T,K,M",
                            "level": "unit",
                        },
                    )
                elif pick < 0.65:
                    route = "GET reports/tertial"
                    response = await http.get(
                        "/api/indicators/v1/reports/tertial", params={"period": "2025T1"}
                    )
                elif pick < 0.85:
                    route = "POST batches"
                    response = await http.post(
                        "/api/ingest/v1/batches",
                        json={"observations": survey(month, UNITS[step % len(UNITS)])},
                        headers={"Idempotency-Key": f"load-{index}-{step}"},
                    )
                elif target_id is None or etag is None:
                    route = "POST targets"
                    response = await http.post(
                        "/api/indicators/v1/targets",
                        json={
                            "indicator_code": "andel_nojda",
                            "period": str(year),
                            "comparator": "at_least",
                            "value": "80",
                        },
                    )
                    if response.status_code == 201:
                        target_id, etag = response.json()["id"], response.headers.get("etag")
                else:
                    route = "PUT targets"
                    response = await http.put(
                        f"/api/indicators/v1/targets/{target_id}",
                        json={
                            "indicator_code": "andel_nojda",
                            "period": str(year),
                            "comparator": "at_least",
                            "value": str(70 + step % 20),
                        },
                        headers={"If-Match": etag},
                    )
                    etag = response.headers.get("etag", etag)
                results.record(route, started, response, response.is_success)
            except httpx.HTTPError:
                results.record(route, started, None, False)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run_load(base_url: str, keys: list[str], seconds: float) -> tuple[Results, float]:
    results = Results()
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(client_loop(i, base_url, k, until, results) for i, k in enumerate(keys)))
    return results, time.perf_counter() - started


def summary(results: Results, elapsed: float, clients: int) -> dict[str, Any]:
    routes: dict[str, Any] = {}
    for route, values in sorted(results.latencies.items()):
        routes[route] = {
            "count": len(values),
            "errors": len(results.errors.get(route, [])),
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
            "p99_ms": round(percentile(values, 0.99), 1),
        }
    total = sum(r["count"] for r in routes.values())
    errors = sum(r["errors"] for r in routes.values())
    baseline = routes.get("GET /healthz (baseline)", {}).get("p99_ms")
    analytics = routes.get("GET analytics", {}).get("p99_ms")
    return {
        "bench": "load",
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": total,
        "requests_per_s": round(total / elapsed, 1),
        "errors": errors,
        "analytics_p99_vs_baseline_p99": round(analytics / baseline, 2)
        if analytics and baseline
        else None,
        "routes": routes,
        "first_errors": [e for errs in results.errors.values() for e in errs][:5],
    }


def run(
    url: str, clients: int, seconds: float, rate: str, workdir: Path, nginx: str
) -> dict[str, Any]:
    """The load on a migrated, empty database `url` (the demo data is loaded here)."""
    with ThreadPoolExecutor(1) as pool:
        service_key, keys = pool.submit(asyncio.run, prepare(url, clients)).result()
    overrides = {
        "GATEWAY_RATE": rate,
        "GATEWAY_BURST": "100",
        "GATEWAY_AUTH_RATE": rate,  # every client here calls from one address
        "GATEWAY_AUTH_BURST": "1000",
        "GATEWAY_MAX_BODY": "1m",
    }
    with running_stack(workdir, url, service_key, nginx, overrides) as stack:
        results, elapsed = asyncio.run(run_load(stack.base_url, keys, seconds))
    return summary(results, elapsed, clients)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", default="200r/s", help="gateway limit per API key")
    args = parser.parse_args()
    nginx = find_nginx()
    if nginx is None:
        raise SystemExit("nginx is not installed")
    with scratch_database("kvn_load") as url, tempfile.TemporaryDirectory() as workdir:
        figures = run(url, args.clients, args.seconds, args.rate, Path(workdir), nginx)
    for route, numbers in figures["routes"].items():
        print(f"{route:28} {json.dumps(numbers)}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
