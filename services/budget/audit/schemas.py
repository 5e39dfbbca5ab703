from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from shared.schemas import OutputModel


class AuditOut(OutputModel):
    id: uuid.UUID
    municipality_code: str
    entity: str
    entity_id: uuid.UUID
    action: str
    actor_key_id: uuid.UUID | None
    at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None
