from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query, Request, Response, status

from services.awards.project import service
from services.awards.project.schemas import (
    AdoptionIn,
    FundingDecisionIn,
    FundingIn,
    FundingOut,
    ProjectEffectOut,
    ProjectIn,
    ProjectOut,
)
from shared.app import service_router
from shared.auth import Principal, require
from shared.clients.budget import BudgetClient
from shared.clients.indicators import IndicatorsClient
from shared.db import SessionDep
from shared.errors import COMMON_RESPONSES
from shared.i18n import LanguageDep
from shared.pagination import Page, PageDep

router = service_router(
    prefix="/v1/projects",
    tags=["projects"],
    responses={
        **COMMON_RESPONSES,
        502: COMMON_RESPONSES[503] | {"description": "A peer service failed"},
    },
)
Writer = Annotated[Principal, Depends(require("awards:write"))]
Reader = Annotated[Principal, Depends(require("awards:read"))]
PeriodQuery = Annotated[str, Query(pattern=r"^\d{4}$", description="a year, e.g. 2024")]


def _indicators(request: Request) -> IndicatorsClient:
    return IndicatorsClient(request.app.state.http, request.app.state.settings)


def _budget(request: Request) -> BudgetClient:
    return BudgetClient(request.app.state.http, request.app.state.settings)


Indicators = Annotated[IndicatorsClient, Depends(_indicators)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ProjectOut)
async def create_project(
    payload: ProjectIn,
    session: SessionDep,
    principal: Writer,
    response: Response,
    indicators: Indicators,
) -> ProjectOut:
    """Register a local improvement project (no personal data in the text)."""
    project = await service.create_project(
        session, payload, principal=principal, indicators=indicators
    )
    response.headers["Location"] = f"/v1/projects/{project.id}"
    return project


@router.get("", response_model=Page[ProjectOut])
async def list_projects(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    municipality_code: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
) -> Page[ProjectOut]:
    """The municipality's improvement projects, newest first."""
    return await service.list_projects(
        session, principal=principal, municipality_code=municipality_code, page=page
    )


@router.get("/{project_id}", response_model=ProjectOut)
async def get_project(project_id: uuid.UUID, session: SessionDep, principal: Reader) -> ProjectOut:
    """One project with its funding."""
    return await service.get_project(session, project_id, principal=principal)


@router.post("/{project_id}/adoptions", response_model=ProjectOut)
async def create_adoption(
    project_id: uuid.UUID,
    payload: AdoptionIn,
    session: SessionDep,
    principal: Writer,
    indicators: Indicators,
) -> ProjectOut:
    """Record that another unit adopted the work (spread)."""
    return await service.add_adoption(
        session, project_id, payload, principal=principal, indicators=indicators
    )


@router.post(
    "/{project_id}/funding", status_code=status.HTTP_201_CREATED, response_model=FundingOut
)
async def create_funding_application(
    project_id: uuid.UUID,
    payload: FundingIn,
    session: SessionDep,
    principal: Writer,
    response: Response,
) -> FundingOut:
    """Apply for money from the earmarked improvement pot.
    Location is the project, whose `funding` lists the application."""
    created = await service.apply_for_funding(session, project_id, payload, principal=principal)
    response.headers["Location"] = f"/v1/projects/{project_id}"
    return created


@router.post("/{project_id}/funding/{funding_id}/decision", response_model=FundingOut)
async def create_funding_decision(
    project_id: uuid.UUID,
    funding_id: uuid.UUID,
    payload: FundingDecisionIn,
    session: SessionDep,
    principal: Writer,
    budget: Annotated[BudgetClient, Depends(_budget)],
) -> FundingOut:
    """Grant (drawn from the fund through the budget service) or reject an application."""
    return await service.decide_funding(
        session, project_id, funding_id, payload, principal=principal, budget=budget
    )


@router.get("/{project_id}/effect", response_model=ProjectEffectOut)
async def get_project_effect(
    project_id: uuid.UUID,
    session: SessionDep,
    principal: Reader,
    indicators: Indicators,
    after: PeriodQuery,
    language: LanguageDep,
    before: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
) -> ProjectEffectOut:
    """Before/after on the project's target indicators, with n and uncertainty; spread."""
    return await service.project_effect(
        session,
        project_id,
        principal=principal,
        indicators=indicators,
        before=before,
        after=after,
        language=language,
    )
