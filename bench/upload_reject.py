"""Benchmark: what rejecting a file costs. A CSV of `--mb` megabytes (default 5; the issue's
case is --mb 100) whose last row is wrong is uploaded through the ingest service (HTTP →
spool → row checks, rendering into a second spool; nothing reaches the database), against
Python's `csv` module alone reading the same file, in the same run. Goal: the rejection within
2× the plain read (wall clock); the CPU seconds of both are printed too. The last line is one
JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import peak_rss_mb, scratch_database, service_process
from bench.ingest import prepare, rows

BYTES_PER_ROW = 40  # "U00001;survey_satisfied;2003-07;K;312" and its line end


def write_file(megabytes: float, directory: str) -> tuple[Path, int, int]:
    """The file (header, valid rows, then one row with an unknown gender) and its row and
    unit counts."""
    n = max(1, int(megabytes * 1e6 / BYTES_PER_ROW))
    path = Path(directory) / "reject.csv"
    units: set[str] = set()
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("unit_code;measure_code;period;gender;value\r\n")
        for unit, measure, period, gender, value in rows(n):
            units.add(unit)
            f.write(f"{unit};{measure};{period};{gender};{value}\r\n")
        f.write("U00000;survey_satisfied;2025-12;X;1\r\n")
    return path, n + 1, len(units)


def read_with_csv(path: Path) -> tuple[float, float]:
    """Seconds `csv` takes to read the file: wall clock (the goal's baseline) and CPU."""
    started, cpu = time.perf_counter(), time.process_time()
    with path.open(encoding="utf-8", newline="") as f:
        for _ in csv.reader(f, delimiter=";"):
            pass
    return time.perf_counter() - started, time.process_time() - cpu


def cpu_seconds(pid: int, children: bool = True) -> float:
    """The CPU time (user + system, every thread) a process and (`children`) the processes
    it started (the upload check's workers) have used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    if not children:
        return total
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        total += sum(cpu_seconds(int(child)) for child in task.read_text().split())
    return total


def reject(base: str, token: str, path: Path) -> tuple[float, dict[str, object]]:
    def body() -> Iterator[bytes]:
        with path.open("rb") as f:
            while block := f.read(1 << 20):
                yield block

    started = time.perf_counter()
    response = httpx.post(
        f"{base}/v1/uploads",
        params={"kind": "observations", "filename": path.name},
        content=body(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
        timeout=3600,
    )
    elapsed = time.perf_counter() - started
    if response.status_code != 422:
        raise SystemExit(f"expected 422, got {response.status_code}: {response.text[:2000]}")
    return elapsed, response.json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=5.0, help="file size in megabytes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory, scratch_database("bench_reject") as url:
        path, n, units = write_file(args.mb, directory)
        token = asyncio.run(prepare(url, units))
        before, before_cpu = read_with_csv(path)
        with service_process(url) as (base, process):
            idle_mb = peak_rss_mb(process.pid)
            idle_cpu = cpu_seconds(process.pid)
            idle_own_cpu = cpu_seconds(process.pid, children=False)
            reject_s, problem = reject(base, token, path)
            reject_cpu = cpu_seconds(process.pid) - idle_cpu
            workers_cpu = reject_cpu - (cpu_seconds(process.pid, children=False) - idle_own_cpu)
            peak_mb = peak_rss_mb(process.pid)
        after, after_cpu = read_with_csv(path)
        csv_s = (before + after) / 2
        csv_cpu = (before_cpu + after_cpu) / 2
        errors = problem.get("errors") or []
        assert isinstance(errors, list)
        assert errors, problem
        assert errors[0]["row"] == n + 1, errors[0]
        print(f"csv alone: {csv_s:.2f} s; rejection: {reject_s:.2f} s", flush=True)
        figures = {
            "bench": "upload_reject",
            "rows": n,
            "file_mb": round(path.stat().st_size / 1e6, 1),
            "reject_s": round(reject_s, 2),
            "csv_read_s": round(csv_s, 2),
            "ratio_vs_csv": round(reject_s / csv_s, 2),
            "goal_ratio": 2.0,
            # CPU seconds (the service process's with its workers', csv's): the work done,
            # whatever load other processes put on a shared machine. With the workers the
            # service uses several cores: its wall clock is below its CPU seconds on an
            # idle machine.
            "reject_cpu_s": round(reject_cpu, 2),
            "csv_read_cpu_s": round(csv_cpu, 2),
            "cpu_ratio_vs_csv": round(reject_cpu / csv_cpu, 2),
            "workers_cpu_s": round(workers_cpu, 2),  # of reject_cpu_s
            "peak_rss_mb": round(peak_mb, 1),
            "idle_rss_mb": round(idle_mb, 1),
        }
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
