from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import Field

from shared.i18n import NEGOTIATED, swedish
from shared.schemas import InputModel, OutputModel, example

UnitType = Literal[
    "hemtjanst",
    "sarskilt_boende",
    "gruppbostad",
    "servicebostad",
    "daglig_verksamhet",
    "personlig_assistans",
    "korttidsboende",
    "hemsjukvard",
    "ifo",
    "socialpsykiatri",
    "other",
]
Area = Literal["aldreomsorg", "lss", "ifo", "hsl", "socialpsykiatri", "overgripande"]


class UnitIn(InputModel):
    model_config = example(
        {
            "code": "HT-CENTRUM",
            "title": "Hemtjänst Centrum",
            "title_en": "Home care Centre",
            "unit_type": "hemtjanst",
            "area": "aldreomsorg",
            "opened_on": "2025-01-01",
        }
    )

    municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$")
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    title: str = Field(min_length=1, max_length=200, description="in Swedish")
    title_en: str | None = Field(default=None, min_length=1, max_length=200)
    unit_type: UnitType
    area: Area
    kolada_ou_id: str | None = Field(default=None, pattern=r"^V\d{2}E\d+$")
    opened_on: date | None = None
    closed_on: date | None = None


class UnitOut(OutputModel):
    id: uuid.UUID
    municipality_code: str
    code: str
    title: str = Field(description=NEGOTIATED)
    title_sv: str = swedish("title")
    title_en: str | None = None
    unit_type: str
    area: str
    kolada_ou_id: str | None
    opened_on: date | None
    closed_on: date | None
    synthetic: bool = Field(description="true for the demo's synthetic units")


class MoveIn(InputModel):
    model_config = example({"area": "hsl", "on": "2025-07-01"})

    area: Area
    on: date = Field(description="the first day in the new area")


class MembershipOut(OutputModel):
    unit_code: str
    area: str
    valid_from: date
    valid_to: date | None = Field(description="the last day in the area; null while current")


class UnitUpdate(InputModel):
    """Replace a unit's details; its area changes only through a move (kept in the history)."""

    model_config = example(
        {
            "title": "Hemtjänst Centrum och Väster",
            "title_en": "Home care Centre and West",
            "unit_type": "hemtjanst",
            "area": "aldreomsorg",
            "opened_on": "2025-01-01",
        }
    )

    title: str = Field(min_length=1, max_length=200, description="in Swedish")
    title_en: str | None = Field(default=None, min_length=1, max_length=200)
    unit_type: UnitType
    area: Area
    kolada_ou_id: str | None = Field(default=None, pattern=r"^V\d{2}E\d+$")
    opened_on: date | None = None
    closed_on: date | None = None
