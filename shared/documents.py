"""The documents a board, a controller or a jury takes as they are: CSV, XLSX and PDF.

Every export goes through here, so they share one CSV dialect, one spreadsheet layout and one
page layout:

- **CSV** `excel_sv` (the default): `;` between fields, decimal comma, UTF-8 with BOM, CRLF —
  what Swedish Excel opens by double-click. `rfc4180`: `,` and a decimal point, UTF-8 without
  BOM, for machines. Numbers carry no thousands separator in either; text that a spreadsheet
  would run as a formula (`=`, `+`, `-`, `@` first) is prefixed with `'`.
- **XLSX**: a heading block (municipality, board, period, data version, source), Swedish
  headers, numbers as numbers with a format per unit (`85,5 %`, `1 234 tkr`), frozen header,
  autofilter, column widths, sums as formulas; one sheet per area where a document has areas.
- **PDF** (fpdf2, pure Python; DejaVu Sans embedded from shared/fonts): A4, a header with
  municipality, board and period on every page, the synthetic-data label on every page where
  it applies, "Sida n av m", table rows never split across pages, charts as vector SVG.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Query
from fpdf import FPDF
from fpdf.enums import TableBordersLayout
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.demo.common import DEMO_MUNICIPALITY, DEMO_MUNICIPALITY_TITLE
from shared.i18n import Language, number

CsvDialect = Literal["excel_sv", "rfc4180"]
CsvDialectQuery = Annotated[
    CsvDialect,
    Query(
        title="CsvDialect",
        description="excel_sv (default): ';', decimal comma, UTF-8 with BOM, for Swedish "
        "Excel; rfc4180: ',', decimal point, UTF-8 without BOM, for machines",
    ),
]
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA = "text/csv; charset=utf-8"
PDF_MEDIA = "application/pdf"
FONTS = Path(__file__).resolve().parent / "fonts"

Cell = str | int | Decimal | None
COUNT_UNITS = {"", "antal"}  # a count is written without a unit
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defused(value: str) -> str:
    """Text a spreadsheet would run as a formula, quoted so it stays text."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_cell(value: Cell | bool, dialect: CsvDialect) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int | Decimal):
        text = format(value, "f") if isinstance(value, Decimal) else str(value)
        return text.replace(".", ",") if dialect == "excel_sv" else text
    return defused(value)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]], dialect: CsvDialect) -> bytes:
    """A table in the chosen dialect (module docstring)."""
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=";" if dialect == "excel_sv" else ",", lineterminator="\r\n"
    )
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v, dialect) for v in row])
    return buffer.getvalue().encode("utf-8-sig" if dialect == "excel_sv" else "utf-8")


def number_format(unit: str | None, decimals: int = 0) -> str:
    """An Excel number format for a unit: thousands grouped, the unit after the number (Excel
    shows the grouping and the decimal sign of the reader's locale)."""
    body = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return body if unit is None or unit in COUNT_UNITS else f'{body}" {unit}"'


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14
    numeric: bool = False
    unit: str | None = None  # the column's unit; a cell's own unit (SheetRow.units) wins
    decimals: int = 0
    total: bool = False  # summed by a formula in the total row


@dataclass
class SheetRow:
    cells: list[Cell]
    units: dict[int, tuple[str, int]] = field(default_factory=dict)  # column → (unit, decimals)
    fill: dict[int, str] = field(default_factory=dict)  # column → RGB hex
    bold: bool = False


