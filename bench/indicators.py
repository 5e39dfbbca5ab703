"""Benchmark: the analytics query against a no-op endpoint on the same server, same run.

    python bench/indicators.py [--units 10000] [--municipalities 200] [--indicators 50]
                               [--data-indicators 10] [--years 10] [--concurrency 50]
                               [--seconds 10]

Builds a scratch database (on DATABASE_URL's server, else the embedded one) with
`--units` units spread over `--municipalities` municipalities, `--indicators` indicator
definitions (each a weighted survey formula over two measures) and observations for
`--data-indicators` of them × `--years` years × T/K/M, then serves the indicators app with
uvicorn in a subprocess and measures, at `--concurrency` concurrent clients:

- the no-op baseline: GET /healthz (no auth, no I/O);
- the analytics query for one indicator, all units of one municipality, `--years` years,
  T/K/M (rotating over `--rotate` municipalities, each queried once before measuring): warm (the server's response cache is on, as in
  production) and cold (a second server with INDICATORS_CACHE_ENTRIES=0, so every request
  recomputes from the database).

The last line printed is one JSON object. The scratch database is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shared.auth import create_api_key  # noqa: E402
from shared.db import Database  # noqa: E402
from shared.migrate import sync_url, upgrade  # noqa: E402
from shared.settings import Settings  # noqa: E402


def libpq(url: str) -> str:
    return sync_url(url).replace("postgresql+psycopg://", "postgresql://", 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Scratch:
    """A scratch database on DATABASE_URL's server or the embedded one; dropped on close."""

    def __init__(self) -> None:
        self.embedded: Any = None
        base = os.environ.get("DATABASE_URL")
        if base is None:
            from shared.embedded import EmbeddedPostgres

            self.embedded = EmbeddedPostgres(ROOT / "var" / "pgbench", database="postgres")
            base = self.embedded.start()
        self.admin = libpq(base)
        self.name = f"kvn_bench_{os.getpid()}_{secrets.token_hex(3)}"
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        head, _, tail = self.admin.partition("?")
        prefix = head.rsplit("/", 1)[0]
        self.url = f"{prefix}/{self.name}" + (f"?{tail}" if tail else "")

    def close(self) -> None:
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        if self.embedded is not None:
            self.embedded.stop()


