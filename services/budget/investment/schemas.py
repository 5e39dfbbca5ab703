from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from pydantic import Field

from services.budget.operating.schemas import DIFFERENCE_CONVENTION, Finding, convention
from shared.i18n import Language
from shared.money import MoneyUnit
from shared.schemas import InputModel, OutputModel


class ProjectIn(InputModel):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-.]*$")
    title: str = Field(min_length=1, max_length=300)
    category: str = Field(min_length=1, max_length=64, examples=["inventarier"])
    amounts: dict[int, Decimal] = Field(
        description="year → amount for that year of the plan", max_length=30
    )


class PlanIn(InputModel):
    """A multi-year investment table as printed: its lines and, if printed, its totals."""

    municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$")
    board: str = Field(min_length=1, max_length=200)
    unit: MoneyUnit = "tkr"
    projects: list[ProjectIn] = Field(min_length=1, max_length=2000)
    totals: dict[int, Decimal] | None = Field(
        default=None, description="the printed Summa per year; checked against the lines"
    )


class ProjectUpdate(InputModel):
    title: str = Field(min_length=1, max_length=300)
    category: str = Field(min_length=1, max_length=64)
    unit: MoneyUnit = "tkr"
    amounts: dict[int, Decimal] = Field(max_length=30)


class ProjectOut(OutputModel):
    id: uuid.UUID
    municipality_code: str
    board: str
    code: str
    title: str
    category: str
    unit: MoneyUnit
    amounts: dict[int, Decimal]
    total: Decimal
    version: int
    created_at: datetime


class PlanOut(OutputModel):
    projects: list[ProjectOut]
    totals: dict[int, Decimal]
    warnings: list[Finding]
    sign_convention: str = DIFFERENCE_CONVENTION

    def __localize__(self, language: Language) -> None:
        self.sign_convention = convention("difference", language=language)


class TotalsOut(OutputModel):
    municipality_code: str
    board: str
    unit: MoneyUnit
    per_year: dict[int, Decimal]
    per_category: dict[str, dict[int, Decimal]]
