"""The awards audit trail: every run, decision, publication, payout, project and grant."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.awards.audit import repository
from services.awards.audit.schemas import AuditEntryOut
from shared.auth import Principal
from shared.models import AwardAudit
from shared.pagination import Page, PageParams


async def record(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str,
    entity: str,
    entity_id: object,
    action: str,
    details: dict[str, Any] | None = None,
) -> None:
    await repository.add(
        session,
        AwardAudit(
            municipality_code=municipality_code,
            entity=entity,
            entity_id=str(entity_id),
            action=action,
            actor=principal.name,
            actor_key_id=principal.key_id,
            details=details or {},
        ),
    )


async def list_audit(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    entity_id: str | None,
    page: PageParams,
) -> Page[AuditEntryOut]:
    municipality = principal.tenant(municipality_code)
    items, total = await repository.page(
        session,
        municipality_code=municipality,
        entity_id=entity_id,
        limit=page.limit,
        offset=page.offset,
    )
    return Page[AuditEntryOut](
        items=[AuditEntryOut.model_validate(i) for i in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
