"""Benchmark: the analytics query, warm against a no-op endpoint and cold against its floor.

    python bench/indicators.py [--units 5000] [--municipalities 100] [--indicators 50]
                               [--data-indicators 2] [--years 10] [--concurrency 50]
                               [--seconds 10] [--rounds 5] [--growth-runs 5]

Builds a scratch database (on DATABASE_URL's server, else the embedded one) with `--units`
units spread over `--municipalities` municipalities, `--indicators` indicator definitions
(each a weighted survey formula over two measures) and yearly observations of
`--data-indicators` of them × `--years` years × T/K/M (4–43 respondents per gender, so some
cells are primary), plus two municipalities of 100 and 1 000 units (no cell below 7), then
serves the indicators app with uvicorn in a subprocess and measures:

- warm: the analytics query for one indicator, all units of a municipality, `--years` years,
  T/K/M (rotating over `--rotate` municipalities) with the response cache on, against the
  no-op GET /healthz, at `--concurrency` clients (`ratio_vs_noop`);
- cold (a second server with INDICATORS_CACHE_ENTRIES=0): distinct queries, client k asking
  only its own (no two clients ever share an in-flight computation), against the floor: the
  same observation SQL through raw psycopg plus the answer's arithmetic in numpy for the
  same rows, from the same process. `cold_vs_floor` = median latency of one client, cold ÷
  floor (goal ≤ 2.0); `cold_distinct_rps_vs_floor_rps` = req/s of `--concurrency` clients,
  cold ÷ floor run by as many concurrent clients (goal ≥ 0.4); `growth_1000_vs_100` = cold
  time at 1 000 units ÷ at 100 units (goal ≤ 10). Cold and floor rounds alternate. Every
  cold query is asked once first, so the suppression patterns (the disclosure LP, cached by
  the table's figures) are known: bench/disclosure.py measures the LP.

The defaults run in a few minutes on a 2-core machine; the issue's big run is
`--units 10000 --municipalities 200 --data-indicators 10`. The last line printed is one
JSON object. The scratch database is dropped at the end. bench/report.py pairs the tertial
report with its fetch.
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
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import numpy as np
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


def _fill(
    conn: psycopg.Connection[Any],
    *,
    first: int,
    count: int,
    per: int,
    measures: list[int],
    y0: int,
    y1: int,
    tertials: bool = False,
    least: int = 4,
) -> None:
    """`per` units in each of `count` municipalities from code 5000 + `first`, with yearly
    (and, with `tertials`, tertial) observations of the bench measures `measures`, from
    `least` to `least` + 39 respondents per gender (below 7 a cell is primary)."""
    conn.execute(
        "INSERT INTO org_unit (id, municipality_code, code, title, unit_type, area, "
        "opened_on, synthetic) SELECT gen_random_uuid(), lpad((5000 + m)::text, 4, '0'), "
        "'U' || lpad(u::text, 4, '0'), 'Enhet ' || u, 'hemtjanst', "
        "CASE WHEN u %% 3 = 0 THEN 'lss' ELSE 'aldreomsorg' END, DATE '2000-01-01', true "
        "FROM generate_series(%s::int, %s::int) m, generate_series(1, %s::int) u",
        (first, first + count - 1, per),
    )
    for i in measures:
        # T = K + M; respondents 4–43 per gender so some cells are suppressed.
        conn.execute(
            """
            WITH base AS (
              SELECT lpad((5000 + m)::text, 4, '0') AS muni,
                     'U' || lpad(u::text, 4, '0') AS unit, y, t, mon0, mon1,
                     %(least)s::int + floor(random() * 40)::int AS nk,
                     %(least)s::int + floor(random() * 40)::int AS nm, random() AS share
              FROM generate_series(%(m0)s::int, %(m1)s::int) m,
                   generate_series(1, %(per)s::int) u,
                   generate_series(%(y0)s::int, %(y1)s::int) y,
                   (VALUES (0, 1, 12), (1, 1, 4), (2, 5, 8), (3, 9, 12)) AS p(t, mon0, mon1)
              WHERE t = 0 OR %(tertials)s
            ), cells AS (
              SELECT muni, unit, y, t, mon0, mon1, g, n, floor(n * share)::int AS yes FROM base,
              LATERAL (VALUES ('K', nk), ('M', nm), ('T', nk + nm)) AS v(g, n)
            )
            INSERT INTO observation (source, municipality_code, unit_code, measure_code,
              period, period_start, period_end, gender, value, respondents, status,
              revision)
            SELECT 'local', muni, unit, meas,
                   CASE WHEN t = 0 THEN y::text ELSE y::text || 'T' || t END,
                   make_date(y, mon0, 1),
                   (make_date(y, mon1, 1) + interval '1 month - 1 day')::date,
                   g, val, n, CASE WHEN n < 7 THEN 'suppressed' ELSE 'final' END, 1
            FROM cells, LATERAL (VALUES (%(num)s, yes), (%(den)s, n)) AS w(meas, val)
            """,
            {
                "m0": first,
                "m1": first + count - 1,
                "per": per,
                "y0": y0,
                "y1": y1,
                "tertials": tertials,
                "least": least,
                "num": f"bm_{i:02d}_num",
                "den": f"bm_{i:02d}_den",
            },
        )


GROWTH = {100: 900, 1000: 901}  # units → the municipality (5000 + n) that has that many


def populate(
    url: str, args: argparse.Namespace, *, growth: bool = True, tertials: bool = False
) -> tuple[list[str], float]:
    """Definitions, units and observations, by set-based SQL; returns the municipality codes.
    With `growth`, also one municipality of 100 and one of 1 000 units (5900, 5901)."""
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
        _fill(
            conn,
            first=0,
            count=args.municipalities,
            per=per,
            measures=list(range(args.data_indicators)),
            y0=first_year,
            y1=2024,
            tertials=tertials,
        )
        extra = list(GROWTH.items()) if growth else []
        for units, offset in extra:
            # No cell below 7: the growth is the computation's, not the disclosure LP's
            # (bench/disclosure.py measures that).
            _fill(
                conn,
                first=offset,
                count=1,
                per=units,
                measures=[0],
                y0=first_year,
                y1=2024,
                least=7,
            )
        municipalities = [*range(args.municipalities), *(offset for _, offset in extra)]
        conn.execute(
            "INSERT INTO data_version (municipality_code, version) "
            "SELECT lpad((5000 + m)::text, 4, '0'), 1 FROM unnest(%s::int[]) m",
            (municipalities,),
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
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
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


# The computation's observation query (computation/repository.py: observations), as SQL.
FLOOR_SQL = (
    "SELECT id, source, unit_code, measure_code, period, period_start, period_end, gender, "
    "value, respondents, status FROM observation WHERE municipality_code = %s "
    "AND measure_code = ANY(%s) AND period_start >= %s AND period_start <= %s "
    "AND period_end <= %s AND status <> 'deleted'"
)


def floor_arithmetic(rows: list[tuple[Any, ...]], factor: float = 100.0) -> int:
    """The arithmetic of the analytics answer in numpy for the fetched rows: arrays per
    (measure, gender) over unit × period, value = factor × num ÷ den per unit and for the
    municipality, n, the primary suppression; returns the cells with a value."""
    if not rows:
        return 0
    _, _, units, measures, periods, _, _, genders, values, respondents, statuses = zip(
        *rows, strict=True
    )
    unit_codes, u = np.unique(np.array(units), return_inverse=True)
    period_codes, p = np.unique(np.array(periods), return_inverse=True)
    measure_codes, m = np.unique(np.array(measures), return_inverse=True)
    g = np.searchsorted(np.array(["K", "M", "T"]), np.array(genders))
    shape = (len(measure_codes), 3, len(unit_codes), len(period_codes))
    value = np.full(shape, np.nan)
    value[m, g, u, p] = np.array([np.nan if v is None else float(v) for v in values])
    resp = np.full(shape, np.iinfo(np.int64).max)
    resp[m, g, u, p] = np.array([-1 if r is None else r for r in respondents])
    flagged = np.zeros(shape, dtype=bool)
    flagged[m, g, u, p] = np.array(statuses) == "suppressed"
    num, den = value[0], value[-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        unit_value = np.where(den > 0, num / den * factor, np.nan)
        primary = flagged.any(axis=0) | (resp.min(axis=0) < 7) | (den < 7)
        total = np.nansum(num, axis=1) / np.nansum(den, axis=1) * factor
    shown = np.round(np.where(primary, np.nan, unit_value), 1)
    return int(np.isfinite(shown).sum() + np.isfinite(total).sum())


def floor_query(path: str) -> tuple[str, list[str], date, date]:
    """The observation query's parameters for a bench analytics path."""
    query = dict(part.split("=", 1) for part in path.split("?", 1)[1].split("&"))
    i = int(query["indicators"].removeprefix("ind_"))
    return (
        query["municipality_code"],
        [f"bm_{i:02d}_num", f"bm_{i:02d}_den"],
        date(int(query["from"]), 1, 1),
        date(int(query["to"]), 12, 31),
    )