def populate(url: str, args: argparse.Namespace) -> tuple[list[str], float]:
    """Definitions, units and observations, by set-based SQL; returns the municipality codes."""
    started = time.perf_counter()
    per = max(1, args.units // args.municipalities)
    codes = [f"{5000 + i:04d}" for i in range(args.municipalities)]
    first_year = 2025 - args.years
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        for i in range(args.indicators):
            conn.execute(
                "INSERT INTO measure (code, title, source, unit, value_kind) VALUES "
                "(%s, %s, 'local', 'antal', 'count'), (%s, %s, 'local', 'antal', 'count')",
                (f"bm_{i:02d}_num", f"bench {i} num", f"bm_{i:02d}_den", f"bench {i} den"),
            )
            conn.execute(
                "INSERT INTO indicator (id, code, version, title, area, classification, "
                "perspective, unit, direction, decimals, rollup, numerator_measure, "
                "denominator_measure, factor, valid_from, numerator_formula, "
                "denominator_formula, suppression) VALUES (gen_random_uuid(), %s, 1, %s, "
                "'aldreomsorg', 'effekt', 'malgrupp', '%%', 'higher', 1, 'weighted', %s, %s, "
                "100, DATE '2000-01-01', %s, %s, 'respondents')",
                (
                    f"ind_{i:02d}",
                    f"Bench indicator {i}",
                    f"bm_{i:02d}_num",
                    f"bm_{i:02d}_den",
                    f"bm_{i:02d}_num",
                    f"bm_{i:02d}_den",
                ),
            )
        conn.execute(
            "INSERT INTO org_unit (id, municipality_code, code, title, unit_type, area, "
            "opened_on, synthetic) SELECT gen_random_uuid(), lpad((5000 + m)::text, 4, '0'), "
            "'U' || lpad(u::text, 4, '0'), 'Enhet ' || u, 'hemtjanst', "
            "CASE WHEN u %% 3 = 0 THEN 'lss' ELSE 'aldreomsorg' END, DATE '2000-01-01', true "
            "FROM generate_series(0, %s::int) m, generate_series(1, %s::int) u",
            (args.municipalities - 1, per),
        )
        for i in range(args.data_indicators):
            # T = K + M; respondents 4–43 per gender so some cells are suppressed.
            conn.execute(
                """
                WITH base AS (
                  SELECT lpad((5000 + m)::text, 4, '0') AS muni,
                         'U' || lpad(u::text, 4, '0') AS unit, y,
                         4 + floor(random() * 40)::int AS nk,
                         4 + floor(random() * 40)::int AS nm, random() AS share
                  FROM generate_series(0, %(m)s::int) m, generate_series(1, %(per)s::int) u,
                       generate_series(%(y0)s::int, %(y1)s::int) y
                ), cells AS (
                  SELECT muni, unit, y, g, n, floor(n * share)::int AS yes FROM base,
                  LATERAL (VALUES ('K', nk), ('M', nm), ('T', nk + nm)) AS v(g, n)
                )
                INSERT INTO observation (source, municipality_code, unit_code, measure_code,
                  period, period_start, period_end, gender, value, respondents, status,
                  revision)
                SELECT 'local', muni, unit, meas, y::text, make_date(y, 1, 1),
                       make_date(y, 12, 31), g, val, n,
                       CASE WHEN n < 7 THEN 'suppressed' ELSE 'final' END, 1
                FROM cells, LATERAL (VALUES (%(num)s, yes), (%(den)s, n)) AS w(meas, val)
                """,
                {
                    "m": args.municipalities - 1,
                    "per": per,
                    "y0": first_year,
                    "y1": 2024,
                    "num": f"bm_{i:02d}_num",
                    "den": f"bm_{i:02d}_den",
                },
            )
        conn.execute(
            "INSERT INTO data_version (municipality_code, version) "
            "SELECT lpad((5000 + m)::text, 4, '0'), 1 FROM generate_series(0, %s::int) m",
            (args.municipalities - 1,),
        )
        conn.execute("ANALYZE")
    return codes, time.perf_counter() - started


async def make_key(url: str) -> str:
    settings = Settings(DATABASE_URL=url, ENVIRONMENT="development")
    database = Database.from_settings(settings)
    async with database.unit_of_work() as session:
        key = await create_api_key(
            session, name="bench", municipality_code=None, scopes=["indicators:read"]
        )
    await database.dispose()
    return key.token


def serve(url: str, port: int, *, cache: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ENVIRONMENT": "development",
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_PER_MINUTE": "0",
        "SCHEDULER_ENABLED": "false",
        "DATABASE_POOL_SIZE": "20",
        "INDICATORS_CACHE_ENTRIES": str(cache),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "services.indicators.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """One keep-alive HTTP/1.1 GET; returns the status (bodies are read, not parsed)."""
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def load(
    base: str,
    paths: list[str],
    *,
    token: str | None,
    concurrency: int,
    seconds: float,
    latencies: list[float] | None = None,
) -> dict[str, float]:
    """`concurrency` clients in a closed loop for `seconds`, each on its own keep-alive
    connection (a plain asyncio HTTP/1.1 client: httpx would be the bottleneck, not the
    server); latencies are appended."""
    latencies = latencies if latencies is not None else []
    before = len(latencies)
    errors = 0
    host, port = base.removeprefix("http://").split(":")
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    # Like browsers and httpx, the client accepts gzip (the no-op's answer is too small to
    # be compressed; the analytics answer is compressed once, when it is cached).
    requests = [
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: gzip\r\n{auth}\r\n".encode()
        for path in paths
    ]
    stop = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        i = offset
        try:
            while time.perf_counter() < stop:
                request = requests[i % len(requests)]
                i += concurrency
                started = time.perf_counter()
                status = await _get(reader, writer, request)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    errors += 1
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(concurrency)))
    elapsed = time.perf_counter() - began
    return {"requests": len(latencies) - before, "errors": errors, "elapsed": elapsed}


def summarise(rounds: list[dict[str, float]], latencies: list[float]) -> dict[str, float]:
    requests = sum(r["requests"] for r in rounds)
    elapsed = sum(r["elapsed"] for r in rounds)
    ordered = sorted(latencies)
    return {
        "requests": requests,
        "errors": sum(r["errors"] for r in rounds),
        "requests_per_s": round(requests / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000, 2),
    }


async def measure(
    base: str, paths: list[str], token: str, concurrency: int, seconds: float, rounds: int
) -> dict[str, dict[str, float]]:
    """Alternate short rounds of the no-op and the analytics query, so drift in the
    machine's load (other processes) hits both alike."""
    noop_rounds: list[dict[str, float]] = []
    query_rounds: list[dict[str, float]] = []
    noop_lat: list[float] = []
    query_lat: list[float] = []
    for _ in range(rounds):
        noop_rounds.append(
            await load(
                base,
                ["/healthz"],
                token=None,
                concurrency=concurrency,
                seconds=seconds / rounds,
                latencies=noop_lat,
            )
        )
        query_rounds.append(
            await load(
                base,
                paths,
                token=token,
                concurrency=concurrency,
                seconds=seconds / rounds,
                latencies=query_lat,
            )
        )
    return {
        "noop": summarise(noop_rounds, noop_lat),
        "analytics": summarise(query_rounds, query_lat),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--municipalities", type=int, default=200)
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--data-indicators", type=int, default=10)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=5, help="alternating measuring rounds")
    parser.add_argument(
        "--rotate", type=int, default=20, help="municipalities the measured queries rotate over"
    )
    args = parser.parse_args()
    args.data_indicators = min(args.data_indicators, args.indicators)
    scratch = Scratch()
    servers: list[subprocess.Popen[bytes]] = []
    try:
        upgrade(scratch.url)
        codes, setup_s = populate(scratch.url, args)
        with psycopg.connect(libpq(scratch.url)) as conn:
            rows = conn.execute("SELECT count(*) FROM observation").fetchone()
        observations = int(rows[0]) if rows else 0
        print(f"setup: {observations} observations in {setup_s:.1f} s", flush=True)
        token = asyncio.run(make_key(scratch.url))
        paths = [
            f"/v1/analytics?indicators=ind_00&municipality_code={code}&level=unit"
            f"&from={2025 - args.years}&to=2024&gender=T,K,M&limit=500"
            for code in codes[: args.rotate]
        ]
        results: dict[str, Any] = {}
        for label, cache in (("warm", 4096), ("cold", 0)):
            port = free_port()
            servers.append(serve(scratch.url, port, cache=cache))
            base = f"http://127.0.0.1:{port}"
            probe = httpx.get(base + paths[0], headers={"Authorization": f"Bearer {token}"})
            assert probe.status_code == 200, probe.text
            cells = probe.json()["total"]
            # Warm-up: every measured query once (fills the cache on the warm server).
            for path in paths:
                httpx.get(base + path, headers={"Authorization": f"Bearer {token}"}, timeout=60)
            asyncio.run(load(base, paths, token=token, concurrency=args.concurrency, seconds=2))
            measured = asyncio.run(
                measure(base, paths, token, args.concurrency, args.seconds, args.rounds)
            )
            noop, analytics = measured["noop"], measured["analytics"]
            results[label] = {"noop": noop, "analytics": analytics, "cells_per_response": cells}
            print(f"{label}: {json.dumps(results[label])}", flush=True)
        warm = results["warm"]
        summary = {
            "benchmark": "indicators analytics: 1 indicator × all units of a municipality × "
            f"{args.years} years × T/K/M",
            "units": args.units,
            "municipalities": args.municipalities,
            "indicators": args.indicators,
            "data_indicators": args.data_indicators,
            "years": args.years,
            "observations": observations,
            "concurrency": args.concurrency,
            "cells_per_response": warm["cells_per_response"],
            "requests_per_s": warm["analytics"]["requests_per_s"],
            "noop_requests_per_s": warm["noop"]["requests_per_s"],
            "ratio_vs_noop": round(
                warm["analytics"]["requests_per_s"] / warm["noop"]["requests_per_s"], 3
            ),
            "p99_ms": warm["analytics"]["p99_ms"],
            "p50_ms": warm["analytics"]["p50_ms"],
            "errors": warm["analytics"]["errors"] + results["cold"]["analytics"]["errors"],
            "cold_requests_per_s": results["cold"]["analytics"]["requests_per_s"],
            "cold_ratio_vs_noop": round(
                results["cold"]["analytics"]["requests_per_s"]
                / results["cold"]["noop"]["requests_per_s"],
                3,
            ),
            "cold_p99_ms": results["cold"]["analytics"]["p99_ms"],
        }
        print(json.dumps(summary))
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        scratch.close()


if __name__ == "__main__":
    main()
