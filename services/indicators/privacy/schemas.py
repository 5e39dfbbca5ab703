from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.indicators import SUPPRESSION_DESCRIPTION, SUPPRESSION_TITLE, Suppression


class FeasibleInterval(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: Literal["numerator", "denominator", "n", "value"]
    low: Decimal | None = Field(description="the least value the shown cells allow (null: none)")
    high: Decimal | None = Field(description="the largest value the shown cells allow (null: none)")
    required_width: Decimal | None = Field(
        description="the protection interval's width a primary cell must keep; null for secondary"
    )
    violated: bool = Field(description="the interval is narrower than the protection interval")


class AuditedCell(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: Literal["unit", "area", "municipality"]
    unit_code: str = Field(description="unit code, area code, or '' for the municipality")
    gender: Literal["T", "K", "M"]
    suppression: Suppression = Field(title=SUPPRESSION_TITLE, description=SUPPRESSION_DESCRIPTION)
    intervals: list[FeasibleInterval]


class AuditedTable(BaseModel):
    model_config = ConfigDict(extra="forbid")

    indicator_code: str
    indicator_version: int
    period: str
    cells: int = Field(description="cells published in the table (every level, T/K/M)")
    relations: int = Field(description="additive relations between them that the figures satisfy")
    suppressed: list[AuditedCell]
    violations: int


class PrivacyAudit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    municipality_code: str
    period: str
    threshold: int = Field(description="fewer respondents than this are never shown")
    tables_checked: int = Field(description="published tables (indicator × period) checked")
    tables: list[AuditedTable] = Field(description="the tables with suppressed cells")
    violations: int = Field(description="primary cells narrowed below the protection interval")
