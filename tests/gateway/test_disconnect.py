"""A client that disconnects cancels its request's work, the database statement included
(shared.disconnect): on a real `kvn serve ingest` process, a batch whose write waits on a
lock is abandoned by its client; the statement leaves the server at once and, when the lock
is released, nothing of the batch is stored."""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import httpx
import psycopg
import pytest

from bench.load import prepare
from shared.migrate import upgrade
from tests import helpers
from tests.e2e.test_slice import survey_rows
from tests.gateway.stack import KVN, free_port

pytestmark = pytest.mark.gateway


@pytest.fixture(scope="module")
def ingest(
    pg_server: helpers.TestServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str, str]]:
    url = pg_server.create_database("kvn_disconnect")
    workdir = tmp_path_factory.mktemp("disconnect")
    try:
        upgrade(url)
        with ThreadPoolExecutor(1) as pool:
            service_key, keys = pool.submit(asyncio.run, prepare(url, 1)).result()
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
        env.update(
            {
                "DATABASE_URL": url,
                "ENVIRONMENT": "production",
                "SERVICE_API_KEY": service_key,
                "SCHEDULER_ENABLED": "false",
                "LOG_JSON": "true",
            }
        )
        log = (workdir / "ingest.log").open("wb")
        process = subprocess.Popen(
            [str(KVN), "serve", "ingest", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                assert process.poll() is None, (workdir / "ingest.log").read_text()[-3000:]
                try:
                    if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            yield base, keys[0], url
        finally:
            process.terminate()
            process.wait(timeout=20)
            log.close()
    finally:
        pg_server.drop_database(url)


def _waiting_on_lock(url: str, own_pid: int) -> list[int]:
    with psycopg.connect(helpers.libpq(url), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> %s AND state = 'active' AND wait_event_type = 'Lock'",
            (own_pid,),
        ).fetchall()
    return [int(r[0]) for r in rows]


def _until(check: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(check) and check():
            return True
        time.sleep(0.1)
    return False


def test_an_abandoned_request_cancels_its_statement_and_stores_nothing(
    ingest: tuple[str, str, str], tmp_path: Path
) -> None:
    base, key, url = ingest
    # A period no demo value has, within the years a batch may name.
    period = str(date.today().year + 1)
    rows = survey_rows("HT-NORR", period, k=(20, 17), m=(10, 8))
    with psycopg.connect(helpers.libpq(url)) as holder:
        holder.execute("LOCK TABLE observation IN EXCLUSIVE MODE")
        own = holder.info.backend_pid
        outcome: list[str] = []

        def abandon() -> None:
            try:
                answer = httpx.post(
                    f"{base}/v1/batches",
                    json={"observations": rows},
                    headers={"Authorization": f"Bearer {key}"},
                    timeout=httpx.Timeout(3.0, connect=5.0),
                )
                outcome.append(f"answered {answer.status_code}: {answer.text[:300]}")
            except httpx.TimeoutException:
                outcome.append("gave up")  # the client closes its connection

        client = threading.Thread(target=abandon)
        client.start()
        reached = _until(lambda: _waiting_on_lock(url, own), 10)
        client.join(timeout=30)
        assert reached, ("the write never reached the lock", outcome)
        client.join(timeout=30)
        assert outcome == ["gave up"]
        # The lock is still held: only a cancel ends the statement waiting on it.
        assert _until(lambda: not _waiting_on_lock(url, own), 10), (
            "the abandoned request's statement is still running"
        )
        holder.rollback()
    time.sleep(1.0)  # had the statement gone on, it would finish now
    with psycopg.connect(helpers.libpq(url)) as conn:
        stored = conn.execute(
            "SELECT count(*) FROM observation WHERE source = 'local' AND period = %s", (period,)
        ).fetchone()
    assert stored is not None
    assert stored[0] == 0
