from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import Field

from shared.schemas import InputModel, OutputModel


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


class PartitionOut(OutputModel):
    name: str = Field(description="table in schema observation_part")
    bound: str = Field(description="the partition bound, as PostgreSQL states it")
    estimated_rows: int = Field(description="planner estimate (pg_class.reltuples)")
    bytes: int = Field(description="table and indexes")


class PartitionsOut(OutputModel):
    partitions: list[PartitionOut]
    last_year: int | None = Field(description="the last year with its own partition")
    default_rows: int = Field(
        description="rows in the DEFAULT partition (years without their own; should be 0)"
    )
    created: list[str] = Field(default_factory=list, description="partitions this call created")


class PartitionsIn(InputModel):
    years_ahead: int = Field(
        default=2, ge=0, le=20, description="create yearly partitions through this year + N"
    )
