"""Work that grows with the data never runs on the event loop (shared.cpu.run_cpu): the
indicator engine (behind values, analytics, reports, scorecards and every target write's
status evaluation), the report renderers and the upload's row checks each run in a worker
thread, so a large municipality's request cannot freeze `/healthz` or anyone else's request."""

from __future__ import annotations

import io
import sys
import threading
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import Workbook

from services.indicators.app import create_app
from services.indicators.computation import engine
from services.indicators.report import render
from services.ingest.upload import service as upload_service
from shared import cpu
from tests.conftest import MakeClient, MakeKey
from tests.e2e.test_slice import survey_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Threads:
    """Which threads ran each watched function."""

    def __init__(self) -> None:
        self.seen: dict[str, set[int]] = {}

    def watch(self, monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> None:
        original: Callable[..., Any] = getattr(owner, name)

        def watched(*args: Any, **kwargs: Any) -> Any:
            self.seen.setdefault(name, set()).add(threading.get_ident())
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, watched)

    def watch_renderer(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The upload's per-row check is the function make_renderer returns."""
        original = upload_service.make_renderer

        def make(*args: Any, **kwargs: Any) -> Callable[..., Any]:
            render_row = original(*args, **kwargs)

            def checked(*row: Any) -> Any:
                self.seen.setdefault("upload row check", set()).add(threading.get_ident())
                return render_row(*row)

            return checked

        monkeypatch.setattr(upload_service, "make_renderer", make)


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch) -> Threads:
    watched = Threads()
    watched.watch(monkeypatch, engine, "compute")
    for name in ("to_csv", "to_xlsx", "to_html"):
        watched.watch(monkeypatch, render, name)
    watched.watch_renderer(monkeypatch)
    return watched


def _sick_leave_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["unit_code", "period", "sick_leave_pct"])
    sheet.append(["HT-NORR", "2030-05", 6.4])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_data_sized_work_runs_in_worker_threads(
    client: MakeClient, make_key: MakeKey, threads: Threads
) -> None:
    key = await make_key()
    ingest, indicators = client("ingest", key), client("indicators", key)
    loop_thread = threading.get_ident()

    rows = survey_rows("HT-NORR", "2030", k=(20, 17), m=(10, 8))
    assert (await ingest.post("/v1/batches", json={"observations": rows})).status_code == 201
    csv_upload = await ingest.post(
        "/v1/uploads",
        params={"kind": "sick_leave"},
        content=b"unit_code;period;sick_leave_pct\r\nHT-SODER;2030-05;7,1\r\n",
        headers={"Content-Type": "text/csv"},
    )
    assert csv_upload.status_code == 201, csv_upload.text
    xlsx_upload = await ingest.post(
        "/v1/uploads",
        params={"kind": "sick_leave", "dry_run": "true"},
        content=_sick_leave_xlsx(),
        headers={"Content-Type": XLSX},
    )
    assert xlsx_upload.status_code == 200, xlsx_upload.text

    body = {
        "indicator_code": "andel_nojda",
        "scope_type": "unit",
        "scope_value": "HT-NORR",
        "comparator": "at_least",
        "value": "80",
        "tolerance": "0",
    }
    created = await indicators.post("/v1/targets", json=body)
    assert created.status_code == 201, created.text
    updated = await indicators.put(
        f"/v1/targets/{created.json()['id']}",
        json={**body, "value": "85"},
        headers={"If-Match": created.headers["etag"]},
    )
    assert updated.status_code == 200, updated.text
    for params in (
        {"period": "2030"},
        {"period": "2030", "format": "csv"},
        {"period": "2030", "format": "xlsx"},
        {"period": "2030", "format": "html"},
    ):
        report = await indicators.get("/v1/reports/tertial", params=params)
        assert report.status_code == 200, report.text
    analytics = await indicators.get(
        "/v1/analytics", params={"indicators": "andel_nojda", "period": "2030"}
    )
    assert analytics.status_code == 200, analytics.text

    assert set(threads.seen) == {"compute", "to_csv", "to_xlsx", "to_html", "upload row check"}
    on_loop = sorted(name for name, ids in threads.seen.items() if loop_thread in ids)
    assert on_loop == []


def test_a_serving_process_hands_the_gil_over_often() -> None:
    """A computing worker thread must not keep the event loop waiting 5 ms (Python's default)
    after each of its socket calls: building a service app shortens the switch interval."""
    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)
        create_app()
        assert sys.getswitchinterval() <= cpu.SWITCH_INTERVAL_S
    finally:
        sys.setswitchinterval(before)
