"""The tertial report's documents opened as their readers open them: the PDF page by page
(pypdf, and one page as an image), the XLSX in openpyxl, the CSV as Swedish Excel reads it,
all in Swedish unless English is asked for."""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from tests.conftest import MakeClient, MakeKey
from tests.documents.english import found_english, found_swedish, pdf_text, xlsx_text

REPORTS = [("9990", "2024T2"), ("1462", "2021T2")]


async def _get(
    client: MakeClient, make_key: MakeKey, municipality: str, period: str, **params: str
) -> bytes:
    reports = client("indicators", await make_key(municipality=municipality))
    response = await reports.get("/v1/reports/tertial", params={"period": period, **params})
    assert response.status_code == 200, response.text
    return response.content


@pytest.mark.parametrize(("municipality", "period"), REPORTS)
async def test_every_format_of_the_report_is_swedish_by_default(
    client: MakeClient, make_key: MakeKey, municipality: str, period: str
) -> None:
    texts = {
        "json": (await _get(client, make_key, municipality, period)).decode(),
        "html": (await _get(client, make_key, municipality, period, format="html")).decode(),
        "csv": (await _get(client, make_key, municipality, period, format="csv")).decode(
            "utf-8-sig"
        ),
        "xlsx": xlsx_text(await _get(client, make_key, municipality, period, format="xlsx")),
        "pdf": "\n".join(
            pdf_text(await _get(client, make_key, municipality, period, format="pdf"))
        ),
    }
    for name, document in texts.items():
        if name == "json":  # the JSON carries both languages side by side (*_en fields)
            continue
        assert found_english(document) == [], name
    assert "Uppföljning av grunduppdraget" in texts["pdf"]


async def test_the_pdf_has_a4_pages_each_with_heading_page_number_and_synthetic_label(
    client: MakeClient, make_key: MakeKey
) -> None:
    from pypdf import PdfReader

    content = await _get(client, make_key, "9990", "2024T2", format="pdf")
    reader = PdfReader(io.BytesIO(content))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 2
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        text = pages[number - 1]
        assert "Exempelstad" in text
        assert "Vård- och omsorgsnämnden" in text
        assert "2024T2" in text
        assert f"Sida {number} av {len(pages)}" in text
        assert "Syntetiska demonstrationsdata" in text
    # Charts are vector drawings, not images.
    assert not any(page.images for page in reader.pages)
    whole = "\n".join(pages)
    assert "Andel nöjda brukare" in whole
    assert "helår 2024" in whole


async def test_lilla_edets_pdf_names_the_board_and_every_section(
    client: MakeClient, make_key: MakeKey
) -> None:
    pages = pdf_text(await _get(client, make_key, "1462", "2021T2", format="pdf"))
    whole = "\n".join(pages)
    for page in pages:
        assert "Lilla Edet, Socialnämnden" in page
        assert "Syntetiska" not in page
    for section in (
        "Stöd till barn, unga och familj",
        "Stöd till vuxna",
        "Stöd till personer med funktionshinder",
        "Stöd till äldre",
        "Hälso- och sjukvård",
    ):
        assert section in whole
    assert "Inte rapporterat för 2021T2 ännu" in whole


