from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from services.awards.audit import service
from services.awards.audit.schemas import AuditEntryOut
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep
from shared.pagination import Page, PageDep

router = service_router(prefix="/v1/audit", tags=["audit"])
Reader = Annotated[Principal, Depends(require("awards:read"))]


@router.get("", response_model=Page[AuditEntryOut])
async def list_audit_entries(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    municipality_code: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[AuditEntryOut]:
    """The audit trail, oldest first: who did what to which run, decision, project or grant."""
    return await service.list_audit(
        session,
        principal=principal,
        municipality_code=municipality_code,
        entity_id=entity_id,
        page=page,
    )
