"""Shared bench plumbing: a scratch database on DATABASE_URL's server (or the embedded one),
built by the migrations and dropped at the end, and a service process under uvicorn."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg

from shared.embedded import EmbeddedPostgres
from shared.migrate import upgrade
from shared.settings import REPO_ROOT
from tests.helpers import libpq, with_database


@contextlib.contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """A libpq URL of a fresh, migrated database; dropped afterwards."""
    embedded = None
    base = os.environ.get("DATABASE_URL")
    if base:
        admin = libpq(base)
    else:
        embedded = EmbeddedPostgres(Path(REPO_ROOT / "var" / "pgbench"), database="postgres")
        embedded.start()
        admin = libpq(embedded.url("postgres"))
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = libpq(with_database(admin, name))
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if embedded is not None:
            embedded.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def service_process(url: str, **env: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The ingest service under uvicorn on 127.0.0.1, against the scratch database."""
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "ENVIRONMENT": "development",
        "LOG_LEVEL": "WARNING",
        "SCHEDULER_ENABLED": "false",
        "KOLADA_WORKER_ENABLED": "false",
        "RATE_LIMIT_PER_MINUTE": "0",
        **env,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "services.ingest.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=environment,
        cwd=REPO_ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        else:
            raise RuntimeError("the service did not start")
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
