from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from shared.schemas import OutputModel


class AuditEntryOut(OutputModel):
    id: int
    municipality_code: str
    entity: str
    entity_id: str
    action: str
    actor: str
    actor_key_id: uuid.UUID | None
    details: dict[str, Any]
    at: datetime
