"""The tertial report as the board's documents: CSV, XLSX, a printable HTML page and a PDF.

All texts come from the message catalogue (shared.i18n), numbers are written the language's
way, and the tables, sheets and pages follow shared.documents. The HTML has no scripts and
fetches nothing: it prints as it is; its charts are inline SVG, and the PDF draws the same
SVG as vectors."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from html import escape

from services.indicators.report.schemas import ReportIndicator, ReportSection, TertialReport
from shared import documents
from shared.documents import Cell, Column, SheetRow
from shared.i18n import Language, label, localize, text

STATUS_COLOUR = {
    "met": "#2e7d32",
    "partly_met": "#f9a825",
    "not_met": "#c62828",
    "no_data": "#9e9e9e",
}
CLASSES = ("struktur", "process", "effekt")
STATUSES = ("met", "partly_met", "not_met", "no_data")
COLUMNS = [
    ("section", 28, False),
    ("class", 11, False),
    ("indicator", 48, False),
    ("unit", 8, False),
    ("value_period", 10, False),
    ("yearly", 9, False),
    ("value", 11, True),
    ("n", 10, True),
    ("target", 10, True),
    ("status", 16, False),
    ("difference", 11, True),
    ("explanation", 48, False),
    ("previous_period", 11, False),
    ("previous_value", 11, True),
    ("change", 11, True),
    ("last_year_value", 13, True),
    ("women", 10, True),
    ("men", 10, True),
    ("gender_gap", 12, True),
    ("source", 26, False),
    ("code", 26, False),
]
# Columns whose numbers carry the indicator's unit (the others are counts).
_IN_UNIT = {"value", "target", "difference", "previous_value", "change", "last_year_value"}
_IN_UNIT |= {"women", "men", "gender_gap"}


def _shown(report: TertialReport, language: Language) -> TertialReport:
    """The report in the language: titles, labels and explanations (a copy when English)."""
    if language == "sv":
        return report
    return localize(report.model_copy(deep=True), language)


def _explanation(i: ReportIndicator) -> str:
    if i.status is not None:
        return i.status.explanation
    return i.reason or ""


def _source(i: ReportIndicator, language: Language) -> str:
    return i.source_note or text("doc.source.computed", language)


def _rows(
    report: TertialReport, language: Language
) -> Iterator[tuple[ReportIndicator, list[Cell]]]:
    for section in report.sections:
        for key in CLASSES:
            for i in getattr(section, key):
                yield (
                    i,
                    [
                        section.title,
                        text(f"doc.class.{key}", language),
                        i.title,
                        i.unit,
                        i.value_period,
                        text("doc.yes" if i.yearly else "doc.no", language),
                        i.value,
                        i.n,
                        i.target,
                        label(i.status.status, language) if i.status else "",
                        i.status.difference if i.status else None,
                        _explanation(i),
                        i.previous_period,
                        i.previous_value,
                        i.change,
                        i.last_year_value,
                        i.women,
                        i.men,
                        i.gender_gap,
                        _source(i, language),
                        i.code,
                    ],
                )


def _header(language: Language) -> list[str]:
    return [text(f"doc.col.{name}", language) for name, _w, _n in COLUMNS]


def to_csv(
    report: TertialReport, *, language: Language = "sv", dialect: documents.CsvDialect = "excel_sv"
) -> bytes:
    shown = _shown(report, language)
    return documents.to_csv(
        _header(language), (cells for _i, cells in _rows(shown, language)), dialect
    )


def _heading(report: TertialReport, language: Language) -> list[tuple[str, str]]:
    heading = [
        (report.title, report.title),
        (text("doc.municipality", language), _municipality(report)),
        (text("doc.board", language), report.board or ""),
        (text("doc.period", language), report.period),
        (text("doc.data_version", language), str(report.data_version)),
        (text("doc.source", language), text("doc.source.report", language)),
    ]
    if report.synthetic:
        heading.append(("", text("report.synthetic", language)))
    return heading


def _municipality(report: TertialReport) -> str:
    return report.municipality_title or report.municipality_code


def to_xlsx(report: TertialReport, *, language: Language = "sv") -> bytes:
    """One sheet per section (area), with the heading block and the rows of that section."""
    shown = _shown(report, language)
    book = documents.new_workbook()
    columns = [
        Column(header, width=width, numeric=numeric)
        for header, (_name, width, numeric) in zip(_header(language), COLUMNS, strict=True)
    ]
    names = [name for name, _w, _n in COLUMNS]
    by_section: dict[str, list[SheetRow]] = {s.key: [] for s in shown.sections}
    section_of = {id(i): s.key for s in shown.sections for k in CLASSES for i in getattr(s, k)}
    for i, cells in _rows(shown, language):
        units = {
            index: (i.unit, _decimals(i)) for index, name in enumerate(names) if name in _IN_UNIT
        }
        fill = {}
        if i.status is not None:
            fill[names.index("status")] = STATUS_COLOUR[i.status.status].lstrip("#")
        by_section[section_of[id(i)]].append(SheetRow(cells, units=units, fill=fill))
    heading = _heading(shown, language)
    for section in shown.sections:
        documents.add_sheet(
            book, section.title, heading=heading, columns=columns, rows=by_section[section.key]
        )
    if not shown.sections:
        documents.add_sheet(book, shown.title, heading=heading, columns=columns, rows=[])
    return documents.workbook_bytes(book)


def _decimals(i: ReportIndicator) -> int:
    values = [v for v in (i.value, i.target, i.previous_value) if v is not None]
    return max((max(0, -int(v.as_tuple().exponent)) for v in values), default=0)


def _fmt(value: Decimal | int | None, unit: str, language: Language) -> str:
    return documents.cell_text(value, unit, language)


def _gender(i: ReportIndicator, value: Decimal | None, language: Language) -> str:
    if value is None and i.gender_suppressed:
        return text("report.gender_suppressed", language)
    return _fmt(value, i.unit, language)


def series_chart(
    indicator: ReportIndicator,
    *,
    language: Language = "sv",
    width: int = 190,
    height: int = 70,
) -> str:
    """A bar chart of the series with the target as a dashed line (inline SVG)."""
    values = [p.value for p in indicator.series]
    known = [v for v in values if v is not None]
    top_candidates = [*known, indicator.target] if indicator.target is not None else known
    top = max([Decimal(0), *top_candidates]) or Decimal(1)
    bottom = min([Decimal(0), *top_candidates])
    span = (top - bottom) or Decimal(1)
    pad, label_h = 4, 14
    plot_h = height - label_h - pad
    slot = (width - 2 * pad) / max(1, len(values))

    def y(v: Decimal) -> float:
        return pad + float((top - v) / span) * plot_h

    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(indicator.title)}">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    zero = y(Decimal(0))
    for index, (point, v) in enumerate(zip(indicator.series, values, strict=True)):
        x = pad + index * slot + slot * 0.15
        w = slot * 0.7
        last = point.period == indicator.value_period
        if v is not None:
            top_y = min(y(v), zero)
            h = max(1.0, abs(zero - y(v)))
            fill = "#1565c0" if last else "#90caf9"
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{top_y:.1f}" width="{w:.1f}" '
                f'height="{h:.1f}" fill="{fill}"><title>{escape(point.period)}: '
                f"{escape(_fmt(v, indicator.unit, language))}</title></rect>"
            )
        parts.append(
            f'<text x="{x + w / 2:.1f}" y="{height - 3}" font-size="8" text-anchor="middle" '
            f'fill="#444444">{escape(point.period)}</text>'
        )
    if indicator.target is not None:
        ty = y(indicator.target)
        parts.append(
            f'<line class="target" x1="{pad}" x2="{width - pad}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="#c62828" stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def status_chart(
    section: ReportSection, *, language: Language = "sv", width: int = 300, height: int = 18
) -> str:
    """A stacked bar of the section's statuses; a grey outline when none is judged."""
    counts = [(k, getattr(section, k)) for k in STATUSES]
    total = sum(c for _k, c in counts)
    parts = [
        f'<svg class="status-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">',
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="#ffffff" '
        'stroke="#bdbdbd"/>',
    ]
    x = 0.0
    for key, count in counts:
        if not total or not count:
            continue
        w = width * count / total
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" '
            f'fill="{STATUS_COLOUR[key]}"><title>{escape(label(key, language))}: {count}'
            "</title></rect>"
        )
        x += w
    parts.append("</svg>")
    return "".join(parts)


