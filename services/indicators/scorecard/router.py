from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import Depends, Header, Query, Response, status

from services.indicators.scorecard import render, service
from services.indicators.scorecard.schemas import (
    PrioritisedGoalFields,
    PrioritisedGoalIn,
    PrioritisedGoalOut,
    ScorecardFields,
    ScorecardIn,
    ScorecardOut,
    ScorecardStatus,
)
from shared.app import service_router
from shared.auth import Principal, require
from shared.contracts.indicators import GoalStatusSummary
from shared.db import SessionDep
from shared.documents import PDF_MEDIA, municipality_name
from shared.i18n import LanguageDep, localize
from shared.pagination import Page, PageDep

router = service_router(prefix="/v1/scorecards", tags=["scorecards"])
goals_router = service_router(prefix="/v1/goals", tags=["goals"])
Reader = Annotated[Principal, Depends(require("indicators:read"))]
Writer = Annotated[Principal, Depends(require("indicators:write"))]
MunicipalityQuery = Annotated[
    str | None, Query(pattern=r"^\d{4}$", description="for national keys")
]
PeriodQuery = Annotated[str, Query(max_length=10, description="2024, 2024T2, 2024Q3, 2024-05")]
IfMatch = Annotated[str | None, Header(description="the ETag of what is being changed")]
PRECONDITIONS: dict[int | str, dict[str, str]] = {
    412: {"description": "If-Match does not match the current ETag"},
    428: {"description": "If-Match is missing"},
}


def _tag(response: Response, obj: ScorecardOut | PrioritisedGoalOut) -> None:
    response.headers["ETag"] = f'"{obj.id}.v{obj.version}"'


@router.get("/status", response_model=GoalStatusSummary)
async def get_goal_status_summary(
    session: SessionDep,
    principal: Reader,
    period: PeriodQuery,
    municipality_code: MunicipalityQuery = None,
    level: Literal["unit"] = "unit",
    as_of: Annotated[date | None, Query(description="the organisation as it was then")] = None,
) -> GoalStatusSummary:
    """Per unit: how many of the targets that apply to it are met, partly met, not met or
    without data, and the fulfilment share ((met + ½ partly) ÷ judged × 100). Units are those
    open during the period (or on `as_of`)."""
    return await service.goal_status_summary(
        session,
        principal=principal,
        municipality_code=municipality_code,
        period=period,
        as_of=as_of,
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ScorecardOut)
async def create_scorecard(
    payload: ScorecardIn,
    session: SessionDep,
    principal: Writer,
    response: Response,
    language: LanguageDep,
) -> ScorecardOut:
    """Store a balanced scorecard; measures with a target become targets of the municipality."""
    created = await service.create_scorecard(session, payload, principal=principal)
    response.headers["Location"] = f"/v1/scorecards/{created.id}"
    _tag(response, created)
    return localize(created, language)


@router.get("", response_model=Page[ScorecardOut])
async def list_scorecards(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    language: LanguageDep,
    municipality_code: MunicipalityQuery = None,
) -> Page[ScorecardOut]:
    """The municipality's scorecards, newest year first."""
    return localize(
        await service.list_scorecards(
            session, principal=principal, municipality_code=municipality_code, page=page
        ),
        language,
    )


@router.get("/{scorecard_id}", response_model=ScorecardOut)
async def get_scorecard(
    scorecard_id: uuid.UUID,
    session: SessionDep,
    principal: Reader,
    response: Response,
    language: LanguageDep,
    municipality_code: MunicipalityQuery = None,
) -> ScorecardOut:
    """One scorecard (its ETag is what If-Match needs)."""
    found = await service.get_scorecard(
        session, scorecard_id, principal=principal, municipality_code=municipality_code
    )
    _tag(response, found)
    return localize(found, language)


