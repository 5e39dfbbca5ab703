"""An upload is validated whole before the database sees a row: a file with a bad row is
rejected at once, naming it, with nothing stored; a file whose rows are all valid goes to the
database from the spool the one pass wrote, and a key given twice in it is still named. The
spool never outlives its request."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from services.ingest.upload import parsing
from services.ingest.upload import router as upload_router
from services.ingest.upload import service as upload_service
from tests.conftest import MakeClient, MakeKey
from tests.shared.rows import changed, row_counts

UNITS = ("HT-NORR", "HT-SODER", "HT-OSTER", "HT-VASTER", "SABO-EKEN", "SABO-LINDEN")
MEASURES = (
    "survey_satisfied",
    "survey_safe",
    "survey_treatment",
    "survey_influence",
    "case_applications",
    "case_reports",
    "continuity_users",
    "survey_respondents",
)
HEADER = "unit_code;measure_code;period;gender;value"


def _rows(n: int) -> Iterator[str]:
    """n valid long-form rows, every key distinct (2030 onwards, month by month; the tests'
    horizon ends in 2046, 29 376 keys)."""
    count = 0
    year = 2030
    while True:
        for month in range(1, 13):
            for unit in UNITS:
                for measure in MEASURES:
                    for gender in ("T", "K", "M"):
                        if count == n:
                            return
                        yield f"{unit};{measure};{year}-{month:02d};{gender};{count % 90}"
                        count += 1
        year += 1


def _file(lines: list[str]) -> bytes:
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode()


async def _post(client: MakeClient, key: str, content: bytes, **params: Any) -> Any:
    return await client("ingest", key).post(
        "/v1/uploads",
        params={"kind": "observations", **params},
        content=content,
        headers={"Content-Type": "text/csv"},
    )


def _open_files() -> set[str]:
    """What this process holds open (a spool on disk is an open, unlinked file)."""
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            found.add(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            continue  # the descriptor listdir itself used
    return found


@pytest.fixture
def small_spools(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both spools (the request's and the rendered rows') go to disk after a few bytes, so a
    test's file takes the path a 100 MB file takes."""
    monkeypatch.setattr(upload_router, "SPOOL_BYTES", 1024)
    monkeypatch.setattr(upload_service, "SPOOL_BYTES", 1024)


async def test_an_error_in_the_last_row_is_named_and_nothing_is_stored(
    client: MakeClient, make_key: MakeKey, connection: AsyncConnection, small_spools: None
) -> None:
    key = str(await make_key("ingest:write", "ingest:read"))
    lines = list(_rows(25_000))  # more than one block of rows
    lines.append("HT-NORR;survey_satisfied;2029-12;X;1")  # the last row: no such gender
    last_row = len(lines) + 1
    before = await row_counts(connection)
    response = await _post(client, key, _file(lines))
    assert response.status_code == 422, response.text[:500]
    problem = response.json()
    assert problem["error_count"] == 1
    (error,) = problem["errors"]
    assert (error["row"], error["field"], error["code"]) == (last_row, "gender", "bad_gender")
    assert "inget lagrades" in problem["detail"]
    assert changed(before, await row_counts(connection)) == {}


