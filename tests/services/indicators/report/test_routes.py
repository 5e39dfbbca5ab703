from __future__ import annotations

import asyncio
import csv
import io
import shutil
import subprocess
import tempfile
import zlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from httpx import AsyncClient
from openpyxl import load_workbook

from tests.conftest import MakeClient, MakeKey
from tests.services.indicators.helpers import ingest, survey_rows


async def _with_data(client: MakeClient, make_key: MakeKey) -> Callable[[str], AsyncClient]:
    key = await make_key()
    rows = []
    for year, (k, m) in {
        "2027": ((30, 24), (20, 15)),
        "2028": ((30, 26), (20, 16)),
        "2029": ((30, 27), (20, 17)),
        "2030": ((30, 28), (20, 18)),
    }.items():
        rows += survey_rows("HT-NORR", year, k=k, m=m)
    await ingest(client("ingest", key), rows)
    return lambda service: client(service, key)


async def test_json_report_has_struktur_process_effekt_per_area(
    client: MakeClient, make_key: MakeKey
) -> None:
    c = await _with_data(client, make_key)
    response = await c("indicators").get("/v1/reports/tertial", params={"period": "2030"})
    assert response.status_code == 200
    sections = {s["area"]: s for s in response.json()["sections"]}
    assert set(sections) >= {"ifo", "lss", "aldreomsorg", "overgripande"}
    elderly = sections["aldreomsorg"]
    assert {i["code"] for i in elderly["struktur"]} >= {"ao_hemtjanst_brukare", "ao_sabo_platser"}
    assert {i["code"] for i in elderly["process"]} >= {"ao_vantetid_sabo"}
    nojda = next(i for i in elderly["effekt"] if i["code"] == "andel_nojda")
    assert (nojda["value"], nojda["previous_value"], nojda["change"]) == ("92.0", "88.0", "4.0")
    assert (nojda["women"], nojda["men"]) == ("93.3", "90.0")
    assert nojda["status"]["status"] == "met"  # the board's ≥ 85 % target
    assert [p["period"] for p in nojda["series"]][-2:] == ["2029", "2030"]
    assert nojda["attribution"] == "derived"
    assert nojda["source_note"] is None


async def test_csv_and_xlsx_carry_the_same_rows(client: MakeClient, make_key: MakeKey) -> None:
    c = await _with_data(client, make_key)
    reports = c("indicators")
    as_csv = await reports.get("/v1/reports/tertial", params={"period": "2030", "format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig")), delimiter=";"))
    nojda = next(r for r in rows if r["Indikatorkod"] == "andel_nojda")
    assert (nojda["Värde"], nojda["Måluppfyllelse"], nojda["Kvinnor"]) == (
        "92,0",
        "Uppfyllt",
        "93,3",
    )
    as_xlsx = await reports.get("/v1/reports/tertial", params={"period": "2030", "format": "xlsx"})
    book = load_workbook(io.BytesIO(as_xlsx.content))
    body = []
    for sheet in book.worksheets:
        header_row = next(r for r in sheet.iter_rows() if r[0].value == "Avsnitt")[0].row
        header = [c.value for c in sheet[header_row]]
        body += [
            dict(zip(header, (c.value for c in row), strict=True))
            for row in sheet.iter_rows(header_row + 1)
        ]
    assert len(body) == len(rows)
    xlsx_nojda = next(r for r in body if r["Indikatorkod"] == "andel_nojda")
    assert xlsx_nojda["Värde"] == Decimal("92.0")
    assert xlsx_nojda["Måluppfyllelse"] == "Uppfyllt"


