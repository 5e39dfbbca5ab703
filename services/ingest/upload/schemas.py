from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from shared.schemas import OutputModel


class UploadOut(OutputModel):
    id: uuid.UUID | None = Field(description="the stored upload; null for a dry run")
    kind: str
    municipality_code: str
    filename: str | None
    format: str
    dry_run: bool
    rows: int = Field(description="data rows read from the file")
    observations: int = Field(description="observations the rows hold")
    created: int
    revised: int
    unchanged: int
    suppressed: int = Field(description="stored but marked suppressed (fewer than 7 respondents)")
    data_version: int | None
    file: dict[str, str] = Field(description="what was detected: encoding, separator or sheet")
    created_at: datetime | None


class UploadColumn(OutputModel):
    name: str
    required: bool
    measure: str | None
    choices: list[str]
    aliases: list[str]
    example: str


class UploadKindOut(OutputModel):
    name: str
    title: str
    period_types: list[str]
    unit_required: bool
    columns: list[UploadColumn]
    measures: list[str]
    template: str
