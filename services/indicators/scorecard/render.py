"""A scorecard's goal fulfilment as the board's PDF: per goal and factor, each measure's
status with its arithmetic, women and men on their own lines, and a status bar per goal."""

from __future__ import annotations

from html import escape

from services.indicators.scorecard.schemas import ScorecardStatus
from shared import documents
from shared.i18n import Language, label, text

STATUS_COLOUR = {
    "met": "#2e7d32",
    "partly_met": "#f9a825",
    "not_met": "#c62828",
    "no_data": "#9e9e9e",
}
STATUSES = ("met", "partly_met", "not_met", "no_data")


def _bar(counts: dict[str, int], language: Language, *, width: int = 300, height: int = 16) -> str:
    total = sum(counts.values())
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="#ffffff" '
        'stroke="#bdbdbd"/>',
    ]
    x = 0.0
    for key in STATUSES:
        if not total or not counts[key]:
            continue
        w = width * counts[key] / total
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" '
            f'fill="{STATUS_COLOUR[key]}"><title>{escape(label(key, language))}</title></rect>'
        )
        x += w
    parts.append("</svg>")
    return "".join(parts)


def to_pdf(
    status: ScorecardStatus, *, municipality: str, board: str | None, language: Language
) -> bytes:
    """`status` already localized to `language`."""
    pdf = documents.Document(
        documents.PageHeading(
            title=status.title,
            municipality=municipality,
            board=board,
            period=status.period,
            footer=text("doc.source.computed", language),
            page_word=text("doc.page", language, page="{page}", pages="{pages}"),
        ),
        language,
    )
    if status.vision:
        pdf.paragraph(status.vision, bold=True)
    pdf.paragraph(", ".join(f"{label(k, language)} {getattr(status, k)}" for k in STATUSES), size=9)
    for goal in status.goals:
        pdf.section(f"{goal.perspective}: {goal.title}")
        counts = dict.fromkeys(STATUSES, 0)
        rows = []
        for factor in goal.factors:
            for measure in factor.measures:
                for s in measure.statuses:
                    counts[s.status] += 1
                    gender = text(f"scorecard.gender.{s.gender}", language)
                    rows.append(
                        [
                            factor.title,
                            f"{measure.text} ({gender})" if s.gender != "T" else measure.text,
                            label(s.status, language),
                            s.explanation,
                        ]
                    )
                if not measure.statuses:
                    rows.append([factor.title, measure.text, "–", ""])
        pdf.svg(_bar(counts, language), width=90)
        pdf.data_table(
            [
                text(f"scorecard.col.{c}", language)
                for c in ("factor", "measure", "status", "explanation")
            ],
            rows,
            widths=(36, 54, 31, 59),
        )
    return pdf.to_bytes()
