from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from shared.schemas import InputModel, OutputModel, example

MAX_BATCH_ROWS = 50_000


class ObservationIn(InputModel):
    measure_code: str = Field(min_length=1, max_length=64, examples=["survey_satisfied"])
    unit_code: str | None = Field(
        default=None, max_length=64, description="org unit code; omit for the whole municipality"
    )
    period: str = Field(description="2024, 2024T2, 2024Q3 or 2024-05", examples=["2024"])
    gender: Literal["T", "K", "M"] = "T"
    value: Decimal | None = Field(default=None, allow_inf_nan=False)
    numerator: Decimal | None = Field(default=None, allow_inf_nan=False)
    denominator: Decimal | None = Field(default=None, allow_inf_nan=False)
    respondents: int | None = Field(default=None, ge=0, le=10_000_000)
    status: Annotated[Literal["preliminary", "final"], Field(title="ValueStatus")] = "final"


class BatchIn(InputModel):
    model_config = example(
        {
            "municipality_code": "9990",
            "mode": "insert",
            "note": "Brukarundersökning hemtjänst 2025, enhet Norr",
            "observations": [
                {
                    "measure_code": "survey_respondents",
                    "unit_code": "HT-NORR",
                    "period": "2025",
                    "value": "210",
                    "status": "preliminary",
                },
                {
                    "measure_code": "survey_satisfied",
                    "unit_code": "HT-NORR",
                    "period": "2025",
                    "value": "185",
                    "status": "preliminary",
                },
            ],
        }
    )

    municipality_code: str | None = Field(
        default=None, pattern=r"^\d{4}$", description="defaults to the key's municipality"
    )
    mode: Literal["insert", "revise"] = Field(
        title="WriteMode",
        default="insert",
        description="'revise' replaces stored values (keeping their history); "
        "'insert' refuses a value that differs from a stored final one",
    )
    note: str | None = Field(default=None, max_length=2000)
    observations: list[ObservationIn] = Field(min_length=1, max_length=MAX_BATCH_ROWS)


class BatchSummaryOut(OutputModel):
    """A stored JSON batch or file upload, as listed (its own URL gives what it did)."""

    id: uuid.UUID
    municipality_code: str
    kind: str = Field(description="'json', or 'upload:<kind>' for a file")
    filename: str | None
    state: str
    row_count: int
    created_at: datetime


class BatchOut(OutputModel):
    id: uuid.UUID
    municipality_code: str
    kind: str
    state: str
    row_count: int
    created: int = Field(description="observations stored for the first time")
    revised: int = Field(description="observations whose value changed (old revision kept)")
    unchanged: int = Field(description="observations identical to what was stored")
    suppressed: int = Field(description="observations stored but marked suppressed (n < 7)")
    created_at: datetime
    data_version: int
