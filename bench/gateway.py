"""The gateway's cost: one cached GET at N connections through nginx and straight to the
indicators process, alternating in one run.

    python bench/gateway.py [--connections 50] [--seconds 2] [--rounds 6] [--keepalive 64]

Starts the production topology on 127.0.0.1 (tests/gateway/stack.py: nginx rendered from
deploy/gateway/templates/default.conf.template in front of four `kvn serve` processes) on a
scratch database with the demo data, warms one analytics query (a dashboard's: one indicator,
the municipality's units, two years, T/K/M), and then runs `--rounds` pairs of rounds, direct
and gateway (which goes first alternates), each `--seconds` long after a short warm-up, with `--connections` persistent HTTP/1.1
connections each sending the request again as soon as its answer is in. The load generator
is a bare asyncio client (no HTTP library), so it costs the two paths the same little CPU.

`--keepalive` sets GATEWAY_UPSTREAM_KEEPALIVE (nginx's idle connections per upstream); after
each gateway round the bench counts the sockets to the indicators port left in TIME_WAIT,
which is what an undersized pool leaves behind (one per connection opened and closed).

The machine is shared, so its load drifts between rounds: `rps_ratio` and `p99_ratio` are
the medians of the ratios of each pair of neighbouring rounds (the pooled figures are printed
too). Goals (issue 19): gateway ÷ direct req/s ≥ 0.9 and p99 ≤ 1.5. The last line is one
JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import scratch_database  # noqa: E402
from shared.auth import create_api_key  # noqa: E402
from shared.db import Database  # noqa: E402
from shared.demo import load_demo  # noqa: E402
from shared.settings import SERVICES, Settings  # noqa: E402
from tests.gateway.stack import find_nginx, gateway_values, running_stack  # noqa: E402

MUNICIPALITY = "9990"
KEEPALIVE = "GATEWAY_UPSTREAM_KEEPALIVE"
QUERY = {
    "indicators": "andel_nojda",
    "from": "2024",
    "to": "2025",
    "gender": "T,K,M",
    "level": "unit",
}


async def prepare(url: str) -> tuple[str, str]:
    database = Database.from_settings(Settings(DATABASE_URL=url))
    try:
        async with database.unit_of_work() as session:
            await load_demo(session)
            service = await create_api_key(
                session, name="gateway bench service", municipality_code=None, scopes=["admin"]
            )
            reader = await create_api_key(
                session,
                name="gateway bench reader",
                municipality_code=MUNICIPALITY,
                scopes=["indicators:read"],
            )
        return service.token, reader.token
    finally:
        await database.dispose()


@dataclass
class Round:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0


async def _answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Reads one response: (status, whether the server keeps the connection)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    headers = head.lower()
    if b"transfer-encoding: chunked" in headers:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        marker = headers.find(b"content-length:")
        if marker >= 0:
            end = headers.index(b"\r\n", marker)
            await reader.readexactly(int(headers[marker + 15 : end]))
    return status, b"connection: close" not in headers


async def _connection(
    port: int, request: bytes, start: float, until: float, out: Round, latencies: bool
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            sent = time.perf_counter()
            writer.write(request)
            status, keep = await _answer(reader)
            if sent >= start and latencies:
                out.latencies.append((time.perf_counter() - sent) * 1000)
                out.errors += status != 200
            if not keep:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


async def run_round(
    port: int, path: str, key: str, connections: int, seconds: float, warmup: float
) -> Round:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
        "Accept-Encoding: gzip\r\n\r\n"
    ).encode()
    out = Round()
    start = time.perf_counter() + warmup
    until = start + seconds
    await asyncio.gather(
        *(_connection(port, request, start, until, out, True) for _ in range(connections))
    )
    out.seconds = time.perf_counter() - start
    return out


def time_wait_to(port: int) -> int:
    """Sockets in TIME_WAIT (state 06) with `port` at either end."""
    hexport = f"{port:04X}"
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[3] == "06" and hexport in (parts[1][-4:], parts[2][-4:]):
                count += 1
    return count


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def figures(rounds: list[Round]) -> dict[str, Any]:
    latencies = [v for r in rounds for v in r.latencies]
    seconds = sum(r.seconds for r in rounds)
    return {
        "requests": len(latencies),
        "errors": sum(r.errors for r in rounds),
        "rps": round(len(latencies) / seconds, 1),
        "rps_per_round": [round(len(r.latencies) / r.seconds, 1) for r in rounds],
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "p99_per_round": [round(percentile(r.latencies, 0.99), 2) for r in rounds],
    }


def run(
    url: str,
    workdir: Path,
    nginx: str,
    *,
    connections: int,
    seconds: float,
    rounds: int,
    keepalive: str | None,
) -> dict[str, Any]:
    with ThreadPoolExecutor(1) as pool:
        service_key, key = pool.submit(asyncio.run, prepare(url)).result()
    overrides = {
        # Far above what the bench sends: the limits are not what is measured.
        "GATEWAY_RATE": "100000r/s",
        "GATEWAY_BURST": "100000",
        "GATEWAY_AUTH_RATE": "100000r/s",
        "GATEWAY_AUTH_BURST": "100000",
        # One access line per request is what production writes too (to stdout there).
    }
    if keepalive is not None:
        overrides[KEEPALIVE] = keepalive
    query = urlencode(QUERY)
    # The services' own per-key limit (100 requests/s by default) is off for the same reason.
    extra = {"RATE_LIMIT_PER_MINUTE": "0"}
    with running_stack(workdir, url, service_key, nginx, overrides, extra) as stack:
        port = stack.ports["indicators"]
        paths = {
            "direct": (port, f"/v1/analytics?{query}"),
            "gateway": (stack.gateway_port, f"/api/indicators/v1/analytics?{query}"),
        }
        measured: dict[str, list[Round]] = {"direct": [], "gateway": []}
        time_wait: list[int] = []

        async def measure() -> None:
            # Computed once; every request after it is the cached answer.
            for target, path in paths.values():
                warm = await run_round(target, path, key, 1, 0.5, 0.0)
                if warm.errors or not warm.latencies:
                    raise RuntimeError(f"the warm-up request to {path} failed")
            for n in range(rounds):
                for name in ("direct", "gateway")[:: 1 if n % 2 == 0 else -1]:
                    target, path = paths[name]
                    before = time_wait_to(port)
                    measured[name].append(
                        await run_round(target, path, key, connections, seconds, 0.5)
                    )
                    if name == "gateway":
                        time_wait.append(max(0, time_wait_to(port) - before))
                    await asyncio.sleep(0.5)

        asyncio.run(measure())
    direct, gateway = figures(measured["direct"]), figures(measured["gateway"])
    return {
        "bench": "gateway",
        "connections": connections,
        "seconds_per_round": seconds,
        "rounds": rounds,
        "upstream_keepalive": int(
            keepalive or gateway_values(dict.fromkeys(SERVICES, 0), 0, workdir)[KEEPALIVE]
        ),
        "direct": direct,
        "gateway": gateway,
        "gateway_upstream_time_wait_per_round": time_wait,
        "rps_ratio": round(
            statistics.median(
                g / d
                for g, d in zip(gateway["rps_per_round"], direct["rps_per_round"], strict=True)
            ),
            3,
        ),
        "p99_ratio": round(
            statistics.median(
                g / d
                for g, d in zip(gateway["p99_per_round"], direct["p99_per_round"], strict=True)
            ),
            3,
        ),
        "pooled_rps_ratio": round(gateway["rps"] / direct["rps"], 3),
        "pooled_p99_ratio": round(gateway["p99_ms"] / direct["p99_ms"], 3),
        "goals": {"rps_ratio_min": 0.9, "p99_ratio_max": 1.5},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument(
        "--keepalive", default=None, help="GATEWAY_UPSTREAM_KEEPALIVE (default: the stack's)"
    )
    args = parser.parse_args()
    nginx = find_nginx()
    if nginx is None:
        raise SystemExit("nginx is not installed")
    with scratch_database("kvn_gateway") as url, tempfile.TemporaryDirectory() as workdir:
        result = run(
            url,
            Path(workdir),
            nginx,
            connections=args.connections,
            seconds=args.seconds,
            rounds=args.rounds,
            keepalive=args.keepalive,
        )
    for name in ("direct", "gateway"):
        print(f"{name:8} {json.dumps(result[name])}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
