from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from services.indicators.scorecard.schemas import Arithmetic
from shared.contracts.indicators import SUPPRESSION_DESCRIPTION, SUPPRESSION_TITLE, Suppression
from shared.i18n import NEGOTIATED


class SeriesPoint(BaseModel):
    period: str
    value: Decimal | None


class ReportIndicator(BaseModel):
    code: str
    version: int
    title: str = Field(description=NEGOTIATED)
    title_sv: str
    title_en: str | None = None
    classification: Literal["struktur", "process", "effekt"]
    unit: str
    direction: str
    value: Decimal | None
    n: int | None
    suppressed: bool
    suppression: Suppression | None = Field(
        default=None, title=SUPPRESSION_TITLE, description=SUPPRESSION_DESCRIPTION
    )
    attribution: Literal["kolada", "derived"]
    source_note: str | None
    target: Decimal | None = None
    target_label: str | None = None
    status: Arithmetic | None = None
    previous_period: str
    previous_value: Decimal | None
    change: Decimal | None
    last_year_period: str
    last_year_value: Decimal | None
    women: Decimal | None
    men: Decimal | None
    gender_gap: Decimal | None
    series: list[SeriesPoint] = Field(description="this and the previous periods, oldest first")


class ReportSection(BaseModel):
    area: str
    title: str = Field(description=NEGOTIATED)
    title_sv: str
    title_en: str | None = None
    struktur: list[ReportIndicator]
    process: list[ReportIndicator]
    effekt: list[ReportIndicator]
    met: int
    partly_met: int
    not_met: int
    no_data: int


NOTE_SV = (
    "Värden märkta 'Källa: Kolada' är oförändrade Kolada-värden; övriga är beräknade av "
    "Kvalitetsnavet. Resultat från färre än 7 svarande visas inte."
)
NOTE_EN = (
    "Values marked 'Källa: Kolada' are Kolada's values unchanged; the others are computed by "
    "Kvalitetsnavet. Results from fewer than 7 respondents are not shown."
)


class TertialReport(BaseModel):
    """JSON follows Accept-Language (titles, note, status labels); CSV, XLSX and HTML are the
    board's Swedish document."""

    title: str = Field(description=NEGOTIATED)
    title_sv: str
    title_en: str | None = None
    municipality_code: str
    municipality_title: str | None
    period: str
    data_version: int
    sections: list[ReportSection]
    note: str = Field(default=NOTE_SV, description=NEGOTIATED)
    note_sv: str = NOTE_SV
    note_en: str = NOTE_EN