_CSS = """
@page{size:A4;margin:14mm 12mm 16mm}
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;margin:24px;color:#212121;font-size:12px}
h1{font-size:21px;margin:0 0 4px} h2{font-size:16px;margin:24px 0 6px;
border-bottom:2px solid #1565c0;break-after:avoid} h3{font-size:12px;margin:12px 0 4px;
letter-spacing:.05em;break-after:avoid}
.meta{margin:0 0 6px;color:#424242}
table{border-collapse:collapse;width:100%;font-size:11px}
table.rows{table-layout:fixed} td,th{border:1px solid #ddd;
padding:3px 5px;vertical-align:middle;text-align:left} th{background:#eef3fa}
tr{break-inside:avoid} thead{display:table-header-group}
.status{display:inline-block;padding:1px 6px;border-radius:3px;color:#fff;font-size:10px}
.note{font-size:10px;color:#555} .num{text-align:right;white-space:nowrap}
.num .note{white-space:normal;display:block;text-align:left} svg.chart{width:100%;height:auto}
.yearly{font-size:9px;color:#1565c0;border:1px solid #90caf9;border-radius:3px;padding:0 3px}
.synthetic{background:#fff3e0;color:#b71c1c;border:1px solid #ef9a9a;padding:4px 8px;
font-weight:bold;font-size:11px;margin:0 0 8px}
@media print{body{margin:0} .synthetic.page{position:fixed;top:0;left:0;right:0;margin:0}
.synthetic.page + *{margin-top:28px}}
"""


