from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query, Response, status

from services.budget.investment import service
from services.budget.investment.schemas import (
    PlanIn,
    PlanOut,
    ProjectOut,
    ProjectUpdate,
    TotalsOut,
)
from services.budget.params import IfMatch, Municipality, Tolerance
from services.budget.versioning import EDIT_RESPONSES, etag
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep
from shared.i18n import LanguageDep, localize
from shared.money import MoneyUnit
from shared.pagination import Page, PageDep

router = service_router(prefix="/v1/investments", tags=["investments"])
Reader = Annotated[Principal, Depends(require("budget:read"))]
Writer = Annotated[Principal, Depends(require("budget:write"))]


@router.post("/plans", status_code=status.HTTP_201_CREATED, response_model=PlanOut)
async def create_investment_plan(
    payload: PlanIn,
    tolerance: Tolerance,
    session: SessionDep,
    principal: Writer,
    response: Response,
    language: LanguageDep,
) -> PlanOut:
    """Import a multi-year investment table; a printed total that does not match its lines
    beyond the rounding tolerance refuses the table (422), naming the year and the line left
    out when the gap equals one line. Location is the list of investment projects."""
    plan = await service.import_plan(session, payload, principal=principal, tolerance_tkr=tolerance)
    response.headers["Location"] = "/v1/investments"
    return localize(plan, language)


@router.get("", response_model=Page[ProjectOut])
async def list_investments(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    municipality_code: Municipality = None,
    board: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[ProjectOut]:
    """Investment projects with their amounts per year."""
    return await service.list_projects(
        session,
        principal=principal,
        municipality_code=municipality_code,
        board=board,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/totals", response_model=TotalsOut)
async def get_investment_totals(
    session: SessionDep,
    principal: Reader,
    board: Annotated[str, Query(min_length=1, max_length=200)],
    municipality_code: Municipality = None,
    unit: MoneyUnit = "tkr",
) -> TotalsOut:
    """Totals per year and per category and year, summed from the stored lines."""
    return await service.totals(
        session, principal=principal, municipality_code=municipality_code, board=board, unit=unit
    )


@router.get("/{project_id}", response_model=ProjectOut)
async def get_investment(
    project_id: uuid.UUID, session: SessionDep, principal: Reader, response: Response
) -> ProjectOut:
    """One project and its amounts per year (ETag for If-Match)."""
    project = await service.get_project(session, project_id, principal=principal)
    response.headers["ETag"] = etag("investment", project.id, project.version)
    return project


@router.put("/{project_id}", response_model=ProjectOut, responses=EDIT_RESPONSES)
async def update_investment(
    project_id: uuid.UUID,
    payload: ProjectUpdate,
    session: SessionDep,
    principal: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> ProjectOut:
    """Replace title, category and amounts per year; If-Match required."""
    project = await service.update_project(
        session, project_id, payload, principal=principal, if_match=if_match
    )
    response.headers["ETag"] = etag("investment", project.id, project.version)
    return project
