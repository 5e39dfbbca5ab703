from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from services.indicators.scorecard.schemas import Arithmetic


class SeriesPoint(BaseModel):
    period: str
    value: Decimal | None


class ReportIndicator(BaseModel):
    code: str
    version: int
    title: str
    classification: Literal["struktur", "process", "effekt"]
    unit: str
    direction: str
    value: Decimal | None
    n: int | None
    suppressed: bool
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
    title: str
    struktur: list[ReportIndicator]
    process: list[ReportIndicator]
    effekt: list[ReportIndicator]
    met: int
    partly_met: int
    not_met: int
    no_data: int


class TertialReport(BaseModel):
    title: str
    municipality_code: str
    municipality_title: str | None
    period: str
    data_version: int
    sections: list[ReportSection]
    note: str = Field(
        default="Värden märkta 'Källa: Kolada' är oförändrade Kolada-värden; övriga är "
        "beräknade av Kvalitetsnavet. Resultat från färre än 7 svarande visas inte."
    )
