from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query, Request, Response, status

from services.awards.grant import service
from services.awards.grant.schemas import (
    GrantEvaluationIn,
    GrantEvaluationOut,
    GrantRuleSetIn,
    GrantRuleSetOut,
)
from shared.app import service_router
from shared.auth import Principal, require
from shared.clients.indicators import IndicatorsClient
from shared.db import SessionDep
from shared.i18n import LanguageDep, localize
from shared.pagination import Page, PageDep

router = service_router(tags=["performance grants"])
Writer = Annotated[Principal, Depends(require("awards:write"))]
Reader = Annotated[Principal, Depends(require("awards:read"))]


def _indicators(request: Request) -> IndicatorsClient:
    return IndicatorsClient(request.app.state.http, request.app.state.settings)


@router.post("/v1/grant-rules", status_code=status.HTTP_201_CREATED, response_model=GrantRuleSetOut)
async def create_grant_rule_set(
    payload: GrantRuleSetIn, session: SessionDep, principal: Writer, response: Response
) -> GrantRuleSetOut:
    """Define a year's performance-grant rules: criteria, thresholds and amounts."""
    rule_set = await service.create_rule_set(session, payload, principal=principal)
    response.headers["Location"] = f"/v1/grant-rules/{rule_set.id}"
    return rule_set


@router.get("/v1/grant-rules", response_model=Page[GrantRuleSetOut])
async def list_grant_rule_sets(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    municipality_code: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
) -> Page[GrantRuleSetOut]:
    """National rule sets and the municipalities' own: the one asked for, else every one the
    key may see (a cooperation key: each member municipality's)."""
    return await service.list_rule_sets(
        session, principal=principal, municipality_code=municipality_code, year=year, page=page
    )


@router.get("/v1/grant-rules/{rule_set_id}", response_model=GrantRuleSetOut)
async def get_grant_rule_set(
    rule_set_id: uuid.UUID, session: SessionDep, principal: Reader
) -> GrantRuleSetOut:
    """One rule set."""
    return await service.get_rule_set(session, rule_set_id, principal=principal)


@router.post(
    "/v1/grant-rules/{rule_set_id}/evaluations",
    status_code=status.HTTP_201_CREATED,
    response_model=GrantEvaluationOut,
)
async def create_grant_evaluation(
    rule_set_id: uuid.UUID,
    payload: GrantEvaluationIn,
    session: SessionDep,
    principal: Writer,
    response: Response,
    indicators: Annotated[IndicatorsClient, Depends(_indicators)],
    language: LanguageDep,
) -> GrantEvaluationOut:
    """The grant a municipality earns for the year: per criterion value, threshold, margin
    and money."""
    evaluation = await service.evaluate(
        session, rule_set_id, payload, principal=principal, indicators=indicators
    )
    response.headers["Location"] = f"/v1/grant-evaluations/{evaluation.id}"
    return localize(evaluation, language)


@router.get("/v1/grant-evaluations/{evaluation_id}", response_model=GrantEvaluationOut)
async def get_grant_evaluation(
    evaluation_id: uuid.UUID, session: SessionDep, principal: Reader, language: LanguageDep
) -> GrantEvaluationOut:
    """A stored grant evaluation."""
    return localize(
        await service.get_evaluation(session, evaluation_id, principal=principal), language
    )