def add_sheet(
    book: Workbook,
    title: str,
    *,
    heading: list[tuple[str, str]],
    columns: list[Column],
    rows: list[SheetRow],
    total_label: str | None = None,
) -> Worksheet:
    """One sheet: the heading block, the header row (frozen, with a filter), the rows and,
    with `total_label`, a row summing the `total` columns by formula."""
    sheet: Worksheet = book.create_sheet(_sheet_title(book, title))
    r = 1
    if heading:
        sheet.cell(row=1, column=1, value=heading[0][1]).font = Font(bold=True, size=14)
        for r, (label_text, shown) in enumerate(heading[1:], start=2):
            sheet.cell(row=r, column=1, value=label_text).font = Font(bold=True)
            sheet.cell(row=r, column=2, value=defused(shown))
    header_row = r + 2  # one empty row after the heading block
    for index, column in enumerate(columns):
        cell = sheet.cell(row=header_row, column=index + 1, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F3")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    r = header_row
    for row in rows:
        r += 1
        for index, column in enumerate(columns):
            value = row.cells[index]
            cell = sheet.cell(
                row=r, column=index + 1, value=defused(value) if isinstance(value, str) else value
            )
            if column.numeric:
                unit, decimals = row.units.get(index, (column.unit or "", column.decimals))
                cell.number_format = number_format(unit, decimals)
            else:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if index in row.fill:
                cell.fill = PatternFill("solid", fgColor=row.fill[index])
            if row.bold:
                cell.font = Font(bold=True)
    last = r
    if total_label is not None:
        r += 1
        sheet.cell(row=r, column=1, value=total_label).font = Font(bold=True)
        for index, column in enumerate(columns):
            if column.total:
                letter = get_column_letter(index + 1)
                cell = sheet.cell(
                    row=r, column=index + 1, value=f"=SUM({letter}{header_row + 1}:{letter}{last})"
                )
                cell.font = Font(bold=True)
                cell.number_format = number_format(column.unit, column.decimals)
    for index, column in enumerate(columns):
        sheet.column_dimensions[get_column_letter(index + 1)].width = column.width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    sheet.auto_filter.ref = (
        f"A{header_row}:{get_column_letter(len(columns))}{max(last, header_row)}"
    )
    return sheet


def _sheet_title(book: Workbook, title: str) -> str:
    clean = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Blad"
    taken = set(book.sheetnames)
    candidate, n = clean, 2
    while candidate in taken:
        suffix = f" {n}"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    return candidate


def new_workbook() -> Workbook:
    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    return book


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- PDF ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageHeading:
    title: str
    municipality: str
    board: str | None
    period: str
    synthetic_label: str | None = None  # printed on every page when set
    footer: str = ""  # e.g. data version and source, on every page
    page_word: str = "Sida {page} av {pages}"


class Document(FPDF):
    """An A4 document with the heading on every page (module docstring)."""

    def __init__(self, heading: PageHeading, language: Language = "sv") -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.heading = heading
        self.language: Language = language
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_font("DejaVu", size=9)
        self.set_margins(15, 30, 15)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(heading.title)
        self.set_lang(language)
        self.set_creator("Kvalitetsnavet")
        self.alias_nb_pages()
        self.add_page()

    def header(self) -> None:
        h = self.heading
        self.set_y(10)
        self.set_font("DejaVu", "B", 12)
        self.cell(0, 6, h.title, new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "", 9)
        who = ", ".join(part for part in (h.municipality, h.board) if part)
        self.cell(0, 5, f"{who} · {h.period}", new_x="LMARGIN", new_y="NEXT")
        if h.synthetic_label:
            self.set_text_color(180, 0, 0)
            self.set_font("DejaVu", "B", 8)
            self.cell(0, 4, h.synthetic_label, new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0, 0, 0)
        self.set_draw_color(21, 101, 192)
        self.line(15, 27, 195, 27)
        self.set_font("DejaVu", "", 9)
        self.set_y(30)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("DejaVu", "", 7)
        self.set_text_color(90, 90, 90)
        self.cell(120, 5, self.heading.footer)
        pages = self.heading.page_word.format(page=self.page_no(), pages="{nb}")
        self.cell(0, 5, pages, align="R")
        self.set_text_color(0, 0, 0)

    def section(self, title: str) -> None:
        """A heading kept with what follows it (a new page when little room is left)."""
        if self.get_y() > self.h - 60:
            self.add_page()
        self.ln(2)
        self.set_font("DejaVu", "B", 11)
        self.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "", 9)

    def paragraph(self, text: str, *, size: float = 9, bold: bool = False) -> None:
        self.set_font("DejaVu", "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "", 9)

    def chart(self, title: str, svg: str, *, width: float, height: float) -> None:
        """A titled chart, kept on one page with its title."""
        if self.get_y() + height + 8 > self.h - self.b_margin:
            self.add_page()
        self.paragraph(title, size=8)
        self.image(io.BytesIO(svg.encode("utf-8")), x=self.l_margin, w=width)
        self.ln(2)

    def svg(self, svg: str, *, width: float) -> None:
        """A chart drawn as vector paths (fpdf2 renders the SVG, no raster)."""
        if self.get_y() > self.h - 50:
            self.add_page()
        self.image(io.BytesIO(svg.encode("utf-8")), x=self.l_margin, w=width)
        self.ln(2)

    def data_table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float],
        numeric: Sequence[int] = (),
        bold_rows: Sequence[int] = (),
    ) -> None:
        """A table whose header repeats on every page; a row never splits across pages."""
        self.set_font("DejaVu", "", 8)
        aligns: list[Any] = ["RIGHT" if i in numeric else "LEFT" for i in range(len(header))]
        with self.table(
            col_widths=tuple(widths),
            text_align=tuple(aligns),
            headings_style=_HEADINGS,
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            line_height=4,
            first_row_as_headings=True,
            repeat_headings=1,
        ) as table:
            table.row(list(header))
            for index, row in enumerate(rows):
                table.row(list(row), style=_BOLD if index in bold_rows else None)
        self.set_font("DejaVu", "", 9)
        self.ln(2)

    def to_bytes(self) -> bytes:
        return bytes(self.output())


_HEADINGS = FontFace(emphasis="BOLD", fill_color=(221, 231, 243))
_BOLD = FontFace(emphasis="BOLD")


def cell_text(value: Decimal | int | None, unit: str = "", language: Language = "sv") -> str:
    """A number with its unit as the document's reader writes it; '–' for none."""
    if value is None:
        return "–"
    shown = "" if unit in COUNT_UNITS else unit
    return f"{number(value, language)} {shown}".rstrip()


async def municipality_name(session: AsyncSession, code: str) -> str:
    """The municipality's name for a document heading: Kolada's catalogue (a read-only read
    of ingest's `municipality`), the demo's fictional one, else the code."""
    found = await session.execute(
        text("SELECT title FROM municipality WHERE code = :code"), {"code": code}
    )
    title = found.scalar_one_or_none()
    if title is not None:
        return str(title)
    return DEMO_MUNICIPALITY_TITLE if code == DEMO_MUNICIPALITY else code
