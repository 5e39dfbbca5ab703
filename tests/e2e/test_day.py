"""A day in production, lived once: real PostgreSQL, four `kvn serve` processes behind nginx,
the `kvn scheduler` leader, Kolada as a local HTTPS stand-in in the real v3 format and a
municipality's webhook receiver over HTTPS, each trusting the test's own CA through settings
(KOLADA_CA_FILE, SSL_CERT_FILE).

Night: every scheduled job (shared.scheduler.JOBS) is fired as the leader fires it (`kvn
scheduler --now`), the nightly incremental sync with its default catalogue refresh among them.
Day: Exempelstad uploads its tertial survey (CSV) and sick leave (XLSX), its indicators and a
target follow, the tertial report is fetched, an award run and a budget forecast are saved; the
leader's delivery loop sends the webhooks. Morning: what an operator checks — every job
finished, the counts match what the stand-in served, the outbox is empty, nothing is stuck.

    pytest -m day
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from openpyxl import Workbook

from bench.load import prepare
from shared.demo.budget import DRIFT
from shared.migrate import upgrade
from shared.scheduler import JOBS
from shared.settings import REPO_ROOT
from shared.webhooks import verify_signature
from tests import helpers
from tests.e2e.tls import Certificates, make_certificates
from tests.gateway.stack import Stack, find_nginx, free_port, running_stack

pytestmark = [pytest.mark.day, pytest.mark.gateway]
MUNICIPALITY = "9990"
# Lilla Edet uses the suite too (a unit of its own): the nightly sync covers it, its
# "Liknande kommuner" and Riket, and its OUs in Kolada (a V15 school is not synced).
TENANT = "1462"
OUS = {
    TENANT: [
        {"id": "V21E146200501", "municipality": TENANT, "title": "Hemtjänst Lilla Edet"},
        {"id": "V23E146200601", "municipality": TENANT, "title": "Särskilt boende Lilla Edet"},
        {"id": "V15E146200101", "municipality": TENANT, "title": "Förskola Lilla Edet"},
    ]
}
EVENT_TYPES = ["observation.values_changed", "target.status_changed", "budget.forecast_saved"]


def _host() -> tuple[str, str]:
    """A host name of this machine and a local address it resolves to: Kolada's base URL
    must be https on an allow-listed name, never an IP literal or localhost."""
    name = socket.gethostname()
    try:
        addresses = sorted({str(i[4][0]) for i in socket.getaddrinfo(name, 443, socket.AF_INET)})
    except OSError:
        addresses = []
    for address in addresses:
        with socket.socket() as probe, contextlib.suppress(OSError):
            probe.bind((address, 0))
            return name, address
    pytest.skip(f"this machine's name {name!r} does not resolve to a local address")


@dataclass
class Receiver:
    """A municipality's webhook endpoint over HTTPS; keeps every delivery it got."""

    certs: Certificates
    host: str
    address: str
    port: int = field(default_factory=free_port)
    deliveries: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"https://{self.host}:{self.port}/hooks/kvn"

    @contextlib.contextmanager
    def running(self) -> Iterator[Receiver]:
        received = self.deliveries

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        server = ThreadingHTTPServer((self.address, self.port), Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.certs.cert, self.certs.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()


@contextlib.contextmanager
def kolada_standin(workdir: Path, certs: Certificates, host: str, address: str) -> Iterator[str]:
    port = free_port()
    ous = workdir / "ous.json"
    ous.write_text(json.dumps(OUS))
    log = (workdir / "kolada.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.e2e.kolada_standin",
            "--host",
            host,
            "--bind",
            address,
            "--port",
            str(port),
            "--cert",
            str(certs.cert),
            "--key",
            str(certs.key),
            "--ous",
            str(ous),
        ],
        cwd=REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"https://{host}:{port}"
    try:
        _wait(lambda: httpx.get(f"{base}/_served", verify=_trusting(certs.ca)).status_code == 200)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _trusting(ca: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca))


