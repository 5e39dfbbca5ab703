from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Query, Request, Response, status

from services.ingest.kolada import service
from services.ingest.kolada.schemas import SyncIn, SyncJobOut
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.settings import Settings

router = service_router(prefix="/v1/kolada/syncs", tags=["kolada"])

IngestWriter = Annotated[Principal, Depends(require("ingest:write"))]
IngestReader = Annotated[Principal, Depends(require("ingest:read"))]


def _wake(request: Request) -> None:
    worker = getattr(request.app.state, "sync_worker", None)
    if worker is not None:
        worker.wakeup.set()


@router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=SyncJobOut)
async def create_sync(
    payload: SyncIn,
    session: SessionDep,
    principal: IngestWriter,
    request: Request,
    response: Response,
    background: BackgroundTasks,
) -> SyncJobOut:
    """Queue a Kolada sync (the nightly scheduler sends {"mode": "incremental", "trigger":
    "scheduler"}); follow the job URL in Location for state and progress."""
    settings: Settings = request.app.state.settings
    job = await service.create_sync(session, payload, principal=principal, settings=settings)
    response.headers["Location"] = job.url
    background.add_task(_wake, request)  # after the commit, so the worker sees the job
    return job


@router.get("", response_model=Page[SyncJobOut])
async def list_syncs(
    session: SessionDep,
    principal: IngestReader,
    page: PageDep,
    municipality_code: Annotated[
        str | None, Query(pattern=r"^\d{4}$", description="only this municipality's jobs")
    ] = None,
) -> Page[SyncJobOut]:
    """Sync jobs visible to this caller (every municipality of a cooperation), newest first."""
    items, total = await service.list_syncs(
        session,
        principal=principal,
        municipality_code=municipality_code,
        limit=page.limit,
        offset=page.offset,
    )
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{job_id}", response_model=SyncJobOut)
async def get_sync(job_id: uuid.UUID, session: SessionDep, principal: IngestReader) -> SyncJobOut:
    """A sync job: state, progress (chunks and rows), counts, errors, timings."""
    return await service.get_sync(session, job_id, principal=principal)


@router.post("/{job_id}/retry", status_code=status.HTTP_202_ACCEPTED, response_model=SyncJobOut)
async def retry_sync(
    job_id: uuid.UUID,
    session: SessionDep,
    principal: IngestWriter,
    request: Request,
    response: Response,
    background: BackgroundTasks,
) -> SyncJobOut:
    """Run a failed sync again: only its failed chunks are fetched (409 unless it failed)."""
    job = await service.retry_sync(session, job_id, principal=principal)
    response.headers["Location"] = job.url
    background.add_task(_wake, request)
    return job