def _png_pixels(png: bytes) -> npt.NDArray[np.uint8]:
    """Decode an 8-bit RGB/RGBA PNG (what Chromium writes) into an (h, w, 3) array."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 3
    while pos < len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height = int.from_bytes(data[:4], "big"), int.from_bytes(data[4:8], "big")
            channels = {2: 3, 6: 4}[data[9]]
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    stride = width * channels
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        f, line = raw[y, 0], raw[y, 1:]
        if f == 0:
            out[y] = line
        elif f == 1:
            summed = np.cumsum(line.reshape(width, channels), axis=0, dtype=np.uint64) % 256
            out[y] = summed.astype(np.uint8).reshape(stride)
        elif f == 2:
            out[y] = line + previous
        else:
            row = bytearray(line.tobytes())
            up = previous.tobytes()
            for x in range(stride):
                a = row[x - channels] if x >= channels else 0
                b = up[x]
                if f == 3:
                    row[x] = (row[x] + (a + b) // 2) & 255
                else:
                    c = up[x - channels] if x >= channels else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                    row[x] = (row[x] + pred) & 255
            out[y] = np.frombuffer(bytes(row), dtype=np.uint8)
        previous = out[y]
    return out.reshape(height, width, channels)[:, :, :3]


def _count(pixels: npt.NDArray[np.uint8], colour: tuple[int, int, int]) -> int:
    close = np.abs(pixels.astype(np.int16) - np.array(colour, dtype=np.int16)) <= 6
    return int(close.all(axis=2).sum())


async def test_printable_html_renders_its_svg_charts_in_chromium(
    client: MakeClient, make_key: MakeKey
) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium); CI installs it")
    c = await _with_data(client, make_key)
    response = await c("indicators").get(
        "/v1/reports/tertial", params={"period": "2030", "format": "html", "area": "aldreomsorg"}
    )
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<script" not in html
    assert "http://" not in html.replace("http://www.w3.org", "")
    # A trend chart for each row with a series; the others say why they have no value.
    assert html.count('<svg class="chart"') >= 1
    assert "Inte rapporterat för 2030 ännu" in html
    with tempfile.TemporaryDirectory() as tmp:
        page, shot = Path(tmp) / "report.html", Path(tmp) / "report.png"
        page.write_text(html, encoding="utf-8")
        await asyncio.to_thread(
            subprocess.run,
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={tmp}/profile",
                "--window-size=1000,1800",
                f"--screenshot={shot}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        pixels = _png_pixels(shot.read_bytes())
    # The current period's bars are #1565c0, earlier ones #90caf9, the status bar #2e7d32.
    assert _count(pixels, (0x15, 0x65, 0xC0)) > 200
    assert _count(pixels, (0x90, 0xCA, 0xF9)) > 200
    assert _count(pixels, (0x2E, 0x7D, 0x32)) > 50
    assert _count(pixels, (0xFF, 0xFF, 0xFF)) < pixels.shape[0] * pixels.shape[1]


async def test_a_report_is_reused_until_what_it_reads_changes(
    client: MakeClient, make_key: MakeKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.indicators.report import service

    c = await _with_data(client, make_key)
    computed: list[str] = []
    compute = service._compute_report

    async def counting(*args: object, **kwargs: object) -> object:
        computed.append("report")
        return await compute(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "_compute_report", counting)
    reports = c("indicators")

    def nojda(body: dict[str, Any]) -> dict[str, Any]:
        sections = {s["area"]: s for s in body["sections"]}
        found: dict[str, Any] = next(
            i for i in sections["aldreomsorg"]["effekt"] if i["code"] == "andel_nojda"
        )
        return found

    first = await reports.get("/v1/reports/tertial", params={"period": "2030"})
    again = await reports.get("/v1/reports/tertial", params={"period": "2030", "format": "csv"})
    assert again.status_code == 200
    assert computed == ["report"]  # the CSV came from the same computation

    # New answers for 2030 arrive: the next report shows them, it is not served stale.
    await ingest(c("ingest"), survey_rows("HT-NORR", "2030", k=(30, 30), m=(20, 20)), mode="revise")
    after = await reports.get("/v1/reports/tertial", params={"period": "2030"})
    assert computed == ["report", "report"]
    assert nojda(first.json())["value"] == "92.0"
    assert nojda(after.json())["value"] == "100.0"


async def test_json_report_follows_accept_language_and_the_documents_stay_swedish(
    client: MakeClient, make_key: MakeKey
) -> None:
    c = await _with_data(client, make_key)
    reports = c("indicators")
    english = await reports.get(
        "/v1/reports/tertial", params={"period": "2030"}, headers={"Accept-Language": "en"}
    )
    assert english.headers["content-language"] == "en"
    body = english.json()
    assert body["title"] == "Follow-up of the basic mission 2030"
    assert body["note"].startswith("Values marked 'Källa: Kolada'")
    sections = {s["area"]: s for s in body["sections"]}
    assert sections["aldreomsorg"]["title"] == "Support for older people"
    nojda = next(i for i in sections["aldreomsorg"]["effekt"] if i["code"] == "andel_nojda")
    assert nojda["title"] == "Share of satisfied users (overall)"
    assert nojda["title_sv"] == "Andel nöjda brukare (helhetssyn)"
    assert nojda["status"]["status_label"] == "Met"

    # The Swedish report (shared by the cache with the English one) is untouched.
    swedish = (await reports.get("/v1/reports/tertial", params={"period": "2030"})).json()
    assert swedish["title"] == "Uppföljning av grunduppdraget 2030"
    sv_sections = {s["area"]: s for s in swedish["sections"]}
    assert sv_sections["aldreomsorg"]["title"] == "Stöd till äldre"
    sv_nojda = next(i for i in sv_sections["aldreomsorg"]["effekt"] if i["code"] == "andel_nojda")
    assert sv_nojda["status"]["status_label"] == "Uppfyllt"
    # The documents follow the language too; Swedish stays the default.
    as_csv = await reports.get(
        "/v1/reports/tertial",
        params={"period": "2030", "format": "csv", "csv_dialect": "rfc4180"},
        headers={"Accept-Language": "en"},
    )
    assert as_csv.headers["content-language"] == "en"
    english_rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    row = next(r for r in english_rows if r["Indicator code"] == "andel_nojda")
    assert (row["Indicator"], row["Value"], row["Goal fulfilment"]) == (
        "Share of satisfied users (overall)",
        "92.0",
        "Met",
    )
