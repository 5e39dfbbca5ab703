from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query, Request, Response, status

from services.awards.run import service
from services.awards.run.schemas import ReplayOut, RunIn, RunInputsOut, RunOut, RunSummary
from shared.app import service_router
from shared.auth import Principal, require
from shared.clients.indicators import IndicatorsClient
from shared.db import SessionDep
from shared.errors import COMMON_RESPONSES
from shared.i18n import LanguageDep, localize
from shared.pagination import Page, PageDep

router = service_router(
    prefix="/v1/runs",
    tags=["runs"],
    responses={
        **COMMON_RESPONSES,
        502: COMMON_RESPONSES[503] | {"description": "A peer service failed"},
    },
)
Writer = Annotated[Principal, Depends(require("awards:write"))]
Reader = Annotated[Principal, Depends(require("awards:read"))]


def _indicators(request: Request) -> IndicatorsClient:
    return IndicatorsClient(request.app.state.http, request.app.state.settings)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=RunOut)
async def create_run(
    payload: RunIn,
    session: SessionDep,
    principal: Writer,
    response: Response,
    indicators: Annotated[IndicatorsClient, Depends(_indicators)],
    language: LanguageDep,
) -> RunOut:
    """Evaluate a prize scheme: snapshot the inputs from the indicators service, score every
    eligible candidate with its explanation, run the sensitivity analysis, store immutably."""
    run = await service.create_run(
        session, payload, principal=principal, indicators=indicators, language=language
    )
    response.headers["Location"] = f"/v1/runs/{run.id}"
    return localize(run, language)


@router.get("", response_model=Page[RunSummary])
async def list_runs(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    municipality_code: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    scheme_id: uuid.UUID | None = None,
) -> Page[RunSummary]:
    """Evaluation runs, newest first."""
    return await service.list_runs(
        session,
        principal=principal,
        municipality_code=municipality_code,
        scheme_id=scheme_id,
        page=page,
    )


@router.get("/{run_id}", response_model=RunOut)
async def get_run(
    run_id: uuid.UUID, session: SessionDep, principal: Reader, language: LanguageDep
) -> RunOut:
    """A stored run with every candidate's explanation and the robustness verdict."""
    return localize(
        await service.get_run(session, run_id, principal=principal, language=language), language
    )


@router.get("/{run_id}/inputs", response_model=RunInputsOut)
async def get_run_inputs(run_id: uuid.UUID, session: SessionDep, principal: Reader) -> RunInputsOut:
    """The inputs snapshot and the specification the run was computed from."""
    return await service.get_run_inputs(session, run_id, principal=principal)


@router.post("/{run_id}/replay", response_model=ReplayOut)
async def replay_run(run_id: uuid.UUID, session: SessionDep, principal: Writer) -> ReplayOut:
    """Recompute the run from its stored snapshot and seed and say whether it is identical."""
    return await service.replay_run(session, run_id, principal=principal)