def _wait(check: Callable[[], bool], timeout: float = 120.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if check():
                return
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what or check}")


def _one(url: str, sql: str, *params: object) -> Any:
    with psycopg.connect(helpers.libpq(url)) as conn:
        row = conn.execute(sql, params).fetchone()
        assert row is not None
        return row[0]


@dataclass
class Day:
    stack: Stack
    url: str
    kolada: str
    ca: Path
    receiver: Receiver

    def api(self, key: str | None = None) -> httpx.Client:
        return httpx.Client(
            base_url=self.stack.base_url,
            headers={"Authorization": f"Bearer {key or self.stack.user_key}"},
            timeout=60,
        )

    def served(self) -> dict[str, Any]:
        result: dict[str, Any] = httpx.get(
            f"{self.kolada}/_served", verify=_trusting(self.ca)
        ).json()
        return result

    def fire(self, job_id: str) -> str:
        """`kvn scheduler --now JOB`: the job's call exactly as the leader makes it."""
        done = subprocess.run(
            [str(Path(sys.executable).with_name("kvn")), "scheduler", "--now", job_id],
            env=self.stack.service_env(),
            cwd=self.stack.workdir,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


@pytest.fixture(scope="module")
def day(pg_server: helpers.TestServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Day]:
    nginx = find_nginx()
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install -y nginx; .ci/run does this)")
    host, address = _host()
    workdir = tmp_path_factory.mktemp("day")
    certs = make_certificates(workdir, host)
    url = pg_server.create_database("kvn_day")
    try:
        upgrade(url)
        with ThreadPoolExecutor(1) as pool:
            service_key, keys = pool.submit(asyncio.run, prepare(url, 1)).result()
        with (
            kolada_standin(workdir, certs, host, address) as kolada,
            Receiver(certs, host, address).running() as receiver,
        ):
            env = {
                "KOLADA_BASE_URL": f"{kolada}/v3",
                "KOLADA_ALLOWED_HOSTS": json.dumps([host]),
                "KOLADA_CA_FILE": str(certs.ca),
                "KOLADA_SYNC_YEARS": "2",
                "KOLADA_RATE_PER_S": "500",
                "KOLADA_BACKOFF_S": "0",
                "KOLADA_WORKER_POLL_S": "0.2",
                "WEBHOOK_ALLOWED_HOSTS": json.dumps([host]),
                "WEBHOOK_ALLOW_PRIVATE": "true",
                "WEBHOOK_POLL_S": "0.3",
            }
            with running_stack(
                workdir, url, service_key, nginx, {"GATEWAY_RATE": "500r/s"}, env
            ) as stack:
                stack.user_key = keys[0]
                # The leader: its cron triggers wait for the night, its delivery loop runs now.
                stack.spawn("scheduler", "scheduler", env={"SSL_CERT_FILE": str(certs.ca)})
                yield Day(stack, url, kolada, certs.ca, receiver)
    finally:
        pg_server.drop_database(url)


def _survey_csv(period: str) -> bytes:
    lines = ["unit_code;period;gender;respondents;satisfied;safe"]
    for unit, (n, satisfied) in {"HT-NORR": (30, 27), "HT-SODER": (24, 18)}.items():
        lines.append(f"{unit};{period};T;{n};{satisfied};{n - 1}")
    return ("\r\n".join(lines) + "\r\n").encode()


