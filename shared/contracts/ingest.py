"""Shapes other services receive from ingest."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class BatchResult(BaseModel):
    """What POST /v1/batches answers (and replays for a retried Idempotency-Key)."""

    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    municipality_code: str
    kind: str
    state: str
    row_count: int
    created: int
    revised: int
    unchanged: int
    suppressed: int
    created_at: datetime
    data_version: int
