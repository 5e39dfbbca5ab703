from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from shared.schemas import InputModel, OutputModel

KpiId = Annotated[str, StringConstraints(pattern=r"^[A-Z]\d{5}$")]
MunicipalityCode = Annotated[str, StringConstraints(pattern=r"^\d{4}$")]
Year = Annotated[int, Field(ge=1990, le=2100)]
KOLADA_ATTRIBUTION = "Källa: Kolada"


class SyncIn(InputModel):
    """A sync request. Omitted lists come from the municipality's default plan."""

    mode: Literal["full", "incremental"] = Field(
        title="SyncMode",
        default="incremental",
        description="'incremental' asks Kolada for changes since the last completed run "
        "(from_date) and applies deletions; without an earlier run it fetches everything",
    )
    trigger: Literal["manual", "scheduler"] = "manual"
    municipality_code: str | None = Field(
        default=None,
        pattern=r"^\d{4}$",
        description="whose plan; defaults to the key's municipality. A national key may omit "
        "it to sync every tenant municipality's plan",
    )
    kpis: list[KpiId] | None = Field(
        default=None, max_length=2000, description="Kolada KPI ids; default: the suite's set"
    )
    municipalities: list[MunicipalityCode] | None = Field(
        default=None,
        max_length=400,
        description="default: the municipality, its 'Liknande kommuner' groups and 0000",
    )
    years: list[Year] | None = Field(default=None, max_length=60)
    include_ous: bool = Field(default=True, description="also sync the municipality's own OUs")
    include_catalogue: bool | None = Field(
        default=None,
        description="refresh the KPI, municipality and group catalogue first "
        "(default: yes for the scheduler, no otherwise)",
    )


class SyncProgress(OutputModel):
    chunks_total: int
    chunks_done: int
    chunks_failed: int
    rows_done: int
    percent: float


class SyncCounts(OutputModel):
    created: int
    revised: int
    unchanged: int
    deleted: int
    requests: int


class SyncTimings(OutputModel):
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    seconds: float | None


class SyncJobOut(OutputModel):
    id: uuid.UUID
    url: str
    state: Annotated[Literal["pending", "running", "completed", "failed"], Field(title="SyncState")]
    mode: str
    trigger: str
    municipality_code: str | None
    from_date: date | None
    plan: dict[str, object]
    progress: SyncProgress
    counts: SyncCounts
    errors: list[dict[str, object]]
    attempts: int
    timings: SyncTimings
    attribution: str = KOLADA_ATTRIBUTION
