"""Faults on the production topology (nginx + four `kvn serve` processes, 127.0.0.1 only):
the database going away under load, the ingest process killed mid-upload and mid-Kolada-sync,
indicators down while awards evaluates. Each ends with the system recovered by itself and
nothing lost or half-stored."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest

from bench.load import prepare, survey
from shared.auth import create_api_key
from shared.db import Database
from shared.migrate import upgrade
from shared.settings import Settings
from tests import helpers
from tests.e2e.test_slice import survey_rows
from tests.gateway.stack import Stack, find_nginx, free_port, running_stack

pytestmark = pytest.mark.gateway
PROBLEM = "application/problem+json"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def faulty(
    pg_server: helpers.TestServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Stack, helpers.TestServer, str]]:
    nginx = find_nginx()
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install -y nginx; .ci/run does this)")
    url = pg_server.create_database("kvn_faults")
    try:
        upgrade(url)
        with ThreadPoolExecutor(1) as pool:
            service_key, keys = pool.submit(asyncio.run, prepare(url, 1)).result()
        workdir = tmp_path_factory.mktemp("faults")
        with running_stack(workdir, url, service_key, nginx, {"GATEWAY_RATE": "500r/s"}) as stack:
            stack.user_key = keys[0]
            yield stack, pg_server, url
    finally:
        with psycopg.connect(pg_server.admin_url, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{_name(url)}" ALLOW_CONNECTIONS true')
        pg_server.drop_database(url)


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _count(url: str, sql: str, *params: object) -> int:
    with psycopg.connect(helpers.libpq(url)) as conn:
        row = conn.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


def test_database_outage_under_load_is_503_problem_then_recovers_and_loses_nothing(
    faulty: tuple[Stack, helpers.TestServer, str],
) -> None:
    stack, pg_server, url = faulty
    headers = {"Authorization": f"Bearer {stack.user_key}"}
    http = httpx.Client(base_url=stack.base_url, headers=headers, timeout=30)
    accepted: list[str] = []
    statuses: list[tuple[int, str]] = []
    stop = threading.Event()

    def writer(year: int) -> None:
        step = 0
        while not stop.is_set():
            step += 1
            key = f"outage-{year}-{step}"
            response = http.post(
                "/api/ingest/v1/batches",
                json={"observations": survey(year, "HT-NORR")},
                headers={"Idempotency-Key": key},
            )
            statuses.append((response.status_code, response.headers.get("content-type", "")))
            if response.status_code == 201:
                accepted.append(key)
            time.sleep(0.05)

    threads = [threading.Thread(target=writer, args=(1900 + i,)) for i in range(3)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.5)
        with psycopg.connect(pg_server.admin_url, autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{_name(url)}" ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (_name(url),),
            )
        time.sleep(2.0)
        ready = httpx.get(f"http://127.0.0.1:{stack.ports['ingest']}/readyz", timeout=30)
        assert ready.status_code == 503
        assert ready.headers["content-type"].startswith(PROBLEM)
        read = http.get("/api/indicators/v1/targets")
        assert read.status_code == 503, read.text
        assert read.headers["content-type"].startswith(PROBLEM)
        assert read.json()["request_id"] == read.headers["x-request-id"]
        with psycopg.connect(pg_server.admin_url, autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{_name(url)}" ALLOW_CONNECTIONS true')
        deadline = time.monotonic() + 30
        while httpx.get(f"http://127.0.0.1:{stack.ports['ingest']}/readyz").status_code != 200:
            assert time.monotonic() < deadline, "ingest did not recover"
            time.sleep(0.2)
        time.sleep(1.5)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert http.get("/api/indicators/v1/targets").status_code == 200
    http.close()

    codes = {s for s, _ in statuses}
    assert 503 in codes, statuses
    assert 201 in codes, statuses
    assert codes <= {201, 503}, statuses  # never a 500
    assert all(ct.startswith(PROBLEM) for s, ct in statuses if s == 503)
    # Every accepted batch is stored whole; every refused one stored nothing.
    stored = _count(
        url, "SELECT count(*) FROM ingest_batch WHERE idempotency_key = ANY(%s)", accepted
    )
    assert stored == len(accepted)
    rows = _count(
        url,
        "SELECT count(*) FROM observation o JOIN ingest_batch b ON b.id = o.batch_id"
        " WHERE b.idempotency_key LIKE 'outage-%%'",
    )
    assert 0 < rows <= 6 * len(accepted)


def test_ingest_killed_mid_upload_stores_nothing_and_the_same_key_can_be_repeated(
    faulty: tuple[Stack, helpers.TestServer, str],
) -> None:
    stack, _, url = faulty
    header = "measure_code,unit_code,period,gender,value\n"
    # 150 distinct keys: 50 years × T/K/M.
    lines = [
        f"survey_respondents,HT-SODER,{1910 + i // 3},{'TKM'[i % 3]},{i}\n" for i in range(150)
    ]
    body = (header + "".join(lines)).encode()
    ingest = f"http://127.0.0.1:{stack.ports['ingest']}"
    headers = {
        "Authorization": f"Bearer {stack.user_key}",
        "Content-Type": "text/csv",
        "Idempotency-Key": "killed-upload-1",
    }
    killed = threading.Event()

    def slow_body() -> Iterator[bytes]:
        for i in range(0, len(body), 512):
            if i >= 2048 and not killed.is_set():
                os.killpg(stack.processes["ingest"].pid, signal.SIGKILL)
                killed.set()
            yield body[i : i + 512]
            time.sleep(0.05)

    with pytest.raises(httpx.HTTPError):
        httpx.post(
            f"{ingest}/v1/uploads",
            params={"kind": "observations"},
            content=slow_body(),
            headers=headers,
            timeout=30,
        )
    assert killed.is_set()
    stack.processes["ingest"].wait(timeout=10)
    assert (
        _count(
            url, "SELECT count(*) FROM observation WHERE unit_code = 'HT-SODER' AND period < '1960'"
        )
        == 0
    )
    assert (
        _count(
            url,
            "SELECT count(*) FROM ingest_batch WHERE idempotency_key = 'killed-upload-1'"
            " AND state = 'completed'",
        )
        == 0
    )

    stack.restart(["ingest"])
    repeated = httpx.post(
        f"{stack.base_url}/api/ingest/v1/uploads",
        params={"kind": "observations"},
        content=body,
        headers=headers,
        timeout=60,
    )
    assert repeated.status_code == 201, repeated.text
    assert (
        _count(
            url, "SELECT count(*) FROM observation WHERE unit_code = 'HT-SODER' AND period < '1960'"
        )
        == 150
    )
    again = httpx.post(
        f"{stack.base_url}/api/ingest/v1/uploads",
        params={"kind": "observations"},
        content=body,
        headers=headers,
        timeout=60,
    )
    assert again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true"
    assert (
        _count(
            url, "SELECT count(*) FROM observation WHERE unit_code = 'HT-SODER' AND period < '1960'"
        )
        == 150
    )


def test_indicators_down_while_awards_evaluates_is_a_problem_and_writes_no_run(
    faulty: tuple[Stack, helpers.TestServer, str],
) -> None:
    stack, _, url = faulty
    http = httpx.Client(
        base_url=stack.base_url,
        headers={"Authorization": f"Bearer {stack.user_key}"},
        timeout=60,
    )
    rows = survey_rows("HT-NORR", "2025", k=(20, 18), m=(10, 7)) + survey_rows(
        "HT-SODER", "2025", k=(15, 12), m=(9, 8)
    )
    assert http.post("/api/ingest/v1/batches", json={"observations": rows}).status_code == 201
    evaluation = {"title": "Fault test", "indicator_code": "andel_nojda", "period": "2025"}
    runs = "SELECT count(*) FROM award_run"
    before = _count(url, runs)

    stack.stop_one("indicators")
    try:
        failed = http.post("/api/awards/v1/evaluations", json=evaluation)
        assert failed.status_code in (502, 503), failed.text
        assert failed.headers["content-type"].startswith(PROBLEM)
        assert failed.json()["request_id"] == failed.headers["x-request-id"]
        assert _count(url, runs) == before
    finally:
        stack.restart(["indicators"])
    done = http.post("/api/awards/v1/evaluations", json=evaluation)
    http.close()
    assert done.status_code == 201, done.text
    assert _count(url, runs) == before + 1


def test_ingest_killed_mid_kolada_sync_keeps_whole_chunks_and_the_sync_resumes(
    pg_server: helpers.TestServer, tmp_path: Path
) -> None:
    url = pg_server.create_database("kvn_kill_sync")
    try:
        upgrade(url)
        with ThreadPoolExecutor(1) as pool:
            token = pool.submit(asyncio.run, _national_key(url)).result()
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")},
            "ENVIRONMENT": "production",
            "DATABASE_URL": url,
            "SERVICE_API_KEY": token,
            "SCHEDULER_ENABLED": "false",
            "KOLADA_RATE_PER_S": "1000",
            "KOLADA_CONCURRENCY": "1",
            "KOLADA_WORKER_POLL_S": "0.2",
            "KOLADA_JOB_STALE_S": "2",
        }

        def start() -> subprocess.Popen[bytes]:
            log = (tmp_path / "ingest.log").open("ab")
            process = subprocess.Popen(
                [sys.executable, "-m", "tests.gateway.kolada_ingest", str(port), "0.4"],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                assert process.poll() is None, (tmp_path / "ingest.log").read_text()
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                        return process
                time.sleep(0.2)
            raise AssertionError("ingest did not start")

        base = f"http://127.0.0.1:{port}"
        auth = {"Authorization": f"Bearer {token}"}
        kpis = [f"N{i:05d}" for i in range(100)]  # 4 parts of 25
        munis = [f"{1000 + i}" for i in range(75)]  # 3 parts of 25
        years = [2020, 2021, 2022, 2023, 2024]
        process = start()
        try:
            queued = httpx.post(
                f"{base}/v1/kolada/syncs",
                json={"mode": "full", "kpis": kpis, "municipalities": munis, "years": years},
                headers=auth,
                timeout=10,
            )
            assert queued.status_code == 202, queued.text
            job_url = f"{base}{queued.json()['url']}"
            deadline = time.monotonic() + 60
            while httpx.get(job_url, headers=auth).json()["progress"]["chunks_done"] < 3:
                assert time.monotonic() < deadline, "the sync made no progress"
                time.sleep(0.1)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

            # Whole chunks or nothing: what is stored is exactly the chunks marked done.
            done_rows = _count(
                url,
                "SELECT coalesce(sum(rows), 0) FROM kolada_sync_chunk WHERE state = 'done'",
            )
            stored = _count(url, "SELECT count(*) FROM observation WHERE source = 'kolada'")
            assert 0 < stored == done_rows < 100 * 75 * 5 * 3

            process = start()  # the worker finds the job without heartbeat and resumes it
            deadline = time.monotonic() + 120
            while (job := httpx.get(job_url, headers=auth).json())["state"] != "completed":
                assert job["state"] in {"running", "pending"}, job
                assert time.monotonic() < deadline, job
                time.sleep(0.2)
            assert job["attempts"] == 2
            assert job["progress"]["chunks_done"] == job["progress"]["chunks_total"] == 12
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        distinct = (
            "SELECT count(*) FROM (SELECT DISTINCT municipality_code, measure_code, period, gender"
            " FROM observation WHERE source = 'kolada') d"
        )
        assert _count(url, "SELECT count(*) FROM observation WHERE source = 'kolada'") == (
            100 * 75 * 5 * 3
        )
        assert _count(url, distinct) == 100 * 75 * 5 * 3
    finally:
        pg_server.drop_database(url)


async def _national_key(url: str) -> str:
    database = Database.from_settings(Settings(DATABASE_URL=url))
    try:
        async with database.unit_of_work() as session:
            key = await create_api_key(
                session, name="sync", municipality_code=None, scopes=["ingest:write", "ingest:read"]
            )
        return key.token
    finally:
        await database.dispose()