def floor_sync(conn: psycopg.Connection[Any], path: str) -> int:
    muni, measures, start, end = floor_query(path)
    rows = conn.execute(FLOOR_SQL, (muni, measures, start, end, end)).fetchall()
    return floor_arithmetic(rows)


def floor_single(url: str, paths: list[str], seconds: float, latencies: list[float]) -> None:
    """One client: the floor of each path in turn for `seconds`; latencies appended."""
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        stop = time.perf_counter() + seconds
        i = 0
        while time.perf_counter() < stop:
            started = time.perf_counter()
            floor_sync(conn, paths[i % len(paths)])
            latencies.append(time.perf_counter() - started)
            i += 1


async def floor_load(
    url: str, paths: list[str], *, concurrency: int, seconds: float
) -> dict[str, float]:
    """`concurrency` clients, each on its own connection, running the floor of its own
    paths (client k takes paths k, k + concurrency, …) in a closed loop for `seconds`."""
    connections = [
        await psycopg.AsyncConnection.connect(libpq(url), autocommit=True)
        for _ in range(concurrency)
    ]
    done = 0
    stop = time.perf_counter() + seconds

    async def worker(k: int, conn: psycopg.AsyncConnection[Any]) -> None:
        nonlocal done
        i = k
        while time.perf_counter() < stop:
            muni, measures, start, end = floor_query(paths[i % len(paths)])
            i += concurrency
            cursor = await conn.execute(FLOOR_SQL, (muni, measures, start, end, end))
            floor_arithmetic(await cursor.fetchall())
            done += 1

    began = time.perf_counter()
    try:
        await asyncio.gather(*(worker(k, c) for k, c in enumerate(connections)))
    finally:
        for c in connections:
            await c.close()
    return {"requests": done, "errors": 0, "elapsed": time.perf_counter() - began}


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


