from __future__ import annotations

import json
import pickle
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.ingest.kolada.client import KoladaClient, KoladaError
from services.ingest.kolada.parsing import ChunkSpec, PageParser, parse_page
from services.ingest.kolada.service import fetch_chunk
from shared.models import KoladaSyncChunk
from shared.settings import REPO_ROOT, Settings
from tests.services.ingest.kolada.conftest import BASE

SPEC = ChunkSpec(
    kind="data",
    kpis=frozenset({"U21468"}),
    ids=frozenset({"1462", "0000"}),
    years=frozenset({2022, 2023}),
    municipality_code=None,
)


def _page(rows: list[dict[str, Any]], next_url: str | None = None) -> bytes:
    return json.dumps({"count": len(rows), "values": rows, "next_url": next_url}).encode()


def _row(where: str = "1462", year: int = 2023, **value: Any) -> dict[str, Any]:
    values = [{"gender": "T", "count": 1, "status": "", "value": 12.5, **value}]
    return {"kpi": "U21468", "municipality": where, "period": year, "values": values}


def test_a_page_becomes_staging_lines_with_each_values_own_url() -> None:
    rows = [
        _row(),
        _row(year=2022, status="Prel"),
        _row(where="0000", value=None),
        _row(where="0000", year=2022, isdeleted=True),
    ]
    page = parse_page(_page(rows), f"{BASE}/data/kpi/U21468/municipality/1462,0000", SPEC, BASE)
    lines = [line.split("\t") for line in page.text.splitlines()]
    assert page.values == 4
    assert page.deletions == 1
    assert page.next_url is None
    # municipality, unit, KPI, period, start, end, gender, value … status, row, source URL
    assert lines[0][:8] == ["1462", "", "U21468", "2023", "2023-01-01", "2023-12-31", "T", "12.5"]
    assert lines[0][-1] == f"{BASE}/data/kpi/U21468/municipality/1462/year/2023"
    assert [line[11] for line in lines] == ["final", "preliminary", "final", "deleted"]
    assert lines[2][7] == lines[3][7] == "\\N"
    assert page.rows == {("U21468", "1462", 2023), ("U21468", "1462", 2022)} | {
        ("U21468", "0000", 2023),
        ("U21468", "0000", 2022),
    }
    assert page.fresh["1462"].created == 2
    assert page.fresh["1462"].periods == {"2022", "2023"}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([_row(where="1480")], "not asked for"),
        ([_row(year=2019)], "not asked for"),
        ([_row(), _row()], "twice"),
        (
            [{**_row(), "values": [{"gender": "K", "value": 1}, {"gender": "K", "value": 2}]}],
            "twice",
        ),
        ([_row(value="many")], "malformed Kolada answer"),
        ([_row(gender="X")], "malformed Kolada answer"),
    ],
)
def test_a_page_outside_its_chunk_or_malformed_is_refused(
    rows: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(KoladaError, match=message) as caught:
        parse_page(_page(rows), f"{BASE}/data/x", SPEC, BASE)
    assert caught.value.url == f"{BASE}/data/x"


def test_a_kolada_error_keeps_its_url_and_status_across_processes() -> None:
    error = pickle.loads(  # noqa: S301 - our own bytes, as the parser process sends them
        pickle.dumps(KoladaError("no", url="https://api.kolada.se/v3/x", status=502))
    )
    assert (str(error), error.url, error.status) == ("no", "https://api.kolada.se/v3/x", 502)


async def test_the_parser_process_answers_as_the_event_loop_does() -> None:
    body = _page([_row(), _row(year=2022)])
    in_loop = await PageParser(0).parse(body, f"{BASE}/p", SPEC, BASE)
    parser = PageParser(1)
    try:
        in_process = await parser.parse(body, f"{BASE}/p", SPEC, BASE)
        with pytest.raises(KoladaError, match="malformed") as caught:
            await parser.parse(b"{", f"{BASE}/bad", SPEC, BASE)
    finally:
        parser.close()
    assert (in_process.text, in_process.rows) == (in_loop.text, in_loop.rows)
    assert caught.value.url == f"{BASE}/bad"


async def test_a_row_repeated_on_a_later_page_fails_the_chunk(kolada_settings: Settings) -> None:
    second = f"{BASE}/data/kpi/U21468/municipality/1462,0000/year/2022,2023?page=2&per_page=5000"

    def answer(request: httpx.Request) -> httpx.Response:
        if "page=2" in str(request.url):
            return httpx.Response(200, content=_page([_row(where="0000"), _row()]))
        return httpx.Response(200, content=_page([_row()], next_url=second))

    chunk = KoladaSyncChunk(
        kind="data", kpis=["U21468"], ids=["1462", "0000"], years=[2022, 2023], seq=0
    )
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        client = KoladaClient(http, kolada_settings)
        with pytest.raises(KoladaError, match=r"\(U21468, 1462, 2023\) twice") as caught:
            await fetch_chunk(client, PageParser(0), chunk, None)
    assert caught.value.url == second


_PARENT = """
import asyncio
from services.ingest.kolada.parsing import PageParser
from tests.services.ingest.kolada.test_parsing import BASE, SPEC, _page, _row

async def main() -> None:
    parser = PageParser(2)
    body = _page([_row()])
    await asyncio.gather(*(parser.parse(body, f"{BASE}/p", SPEC, BASE) for _ in range(8)))
    print(*parser._pool._processes, flush=True)
    await asyncio.sleep(600)

asyncio.run(main())
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in {"Z", "X"}


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc")
def test_parser_workers_exit_when_their_process_is_killed() -> None:
    """kill -9 runs no clean-up in the parent: its workers notice the parent is gone."""
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