def _first_page(pdftoppm: str, content: bytes) -> Image.Image:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "report.pdf"
        source.write_bytes(content)
        subprocess.run(
            [pdftoppm, "-r", "50", "-png", "-f", "1", "-l", "1", str(source), f"{tmp}/page"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        (png,) = Path(tmp).glob("page*.png")
        return Image.open(png).convert("L")


async def test_a_pdf_page_rendered_to_an_image_is_not_blank(
    client: MakeClient, make_key: MakeKey
) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm is not installed (poppler-utils)")
    content = await _get(client, make_key, "9990", "2024T2", format="pdf")
    image = await asyncio.to_thread(_first_page, pdftoppm, content)
    dark = image.histogram()[:128]  # grey levels 0–127 of the "L" image
    assert sum(dark) > image.width * image.height // 100  # text and charts, not an empty page


async def test_the_xlsx_has_a_sheet_per_section_with_heading_filters_and_formats(
    client: MakeClient, make_key: MakeKey
) -> None:
    book = load_workbook(io.BytesIO(await _get(client, make_key, "1462", "2021T2", format="xlsx")))
    sections = [
        "Stöd till barn, unga och familj",
        "Stöd till vuxna",
        "Stöd till personer med funktionshinder",
        "Stöd till äldre",
        "Hälso- och sjukvård",
    ]
    assert book.sheetnames == [title[:31] for title in sections]  # Excel's limit
    sheet = book.worksheets[0]
    heading = {
        sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2).value for r in range(2, 7)
    }
    assert heading["Kommun"] == "Lilla Edet"
    assert heading["Nämnd"] == "Socialnämnden"
    assert heading["Period"] == "2021T2"
    assert heading["Dataversion"] is not None
    assert "Kolada" in heading["Källa"]
    header_row = next(r for r in sheet.iter_rows() if r[0].value == "Avsnitt")[0].row
    header = [c.value for c in sheet[header_row]]
    assert header[:4] == ["Avsnitt", "Klass", "Indikator", "Enhet"]
    assert sheet.freeze_panes == f"B{header_row + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{header_row}:")
    assert sheet.column_dimensions["C"].width >= 40
    classes = [r[1].value for r in sheet.iter_rows(header_row + 1)]
    assert classes == ["STRUKTUR"] * 2 + ["PROCESS"] * 3 + ["EFFEKT"] * 3


async def test_xlsx_numbers_are_numbers_with_their_unit_format(
    client: MakeClient, make_key: MakeKey
) -> None:
    from decimal import Decimal

    book = load_workbook(io.BytesIO(await _get(client, make_key, "9990", "2024T2", format="xlsx")))
    sheet = book["Stöd till äldre"]
    header_row = next(r for r in sheet.iter_rows() if r[0].value == "Avsnitt")[0].row
    header = [c.value for c in sheet[header_row]]
    row = next(
        r
        for r in sheet.iter_rows(header_row + 1)
        if r[header.index("Indikatorkod")].value == "andel_nojda"
    )
    value = row[header.index("Värde")]
    assert isinstance(value.value, int | float | Decimal)
    assert value.number_format == '#,##0.0" %"'
    assert row[header.index("Årsvärde")].value == "ja"
    assert row[header.index("Värdets period")].value == "2024"


async def test_csv_is_for_swedish_excel_by_default_and_rfc4180_by_parameter(
    client: MakeClient, make_key: MakeKey
) -> None:
    excel = await _get(client, make_key, "9990", "2024T2", format="csv")
    assert excel.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(excel.decode("utf-8-sig")), delimiter=";"))
    nojda = next(r for r in rows if r["Indikatorkod"] == "andel_nojda")
    assert "," in nojda["Värde"]
    assert "." not in nojda["Värde"]
    machine = await _get(client, make_key, "9990", "2024T2", format="csv", csv_dialect="rfc4180")
    assert not machine.startswith(b"\xef\xbb\xbf")
    machine_rows = list(csv.DictReader(io.StringIO(machine.decode("utf-8"))))
    same = next(r for r in machine_rows if r["Indikatorkod"] == "andel_nojda")
    assert same["Värde"] == nojda["Värde"].replace(",", ".")
    assert len(machine_rows) == len(rows)


@pytest.mark.parametrize(("municipality", "period"), REPORTS)
async def test_the_report_asked_for_in_english_has_no_swedish_message_text(
    client: MakeClient, make_key: MakeKey, municipality: str, period: str
) -> None:
    reports = client("indicators", await make_key(municipality=municipality))
    english = {"Accept-Language": "en"}
    for fmt in ("html", "pdf", "xlsx", "csv"):
        response = await reports.get(
            "/v1/reports/tertial", params={"period": period, "format": fmt}, headers=english
        )
        assert response.headers["content-language"] == "en"
        if fmt == "pdf":
            document = "\n".join(pdf_text(response.content))
        elif fmt == "xlsx":
            document = xlsx_text(response.content)
        else:
            document = response.content.decode("utf-8-sig")
        assert found_swedish(document) == [], fmt
