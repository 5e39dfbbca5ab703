"""Benchmark: a full Kolada sync from recorded payloads. The local fake of the v3 API
(services/ingest/kolada/fake.py) renders every page the sync will ask for before the clock
starts; an httpx transport then serves those bytes (no network; the base URL is still
https://api.kolada.se/v3 and passes the allow-list check). Default size: 300 KPIs × 312
municipalities × 25 years (gender split where the catalogue says so). The job runs exactly as
the worker runs it: plan, chunks of ≤ 25 ids, paging by next_url, validation, COPY + set-based
merge per chunk.

A time alone is noise on a shared machine, so the same run then COPYs the same rows into the
observation table (exported after the sync, the table truncated, one psycopg COPY of the
columns the sync writes) and prints `ratio_vs_copy` = sync seconds ÷ COPY seconds (lower is
better; goal ≤ 1.3). `kolada_floor_s` is what a real sync cannot go below at Kolada's
5 requests/s: pages ÷ 5 (`--kolada-rate`). `sync_peak_mb` is the memory the sync took: what
its process grew by (beyond the recorded pages) plus its parser's workers (peak RSS each).
Prints figures; the last line is one JSON object."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import scratch_database
from services.ingest.kolada import jobs
from services.ingest.kolada.client import KoladaClient, chunked
from services.ingest.kolada.fake import FakeKolada
from services.ingest.kolada.parsing import close_parsers, shared_parser
from services.ingest.kolada.schemas import SyncIn
from services.ingest.kolada.service import create_sync
from services.ingest.observation.bulk import DIRECT_COLUMNS
from shared.auth import create_api_key
from shared.db import Database
from shared.demo import catalogue
from shared.settings import Settings


class Recorded:
    """Every page of the planned listings, rendered once by the fake and replayed as bytes."""

    def __init__(self, fake: FakeKolada) -> None:
        self.fake = fake
        self.pages: dict[str, bytes] = {}
        self.misses = 0

    def record(
        self, client: KoladaClient, kpis: list[str], munis: list[str], years: list[int]
    ) -> None:
        for kpi_part in chunked(kpis):
            for muni_part in chunked(munis):
                url: str | None = f"{client.base_url}{client.data_path(kpi_part, muni_part, years)}"
                params: dict[str, int] | None = {"per_page": client.per_page}
                while url is not None:
                    request = httpx.Request("GET", url, params=params)
                    response = self.fake(request)
                    self.pages[str(request.url)] = response.content
                    url, params = json.loads(response.content)["next_url"], None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = self.pages.get(str(request.url))
        if body is None:
            self.misses += 1
            return self.fake(request)
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})


def rss_mb(pid: int, field: str) -> float:
    """A process's resident set (VmRSS) or its peak (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> None:
    """This process's VmHWM starts again from its present RSS."""
    Path("/proc/self/clear_refs").write_text("5")


def copy_floor(url: str) -> float:
    """Seconds one COPY takes to put the rows the sync stored back into `observation`: the
    same columns (those the sync's own COPY writes), the same partitions and indexes."""
    columns = ", ".join(DIRECT_COLUMNS)
    with psycopg.connect(url, autocommit=True) as conn, tempfile.TemporaryFile() as spool:
        with conn.cursor().copy(
            f"COPY (SELECT {columns} FROM observation WHERE source = 'kolada') TO STDOUT"  # noqa: S608
        ) as out:
            for block in out:
                spool.write(block)
        conn.execute("TRUNCATE observation")
        conn.execute("CHECKPOINT")  # the sync's writes are not left for the COPY to flush
        spool.seek(0)
        started = time.perf_counter()
        with (
            conn.transaction(),
            conn.cursor().copy(f"COPY observation ({columns}) FROM STDIN") as copy,
        ):
            while block := spool.read(1 << 20):
                copy.write(block)
        return time.perf_counter() - started