@router.put("/{scorecard_id}", response_model=ScorecardOut, responses=PRECONDITIONS)
async def update_scorecard(
    scorecard_id: uuid.UUID,
    payload: ScorecardFields,
    session: SessionDep,
    principal: Writer,
    response: Response,
    language: LanguageDep,
    if_match: IfMatch = None,
    municipality_code: MunicipalityQuery = None,
) -> ScorecardOut:
    """Replace a scorecard and its targets; If-Match is required (428 without, 412 stale)."""
    updated = await service.update_scorecard(
        session,
        scorecard_id,
        payload,
        principal=principal,
        municipality_code=municipality_code,
        if_match=if_match,
    )
    _tag(response, updated)
    return localize(updated, language)


@router.get(
    "/{scorecard_id}/status",
    response_model=ScorecardStatus,
    responses={200: {"content": {PDF_MEDIA: {"schema": {"type": "string", "format": "binary"}}}}},
)
async def get_scorecard_status(
    scorecard_id: uuid.UUID,
    session: SessionDep,
    principal: Reader,
    language: LanguageDep,
    period: Annotated[str | None, Query(max_length=10)] = None,
    municipality_code: MunicipalityQuery = None,
    format: Annotated[Literal["json", "pdf"], Query(title="ScorecardFormat")] = "json",
) -> ScorecardStatus | Response:
    """Goal fulfilment of every measure for the municipality, with the arithmetic shown; as
    JSON or as the board's PDF (in the negotiated language)."""
    found = localize(
        await service.scorecard_status(
            session,
            scorecard_id,
            principal=principal,
            municipality_code=municipality_code,
            period=period,
        ),
        language,
    )
    if format == "json":
        return found
    body = render.to_pdf(
        found,
        municipality=await municipality_name(session, found.municipality_code),
        board=found.board,
        language=language,
    )
    return Response(
        body,
        media_type=PDF_MEDIA,
        headers={
            "Content-Disposition": f'attachment; filename="styrkort-{found.municipality_code}-'
            f'{found.period}.pdf"',
            "Content-Language": language,
            "Vary": "Accept-Language",
        },
    )


@goals_router.post("", status_code=status.HTTP_201_CREATED, response_model=PrioritisedGoalOut)
async def create_prioritised_goal(
    payload: PrioritisedGoalIn,
    session: SessionDep,
    principal: Writer,
    response: Response,
    language: LanguageDep,
) -> PrioritisedGoalOut:
    """Store one of the board's prioritised goals (why, problem, results, strategies, actions)."""
    created = await service.create_goal(session, payload, principal=principal)
    response.headers["Location"] = f"/v1/goals/{created.id}"
    _tag(response, created)
    return localize(created, language)


@goals_router.get("", response_model=Page[PrioritisedGoalOut])
async def list_prioritised_goals(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    language: LanguageDep,
    municipality_code: MunicipalityQuery = None,
    year: Annotated[int | None, Query(ge=1990, le=2200)] = None,
) -> Page[PrioritisedGoalOut]:
    """The board's prioritised goals."""
    return localize(
        await service.list_goals(
            session, principal=principal, municipality_code=municipality_code, year=year, page=page
        ),
        language,
    )


@goals_router.get("/{goal_id}", response_model=PrioritisedGoalOut)
async def get_prioritised_goal(
    goal_id: uuid.UUID,
    session: SessionDep,
    principal: Reader,
    response: Response,
    language: LanguageDep,
    municipality_code: MunicipalityQuery = None,
) -> PrioritisedGoalOut:
    """One prioritised goal."""
    found = await service.get_goal(
        session, goal_id, principal=principal, municipality_code=municipality_code
    )
    _tag(response, found)
    return localize(found, language)


@goals_router.put("/{goal_id}", response_model=PrioritisedGoalOut, responses=PRECONDITIONS)
async def update_prioritised_goal(
    goal_id: uuid.UUID,
    payload: PrioritisedGoalFields,
    session: SessionDep,
    principal: Writer,
    response: Response,
    language: LanguageDep,
    if_match: IfMatch = None,
    municipality_code: MunicipalityQuery = None,
) -> PrioritisedGoalOut:
    """Replace a prioritised goal; If-Match is required."""
    updated = await service.update_goal(
        session,
        goal_id,
        payload,
        principal=principal,
        municipality_code=municipality_code,
        if_match=if_match,
    )
    _tag(response, updated)
    return localize(updated, language)