async def test_problems_among_many_good_rows_are_each_named(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = str(await make_key("ingest:write", "ingest:read"))
    lines = list(_rows(9_000))
    wrong = {
        101: ("value", "not_a_count", "2,5"),
        2_000: ("unit_code", "unknown_unit", None),
        2_001: ("period", "bad_period", None),
        8_999: ("value", "not_a_number", "1e3"),
    }
    for row, (column, _, value) in wrong.items():
        unit, measure, period, gender, given = lines[row - 2].split(";")
        if column == "value":
            given = value or given
        elif column == "unit_code":
            unit = "HT-NOWHERE"
        else:
            period = "2030T4"
        lines[row - 2] = ";".join([unit, measure, period, gender, given])
    lines.insert(4_000, "")  # a blank line is no row, but it has its number
    response = await _post(client, key, _file(lines))
    assert response.status_code == 422, response.text[:500]
    found = {(e["row"], e["field"], e["code"]) for e in response.json()["errors"]}
    shifted = {row if row < 4_002 else row + 1: what for row, what in wrong.items()}
    assert found == {(row, column, code) for row, (column, code, _) in shifted.items()}


async def test_a_clean_file_with_a_key_twice_names_the_duplicate_and_stores_nothing(
    client: MakeClient, make_key: MakeKey, connection: AsyncConnection, small_spools: None
) -> None:
    key = str(await make_key("ingest:write", "ingest:read"))
    lines = list(_rows(5_000))
    lines.append(lines[10].rsplit(";", 1)[0] + ";7")  # row 12's key again, another value
    before = await row_counts(connection)
    response = await _post(client, key, _file(lines))
    assert response.status_code == 422, response.text[:500]
    (error,) = response.json()["errors"]
    assert (error["row"], error["code"]) == (len(lines) + 1, "duplicate_in_batch")
    assert "rad 12" in error["message"]
    assert changed(before, await row_counts(connection)) == {}


async def test_a_clean_file_is_stored_from_the_spool_and_again_is_unchanged(
    client: MakeClient, make_key: MakeKey, small_spools: None
) -> None:
    key = str(await make_key("ingest:write", "ingest:read"))
    content = _file(list(_rows(3_000)))
    first = await _post(client, key, content)
    assert first.status_code == 201, first.text[:500]
    assert (first.json()["rows"], first.json()["created"]) == (3_000, 3_000)
    # Every key is stored now: the direct COPY stops, the staging path finds them unchanged.
    again = await _post(client, key, content)
    assert again.status_code == 201, again.text[:500]
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 3_000)
    preview = await _post(client, key, content.replace(b";T;6\r\n", b";T;7\r\n"), dry_run="true")
    assert preview.status_code == 422
    assert {e["code"] for e in preview.json()["errors"]} == {"conflicts_with_final"}


async def test_no_spool_outlives_its_request(
    client: MakeClient, make_key: MakeKey, small_spools: None
) -> None:
    key = str(await make_key("ingest:write", "ingest:read"))
    lines = list(_rows(4_000))
    files = {
        "rejected": _file([*lines, "HT-NORR;survey_satisfied;2029-12;X;1"]),
        "duplicate": _file([*lines, lines[0]]),
        "dry run": _file(lines),
        "stored": _file(lines),
    }
    open_before = _open_files()
    for what, content in files.items():
        response = await _post(client, key, content, dry_run=str(what == "dry run").lower())
        assert response.status_code in {200, 201, 422}, (what, response.text[:300])
        assert _open_files() == open_before, what


async def test_a_cancelled_upload_leaves_no_spool_open(
    client: MakeClient, make_key: MakeKey, small_spools: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client that goes away cancels its request (shared.disconnect): the pass stops after
    the block in hand and both spools are closed."""
    key = str(await make_key("ingest:write", "ingest:read"))
    content = _file(list(_rows(29_000)))
    loop = asyncio.get_running_loop()
    reading = asyncio.Event()
    take = parsing.CsvRows.take

    def watched(self: parsing.CsvRows) -> parsing.Block | None:
        block = take(self)
        if block is not None and block.first > upload_service.BLOCK_ROWS + 100:
            # The second block of rows is being read: the first is in the spool, on disk.
            loop.call_soon_threadsafe(reading.set)
            time.sleep(0.001)  # slow enough for the cancellation to land mid-file
        return block

    monkeypatch.setattr(parsing.CsvRows, "take", watched)
    open_before = _open_files()
    request = asyncio.ensure_future(_post(client, key, content))
    await reading.wait()
    request.cancel()
    with pytest.raises(asyncio.CancelledError):
        await request
    assert _open_files() == open_before


async def test_a_digit_of_another_script_is_not_a_number(
    client: MakeClient, make_key: MakeKey
) -> None:
    """Python's float() reads "٣" (Arabic-Indic three), PostgreSQL does not: refused by row."""
    key = str(await make_key("ingest:write", "ingest:read"))
    lines = [*_rows(3), "HT-NORR;survey_satisfied;2031-01;T;\u0663"]
    response = await _post(client, key, _file(lines))
    assert response.status_code == 422, response.text[:500]
    (error,) = response.json()["errors"]
    assert (error["row"], error["field"], error["code"]) == (5, "value", "not_a_number")