async def run(
    url: str, kpi_count: int, muni_count: int, year_count: int, rate: float, kolada_rate: float
) -> dict[str, object]:
    settings = Settings(
        DATABASE_URL=url,
        ENVIRONMENT="development",
        KOLADA_RATE_PER_S=rate,
        KOLADA_CONCURRENCY=4,
        KOLADA_BACKOFF_S=0.0,
    )
    database = Database.from_settings(settings)
    kpi_file = catalogue.page("kolada_kpi.json")
    kpis = sorted(k["id"] for k in kpi_file if k["municipality_type"] in ("K", "A"))[:kpi_count]
    gendered = {k["id"] for k in kpi_file if k["is_divided_by_gender"]}
    munis = sorted(m["id"] for m in catalogue.page("kolada_municipality.json"))[:muni_count]
    years = list(range(2025 - year_count, 2025))
    async with database.unit_of_work() as session:
        await catalogue.load(session)
        key = await create_api_key(
            session, name="bench", municipality_code=None, scopes=["ingest:write"]
        )
    from shared.auth import Principal

    principal = Principal(key.id, "bench", None, frozenset({"ingest:write"}), key.token)
    async with database.unit_of_work() as session:
        job = await create_sync(
            session,
            SyncIn(mode="full", kpis=kpis, municipalities=munis, years=years, include_ous=False),
            principal=principal,
            settings=settings,
        )
    recorded = Recorded(FakeKolada(gendered=gendered))
    # The ingest process's lifespan warms the worker's parser before its first job.
    parser = shared_parser(settings.KOLADA_PARSE_PROCESSES)
    await parser.start()
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorded)) as http:
        client = KoladaClient(http, settings)
        recorded.record(client, kpis, munis, years)
        before_mb = rss_mb(os.getpid(), "VmRSS")
        reset_peak()
        started = time.perf_counter()
        state = await jobs.run_next(database, client, settings)
        seconds = time.perf_counter() - started
        # What the sync added to this process (which also holds the recorded pages), and its
        # parser's workers whole.
        sync_peak_mb = (
            rss_mb(os.getpid(), "VmHWM")
            - before_mb
            + sum(rss_mb(pid, "VmHWM") for pid in parser.pids())
        )
    close_parsers()
    await database.dispose()
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM observation WHERE source = 'kolada'").fetchone()
        stored = int(row[0]) if row else 0
        info = conn.execute(
            "SELECT chunks_total, chunks_done, requests, created FROM kolada_sync_job WHERE id = %s",
            (job.id,),
        ).fetchone()
    assert info is not None
    copy_seconds = copy_floor(url)
    return {
        "state": state,
        "kpis": len(kpis),
        "municipalities": len(munis),
        "years": len(years),
        "chunks": info[0],
        "chunks_done": info[1],
        "pages": info[2],
        "values": stored,
        "seconds": round(seconds, 2),
        "values_per_s": round(stored / seconds),
        "sync_peak_mb": round(sync_peak_mb, 1),
        "copy_seconds": round(copy_seconds, 2),
        "ratio_vs_copy": round(seconds / copy_seconds, 3),
        "ratio_vs_copy_goal_max": 1.3,
        "rate_limit_per_s": rate,
        "kolada_rate_per_s": kolada_rate,
        "kolada_floor_s": round(info[2] / kolada_rate, 1),
        "recorded_pages": len(recorded.pages),
        "unrecorded_requests": recorded.misses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kpis", type=int, default=300)
    parser.add_argument("--municipalities", type=int, default=312)
    parser.add_argument("--years", type=int, default=25)
    parser.add_argument(
        "--rate", type=float, default=1000.0, help="requests/s (the fake is local; 5 for Kolada)"
    )
    parser.add_argument(
        "--kolada-rate", type=float, default=5.0, help="Kolada's requests/s, for the floor"
    )
    args = parser.parse_args()
    with scratch_database("bench_kolada") as url:
        figures = asyncio.run(
            run(url, args.kpis, args.municipalities, args.years, args.rate, args.kolada_rate)
        )
    print(f"full sync: {figures['values']} values in {figures['seconds']} s ({figures['state']})")
    print(
        f"COPY of the same rows: {figures['copy_seconds']} s; ratio_vs_copy "
        f"{figures['ratio_vs_copy']}; at Kolada's {args.kolada_rate}/s the {figures['pages']} "
        f"pages alone take {figures['kolada_floor_s']} s"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
