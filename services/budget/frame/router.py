from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Header, Query, Response, status

from services.budget.frame import service
from services.budget.frame.schemas import FrameIn, FrameOut, FrameUpdate
from services.budget.versioning import EDIT_RESPONSES, etag
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep
from shared.i18n import Language, LanguageDep, localize
from shared.pagination import Page, PageDep

router = service_router(prefix="/v1/frames", tags=["frames"])
Reader = Annotated[Principal, Depends(require("budget:read"))]
Writer = Annotated[Principal, Depends(require("budget:write"))]


def _tag(response: Response, frame: FrameOut, language: Language) -> FrameOut:
    """The frame with its ETag, in the reader's language (shared.http_cache marks an English
    representation's tag)."""
    response.headers["ETag"] = etag("frame", frame.id, frame.version)
    return localize(frame, language)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=FrameOut)
async def create_frame(
    payload: FrameIn,
    session: SessionDep,
    principal: Writer,
    response: Response,
    language: LanguageDep,
) -> FrameOut:
    """Store a board's frame with its change ledger; refused (422) unless it reconciles exactly
    and, when last year's frame is stored, starts from it."""
    frame = await service.create_frame(session, payload, principal=principal)
    response.headers["Location"] = f"/v1/frames/{frame.id}"
    return _tag(response, frame, language)


@router.get("", response_model=Page[FrameOut])
async def list_frames(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    language: LanguageDep,
    municipality_code: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    board: Annotated[str | None, Query(max_length=200)] = None,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
) -> Page[FrameOut]:
    """Frames visible to this key, newest year first."""
    found = await service.list_frames(
        session,
        principal=principal,
        municipality_code=municipality_code,
        board=board,
        year=year,
        limit=page.limit,
        offset=page.offset,
    )
    return localize(found, language)


@router.get("/{frame_id}", response_model=FrameOut)
async def get_frame(
    frame_id: uuid.UUID,
    session: SessionDep,
    principal: Reader,
    response: Response,
    language: LanguageDep,
) -> FrameOut:
    """One frame and its ledger (ETag for If-Match)."""
    frame = await service.get_frame(session, frame_id, principal=principal)
    return _tag(response, frame, language)


@router.put("/{frame_id}", response_model=FrameOut, responses=EDIT_RESPONSES)
async def update_frame(
    frame_id: uuid.UUID,
    payload: FrameUpdate,
    session: SessionDep,
    principal: Writer,
    response: Response,
    language: LanguageDep,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> FrameOut:
    """Replace the frame's amounts and ledger; If-Match required (428 without, 412 stale)."""
    frame = await service.update_frame(
        session, frame_id, payload, principal=principal, if_match=if_match
    )
    return _tag(response, frame, language)