def analytics_path(code: str, indicator: int, years: int, offset: int = 0) -> str:
    return (
        f"/v1/analytics?indicators=ind_{indicator:02d}&municipality_code={code}&level=unit"
        f"&from={2025 - years}&to=2024&gender=T,K,M&limit=500&offset={offset}"
    )


def distinct_paths(codes: list[str], args: argparse.Namespace) -> list[str]:
    """At least `concurrency` distinct queries (a multiple of it), municipalities first, so
    that client k's paths (k, k + concurrency, …) are never in flight at another client:
    each request is computed for itself, none shares another's computation."""
    wanted = -(-args.concurrency // args.data_indicators)
    pairs = [(code, i) for i in range(args.data_indicators) for code in codes[:wanted]]
    paths = [analytics_path(code, i, args.years) for code, i in pairs]
    offset = 1
    while len(paths) < args.concurrency:
        paths.extend(analytics_path(code, i, args.years, offset) for code, i in pairs)
        offset += 1
    return paths[: len(paths) - len(paths) % args.concurrency]


async def once(base: str, path: str, token: str) -> float:
    """Seconds one request takes on a fresh keep-alive connection."""
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: gzip\r\n"
        f"Authorization: Bearer {token}\r\n\r\n"
    ).encode()
    try:
        started = time.perf_counter()
        status = await _get(reader, writer, request)
        elapsed = time.perf_counter() - started
    finally:
        writer.close()
    assert status == 200, status
    return elapsed


def median_ms(latencies: list[float]) -> float:
    return round(statistics.median(latencies) * 1000, 2)


