"""The morning after a nightly sync: every municipality's dashboard requested at once.

    python bench/morning_after.py [--municipalities 290] [--units-per 35] [--indicators 2]
                                  [--years 5]

Builds a scratch database (bench/indicators.py's loader: local survey-style observations for
`--municipalities` municipalities with `--units-per` units each), serves the indicators app
in one uvicorn process (production settings for its caches: a state reused for
INDICATORS_STATE_TTL_S), and measures in one run:

1. `sequential_s`: every municipality's dashboard (`--indicators` indicators × its units ×
   `--years` years × T/K/M) computed once, one request at a time: what one process needs
   to compute them in a row (the cache is cold, so every request computes);
2. `riket_sync_s`: a sync changes riket's figures (riket's data_version bumped, as ingest's
   Kolada job does), the night passes (every cached state expires), and then all the
   dashboards are requested at once: time until the last is answered. A dashboard without
   comparisons does not depend on riket, so each is answered from the cache;
3. `stampede_s`: the same after a change of every municipality's own data (each one's
   data_version bumped): every dashboard is computed again, all at once. Before the state
   token left riket out, step 2 was this.

Goal (issue 19): the morning after answers every dashboard within 2× `sequential_s`
(`riket_sync_vs_sequential` ≤ 2). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.indicators import Scratch, free_port, libpq, make_key, populate, serve  # noqa: E402
from services.indicators.analytics.service import STALE_GRACE_S  # noqa: E402
from shared.migrate import upgrade  # noqa: E402
from shared.settings import Settings  # noqa: E402

BUMP = (
    "INSERT INTO data_version (municipality_code, version) SELECT unnest(%s::text[]), 1 "
    "ON CONFLICT (municipality_code) DO UPDATE "
    "SET version = data_version.version + 1, changed_at = now()"
)


async def _get(port: int, request: bytes) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        headers = head.lower()
        marker = headers.find(b"content-length:")
        if marker >= 0:
            end = headers.index(b"\r\n", marker)
            await reader.readexactly(int(headers[marker + 15 : end]))
        return int(head[9:12])
    finally:
        writer.close()


async def sequential(port: int, requests: list[bytes]) -> tuple[float, int]:
    started = time.perf_counter()
    errors = 0
    for request in requests:
        errors += await _get(port, request) != 200
    return time.perf_counter() - started, errors


async def at_once(port: int, requests: list[bytes]) -> tuple[float, int]:
    started = time.perf_counter()
    statuses = await asyncio.gather(*(_get(port, r) for r in requests))
    return time.perf_counter() - started, sum(s != 200 for s in statuses)


def bump(url: str, codes: list[str]) -> None:
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute(BUMP, (codes,))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--municipalities", type=int, default=290)
    parser.add_argument("--units-per", type=int, default=35)
    parser.add_argument("--indicators", type=int, default=2)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    night = Settings().INDICATORS_STATE_TTL_S + STALE_GRACE_S + 0.5
    loader = argparse.Namespace(
        units=args.units_per * args.municipalities,
        municipalities=args.municipalities,
        indicators=args.indicators,
        data_indicators=args.indicators,
        years=args.years,
    )
    scratch = Scratch()
    server: subprocess.Popen[bytes] | None = None
    try:
        upgrade(scratch.url)
        codes, setup_s = populate(scratch.url, loader)
        bump(scratch.url, ["0000"])  # riket has a data version, as after any Kolada sync
        print(f"setup: {len(codes)} municipalities in {setup_s:.1f} s", flush=True)
        token = asyncio.run(make_key(scratch.url))
        port = free_port()
        server = serve(scratch.url, port, cache=4096)
        indicators = ",".join(f"ind_{i:02d}" for i in range(args.indicators))
        requests = [
            (
                f"GET /v1/analytics?indicators={indicators}&municipality_code={code}"
                f"&level=unit&from={2025 - args.years}&to=2024&gender=T,K,M&limit=500 "
                f"HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                "Accept-Encoding: gzip\r\nConnection: close\r\n\r\n"
            ).encode()
            for code in codes
        ]
        probe = httpx.get(
            f"http://127.0.0.1:{port}/v1/analytics",
            params={"indicators": indicators, "municipality_code": codes[0], "period": "2024"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        if probe.status_code != 200:
            raise RuntimeError(probe.text)

        figures: dict[str, Any] = {}
        errors: dict[str, int] = {}
        figures["sequential_s"], errors["sequential"] = asyncio.run(sequential(port, requests))
        print(f"sequential, cold: {figures['sequential_s']:.2f} s", flush=True)

        bump(scratch.url, ["0000"])
        time.sleep(night)
        figures["riket_sync_s"], errors["riket_sync"] = asyncio.run(at_once(port, requests))
        print(f"after a riket sync, all at once: {figures['riket_sync_s']:.2f} s", flush=True)

        bump(scratch.url, codes)
        time.sleep(night)
        # Answers that are not 200 (a 503 when the connection pool runs dry) count as errors:
        # the time is then to the last answer, not to the last dashboard shown.
        figures["stampede_s"], errors["stampede"] = asyncio.run(at_once(port, requests))
        print(f"after every municipality changed: {figures['stampede_s']:.2f} s", flush=True)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        scratch.close()
    summary = {
        "bench": "morning_after",
        "municipalities": args.municipalities,
        "units": loader.units,
        "indicators": args.indicators,
        "years": args.years,
        "errors": errors,
        **{k: round(v, 3) for k, v in figures.items()},
        "riket_sync_vs_sequential": round(figures["riket_sync_s"] / figures["sequential_s"], 3),
        "stampede_vs_sequential": round(figures["stampede_s"] / figures["sequential_s"], 3),
        "goal_riket_sync_vs_sequential_max": 2.0,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