# Indicator, value, target, status, previous, women, men, trend: the same in every table.
_COLGROUP = (
    "<colgroup>"
    + "".join(f'<col style="width:{w}%">' for w in (25, 12, 7, 19, 8, 6, 6, 17))
    + "</colgroup>"
)


def _gender_html(i: ReportIndicator, value: Decimal | None, language: Language) -> str:
    shown = escape(_gender(i, value, language))
    return f'<span class="note">{shown}</span>' if value is None and i.gender_suppressed else shown


def _value_cell(i: ReportIndicator, language: Language) -> str:
    if i.value is None:
        return f'<span class="note">{escape(i.reason or "–")}</span>'
    value = escape(_fmt(i.value, i.unit, language))
    if i.yearly:
        value += (
            f'<br><span class="yearly">{escape(text("report.yearly", language, year=i.value_period))}'
            "</span>"
        )
    return value


def to_html(report: TertialReport, *, language: Language = "sv") -> str:
    shown = _shown(report, language)
    heading = ", ".join(p for p in (_municipality(shown), shown.board) if p)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{language}"><head><meta charset="utf-8">',
        f"<title>{escape(shown.title)} – {escape(heading)}</title><style>{_CSS}</style>"
        "</head><body>",
    ]
    if shown.synthetic:
        out.append(
            f'<div class="synthetic page">{escape(text("report.synthetic", language))}</div>'
        )
    out += [
        f"<h1>{escape(shown.title)}</h1>",
        f'<p class="meta"><strong>{escape(heading)}</strong> · {escape(text("doc.period", language))} '
        f"{escape(shown.period)} · {escape(text('doc.data_version', language))} "
        f"{shown.data_version}</p>",
        f'<p class="note">{escape(shown.note)}</p>',
    ]
    if not shown.sections:
        out.append(f"<p>{escape(text('doc.no_indicators', language))}</p>")
    else:
        out.append(f"<h2>{escape(text('doc.summary', language))}</h2>")
        out.append(
            "<table><thead><tr>"
            + "".join(
                f"<th>{escape(text(f'doc.col.{k}', language))}</th>"
                for k in ("section", *STATUSES, "chart")
            )
            + "</tr></thead><tbody>"
        )
        for section in shown.sections:
            out.append(
                f"<tr><td>{escape(section.title)}</td>"
                + "".join(f'<td class="num">{getattr(section, k)}</td>' for k in STATUSES)
                + f"<td>{status_chart(section, language=language, width=200)}</td></tr>"
            )
        out.append("</tbody></table>")
    for section in shown.sections:
        out.append(f"<h2>{escape(section.title)}</h2>")
        counts = ", ".join(f"{escape(label(k, language))} {getattr(section, k)}" for k in STATUSES)
        out.append(f"<p>{status_chart(section, language=language)} {counts}</p>")
        for key in CLASSES:
            rows: list[ReportIndicator] = getattr(section, key)
            if not rows:
                continue
            out.append(
                f'<h3>{escape(text(f"doc.class.{key}", language))}</h3><table class="rows">'
                + _COLGROUP
                + "<thead><tr>"
                + "".join(
                    f"<th>{escape(text(f'doc.col.{c}', language))}</th>"
                    for c in (
                        "indicator",
                        "value",
                        "target",
                        "status",
                        "previous_value",
                        "women",
                        "men",
                        "trend",
                    )
                )
                + "</tr></thead><tbody>"
            )
            for i in rows:
                status = ""
                if i.status is not None:
                    status = (
                        f'<span class="status" style="background:{STATUS_COLOUR[i.status.status]}"'
                        f">{escape(label(i.status.status, language))}</span><br>"
                        f'<span class="note">{escape(i.status.explanation)}</span>'
                    )
                source = (
                    f'<br><span class="note">{escape(i.source_note)}</span>'
                    if i.source_note
                    else ""
                )
                chart = (
                    series_chart(i, language=language)
                    if any(p.value is not None for p in i.series)
                    else ""
                )
                out.append(
                    f"<tr><td>{escape(i.title)}{source}</td>"
                    f'<td class="num">{_value_cell(i, language)}</td>'
                    f'<td class="num">{escape(_fmt(i.target, i.unit, language))}</td>'
                    f"<td>{status}</td>"
                    f'<td class="num">{escape(_fmt(i.previous_value, i.unit, language))}</td>'
                    f'<td class="num">{_gender_html(i, i.women, language)}</td>'
                    f'<td class="num">{_gender_html(i, i.men, language)}</td>'
                    f"<td>{chart}</td></tr>"
                )
            out.append("</tbody></table>")
    out.append("</body></html>")
    return "".join(out)


