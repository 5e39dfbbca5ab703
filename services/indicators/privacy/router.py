from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from services.indicators.privacy import service
from services.indicators.privacy.schemas import PrivacyAudit
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep

router = service_router(prefix="/v1/privacy", tags=["privacy"])


@router.get("/audit", response_model=PrivacyAudit)
async def get_privacy_audit(
    session: SessionDep,
    principal: Annotated[Principal, Depends(require("admin"))],
    period: Annotated[str, Query(description="2024, 2024T2, 2024Q3 or 2024-05", max_length=10)],
    municipality_code: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
) -> PrivacyAudit:
    """Audit disclosure control for a municipality's published tables in one period.
    For every indicator's table (every level, T/K/M) the auditor solves, by linear
    programming over the shown cells and their sums, each suppressed cell's feasible interval,
    and reports any primary cell narrowed below the protection interval."""
    return await service.audit_municipality(
        session, principal=principal, municipality_code=municipality_code, period=period
    )
