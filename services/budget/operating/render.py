"""The Driftredovisning as the board's documents: CSV, XLSX (Summa as formulas) and PDF."""

from __future__ import annotations

from decimal import Decimal

from services.budget.operating.schemas import DriftredovisningOut, DriftRow
from shared import documents
from shared.documents import Column, SheetRow
from shared.i18n import Language, text

_FIELDS = (
    "revenue",
    "costs",
    "net",
    "previous_revenue",
    "previous_costs",
    "previous_net",
    "difference",
)


def header(report: DriftredovisningOut, language: Language) -> list[str]:
    this, last = report.year, report.previous_year
    return [
        report.unit,
        text("drift.revenue", language, year=str(this)),
        text("drift.costs", language, year=str(this)),
        text("drift.net", language, year=str(this)),
        text("drift.revenue", language, year=str(last)),
        text("drift.costs", language, year=str(last)),
        text("drift.net", language, year=str(last)),
        text("drift.difference", language),
    ]


def _values(row: DriftRow) -> list[Decimal | None]:
    return [getattr(row, name) for name in _FIELDS]


def _title(row: DriftRow, language: Language) -> str:
    return text("drift.total", language) if row.code == "total" else row.title


def to_csv(
    report: DriftredovisningOut, *, language: Language, dialect: documents.CsvDialect
) -> bytes:
    rows = [[_title(r, language), *_values(r)] for r in [*report.rows, report.total]]
    return documents.to_csv(header(report, language), rows, dialect)


def _heading(
    report: DriftredovisningOut, municipality: str, language: Language
) -> list[tuple[str, str]]:
    return [
        ("", text("drift.title", language, year=str(report.year))),
        (text("doc.municipality", language), municipality),
        (text("doc.board", language), report.board),
        (text("doc.year", language), str(report.year)),
        (text("drift.phase", language), text(f"drift.phase.{report.phase}", language)),
        (text("doc.source", language), text("drift.source", language)),
    ]


def to_xlsx(report: DriftredovisningOut, *, municipality: str, language: Language) -> bytes:
    """The heading block, one row per activity and Summa as a SUM formula per column."""
    book = documents.new_workbook()
    names = header(report, language)
    columns = [Column(names[0], width=34)] + [
        Column(name, width=15, numeric=True, unit=report.unit, total=True) for name in names[1:]
    ]
    documents.add_sheet(
        book,
        text("drift.title", language, year=str(report.year)),
        heading=_heading(report, municipality, language),
        columns=columns,
        rows=[SheetRow([r.title, *_values(r)]) for r in report.rows],
        total_label=text("drift.total", language),
    )
    return documents.workbook_bytes(book)


def to_pdf(report: DriftredovisningOut, *, municipality: str, language: Language) -> bytes:
    pdf = documents.Document(
        documents.PageHeading(
            title=text("drift.title", language, year=str(report.year)),
            municipality=municipality,
            board=report.board,
            period=str(report.year),
            footer=text("drift.source", language),
            page_word=text("doc.page", language, page="{page}", pages="{pages}"),
        ),
        language,
    )
    rows = [
        [_title(r, language), *(documents.cell_text(v, "", language) for v in _values(r))]
        for r in [*report.rows, report.total]
    ]
    pdf.data_table(
        header(report, language),
        rows,
        widths=(40, 20, 20, 20, 20, 20, 20, 20),
        numeric=tuple(range(1, 8)),
        bold_rows=(len(rows) - 1,),
    )
    pdf.paragraph(text("drift.sign", language), size=8)
    return pdf.to_bytes()