def cold(
    url: str, base: str, token: str, codes: list[str], args: argparse.Namespace
) -> dict[str, Any]:
    """Cold analytics (no response cache) against its floor, alternating rounds. Every query
    is asked once first: the suppression patterns (computed once per table's figures, the
    disclosure LP) are then known, as for any query asked before under other data states."""
    paths = distinct_paths(codes, args)
    growth_paths = [
        analytics_path(f"{5000 + offset:04d}", 0, args.years) for offset in GROWTH.values()
    ]
    for path in [*paths, *growth_paths]:
        asyncio.run(once(base, path, token))
    per = args.seconds / args.rounds
    single_lat: list[float] = []
    floor_lat: list[float] = []
    cold_rounds: list[dict[str, float]] = []
    floor_rounds: list[dict[str, float]] = []
    cold_lat: list[float] = []
    for _ in range(args.rounds):
        asyncio.run(
            load(base, paths, token=token, concurrency=1, seconds=per, latencies=single_lat)
        )
        floor_single(url, paths, per, floor_lat)
    for _ in range(args.rounds):
        cold_rounds.append(
            asyncio.run(
                load(
                    base,
                    paths,
                    token=token,
                    concurrency=args.concurrency,
                    seconds=per,
                    latencies=cold_lat,
                )
            )
        )
        floor_rounds.append(
            asyncio.run(floor_load(url, paths, concurrency=args.concurrency, seconds=per))
        )
    growth: dict[int, list[float]] = {n: [] for n in GROWTH}
    growth_floor: dict[int, list[float]] = {n: [] for n in GROWTH}
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        for _ in range(args.growth_runs):
            for units, offset in GROWTH.items():
                path = analytics_path(f"{5000 + offset:04d}", 0, args.years)
                growth[units].append(asyncio.run(once(base, path, token)))
                started = time.perf_counter()
                floor_sync(conn, path)
                growth_floor[units].append(time.perf_counter() - started)
    concurrent = summarise(cold_rounds, cold_lat)
    floor_rps = sum(r["requests"] for r in floor_rounds) / sum(r["elapsed"] for r in floor_rounds)
    small, large = (median_ms(growth[n]) for n in GROWTH)
    return {
        "cold_distinct_queries": len(paths),
        "cold_single_ms": median_ms(single_lat),
        "floor_single_ms": median_ms(floor_lat),
        "cold_vs_floor": round(statistics.median(single_lat) / statistics.median(floor_lat), 2),
        "cold_distinct_requests_per_s": concurrent["requests_per_s"],
        "cold_distinct_p99_ms": concurrent["p99_ms"],
        "floor_requests_per_s": round(floor_rps, 1),
        "cold_distinct_rps_vs_floor_rps": round(concurrent["requests_per_s"] / floor_rps, 3),
        "cold_errors": concurrent["errors"],
        "cold_100_units_ms": small,
        "cold_1000_units_ms": large,
        "floor_1000_units_ms": median_ms(growth_floor[1000]),
        "growth_1000_vs_100": round(large / small, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=5_000)
    parser.add_argument("--municipalities", type=int, default=100)
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--data-indicators", type=int, default=2)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=5, help="alternating measuring rounds")
    parser.add_argument(
        "--rotate", type=int, default=20, help="municipalities the warm queries rotate over"
    )
    parser.add_argument(
        "--growth-runs", type=int, default=5, help="cold queries at 100 and at 1 000 units"
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
        paths = [analytics_path(code, 0, args.years) for code in codes[: args.rotate]]
        headers = {"Authorization": f"Bearer {token}"}
        results: dict[str, Any] = {}
        for label, cache in (("warm", 4096), ("cold", 0)):
            port = free_port()
            servers.append(serve(scratch.url, port, cache=cache))
            base = f"http://127.0.0.1:{port}"
            probe = httpx.get(base + paths[0], headers=headers)
            assert probe.status_code == 200, probe.text
            cells = probe.json()["total"]
            # Warm-up: every measured query once (fills the cache on the warm server).
            for path in paths:
                httpx.get(base + path, headers=headers, timeout=60)
            asyncio.run(load(base, paths, token=token, concurrency=args.concurrency, seconds=2))
            if label == "warm":
                measured = asyncio.run(
                    measure(base, paths, token, args.concurrency, args.seconds, args.rounds)
                )
                results[label] = {**measured, "cells_per_response": cells}
            else:
                results[label] = cold(scratch.url, base, token, codes, args)
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
            "errors": warm["analytics"]["errors"] + results["cold"]["cold_errors"],
            **results["cold"],
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
