"""Benchmark: N observation rows (default 1 000 000) uploaded as one CSV file through the ingest
service's upload path (HTTP → streamed spool → every row validated and rendered into a second
spool → COPY of that spool straight into observation; a key stored already would take the
staging table and the set-based upsert with revisions), against raw psycopg COPY of the same
rows into a table with the same columns, indexes and unique key, in the same run. Prints figures; the last line is
one JSON object (ratio_vs_copy = copy seconds ÷ upload seconds; higher is better)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import peak_rss_mb, scratch_database, service_process
from shared.auth import create_api_key
from shared.db import Database
from shared.demo import catalogue, indicators
from shared.demo import ingest as demo_ingest
from shared.periods import Period
from shared.settings import Settings

MUNICIPALITY = "9990"
MEASURES = (
    "survey_respondents",
    "survey_satisfied",
    "survey_safe",
    "survey_treatment",
    "survey_influence",
    "sick_leave_share",
    "short_sick_leave_share",
    "continuity_users",
    "case_applications",
    "case_reports",
)


def rows(n: int) -> Iterator[tuple[str, str, str, str, str]]:
    """unit, measure, period, gender, value — distinct keys, realistic values."""
    months = [f"{y}-{m:02d}" for y in range(2000, 2026) for m in range(1, 13)]
    units = (n // (len(MEASURES) * len(months) * 3)) + 1
    count = 0
    for u in range(units):
        unit = f"U{u:05d}"
        for period in months:
            for measure in MEASURES:
                for gender in ("T", "K", "M"):
                    if count == n:
                        return
                    value = (
                        f"{(count * 7) % 97},{count % 10}"
                        if "share" in measure
                        else str(count % 500)
                    )
                    yield unit, measure, period, gender, value
                    count += 1


def write_files(n: int, directory: str) -> tuple[Path, Path, int]:
    csv_path = Path(directory) / "upload.csv"
    copy_path = Path(directory) / "copy.tsv"
    units: set[str] = set()
    spans: dict[str, tuple[str, str]] = {}
    with (
        csv_path.open("w", encoding="utf-8", newline="") as csv_file,
        copy_path.open("w", encoding="utf-8") as copy_file,
    ):
        csv_file.write("unit_code;measure_code;period;gender;value\r\n")
        for row, (unit, measure, period, gender, value) in enumerate(rows(n), start=2):
            units.add(unit)
            csv_file.write(f"{unit};{measure};{period};{gender};{value}\r\n")
            if period not in spans:
                p = Period.parse(period)
                spans[period] = (p.start.isoformat(), p.end.isoformat())
            start, end = spans[period]
            copy_file.write(
                f"local\t{MUNICIPALITY}\t{unit}\t{measure}\t{period}\t{start}\t{end}\t{gender}\t"
                f"{value.replace(',', '.')}\tfinal\t{row}\t1\n"
            )
    return csv_path, copy_path, len(units)


async def prepare(url: str, units: int) -> str:
    settings = Settings(DATABASE_URL=url, ENVIRONMENT="development")
    database = Database.from_settings(settings)
    async with database.unit_of_work() as session:
        await catalogue.load(session)
        await indicators.load_definitions(session)
        await demo_ingest.load_measures(session)
        key = await create_api_key(
            session, name="bench", municipality_code=MUNICIPALITY, scopes=["ingest:write"]
        )
    await database.dispose()
    with psycopg.connect(url) as conn:
        with conn.cursor().copy(
            "COPY org_unit (id, municipality_code, code, title, unit_type, area, synthetic) "
            "FROM STDIN"
        ) as copy:
            for u in range(units):
                copy.write_row(
                    (
                        os.urandom(16).hex(),
                        MUNICIPALITY,
                        f"U{u:05d}",
                        f"Enhet {u}",
                        "hemtjanst",
                        "aldreomsorg",
                        True,
                    )
                )
        conn.execute("CREATE TABLE bench_raw_1 (LIKE observation INCLUDING ALL)")
        conn.execute("CREATE TABLE bench_raw_2 (LIKE observation INCLUDING ALL)")
        conn.execute("ANALYZE")
    return key.token


def raw_copy(url: str, copy_path: Path, table: str = "bench_raw_1") -> float:
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        with (
            conn.cursor().copy(
                f"COPY {table} (source, municipality_code, unit_code, measure_code, period, "
                "period_start, period_end, gender, value, status, source_row, revision) FROM STDIN"
            ) as copy,
            copy_path.open("rb") as f,
        ):
            while block := f.read(1 << 20):
                copy.write(block)
        conn.commit()
        return time.perf_counter() - started


def upload(base: str, token: str, csv_path: Path) -> tuple[float, dict[str, object]]:
    def body() -> Iterator[bytes]:
        with csv_path.open("rb") as f:
            while block := f.read(1 << 20):
                yield block

    started = time.perf_counter()
    response = httpx.post(
        f"{base}/v1/uploads",
        params={"kind": "observations", "filename": csv_path.name},
        content=body(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
        timeout=3600,
    )
    elapsed = time.perf_counter() - started
    if response.status_code != 201:
        raise SystemExit(f"upload failed: {response.status_code} {response.text[:2000]}")
    return elapsed, response.json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory, scratch_database("bench_ingest") as url:
        csv_path, copy_path, units = write_files(args.rows, directory)
        token = asyncio.run(prepare(url, units))
        # The baseline is measured before and after the upload (the same server, the same
        # load) and averaged: a shared machine's load drifts within a run.
        copy_before = raw_copy(url, copy_path, "bench_raw_1")
        print(f"raw COPY: {args.rows} rows in {copy_before:.2f} s", flush=True)
        with service_process(url) as (base, process):
            idle_mb = peak_rss_mb(process.pid)
            upload_s, result = upload(base, token, csv_path)
            peak_mb = peak_rss_mb(process.pid)
        print(f"upload:   {args.rows} rows in {upload_s:.2f} s: {result}", flush=True)
        copy_after = raw_copy(url, copy_path, "bench_raw_2")
        print(f"raw COPY: {args.rows} rows in {copy_after:.2f} s", flush=True)
        copy_s = (copy_before + copy_after) / 2
        assert result["created"] == args.rows, result
        figures = {
            "rows": args.rows,
            "file_mb": round(csv_path.stat().st_size / 1e6, 1),
            "upload_s": round(upload_s, 2),
            "copy_s": round(copy_s, 2),
            "copy_s_before_after": [round(copy_before, 2), round(copy_after, 2)],
            "ratio_vs_copy": round(copy_s / upload_s, 3),
            "rows_per_s": round(args.rows / upload_s),
            "peak_rss_mb": round(peak_mb, 1),
            "idle_rss_mb": round(idle_mb, 1),
        }
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
