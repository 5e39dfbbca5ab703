"""The tertial report as CSV, XLSX and a printable HTML page with inline SVG charts.

No scripts and nothing fetched from the network: the page prints as it is."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from html import escape

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from services.indicators.report.schemas import ReportIndicator, ReportSection, TertialReport

STATUS_TEXT = {
    "met": "Uppfyllt",
    "partly_met": "Delvis uppfyllt",
    "not_met": "Ej uppfyllt",
    "no_data": "Uppgift saknas",
}
STATUS_COLOUR = {
    "met": "#2e7d32",
    "partly_met": "#f9a825",
    "not_met": "#c62828",
    "no_data": "#9e9e9e",
}
CLASSES = (("struktur", "STRUKTUR"), ("process", "PROCESS"), ("effekt", "EFFEKT"))
COLUMNS = [
    "area",
    "classification",
    "indicator_code",
    "title",
    "unit",
    "period",
    "value",
    "n",
    "suppressed",
    "target",
    "status",
    "difference",
    "previous_period",
    "previous_value",
    "change",
    "last_year_value",
    "women",
    "men",
    "gender_gap",
    "source",
]


def _num(value: Decimal | int | None) -> str:
    return "" if value is None else str(value)


def _rows(report: TertialReport) -> Iterator[list[str]]:
    for section in report.sections:
        for key, _label in CLASSES:
            for i in getattr(section, key):
                yield [
                    section.area,
                    key,
                    i.code,
                    i.title,
                    i.unit,
                    report.period,
                    _num(i.value),
                    _num(i.n),
                    "yes" if i.suppressed else "no",
                    _num(i.target),
                    i.status.status if i.status else "",
                    _num(i.status.difference) if i.status else "",
                    i.previous_period,
                    _num(i.previous_value),
                    _num(i.change),
                    _num(i.last_year_value),
                    _num(i.women),
                    _num(i.men),
                    _num(i.gender_gap),
                    i.source_note or "Beräknat av Kvalitetsnavet",
                ]


def to_csv(report: TertialReport) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in _rows(report):
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def to_xlsx(report: TertialReport) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"Uppföljning {report.period}"
    sheet.append([report.title, report.municipality_title or report.municipality_code])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([report.note])
    sheet.append([])
    sheet.append(COLUMNS)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in _rows(report):
        values: list[object] = []
        for col, text in zip(COLUMNS, row, strict=True):
            numeric = col in {
                "value",
                "n",
                "target",
                "difference",
                "previous_value",
                "change",
                "last_year_value",
                "women",
                "men",
                "gender_gap",
            }
            values.append(Decimal(text) if numeric and text else text)
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in values])
        status = row[COLUMNS.index("status")]
        if status in STATUS_COLOUR:
            colour = STATUS_COLOUR[status].lstrip("#")
            sheet.cell(row=sheet.max_row, column=COLUMNS.index("status") + 1).fill = PatternFill(
                "solid", fgColor=colour
            )
    for column, width in (("B", 12), ("C", 28), ("D", 50)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _fmt(value: Decimal | None, unit: str = "") -> str:
    if value is None:
        return "–"
    text = format(value, "f").replace(".", ",")
    return f"{text} {unit}".strip()


def series_chart(indicator: ReportIndicator, *, width: int = 260, height: int = 90) -> str:
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
    for i, (point, v) in enumerate(zip(indicator.series, values, strict=True)):
        x = pad + i * slot + slot * 0.15
        w = slot * 0.7
        last = i == len(values) - 1
        if v is not None:
            top_y = min(y(v), zero)
            h = max(1.0, abs(zero - y(v)))
            fill = "#1565c0" if last else "#90caf9"
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{top_y:.1f}" width="{w:.1f}" '
                f'height="{h:.1f}" fill="{fill}"><title>{escape(point.period)}: '
                f"{escape(_fmt(v, indicator.unit))}</title></rect>"
            )
        parts.append(
            f'<text x="{x + w / 2:.1f}" y="{height - 3}" font-size="8" text-anchor="middle" '
            f'fill="#444">{escape(point.period)}</text>'
        )
    if indicator.target is not None:
        ty = y(indicator.target)
        parts.append(
            f'<line class="target" x1="{pad}" x2="{width - pad}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="#c62828" stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def status_chart(section: ReportSection, *, width: int = 300, height: int = 18) -> str:
    """A stacked bar of the section's statuses."""
    counts = [(k, getattr(section, k)) for k in ("met", "partly_met", "not_met", "no_data")]
    total = sum(c for _k, c in counts)
    parts = [
        f'<svg class="status-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">'
    ]
    x = 0.0
    for key, count in counts:
        if not total or not count:
            continue
        w = width * count / total
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" '
            f'fill="{STATUS_COLOUR[key]}"><title>{STATUS_TEXT[key]}: {count}</title></rect>'
        )
        x += w
    parts.append("</svg>")
    return "".join(parts)


