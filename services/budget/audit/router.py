from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from services.budget.audit import service
from services.budget.audit.schemas import AuditOut
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep
from shared.pagination import Page, PageDep

router = service_router(prefix="/v1/audit", tags=["audit"])
Reader = Annotated[Principal, Depends(require("budget:read"))]


@router.get("", response_model=Page[AuditOut])
async def list_audit(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    municipality_code: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    entity: Annotated[
        str | None, Query(description="frame, fund, allocation, operating_budget, investment")
    ] = None,
    entity_id: uuid.UUID | None = None,
) -> Page[AuditOut]:
    """The audit trail, newest first: who (API key id), when, the state before and after."""
    return await service.list_audit(
        session,
        principal=principal,
        municipality_code=municipality_code,
        entity=entity,
        entity_id=entity_id,
        limit=page.limit,
        offset=page.offset,
    )
