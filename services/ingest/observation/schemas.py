from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import Field

from shared.schemas import OutputModel


class Origin(OutputModel):
    kind: str = Field(description="'kolada_sync', 'batch', 'upload', 'demo' or 'seed'")
    kolada_job_id: uuid.UUID | None = None
    source_url: str | None = None
    batch_id: uuid.UUID | None = None
    batch_kind: str | None = None
    filename: str | None = None
    row: int | None = Field(default=None, description="row in the batch or file (0-based)")
    sent_by: uuid.UUID | None = Field(default=None, description="the API key that sent it")


class RevisionOut(OutputModel):
    revision: int
    value: Decimal | None
    status: str
    arrived_at: datetime
    replaced_at: datetime
    origin: Origin
    replaced_by_batch_id: uuid.UUID | None
    replaced_by_kolada_job_id: uuid.UUID | None


class ProvenanceOut(OutputModel):
    id: int
    source: str
    attribution: str | None = Field(description="'Källa: Kolada' for raw Kolada values only")
    municipality_code: str
    unit_code: str
    measure_code: str
    period: str
    period_start: date
    period_end: date
    gender: str
    value: Decimal | None
    respondents: int | None
    status: str
    revision: int
    arrived_at: datetime
    origin: Origin
    revisions: list[RevisionOut] = Field(description="earlier contents, newest first")