def to_pdf(report: TertialReport, *, language: Language = "sv") -> bytes:
    shown = _shown(report, language)
    pdf = documents.Document(
        documents.PageHeading(
            title=shown.title,
            municipality=_municipality(shown),
            board=shown.board,
            period=shown.period,
            synthetic_label=text("report.synthetic", language) if shown.synthetic else None,
            footer=text(
                "doc.footer",
                language,
                version=str(shown.data_version),
                source=text("doc.source.report", language),
            ),
            page_word=text("doc.page", language, page="{page}", pages="{pages}"),
        ),
        language,
    )
    pdf.paragraph(shown.note, size=8)
    if not shown.sections:
        pdf.paragraph(text("doc.no_indicators", language))
    else:
        pdf.section(text("doc.summary", language))
        pdf.data_table(
            [text(f"doc.col.{k}", language) for k in ("section", *STATUSES)],
            [[s.title, *(str(getattr(s, k)) for k in STATUSES)] for s in shown.sections],
            widths=(80, 25, 25, 25, 25),
            numeric=(1, 2, 3, 4),
        )
    for section in shown.sections:
        pdf.section(section.title)
        pdf.svg(status_chart(section, language=language), width=90)
        header = [
            text(f"doc.col.{c}", language)
            for c in ("class", "indicator", "value", "target", "status", "women", "men")
        ]
        rows = []
        for key in CLASSES:
            for i in getattr(section, key):
                value = _fmt(i.value, i.unit, language) if i.value is not None else "–"
                if i.yearly:
                    value += " (" + text("report.yearly", language, year=i.value_period) + ")"
                status = (
                    f"{label(i.status.status, language)}: {i.status.explanation}"
                    if i.status is not None
                    else (i.reason or "")
                )
                title = i.title + (f" ({i.source_note})" if i.source_note else "")
                rows.append(
                    [
                        text(f"doc.class.{key}", language),
                        title,
                        value,
                        _fmt(i.target, i.unit, language),
                        status,
                        _gender(i, i.women, language),
                        _gender(i, i.men, language),
                    ]
                )
        pdf.data_table(header, rows, widths=(20, 52, 20, 14, 44, 15, 15), numeric=(2, 3, 5, 6))
        charted = [
            i
            for key in CLASSES
            for i in getattr(section, key)
            if any(p.value is not None for p in i.series)
        ]
        if charted:
            pdf.paragraph(text("doc.col.trend", language), bold=True)
            for i in charted:
                # 190×70 px drawn 64 mm wide: about 24 mm high.
                pdf.chart(i.title, series_chart(i, language=language), width=64, height=24)
    return pdf.to_bytes()
