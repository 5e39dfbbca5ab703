"""Benchmark: the analytics queries and the ingest upsert on a large observation table.

    python bench/volume.py [--municipalities 290] [--measures 40] [--years 10] [--units 5]
                           [--repeat 20] [--batch 10000] [--explain-out docs/explain/analytics.md]

Builds a scratch database (DATABASE_URL's server, else the embedded one) migrated to head, so
`observation` is the yearly-partitioned table of scale_0004 with the key of scale_0006. It is
filled with municipalities × (1 + units) × measures × years × T/K/M values (the
municipality-level ones as Kolada's, the unit ones as local). 290 × 6 × 40 × 10 × 3 ≈ 2.1 million values by default;
10× the national volume (≈ 70 million) is `--measures 1000 --units 7` (290 × 8 × 1000 × 10 × 3).

The baseline in the same run is `observation_flat`: the same rows in an unpartitioned table
with the indexes the table had before scale_0004. Measured on both, the two main queries of
the analytics endpoint (services/indicators/computation/repository.py): one municipality's
values of a few measures over three years (`observations`) and every municipality's Kolada
value of a few measures for one period (`national_observations`): median of `--repeat` runs.
Ingest: `--batch` rows merged by the real bulk upsert (services/ingest/observation/bulk.py)
into the empty table (baseline) and into the full one, as new rows and then as revisions.

With --explain-out the EXPLAIN (ANALYZE, BUFFERS) of each query on both tables is written
there as Markdown. The last line printed is one JSON object; the database is dropped.
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
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import scratch_database  # noqa: E402
from services.ingest.observation import bulk  # noqa: E402
from shared.db import Database  # noqa: E402
from shared.settings import Settings  # noqa: E402

FILL = """
INSERT INTO {table} (source, municipality_code, unit_code, measure_code, period, period_start,
                     period_end, gender, value, status, revision)
SELECT CASE WHEN u = 0 THEN 'kolada' ELSE 'local' END, (1000 + m)::text,
       CASE WHEN u = 0 THEN '' ELSE 'U' || u END, 'M' || lpad(k::text, 4, '0'),
       %(year)s::text, make_date(%(year)s, 1, 1), make_date(%(year)s, 12, 31), g,
       round((random() * 100)::numeric, 1), 'final', 1
FROM generate_series(1, %(m)s) m, generate_series(0, %(u)s) u, generate_series(1, %(k)s) k,
     unnest(ARRAY['T', 'K', 'M']) g
