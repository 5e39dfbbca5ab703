from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.budget.efficiency import service
from services.budget.efficiency.schemas import EfficiencyIn, EfficiencyOut
from shared.app import service_router
from shared.auth import Principal, require
from shared.clients.ingest import IngestClient
from shared.db import SessionDep
from shared.i18n import LanguageDep

router = service_router(prefix="/v1/efficiency", tags=["efficiency"])
Publisher = Annotated[Principal, Depends(require("budget:write", "ingest:write"))]


def _ingest(request: Request) -> IngestClient:
    return IngestClient(request.app.state.http, request.app.state.settings)


@router.post("", response_model=EfficiencyOut)
async def create_efficiency_measure(
    payload: EfficiencyIn,
    session: SessionDep,
    principal: Publisher,
    ingest: Annotated[IngestClient, Depends(_ingest)],
    language: LanguageDep,
) -> EfficiencyOut:
    """Compute cost per home-care hour, per residential-care day, per personal-assistance hour,
    or the deviation from standard cost in kronor, and publish it through ingest as a local,
    derived observation (never attributed to Kolada). Needs budget:write and ingest:write:
    the call to ingest carries the caller's key. Publishing the same value again replays."""
    return await service.publish(
        session, payload, principal=principal, ingest=ingest, language=language
    )