def _sick_leave_xlsx(months: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["unit_code", "period", "gender", "sick_leave_pct"])
    for month in months:
        for unit, share in (("HT-NORR", 6.4), ("HT-SODER", 7.25)):
            sheet.append([unit, month, "T", share])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_day_in_production(day: Day) -> None:
    checked: dict[str, str] = {}
    year = datetime.now(UTC).year
    tertial = f"{year}T2"
    national = day.api(day.stack.service_key)
    api = day.api()

    subscribed = api.post(
        "/api/ingest/v1/webhooks/subscriptions",
        json={"url": day.receiver.url, "event_types": EVENT_TYPES},
    )
    assert subscribed.status_code == 201, subscribed.text
    secret = subscribed.json()["secret"]

    unit = national.post(
        "/api/indicators/v1/units",
        json={
            "municipality_code": TENANT,
            "code": "HT-LILLA-EDET",
            "title": "Hemtjänst Lilla Edet",
            "unit_type": "hemtjanst",
            "area": "aldreomsorg",
            "kolada_ou_id": "V21E146200501",
        },
    )
    assert unit.status_code == 201, unit.text

    # --- the night: every scheduled job, as the leader calls it ------------------------------
    outputs = {job.id: day.fire(job.id) for job in JOBS}

    syncs = national.get("/api/ingest/v1/kolada/syncs").json()["items"]
    assert len(syncs) == 1, syncs
    sync = syncs[0]
    assert (sync["trigger"], sync["mode"], sync["plan"]["include_catalogue"]) == (
        "scheduler",
        "incremental",
        True,
    )
    assert f"/v1/kolada/syncs/{sync['id']}" in outputs["kolada-nightly-sync"]
    # The job's link, as listed through the gateway, is the gateway's path to it.
    assert sync["url"] == f"/api/ingest/v1/kolada/syncs/{sync['id']}"

    def finished() -> bool:
        state = national.get(sync["url"]).json()["state"]
        assert state not in {"failed"}, state
        return bool(state == "completed")

    _wait(finished, timeout=300, what="the nightly sync")
    sync = national.get(sync["url"]).json()
    served = day.served()
    kolada_values = served["municipality_values"] + served["ou_values"]
    assert served["ou_values"] > 0
    assert served["municipality_values"] > 0
    assert sync["counts"]["created"] == kolada_values
    assert sync["progress"]["chunks_done"] == sync["progress"]["chunks_total"]
    assert TENANT in sync["plan"]["municipalities"]
    assert "0000" in sync["plan"]["municipalities"]
    assert sync["plan"]["ous"] == {TENANT: ["V21E146200501", "V23E146200601"]}
    # The values the sync stored (the demo's offline Kolada sample was fetched by no run).
    stored = _one(
        day.url,
        "SELECT count(*) FROM observation WHERE source = 'kolada' AND kolada_job_id IS NOT NULL",
    )
    assert stored == kolada_values
    assert _one(day.url, "SELECT count(*) FROM kolada_kpi") == served["catalogue"]["kpi"]
    assert (
        _one(day.url, "SELECT count(*) FROM municipality_group")
        == served["catalogue"]["municipality_groups"]
    )
    # The catalogue's municipalities, and the demo's fictional Exempelstad besides.
    assert (
        _one(day.url, "SELECT count(*) FROM municipality WHERE code <> %s", MUNICIPALITY)
        == served["catalogue"]["municipality"]
    )
    checked["kolada-nightly-sync"] = (
        f"completed; {kolada_values} values and 3 catalogues stored as served"
    )

    partitions = national.get("/api/ingest/v1/observations/partitions").json()
    assert partitions["last_year"] >= year + 2
    assert partitions["default_rows"] == 0
    assert '"last_year"' in outputs["observation-partitions"]
    checked["observation-partitions"] = f"partitions through {partitions['last_year']}"

    # --- the day: the municipality's own data and what follows from it ----------------------
    survey = api.post(
        "/api/ingest/v1/uploads",
        params={"kind": "survey", "filename": "brukarundersokning.csv"},
        content=_survey_csv(tertial),
        headers={"Content-Type": "text/csv"},
    )
    assert survey.status_code == 201, survey.text
    assert survey.json()["rows"] == 2
    months = [f"{year}-{m:02d}" for m in (5, 6, 7, 8)]
    sick = api.post(
        "/api/ingest/v1/uploads",
        params={"kind": "sick_leave", "filename": "sjukfranvaro.xlsx"},
        content=_sick_leave_xlsx(months),
        headers={
            "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
    )
    assert sick.status_code == 201, sick.text
    assert sick.json()["created"] == 8

    values = api.get(
        "/api/indicators/v1/indicators/andel_nojda/values",
        params={"period": tertial, "gender": "all"},
    )
    assert values.status_code == 200, values.text
    cells = {(v["unit_code"], v["gender"]): v["value"] for v in values.json()["values"]}
    assert cells[("HT-NORR", "T")] == "90.0"  # 27 / 30
    assert cells[("HT-SODER", "T")] == "75.0"  # 18 / 24

    goal = {
        "indicator_code": "andel_nojda",
        "scope_type": "unit",
        "scope_value": "HT-SODER",
        "period": tertial,
        "comparator": "at_least",
        "value": "80",
        "tolerance": "0",
    }
    target = api.post("/api/indicators/v1/targets", json=goal)
    assert target.status_code == 201, target.text
    # The board lowers the bar: HT-SODER's 75 % moves from not met to met (an event).
    lowered = api.put(
        f"/api/indicators/v1/targets/{target.json()['id']}",
        json={**goal, "value": "75"},
        headers={"If-Match": target.headers["etag"]},
    )
    assert lowered.status_code == 200, lowered.text

    report = api.get("/api/indicators/v1/reports/tertial", params={"period": tertial})
    assert report.status_code == 200, report.text
    assert "90" in report.text

    schemes = api.get("/api/awards/v1/schemes", params={"year": 2024}).json()["items"]
    scheme = next(s for s in schemes if s["code"] == "arets_hemtjanstenhet")
    run = api.post("/api/awards/v1/runs", json={"scheme_id": scheme["id"]})
    assert run.status_code == 201, run.text
    assert run.json()["ranking"]

    forecast = api.post(
        "/api/budget/v1/operating-budgets",
        json={
            "board": "Socialnämnden",
            "year": 2021,
            "phase": "forecast",
            "tertial": 2,
            "unit": "tkr",
            "activities": [
                {"code": code, "title": title, "revenue": str(r), "costs": str(c), "net": str(n)}
                for code, title, r, c, n in DRIFT[2021]
            ],
        },
    )
    assert forecast.status_code == 201, forecast.text

    # --- the morning after -------------------------------------------------------------------
    def settled() -> bool:
        return bool(
            _one(
                day.url,
                "SELECT (SELECT count(*) FROM event_outbox WHERE dispatched_at IS NULL)"
                " + (SELECT count(*) FROM webhook_delivery WHERE state <> 'delivered')"
                " + (SELECT count(*) FROM target_status_check)",
            )
            == 0
        )

    _wait(
        settled,
        timeout=120,
        what="the target status announcements, the outbox and the webhook deliveries",
    )
    delivered = _one(day.url, "SELECT count(*) FROM webhook_delivery WHERE state = 'delivered'")
    assert delivered == len(day.receiver.deliveries) > 0
    kinds = set()
    for headers, body in day.receiver.deliveries:
        verify_signature(secret, headers=headers, body=body)
        kinds.add(json.loads(body)["type"])
    assert kinds == set(EVENT_TYPES)
    checked["webhook-delivery"] = f"{delivered} deliveries signed and received, outbox empty"

    assert _one(day.url, "SELECT count(*) FROM kolada_sync_job WHERE state <> 'completed'") == 0
    assert _one(day.url, "SELECT count(*) FROM kolada_sync_chunk WHERE state <> 'done'") == 0
    assert _one(day.url, "SELECT count(*) FROM ingest_batch WHERE state <> 'completed'") == 0
    # Every scheduled job (and the leader's delivery loop) was fired and checked.
    assert set(checked) == {job.id for job in JOBS} | {"webhook-delivery"}
    for name in ("scheduler", *day.stack.ports):
        assert "Traceback" not in day.stack.logs(name), day.stack.logs(name)
