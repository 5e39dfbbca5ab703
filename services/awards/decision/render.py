"""A prize decision as the jury's document (PDF): the decision, the ranking with each
candidate's explanation, the robustness statement and the sensitivity result as a vector
chart (each candidate's rank interval over the Monte Carlo draws and its share of firsts)."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from services.awards.decision.schemas import DecisionOut
from services.awards.run.schemas import RankedCandidate, RunOut
from shared import documents
from shared.i18n import Language, number, text


def sensitivity_chart(ranking: list[RankedCandidate], threshold: Decimal | None) -> str:
    """Per candidate: the 5–95 % rank interval with its median (left) and the share of draws
    ranking it first against the robustness threshold (right)."""
    shown = [c for c in ranking if c.sensitivity is not None]
    row_h, label_w, rank_w, share_w, gap = 18, 150, 200, 160, 20
    width = label_w + rank_w + gap + share_w + 10
    height = row_h * max(1, len(shown)) + 24
    worst = max([float(c.sensitivity.rank_p95) for c in shown if c.sensitivity] + [1.0])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]

    def rank_x(rank: float) -> float:
        return label_w + (rank - 1) / max(1.0, worst - 1) * (rank_w - 10) + 5

    share_x0 = label_w + rank_w + gap
    for i, c in enumerate(shown):
        assert c.sensitivity is not None
        y = 12 + i * row_h
        name = escape((c.unit_title or c.unit_code)[:28])
        parts.append(f'<text x="4" y="{y + 4}" font-size="9" fill="#212121">{name}</text>')
        lo, mid, hi = (
            float(c.sensitivity.rank_p05),
            float(c.sensitivity.rank_p50),
            float(c.sensitivity.rank_p95),
        )
        parts.append(
            f'<line x1="{rank_x(lo):.1f}" x2="{rank_x(hi):.1f}" y1="{y}" y2="{y}" '
            'stroke="#1565c0" stroke-width="3"/>'
        )
        parts.append(
            f'<rect x="{rank_x(mid) - 3:.1f}" y="{y - 5}" width="6" height="10" fill="#0d47a1"/>'
        )
        share = float(c.sensitivity.p_first)
        parts.append(
            f'<rect x="{share_x0}" y="{y - 5}" width="{share * share_w:.1f}" height="10" '
            'fill="#2e7d32"/>'
        )
    if threshold is not None:
        tx = share_x0 + float(threshold) * share_w
        parts.append(
            f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="2" y2="{height - 16}" stroke="#c62828" '
            'stroke-width="1.2" stroke-dasharray="3 2"/>'
        )
    base = height - 4
    parts.append(f'<text x="{label_w + 5}" y="{base}" font-size="8" fill="#444444">1</text>')
    parts.append(
        f'<text x="{label_w + rank_w - 10}" y="{base}" font-size="8" fill="#444444">'
        f"{round(worst)}</text>"
    )
    parts.append(f'<text x="{share_x0}" y="{base}" font-size="8" fill="#444444">0</text>')
    parts.append(
        f'<text x="{share_x0 + share_w - 16}" y="{base}" font-size="8" fill="#444444">100</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def to_pdf(decision: DecisionOut, run: RunOut, *, municipality: str, language: Language) -> bytes:
    """`run` already localized to `language`."""
    pdf = documents.Document(
        documents.PageHeading(
            title=text("decision.title", language, title=run.title),
            municipality=municipality,
            board=None,
            period=run.period,
            footer=text("decision.footer", language, run=str(run.id), hash=run.spec_hash[:12]),
            page_word=text("doc.page", language, page="{page}", pages="{pages}"),
        ),
        language,
    )
    winner = decision.winner_title or decision.winner_code
    pdf.section(text("decision.heading", language))
    pdf.paragraph(
        text(
            "decision.winner",
            language,
            winner=winner,
            amount=number(decision.prize_amount, language),
            unit=decision.unit,
        ),
        bold=True,
    )
    if decision.differs_from_rank_one:
        pdf.paragraph(text("decision.differs", language, rank_one=decision.rank_one_code or ""))
    pdf.paragraph(text("decision.reason", language, reason=decision.reason))
    pdf.section(text("decision.ranking", language))
    rows = []
    for c in run.ranking:
        explanation = "; ".join(
            f"{e.criterion}: {documents.cell_text(e.credited, '', language)}"
            + (f" ({text('decision.imputed', language)})" if e.imputed else "")
            for e in c.criteria
        )
        if c.missing:
            explanation += " · " + text("decision.missing", language, criteria=", ".join(c.missing))
        rows.append(
            [
                str(c.rank),
                c.unit_title or c.unit_code,
                documents.cell_text(c.score, "", language),
                explanation,
            ]
        )
    pdf.data_table(
        [
            text(f"decision.col.{k}", language)
            for k in ("rank", "candidate", "score", "explanation")
        ],
        rows,
        widths=(12, 45, 20, 103),
        numeric=(0, 2),
    )
    pdf.section(text("decision.robustness", language))
    pdf.paragraph(run.robustness.statement)
    if any(c.sensitivity is not None for c in run.ranking):
        pdf.paragraph(text("decision.chart", language), size=8)
        pdf.svg(sensitivity_chart(run.ranking, run.robustness.threshold), width=180)
    return pdf.to_bytes()