"""

FLAT = """
CREATE TABLE observation_flat (LIKE observation INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
INSERT INTO observation_flat SELECT * FROM observation;
ALTER TABLE observation_flat ADD PRIMARY KEY (id);
ALTER TABLE observation_flat ADD UNIQUE
    (source, municipality_code, unit_code, measure_code, period, gender);
CREATE INDEX ON observation_flat (batch_id);
CREATE INDEX ON observation_flat (municipality_code, measure_code, period_start);
ANALYZE observation_flat;
"""

UNIT_QUERY = """
SELECT id, source, unit_code, measure_code, period, period_start, period_end, gender, value,
       respondents, status
FROM {table}
WHERE municipality_code = %(municipality)s AND measure_code = ANY(%(measures)s)
  AND period_start >= %(start)s AND period_start <= %(end)s AND period_end <= %(end)s
  AND status <> 'deleted'
"""

NATIONAL_QUERY = """
SELECT municipality_code, id, source, unit_code, measure_code, period, period_start, period_end,
       gender, value, respondents, status
FROM {table}
WHERE source = 'kolada' AND unit_code = '' AND measure_code = ANY(%(measures)s)
  AND period = %(period)s AND period_start = %(period_start)s AND status <> 'deleted'
"""


def timed_queries(
    conn: psycopg.Connection[Any], sql: str, params: dict[str, Any], repeat: int
) -> tuple[float, int]:
    times = []
    rows = 0
    for _ in range(repeat):
        started = time.perf_counter()
        rows = len(conn.execute(sql, params).fetchall())
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), rows


def explain(conn: psycopg.Connection[Any], sql: str, params: dict[str, Any]) -> str:
    plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params).fetchall()
    return "\n".join(str(r[0]) for r in plan)


async def merge(url: str, rows: list[bulk.StageRow], *, source: str) -> float:
    """The ingest path's upsert of `rows` in one transaction; seconds."""
    database = Database.from_settings(Settings(DATABASE_URL=url))
    try:
        started = time.perf_counter()
        async with database.unit_of_work() as session:
            await bulk.create_stage(session)
            await bulk.copy_lines(session, ["".join(bulk.copy_line(r) for r in rows)])
            await bulk.merge_stage(session, source=source, staged=len(rows), batch_id=uuid.uuid4())
        return time.perf_counter() - started
    finally:
        await database.dispose()


def batch_rows(n: int, *, municipality: str, year: int, value: str) -> list[bulk.StageRow]:
    """`n` local unit values of one municipality and year (new keys per municipality code)."""
    out: list[bulk.StageRow] = []
    for i in range(n):
        unit, rest = divmod(i, 300)
        measure, gender = divmod(rest, 3)
        out.append(
            (
                municipality,
                f"B{unit}",
                f"M{measure:04d}",
                str(year),
                date(year, 1, 1),
                date(year, 12, 31),
                "TKM"[gender],
                Decimal(value),
                None,
                None,
                None,
                "preliminary",
                i + 1,
                None,
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--municipalities", type=int, default=290)
    parser.add_argument("--measures", type=int, default=40)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--units", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--explain-out", type=Path)
    args = parser.parse_args()
    last_year = 2025
    years = list(range(last_year - args.years + 1, last_year + 1))
    figures: dict[str, Any] = {"bench": "volume"}
    with scratch_database("kvn_volume") as url:
        async_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        figures["ingest_empty_s"] = round(
            asyncio.run(
                merge(
                    async_url,
                    batch_rows(args.batch, municipality="9001", year=2024, value="1"),
                    source="local",
                )
            ),
            3,
        )
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DELETE FROM observation")
            started = time.perf_counter()
            for year in years:
                conn.execute(
                    FILL.format(table="observation"),
                    {"year": year, "m": args.municipalities, "u": args.units, "k": args.measures},
                )
                print(f"filled {year}", flush=True)
            conn.execute("ANALYZE observation")
            fill_s = time.perf_counter() - started
            total = conn.execute("SELECT count(*) FROM observation").fetchone()
            figures["rows"] = int(total[0]) if total else 0
            figures["fill_rows_per_s"] = round(figures["rows"] / fill_s)
            size = conn.execute(
                "SELECT pg_total_relation_size('observation_part.observation_2024')"
            ).fetchone()
            figures["partition_2024_mb"] = round(int(size[0]) / 2**20) if size else None
            started = time.perf_counter()
            conn.execute(FLAT)
            print(f"baseline copy {time.perf_counter() - started:.1f} s", flush=True)
            measures = [f"M{k:04d}" for k in range(1, min(args.measures, 5) + 1)]
            unit_params = {
                "municipality": str(1000 + args.municipalities // 2),
                "measures": measures,
                "start": date(years[-3] if len(years) >= 3 else years[0], 1, 1),
                "end": date(last_year, 12, 31),
            }
            national_params = {
                "measures": measures,
                "period": str(years[-2] if len(years) > 1 else years[0]),
                "period_start": date(years[-2] if len(years) > 1 else years[0], 1, 1),
            }
            plans: list[str] = []
            for name, sql, params in (
                ("unit", UNIT_QUERY, unit_params),
                ("national", NATIONAL_QUERY, national_params),
            ):
                for label, table in (("flat", "observation_flat"), ("partitioned", "observation")):
                    query = sql.format(table=table)
                    ms, rows = timed_queries(conn, query, params, args.repeat)
                    figures[f"{name}_{label}_ms"] = round(ms, 2)
                    figures[f"{name}_rows"] = rows
                    plans.append(
                        f"### `{name}` query, {label} table ({figures['rows']:,} rows)\n\n"
                        f"```sql\n{query.strip()}\n```\n\n```\n{explain(conn, query, params)}\n```\n"
                    )
                figures[f"{name}_ratio"] = round(
                    figures[f"{name}_partitioned_ms"] / figures[f"{name}_flat_ms"], 2
                )
            conn.execute("DROP TABLE observation_flat")
        new = batch_rows(args.batch, municipality="9002", year=2024, value="1")
        figures["ingest_full_new_s"] = round(asyncio.run(merge(async_url, new, source="local")), 3)
        again = batch_rows(args.batch, municipality="9002", year=2024, value="2")
        figures["ingest_full_revise_s"] = round(
            asyncio.run(merge(async_url, again, source="local")), 3
        )
        figures["ingest_batch_rows"] = args.batch
        figures["ingest_new_ratio"] = round(
            figures["ingest_full_new_s"] / figures["ingest_empty_s"], 2
        )
        if args.explain_out is not None:
            args.explain_out.parent.mkdir(parents=True, exist_ok=True)
            args.explain_out.write_text(
                "# Analytics queries: EXPLAIN (ANALYZE, BUFFERS)\n\n"
                "Written by `python bench/volume.py --explain-out docs/explain/analytics.md`"
                f" ({' '.join(sys.argv[1:])}). `flat` is the table as it was before"
                " migration scale_0004 (one heap, the old indexes); `partitioned` is the table"
                " since (yearly partitions, `ix_observation_national`, and since scale_0006 the"
                " key `uq_observation_key` ordered municipality, measure, period_start, … in"
                " place of `ix_observation_measure_period`).\n\n"
                "```json\n" + json.dumps(figures, indent=1) + "\n```\n\n" + "\n".join(plans)
            )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
