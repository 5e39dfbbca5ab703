"""A large long-form CSV file is checked in parts by worker processes (UPLOAD_CHECK_PROCESSES,
UPLOAD_SPLIT_BYTES), any other file over WORKER_BYTES whole by one of them: whatever the file
holds, the answer is the one pass's, the same problems at the same rows, and a clean file
stores the same rows. Given up half-way, no part's file stays behind and no worker goes on."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import Workbook
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from services.ingest.app import create_app
from services.ingest.batch.repository import MeasureRule
from services.ingest.upload import service as upload_service
from services.ingest.upload.kinds import KINDS
from services.ingest.upload.workers import CheckPool
from shared.db import Database
from shared.settings import REPO_ROOT
from tests import helpers
from tests.conftest import MakeKey
from tests.services.ingest.kolada.test_parsing import _alive
from tests.services.ingest.upload.test_validate_first import HEADER, UNITS, _rows

PART_BYTES = 4096  # about a hundred lines a part


def _file(lines: list[str], end: str = "\r\n", encoding: str = "utf-8") -> bytes:
    return (end.join([HEADER, *lines]) + end).encode(encoding)


def _bad(lines: list[str], row: int, column: str, value: str) -> None:
    """Row `row` (the header is row 1) with `value` in `column`."""
    cells = lines[row - 2].split(";")
    cells[HEADER.split(";").index(column)] = value
    lines[row - 2] = ";".join(cells)


def _files() -> Iterator[tuple[str, bytes]]:
    lines = list(_rows(3_000))
    yield "clean", _file(lines)
    yield "clean, \\n line ends", _file(lines, end="\n")
    yield "last row wrong", _file([*lines, "HT-NORR;survey_satisfied;2029-12;X;1"])
    spread = list(lines)
    for row in (2, 101, 102, 103, 555, 1_700, 2_999, 3_001):
        _bad(spread, row, "gender", "X")
    _bad(spread, 103, "value", "1e3")  # two problems in one row
    _bad(spread, 900, "unit_code", "HT-NOWHERE")
    spread.insert(1_000, "")  # a blank line is no row, but it has its number
    spread.insert(1_500, ";;;;")
    spread.insert(2_000, "HT-NORR;survey_satisfied")  # too short
    yield "problems across parts", _file(spread)
    many = list(lines)
    for row in range(2, 2_600, 2):
        _bad(many, row, "gender", "X")
        if row % 3 == 0:
            _bad(many, row, "value", "x")
    yield "more problems than are listed", _file(many)
    quoted = list(lines)
    quoted[1_200] = '"HT-NORR";survey_satisfied;2099-01;T;1'  # the rest is read here
    _bad(quoted, 2_500, "gender", "X")
    _bad(quoted, 300, "gender", "X")
    yield "a quote half-way", _file(quoted)
    lone = list(lines)
    lone[1_800] += "\r"  # a lone \r ends a line too
    _bad(lone, 2_800, "value", "-")
    yield "a lone \\r half-way", _file(lone, end="\n")
    cp1252 = [*lines[:2_000], "HT-NÖRR;survey_satisfied;2031-01;T;1", *lines[2_000:]]
    yield "windows-1252", _file(cp1252, encoding="cp1252")
    yield (
        "utf-8 with a BOM",
        b"\xef\xbb\xbf" + _file([*lines, "HT-NORR;survey_satisfied;2031-01;T;"]),
    )


SURVEY = "unit_code;period;gender;respondents;satisfied;safe"


def _survey(problems: dict[int, tuple[int, str]] | None = None) -> list[list[str]]:
    """Wide-form survey rows (unit × tertial × gender, 2030 onwards), with `problems`: row →
    (column, value)."""
    rows = [
        [unit, f"{year}T{tertial}", gender, str(20 + year % 7), str(10 + year % 5), "12"]
        for year in range(2030, 2046)
        for tertial in (1, 2, 3)
        for unit in UNITS
        for gender in "TKM"
    ]
    for row, (column, value) in (problems or {}).items():
        rows[row - 2][column] = value
    return [SURVEY.split(";"), *rows]


def _wide_files() -> Iterator[tuple[str, bytes, str]]:
    def csv(rows: list[list[str]]) -> bytes:
        return ("\r\n".join(";".join(row) for row in rows) + "\r\n").encode()

    def xlsx(rows: list[list[str]]) -> bytes:
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        for row in rows:
            sheet.append([int(c) if c.isdigit() else c for c in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    clean = _survey()
    problems = _survey({2: (2, "X"), 400: (4, "-3"), 401: (0, "HT-NOWHERE"), 800: (1, "2030T4")})
    many = _survey(dict.fromkeys(range(3, 860), (2, "X")))
    twice = clean + clean[1:]
    for name, rows in (
        ("clean", clean),
        ("problems", problems),
        ("too many problems", many),
        ("keys given twice", twice),
    ):
        yield f"wide CSV, {name}", csv(rows), "text/csv"
        yield f"wide XLSX, {name}", xlsx(rows), XLSX
    quoted = [list(row) for row in clean]
    quoted[3][0] = '"HT-NORR"'
    yield "wide CSV, a quoted cell", csv(quoted), "text/csv"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _summary(response: httpx.Response) -> Any:
    body = response.json()
    if response.status_code != 422:
        return response.status_code, body["rows"], body["observations"]
    errors = [(e["row"], e["field"], e["code"], e.get("value")) for e in body["errors"]]
    return response.status_code, body["error_count"], body["detail"], errors


@asynccontextmanager
async def _ingest(database_url: str, database: Database, **settings: Any) -> AsyncIterator[Any]:
    app = create_app(helpers.test_settings(database_url, **settings), database=database)
    async with helpers.running(app):
        yield app


async def _stored(connection: AsyncConnection, batch: str) -> list[tuple[Any, ...]]:
    found = await connection.execute(
        text(
            "SELECT unit_code, measure_code, period, gender, value, status, source_row"
            " FROM observation WHERE batch_id = :batch ORDER BY source_row, measure_code"
        ),
        {"batch": batch},
    )
    return [tuple(row) for row in found]


async def test_a_file_checked_in_a_worker_answers_as_the_one_pass(
    database_url: str,
    database: Database,
    connection: AsyncConnection,
    make_key: MakeKey,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = str(await make_key("ingest:write", "ingest:read"))
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "text/csv"}
    async with (
        _ingest(
            database_url, database, UPLOAD_CHECK_PROCESSES=2, UPLOAD_SPLIT_BYTES=PART_BYTES
        ) as parted_app,
        _ingest(database_url, database, UPLOAD_CHECK_PROCESSES=0) as single_app,
    ):
        parted, single = (
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url=helpers.TEST_HOSTS["ingest"],
                headers=headers,
            )
            for app in (parted_app, single_app)
        )
        async with parted, single:
            for name, content in _files():
                params = {"kind": "observations", "dry_run": "true"}
                one = await single.post("/v1/uploads", params=params, content=content)
                split = await parted.post("/v1/uploads", params=params, content=content)
                assert one.status_code in {200, 422}, (name, one.text[:500])
                assert _summary(split) == _summary(one), name
            checks = parted_app.state.upload_checks
            assert checks.submitted > 0  # the files went to the workers in parts
            assert checks.busy == 0

            # A wide-form file, CSV or XLSX, goes to a worker whole.
            monkeypatch.setattr(upload_service, "WORKER_BYTES", 4096)
            for name, content, kind in _wide_files():
                before = checks.submitted
                params = {"kind": "survey", "dry_run": "true"}
                sent = {"Content-Type": kind}
                one = await single.post("/v1/uploads", params=params, content=content, headers=sent)
                split = await parted.post(
                    "/v1/uploads", params=params, content=content, headers=sent
                )
                assert one.status_code in {200, 422}, (name, one.text[:500])
                assert _summary(split) == _summary(one), name
                assert checks.submitted == before + 1, name
            assert checks.busy == 0

            # Stored: the same rows, whichever way the file was checked.
            content = dict(_files())["clean"]
            params = {"kind": "observations"}
            split = await parted.post("/v1/uploads", params=params, content=content)
            assert split.status_code == 201, split.text[:500]
            by_parts = await _stored(connection, split.json()["id"])
            await connection.execute(
                text("DELETE FROM observation WHERE batch_id = :b"), {"b": split.json()["id"]}
            )
            one = await single.post("/v1/uploads", params=params, content=content)
            assert one.status_code == 201, one.text[:500]
            assert (split.json()["rows"], split.json()["created"]) == (3_000, 3_000)
            assert by_parts == await _stored(connection, one.json()["id"])


def _rules() -> upload_service.Rules:
    return upload_service.Rules(
        municipality="9990",
        kind=KINDS["observations"],
        units=dict.fromkeys(("HT-NORR", "HT-SODER", "HT-OSTER"), (None, None)),
        measures={"survey_satisfied": MeasureRule("survey_satisfied", "count", None, None)},
        years_ahead=100,
    )


async def test_a_check_given_up_leaves_no_part_and_no_worker_busy(tmp_path: Path) -> None:
    """A client that goes away cancels its request: the parts waiting are dropped, the
    running ones stop at their next block, and their files are gone."""
    lines = [
        f"{unit};survey_satisfied;{year}-{month:02d};{gender};{year % 90}"
        for year in range(2030, 2130)
        for month in range(1, 13)
        for unit in ("HT-NORR", "HT-SODER", "HT-OSTER")
        for gender in "TKM"
    ] * 10
    content = _file(lines)
    start = content.index(b"\n") + 1
    directory = tmp_path / "parts"
    directory.mkdir()
    pool = CheckPool(2)
    try:
        errors = upload_service.Errors()
        stats = upload_service.new_stats()
        seen = upload_service.Seen()
        index = {name: i for i, name in enumerate(HEADER.split(";"))}
        check = asyncio.ensure_future(
            upload_service.check_parts(
                pool,
                io.BytesIO(content),
                start=start,
                encoding="utf-8",
                separator=";",
                rules=_rules(),
                index=index,
                errors=errors,
                stats=stats,
                seen=seen,
                directory=str(directory),
                part_bytes=64 * 1024,
                render=True,
            )
        )
        # Until a worker has started on its part (its file is there).
        while not os.listdir(directory) and not check.done():  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        assert not check.done()
        check.cancel()
        with pytest.raises(asyncio.CancelledError):
            await check
        assert os.listdir(tmp_path) == []  # the parts' directory, its files, all gone
        assert pool.busy == 0
    finally:
        pool.close()


def test_the_rows_of_a_part_are_numbered_from_its_first(tmp_path: Path) -> None:
    """A part in a worker numbers its rows from the row it starts at (blank lines count)."""
    data = _file(
        ["HT-NORR;survey_satisfied;2031-01;X;1", "", "HT-NORR;survey_satisfied;2031-02;T;z"]
    )
    data = data[data.index(b"\n") + 1 :]
    index = {name: i for i, name in enumerate(HEADER.split(";"))}
    part = upload_service.Part(data, b"", 500, "utf-8", ";", _rules(), index, str(tmp_path), True)
    checked = upload_service.check_part(part)
    assert [(e.row, e.field) for e in checked.errors] == [(500, "gender"), (502, "value")]
    assert checked.path is None
    assert list(tmp_path.iterdir()) == []


_PARENT = """
import asyncio
from services.ingest.upload.workers import CheckPool

async def main() -> None:
    pool = CheckPool(2)
    await pool.start()
    print(*pool._pool._processes, flush=True)
    await asyncio.sleep(600)

asyncio.run(main())
"""


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads process states from /proc")
def test_the_workers_exit_when_their_process_is_killed() -> None:
    """kill -9 runs no clean-up in the ingest process: its upload workers notice it is gone
    (as the Kolada parser's do)."""
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT], stdout=subprocess.PIPE, cwd=REPO_ROOT, text=True
    )
    try:
        assert parent.stdout is not None
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2
        assert all(_alive(pid) for pid in workers)
    finally:
        parent.kill()
        parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in workers if _alive(pid)] == []
