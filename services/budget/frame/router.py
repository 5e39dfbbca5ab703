from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query, Response, status

from services.budget.frame import service
from services.budget.frame.schemas import FrameIn, FrameOut
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep
from shared.pagination import PageDep

router = service_router(prefix="/v1/frames", tags=["frames"])
Reader = Annotated[Principal, Depends(require("budget:read"))]
Writer = Annotated[Principal, Depends(require("budget:write"))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=FrameOut)
async def create_frame(
    payload: FrameIn, session: SessionDep, principal: Writer, response: Response
) -> FrameOut:
    """Store a board's frame with its change ledger; refused (422) unless it reconciles exactly."""
    frame = await service.create_frame(session, payload, principal=principal)
    response.headers["Location"] = f"/v1/frames/{frame.id}"
    return frame


@router.get("", response_model=list[FrameOut])
async def list_frames(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    municipality_code: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
) -> list[FrameOut]:
    """Frames visible to this key, newest year first."""
    return await service.list_frames(
        session,
        principal=principal,
        municipality_code=municipality_code,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{frame_id}", response_model=FrameOut)
async def get_frame(frame_id: uuid.UUID, session: SessionDep, principal: Reader) -> FrameOut:
    """One frame and its ledger."""
    return await service.get_frame(session, frame_id, principal=principal)
