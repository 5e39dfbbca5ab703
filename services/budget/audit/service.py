"""The audit trail: every change the budget service makes, with who, when, before and after."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.budget.audit import repository
from services.budget.audit.schemas import AuditOut
from services.budget.tenancy import list_scope
from shared.auth import Principal
from shared.models import BudgetAudit
from shared.pagination import Page


def snapshot(model: BaseModel | None) -> dict[str, Any] | None:
    return None if model is None else model.model_dump(mode="json")


async def record(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str,
    entity: str,
    entity_id: uuid.UUID,
    action: str,
    before: BaseModel | None,
    after: BaseModel | None,
) -> None:
    await repository.add(
        session,
        BudgetAudit(
            municipality_code=municipality_code,
            entity=entity,
            entity_id=entity_id,
            action=action,
            actor_key_id=principal.key_id,
            before=snapshot(before),
            after=snapshot(after),
        ),
    )


async def list_audit(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    entity: str | None,
    entity_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> Page[AuditOut]:
    scope = list_scope(principal, municipality_code)
    entries, total = await repository.list_entries(
        session,
        municipality_code=scope,
        entity=entity,
        entity_id=entity_id,
        limit=limit,
        offset=offset,
    )
    return Page[AuditOut](
        items=[AuditOut.model_validate(e) for e in entries],
        total=total,
        limit=limit,
        offset=offset,
    )
