from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from services.indicators.scorecard.schemas import Arithmetic
from shared.contracts.indicators import SUPPRESSION_DESCRIPTION, SUPPRESSION_TITLE, Suppression
from shared.i18n import NEGOTIATED, text


class SeriesPoint(BaseModel):
    period: str
    value: Decimal | None


NoData = Literal["not_reported", "not_applicable", "suppressed"]


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
    value_period: str = Field(
        description="the period the value is for: the report's, or a year for a yearly measure"
    )
    yearly: bool = Field(
        description="a yearly measure in a tertial report: shown with its latest year"
    )
    n: int | None
    suppressed: bool
    suppression: Suppression | None = Field(
        default=None, title=SUPPRESSION_TITLE, description=SUPPRESSION_DESCRIPTION
    )
    no_data: NoData | None = Field(
        default=None,
        description="why there is no value: not reported yet, not applicable to the "
        "municipality, or suppressed (too few respondents)",
    )
    reason: str | None = Field(default=None, description=NEGOTIATED)
    reason_sv: str | None = None
    reason_en: str | None = None
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
    gender_suppressed: bool = Field(
        default=False, description="women's or men's value withheld: too few respondents"
    )
    gender_gap: Decimal | None
    series: list[SeriesPoint] = Field(description="this and the previous periods, oldest first")


class ReportSection(BaseModel):
    key: str = Field(description="the section's key: its area, or the board's own section")
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
    no_data: int = Field(description="rows judged 'no data' and rows without a value")


NOTE_SV = text("report.note", "sv")
NOTE_EN = text("report.note", "en")


class TertialReport(BaseModel):
    """JSON follows Accept-Language (titles, note, status labels); CSV, XLSX and HTML are the
    board's Swedish document."""

    title: str = Field(description=NEGOTIATED)
    title_sv: str
    title_en: str | None = None
    municipality_code: str
    municipality_title: str | None
    board: str | None = Field(description="the board the follow-up is made for, where known")
    synthetic: bool = Field(description="true when the figures are the demo's synthetic ones")
    period: str
    data_version: int
    sections: list[ReportSection]
    note: str = Field(default=NOTE_SV, description=NEGOTIATED)
    note_sv: str = NOTE_SV
    note_en: str = NOTE_EN
