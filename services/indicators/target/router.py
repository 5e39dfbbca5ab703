from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Header, Query, Request, Response, status

from services.indicators.target import service
from services.indicators.target.schemas import TargetFields, TargetIn, TargetOut
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep
from shared.pagination import Page, PageDep

router = service_router(prefix="/v1/targets", tags=["targets"])
Reader = Annotated[Principal, Depends(require("indicators:read"))]
Writer = Annotated[Principal, Depends(require("indicators:write"))]
MunicipalityQuery = Annotated[
    str | None, Query(pattern=r"^\d{4}$", description="for national keys")
]
IfMatch = Annotated[str | None, Header(description="the ETag of the target being changed")]
PRECONDITIONS: dict[int | str, dict[str, str]] = {
    412: {"description": "If-Match does not match the current ETag"},
    428: {"description": "If-Match is missing"},
}


def _announce_after(request: Request, background: BackgroundTasks) -> None:
    """After the response (the write committed), its status changes are announced."""
    background.add_task(request.app.state.announcer.run)


ANNOUNCED = [Depends(_announce_after)]


def _tagged(response: Response, target: TargetOut) -> TargetOut:
    response.headers["ETag"] = f'"{target.id}.v{target.version}"'
    return target


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=TargetOut, dependencies=ANNOUNCED
)
async def create_target(
    payload: TargetIn, session: SessionDep, principal: Writer, response: Response
) -> TargetOut:
    """Set a target value for an indicator over a scope (municipality, area, unit type, unit)."""
    target = await service.create_target(session, payload, principal=principal)
    response.headers["Location"] = f"/v1/targets/{target.id}"
    return _tagged(response, target)


@router.get("", response_model=Page[TargetOut])
async def list_targets(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    municipality_code: MunicipalityQuery = None,
    indicator_code: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[TargetOut]:
    """The municipality's targets."""
    return await service.list_targets(
        session,
        principal=principal,
        municipality_code=municipality_code,
        indicator_code=indicator_code,
        page=page,
    )


@router.get("/{target_id}", response_model=TargetOut)
async def get_target(
    target_id: uuid.UUID,
    session: SessionDep,
    principal: Reader,
    response: Response,
    municipality_code: MunicipalityQuery = None,
) -> TargetOut:
    """One target (its ETag is what If-Match needs)."""
    return _tagged(
        response,
        await service.get_target(
            session, target_id, principal=principal, municipality_code=municipality_code
        ),
    )


@router.put(
    "/{target_id}", response_model=TargetOut, responses=PRECONDITIONS, dependencies=ANNOUNCED
)
async def update_target(
    target_id: uuid.UUID,
    payload: TargetFields,
    session: SessionDep,
    principal: Writer,
    response: Response,
    if_match: IfMatch = None,
    municipality_code: MunicipalityQuery = None,
) -> TargetOut:
    """Replace a target; If-Match is required (428 without, 412 when stale)."""
    return _tagged(
        response,
        await service.update_target(
            session,
            target_id,
            payload,
            principal=principal,
            municipality_code=municipality_code,
            if_match=if_match,
        ),
    )


@router.delete(
    "/{target_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=PRECONDITIONS,
    dependencies=ANNOUNCED,
)
async def delete_target(
    target_id: uuid.UUID,
    session: SessionDep,
    principal: Writer,
    if_match: IfMatch = None,
    municipality_code: MunicipalityQuery = None,
) -> Response:
    """Remove a target; If-Match is required."""
    await service.delete_target(
        session,
        target_id,
        principal=principal,
        municipality_code=municipality_code,
        if_match=if_match,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
