"""Benchmark: the tertial report computed cold against the raw fetch of its observations.

    python bench/report.py [--units 100] [--municipalities 2] [--indicators 50]
                           [--data-indicators 50] [--years 6] [--pairs 7]

Builds a scratch database like bench/indicators.py (`--indicators` weighted survey
indicators, yearly and tertial observations of `--data-indicators` of them for every unit of
`--municipalities` municipalities, `--units` units in all) and, in this process, alternates
`--pairs` times:

- the report: `report.service.tertial_report` for municipality 5000 and 2024T3, no cache
  (every read and the whole computation, as a cold GET /v1/reports/tertial does: in a
  computation worker process, COMPUTE_PROCESSES=1, that reads the observations itself);
- the fetch: the same observation query (every measure the report's indicators use, its
  whole years) through raw psycopg, rows fetched as tuples.

`report_vs_fetch` is the ratio of the medians (goal ≤ 3.0). The last line printed is one JSON
object; the scratch database is dropped at the end. The issue's big run:
`--units 10000 --municipalities 200`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.indicators import FLOOR_SQL, Scratch, libpq, populate  # noqa: E402
from services.indicators.computation import workers  # noqa: E402
from services.indicators.report import service  # noqa: E402
from shared.auth import Principal  # noqa: E402
from shared.db import Database  # noqa: E402
from shared.migrate import upgrade  # noqa: E402
from shared.settings import Settings  # noqa: E402

PERIOD = "2024T3"
MUNICIPALITY = "5000"


async def run(url: str, args: argparse.Namespace) -> dict[str, float]:
    settings = Settings(DATABASE_URL=url, ENVIRONMENT="development", COMPUTE_PROCESSES=1)
    database = Database.from_settings(settings)
    # As the indicators app computes it: in a worker process, which reads the rows itself.
    pool = workers.install(settings)
    assert pool is not None
    await pool.start()
    principal = Principal(
        key_id=uuid.uuid4(),
        name="bench",
        municipality_code=None,
        scopes=frozenset({"indicators:read"}),
        token="",
    )
    measures = [f"bm_{i:02d}_{part}" for i in range(args.indicators) for part in ("num", "den")]
    first = date(2024 - 5, 1, 1)
    last = date(2024, 12, 31)
    reports: list[float] = []
    fetches: list[float] = []
    rows = 0
    try:
        with psycopg.connect(libpq(url), autocommit=True) as conn:
            for attempt in range(args.pairs + 1):  # the first pair warms both up
                started = time.perf_counter()
                async with database.unit_of_work() as session:
                    report = await service.tertial_report(
                        session, principal=principal, municipality_code=MUNICIPALITY, period=PERIOD
                    )
                report_s = time.perf_counter() - started
                started = time.perf_counter()
                fetched = conn.execute(
                    FLOOR_SQL, (MUNICIPALITY, measures, first, last, last)
                ).fetchall()
                fetch_s = time.perf_counter() - started
                rows = len(fetched)
                if attempt:
                    reports.append(report_s)
                    fetches.append(fetch_s)
        shown = sum(len(s.struktur) + len(s.process) + len(s.effekt) for s in report.sections)
    finally:
        workers.uninstall(pool)
        await database.dispose()
    report_ms = statistics.median(reports) * 1000
    fetch_ms = statistics.median(fetches) * 1000
    return {
        "report_ms": round(report_ms, 2),
        "fetch_ms": round(fetch_ms, 2),
        "report_vs_fetch": round(report_ms / fetch_ms, 2),
        "rows_fetched": rows,
        "report_rows": shown,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--municipalities", type=int, default=2)
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--data-indicators", type=int, default=50)
    parser.add_argument("--years", type=int, default=6)
    parser.add_argument("--pairs", type=int, default=7, help="alternating report/fetch pairs")
    args = parser.parse_args()
    args.data_indicators = min(args.data_indicators, args.indicators)
    scratch = Scratch()
    try:
        upgrade(scratch.url)
        _, setup_s = populate(scratch.url, args, growth=False, tertials=True)
        with psycopg.connect(libpq(scratch.url)) as conn:
            found = conn.execute("SELECT count(*) FROM observation").fetchone()
        observations = int(found[0]) if found else 0
        print(f"setup: {observations} observations in {setup_s:.1f} s", flush=True)
        measured = asyncio.run(run(scratch.url, args))
        summary = {
            "benchmark": f"tertial report {PERIOD}, cold, vs the raw fetch of its observations",
            "units_per_municipality": max(1, args.units // args.municipalities),
            "indicators": args.indicators,
            "data_indicators": args.data_indicators,
            "observations": observations,
            **measured,
        }
        print(json.dumps(summary))
    finally:
        scratch.close()


if __name__ == "__main__":
    main()
