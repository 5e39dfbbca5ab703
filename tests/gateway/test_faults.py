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
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
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
        with running_stack(
            workdir,
            url,
            service_key,
            nginx,
            {"GATEWAY_RATE": "500r/s", "GATEWAY_AUTH_RATE": "500r/s"},
        ) as stack:
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
                json={"observations": survey(str(year), "HT-NORR")},
                headers={"Idempotency-Key": key},
            )
            statuses.append((response.status_code, response.headers.get("content-type", "")))
            if response.status_code == 201:
                accepted.append(key)
            time.sleep(0.05)

    # Years the demo's units were open in (since 2015) and its data leaves free (before 2019).
    threads = [threading.Thread(target=writer, args=(2016 + i,)) for i in range(3)]
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
    # 150 distinct keys: 50 months (2015-01 … 2019-02, while HT-SODER was open) × T/K/M.
    lines = [
        f"survey_respondents,HT-SODER,{2015 + i // 36}-{i // 3 % 12 + 1:02d},{'TKM'[i % 3]},{i}\n"
        for i in range(150)
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
            url,
            "SELECT count(*) FROM observation WHERE unit_code = 'HT-SODER'"
            " AND measure_code = 'survey_respondents' AND period LIKE '____-__'",
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
            url,
            "SELECT count(*) FROM observation WHERE unit_code = 'HT-SODER'"
            " AND measure_code = 'survey_respondents' AND period LIKE '____-__'",
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
            url,
            "SELECT count(*) FROM observation WHERE unit_code = 'HT-SODER'"
            " AND measure_code = 'survey_respondents' AND period LIKE '____-__'",
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


class KoladaIngest:
    """The ingest service as its own process over a fresh database, its Kolada a local
    stand-in with the faults asked for (tests/gateway/kolada_ingest.py)."""

    def __init__(self, url: str, token: str, workdir: Path, **env: str) -> None:
        self.url, self.token, self.workdir = url, token, workdir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.auth = {"Authorization": f"Bearer {token}"}
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")},
            "ENVIRONMENT": "production",
            "DATABASE_URL": url,
            "SERVICE_API_KEY": token,
            "SCHEDULER_ENABLED": "false",
            "KOLADA_RATE_PER_S": "1000",
            "KOLADA_CONCURRENCY": "1",
            "KOLADA_WORKER_POLL_S": "0.2",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *flags: str) -> None:
        log = (self.workdir / "ingest.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.gateway.kolada_ingest", str(self.port), *flags],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (self.workdir / "ingest.log").read_text()
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise AssertionError("ingest did not start")

    def kill(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None

    def sync(self, kpis: list[str], munis: list[str], years: list[int]) -> str:
        queued = httpx.post(
            f"{self.base}/v1/kolada/syncs",
            json={"mode": "full", "kpis": kpis, "municipalities": munis, "years": years},
            headers=self.auth,
            timeout=10,
        )
        assert queued.status_code == 202, queued.text
        return f"{self.base}{queued.json()['url']}"

    def job(self, job_url: str) -> dict[str, Any]:
        found: dict[str, Any] = httpx.get(job_url, headers=self.auth, timeout=10).json()
        return found

    def wait_finished(self, job_url: str, timeout: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while (job := self.job(job_url))["state"] in {"pending", "running"}:
            assert time.monotonic() < deadline, job
            time.sleep(0.2)
        return job

    def stored(self) -> int:
        return _count(self.url, "SELECT count(*) FROM observation WHERE source = 'kolada'")


@pytest.fixture
def kolada_ingest(
    pg_server: helpers.TestServer, tmp_path: Path
) -> Iterator[Callable[..., KoladaIngest]]:
    made: list[KoladaIngest] = []
    url = pg_server.create_database("kvn_kolada_faults")
    upgrade(url)
    with ThreadPoolExecutor(1) as pool:
        token = pool.submit(asyncio.run, _national_key(url)).result()

    def make(**env: str) -> KoladaIngest:
        made.append(KoladaIngest(url, token, tmp_path, **env))
        return made[-1]

    try:
        yield make
    finally:
        for ingest in made:
            ingest.kill()
        pg_server.drop_database(url)


def _distinct_kolada_keys(url: str) -> int:
    return _count(
        url,
        "SELECT count(*) FROM (SELECT DISTINCT municipality_code, measure_code, period, gender"
        " FROM observation WHERE source = 'kolada') d",
    )


def test_ingest_killed_mid_kolada_sync_keeps_whole_chunks_and_the_sync_resumes(
    kolada_ingest: Callable[..., KoladaIngest],
) -> None:
    ingest = kolada_ingest(KOLADA_JOB_STALE_S="2")
    kpis = [f"N{i:05d}" for i in range(100)]  # 4 parts of 25
    munis = [f"{1000 + i}" for i in range(75)]  # 3 parts of 25
    total = 100 * 75 * 5 * 3
    ingest.start("--delay", "0.4")
    job_url = ingest.sync(kpis, munis, [2020, 2021, 2022, 2023, 2024])
    deadline = time.monotonic() + 60
    while ingest.job(job_url)["progress"]["chunks_done"] < 3:
        assert time.monotonic() < deadline, "the sync made no progress"
        time.sleep(0.1)
    ingest.kill()

    # Whole chunks or nothing: what is stored is exactly the chunks marked done.
    done_rows = _count(
        ingest.url, "SELECT coalesce(sum(rows), 0) FROM kolada_sync_chunk WHERE state = 'done'"
    )
    assert 0 < ingest.stored() == done_rows < total

    ingest.start("--delay", "0.4")  # the worker finds the job without heartbeat and resumes it
    job = ingest.wait_finished(job_url)
    assert job["state"] == "completed", job
    assert job["attempts"] == 2
    assert job["progress"]["chunks_done"] == job["progress"]["chunks_total"] == 12
    assert ingest.stored() == _distinct_kolada_keys(ingest.url) == total


def test_kolada_answering_429_garbage_and_too_slowly_fails_those_chunks_only(
    kolada_ingest: Callable[..., KoladaIngest],
) -> None:
    ingest = kolada_ingest(KOLADA_TIMEOUT_S="0.5", KOLADA_RETRIES="1", KOLADA_BACKOFF_S="0.1")
    kpis = [f"N{i:05d}" for i in range(75)]  # 3 chunks: N00000…, N00025…, N00050…
    munis = [f"{1000 + i}" for i in range(20)]
    per_chunk = 25 * 20 * 2 * 3
    ingest.start("--throttle-first", "--garbage", "N00000", "--slow", "N00025")
    job_url = ingest.sync(kpis, munis, [2023, 2024])
    job = ingest.wait_finished(job_url)

    # The 429s were waited out (Retry-After), the good chunk is stored whole, the two bad ones
    # failed with what went wrong, and nothing of them is stored.
    assert job["state"] == "failed", job
    assert (job["progress"]["chunks_done"], job["progress"]["chunks_failed"]) == (1, 2)
    messages = sorted(e["message"] for e in job["errors"])
    assert "did not answer" in messages[0]
    assert "ReadTimeout" in messages[0]
    assert messages[1].startswith("malformed Kolada answer")
    assert ingest.stored() == per_chunk
    # Every path's first answer was a 429 with Retry-After: 1, so the good chunk was stored no
    # sooner than a second after the job began (the paths wait side by side, not in turn).
    assert job["timings"]["seconds"] >= 1.0

    # Kolada behaves again: a retry fetches the two failed chunks and the job completes.
    ingest.kill()
    ingest.start()
    retried = httpx.post(f"{job_url}/retry", headers=ingest.auth, timeout=10)
    assert retried.status_code == 202, retried.text
    job = ingest.wait_finished(job_url)
    assert job["state"] == "completed", job
    assert ingest.stored() == _distinct_kolada_keys(ingest.url) == 3 * per_chunk


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
