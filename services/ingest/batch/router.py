from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Header, Query, Request, Response, status
from fastapi.responses import JSONResponse

from services.ingest.batch import service
from services.ingest.batch.schemas import BatchIn, BatchOut, BatchSummaryOut
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep
from shared.pagination import Page, PageDep

router = service_router(prefix="/v1/batches", tags=["batches"])

IngestWriter = Annotated[Principal, Depends(require("ingest:write"))]
IngestReader = Annotated[Principal, Depends(require("ingest:read"))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=BatchOut)
async def create_batch(
    request: Request,
    payload: BatchIn,
    session: SessionDep,
    principal: IngestWriter,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1, max_length=255, description="IETF Idempotency-Key; scoped to the API key"
        ),
    ] = None,
) -> BatchOut | JSONResponse:
    """Store a batch of local observations, atomically; a retry with the same key replays."""
    result = await service.submit_batch(
        session,
        payload,
        principal=principal,
        idempotency_key=idempotency_key,
        years_ahead=request.app.state.settings.OBSERVATION_YEARS_AHEAD,
    )
    if isinstance(result, service.StoredResponse):
        return JSONResponse(
            result.body, status_code=result.status, headers={"Idempotent-Replayed": "true"}
        )
    response.headers["Location"] = f"/v1/batches/{result.id}"
    return result


@router.get("", response_model=Page[BatchSummaryOut])
async def list_batches(
    session: SessionDep,
    principal: IngestReader,
    page: PageDep,
    municipality_code: Annotated[
        str | None, Query(pattern=r"^\d{4}$", description="only this municipality's batches")
    ] = None,
) -> Page[BatchSummaryOut]:
    """Accepted JSON batches and file uploads visible to this caller (every municipality of a
    cooperation), newest first."""
    items, total = await service.list_batches(
        session,
        principal=principal,
        municipality_code=municipality_code,
        limit=page.limit,
        offset=page.offset,
    )
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{batch_id}", response_model=BatchOut)
async def get_batch(batch_id: uuid.UUID, session: SessionDep, principal: IngestReader) -> BatchOut:
    """A stored batch and what it did."""
    return await service.get_batch(session, batch_id, principal=principal)
