from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import Depends, Query, Request, Response, status

from services.awards.decision import render, service
from services.awards.decision.schemas import DecisionIn, DecisionOut, PayoutIn
from services.awards.run import service as run_service
from shared.app import service_router
from shared.auth import Principal, require
from shared.clients.budget import BudgetClient
from shared.db import SessionDep
from shared.documents import PDF_MEDIA, municipality_name
from shared.errors import COMMON_RESPONSES
from shared.i18n import LanguageDep, localize
from shared.pagination import Page, PageDep

router = service_router(
    tags=["decisions"],
    responses={
        **COMMON_RESPONSES,
        502: COMMON_RESPONSES[503] | {"description": "A peer service failed"},
    },
)
Decider = Annotated[Principal, Depends(require("awards:decide"))]
Reader = Annotated[Principal, Depends(require("awards:read"))]


def _budget(request: Request) -> BudgetClient:
    return BudgetClient(request.app.state.http, request.app.state.settings)


@router.post(
    "/v1/runs/{run_id}/decision", status_code=status.HTTP_201_CREATED, response_model=DecisionOut
)
async def create_decision(
    run_id: uuid.UUID,
    payload: DecisionIn,
    session: SessionDep,
    principal: Decider,
    response: Response,
) -> DecisionOut:
    """Record the jury's decision on a run: the winner (may differ from rank 1) and why."""
    decision = await service.decide(session, run_id, payload, principal=principal)
    response.headers["Location"] = f"/v1/decisions/{decision.id}"
    return decision


@router.get(
    "/v1/runs/{run_id}/decision",
    response_model=DecisionOut,
    responses={200: {"content": {PDF_MEDIA: {"schema": {"type": "string", "format": "binary"}}}}},
)
async def get_run_decision(
    run_id: uuid.UUID,
    session: SessionDep,
    principal: Reader,
    language: LanguageDep,
    format: Annotated[Literal["json", "pdf"], Query(title="DecisionFormat")] = "json",
) -> DecisionOut | Response:
    """The decision on a run; as PDF, the jury's decision document (ranking, explanations,
    robustness and the sensitivity chart) in the negotiated language."""
    decision = await service.get_run_decision(session, run_id, principal=principal)
    if format == "json":
        return decision
    run = localize(
        await run_service.get_run(session, run_id, principal=principal, language=language),
        language,
    )
    body = render.to_pdf(
        decision,
        run,
        municipality=await municipality_name(session, run.municipality_code),
        language=language,
    )
    return Response(
        body,
        media_type=PDF_MEDIA,
        headers={"Content-Disposition": f'attachment; filename="beslut-{run_id}.pdf"'},
    )


@router.get("/v1/decisions", response_model=Page[DecisionOut])
async def list_decisions(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    municipality_code: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    published: bool = False,
) -> Page[DecisionOut]:
    """Decisions, newest first; `published=true` for the published ones only."""
    return await service.list_decisions(
        session,
        principal=principal,
        municipality_code=municipality_code,
        published_only=published,
        page=page,
    )


@router.get("/v1/decisions/{decision_id}", response_model=DecisionOut)
async def get_decision(
    decision_id: uuid.UUID, session: SessionDep, principal: Reader
) -> DecisionOut:
    """One decision."""
    return await service.get_decision(session, decision_id, principal=principal)


@router.post("/v1/decisions/{decision_id}/publish", response_model=DecisionOut)
async def publish_decision(
    decision_id: uuid.UUID, session: SessionDep, principal: Decider
) -> DecisionOut:
    """Publish a decision (once)."""
    return await service.publish(session, decision_id, principal=principal)


@router.post("/v1/decisions/{decision_id}/payout", response_model=DecisionOut)
async def create_payout(
    decision_id: uuid.UUID,
    payload: PayoutIn,
    session: SessionDep,
    principal: Decider,
    budget: Annotated[BudgetClient, Depends(_budget)],
) -> DecisionOut:
    """Book the prize money against a budget fund (idempotent; 409 when the fund is short)."""
    return await service.pay_out(session, decision_id, payload, principal=principal, budget=budget)