_CSS = """
body{font-family:Arial,Helvetica,sans-serif;margin:24px;color:#212121}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 6px;
border-bottom:2px solid #1565c0} h3{font-size:13px;margin:14px 0 4px;letter-spacing:.05em}
table{border-collapse:collapse;width:100%;font-size:12px} td,th{border:1px solid #ddd;
padding:4px 6px;vertical-align:middle;text-align:left} th{background:#f5f5f5}
.status{display:inline-block;padding:2px 6px;border-radius:3px;color:#fff;font-size:11px}
.note{font-size:11px;color:#555} .num{text-align:right;white-space:nowrap}
@media print{body{margin:10mm} h2{page-break-after:avoid} tr{page-break-inside:avoid}}
"""


def to_html(report: TertialReport) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="sv"><head><meta charset="utf-8">',
        f"<title>{escape(report.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(report.title)}</h1>",
        f"<p>{escape(report.municipality_title or '')} ({escape(report.municipality_code)}), "
        f"period {escape(report.period)}, dataversion {report.data_version}</p>",
        f'<p class="note">{escape(report.note)}</p>',
    ]
    if not report.sections:
        out.append("<p>Inga indikatorer.</p>")
    for section in report.sections:
        out.append(f"<h2>{escape(section.title)}</h2>")
        out.append(
            f"<p>{status_chart(section)} Uppfyllt {section.met}, delvis {section.partly_met}, "
            f"ej uppfyllt {section.not_met}, uppgift saknas {section.no_data}</p>"
        )
        for key, label in CLASSES:
            rows: list[ReportIndicator] = getattr(section, key)
            if not rows:
                continue
            out.append(
                f"<h3>{label}</h3><table><thead><tr><th>Indikator</th><th>Värde</th>"
                "<th>Mål</th><th>Måluppfyllelse</th><th>Föregående</th>"
                "<th>Kvinnor</th><th>Män</th><th>Utveckling</th></tr></thead><tbody>"
            )
            for i in rows:
                status = ""
                if i.status is not None:
                    status = (
                        f'<span class="status" style="background:{STATUS_COLOUR[i.status.status]}"'
                        f">{STATUS_TEXT[i.status.status]}</span><br>"
                        f'<span class="note">{escape(i.status.explanation)}</span>'
                    )
                value = "Visas ej (färre än 7 svarande)" if i.suppressed else _fmt(i.value, i.unit)
                source = (
                    f'<br><span class="note">{escape(i.source_note)}</span>'
                    if i.source_note
                    else ""
                )
                out.append(
                    f"<tr><td>{escape(i.title)}{source}</td>"
                    f'<td class="num">{escape(value)}</td>'
                    f'<td class="num">{escape(_fmt(i.target, i.unit))}</td><td>{status}</td>'
                    f'<td class="num">{escape(_fmt(i.previous_value, i.unit))}</td>'
                    f'<td class="num">{escape(_fmt(i.women, i.unit))}</td>'
                    f'<td class="num">{escape(_fmt(i.men, i.unit))}</td>'
                    f"<td>{series_chart(i)}</td></tr>"
                )
            out.append("</tbody></table>")
    out.append("</body></html>")
    return "".join(out)
