from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request, Response, status

from services.awards.evaluation import service
from services.awards.evaluation.schemas import EvaluationIn, EvaluationOut
from shared.app import service_router
from shared.auth import Principal, require
from shared.clients.indicators import IndicatorsClient
from shared.db import SessionDep
from shared.errors import COMMON_RESPONSES
from shared.i18n import LanguageDep

router = service_router(
    prefix="/v1/evaluations",
    tags=["evaluations"],
    responses={
        **COMMON_RESPONSES,
        502: COMMON_RESPONSES[503] | {"description": "A peer service failed"},
    },
)
Writer = Annotated[Principal, Depends(require("awards:write"))]
Reader = Annotated[Principal, Depends(require("awards:read"))]


def _indicators(request: Request) -> IndicatorsClient:
    return IndicatorsClient(request.app.state.http, request.app.state.settings)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=EvaluationOut)
async def create_evaluation(
    payload: EvaluationIn,
    session: SessionDep,
    principal: Writer,
    response: Response,
    indicators: Annotated[IndicatorsClient, Depends(_indicators)],
    language: LanguageDep,
) -> EvaluationOut:
    """Rank the units on an indicator (values from the indicators service) and store the run."""
    run = await service.create_evaluation(
        session, payload, principal=principal, indicators=indicators, language=language
    )
    response.headers["Location"] = f"/v1/evaluations/{run.id}"
    return run


@router.get("/{evaluation_id}", response_model=EvaluationOut)
async def get_evaluation(
    evaluation_id: uuid.UUID, session: SessionDep, principal: Reader, language: LanguageDep
) -> EvaluationOut:
    """A stored, immutable evaluation run."""
    return await service.get_evaluation(
        session, evaluation_id, principal=principal, language=language
    )
