"""Every SQL statement of Kolada syncs (jobs, chunks, catalogue look-ups)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from shared.models import (
    KoladaKpi,
    KoladaSyncChunk,
    KoladaSyncJob,
    Municipality,
    MunicipalityGroup,
    OrgUnit,
)


async def add_job(session: AsyncSession, job: KoladaSyncJob) -> KoladaSyncJob:
    session.add(job)
    await session.flush()
    await session.refresh(job)
    return job


async def get_job(
    session: AsyncSession, job_id: uuid.UUID, *, for_update: bool = False
) -> KoladaSyncJob | None:
    return await session.get(KoladaSyncJob, job_id, with_for_update=for_update)


async def list_jobs(
    session: AsyncSession, *, municipalities: Sequence[str] | None, limit: int, offset: int
) -> tuple[list[KoladaSyncJob], int]:
    """Jobs of the given municipalities, or every job (national ones too) for None."""
    query = select(KoladaSyncJob)
    if municipalities is not None:
        query = query.where(KoladaSyncJob.municipality_code.in_(municipalities))
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(
        query.order_by(KoladaSyncJob.created_at.desc()).limit(limit).offset(offset)
    )
    return list(rows.scalars()), int(total)


async def unfinished_job(session: AsyncSession, municipality_code: str | None) -> uuid.UUID | None:
    scope = (
        KoladaSyncJob.municipality_code.is_(None)
        if municipality_code is None
        else KoladaSyncJob.municipality_code == municipality_code
    )
    result = await session.execute(
        select(KoladaSyncJob.id).where(scope, KoladaSyncJob.state.in_(("pending", "running")))
    )
    return result.scalars().first()


async def last_completed_start(
    session: AsyncSession, municipality_code: str | None
) -> datetime | None:
    scope = (
        KoladaSyncJob.municipality_code.is_(None)
        if municipality_code is None
        else KoladaSyncJob.municipality_code == municipality_code
    )
    result = await session.execute(
        select(func.max(KoladaSyncJob.started_at)).where(scope, KoladaSyncJob.state == "completed")
    )
    return result.scalar_one_or_none()


def _same_scope(other: Any, job: Any) -> ColumnElement[bool]:
    same: ColumnElement[bool] = other.municipality_code.is_not_distinct_from(job.municipality_code)
    return same


async def claim_job(session: AsyncSession, stale_seconds: float) -> KoladaSyncJob | None:
    """Take a pending job, or a running one whose worker stopped beating (it died): round
    robin by tenant (the scope whose jobs ran least recently first, then the oldest job), so
    one tenant's long sync cannot starve another's. SKIP LOCKED lets several ingest
    processes share the queue without waiting on each other."""
    other = aliased(KoladaSyncJob)
    last_served = (
        select(func.max(other.heartbeat_at))
        .where(_same_scope(other, KoladaSyncJob))
        .scalar_subquery()
    )
    result = await session.execute(
        select(KoladaSyncJob)
        .where(
            or_(
                KoladaSyncJob.state == "pending",
                (KoladaSyncJob.state == "running")
                & (
                    KoladaSyncJob.heartbeat_at
                    < func.clock_timestamp() - func.make_interval(0, 0, 0, 0, 0, 0, stale_seconds)
                ),
            )
        )
        .order_by(last_served.asc().nulls_first(), KoladaSyncJob.created_at)
        .limit(1)
        .with_for_update(skip_locked=True, of=KoladaSyncJob)
    )
    job = result.scalar_one_or_none()
    if job is None:
        return None
    job.state = "running"
    job.attempts += 1
    job.started_at = job.started_at or func.clock_timestamp()
    job.heartbeat_at = func.clock_timestamp()
    await session.flush()
    await session.refresh(job)
    return job


async def requeue_if_others_wait(session: AsyncSession, job_id: uuid.UUID) -> bool:
    """Put a running job back in the queue (its done chunks stay done) when a job of another
    scope is pending; False, and the job keeps running, when none is."""
    job = await session.get(KoladaSyncJob, job_id)
    if job is None:
        return False
    other = aliased(KoladaSyncJob)
    waiting = await session.execute(
        select(other.id)
        .where(
            other.state == "pending",
            other.municipality_code.is_distinct_from(job.municipality_code),
        )
        .limit(1)
    )
    if waiting.first() is None:
        return False
    job.state = "pending"
    job.heartbeat_at = func.clock_timestamp()
    await session.flush()
    return True


async def chunks(session: AsyncSession, job_id: uuid.UUID) -> list[KoladaSyncChunk]:
    result = await session.execute(
        select(KoladaSyncChunk)
        .where(KoladaSyncChunk.job_id == job_id)
        .order_by(KoladaSyncChunk.seq)
    )
    return list(result.scalars())


async def add_chunks(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(pg_insert(KoladaSyncChunk), list(rows))


async def lock_chunk(session: AsyncSession, chunk_id: int) -> KoladaSyncChunk | None:
    """The chunk, locked, if still pending (another worker may have finished it)."""
    result = await session.execute(
        select(KoladaSyncChunk)
        .where(KoladaSyncChunk.id == chunk_id, KoladaSyncChunk.state == "pending")
        .with_for_update()
    )
    return result.scalar_one_or_none()


async def finish_chunk(
    session: AsyncSession,
    chunk: KoladaSyncChunk,
    *,
    state: str,
    rows: int,
    pages: int,
    error: str | None,
) -> None:
    chunk.state = state
    chunk.rows = rows
    chunk.pages = pages
    chunk.error = error
    chunk.finished_at = func.clock_timestamp()
    await session.flush()


async def add_progress(
    session: AsyncSession,
    job_id: uuid.UUID,
    *,
    done: int = 0,
    failed: int = 0,
    rows: int = 0,
    counts: dict[str, int] | None = None,
    requests: int = 0,
    error: dict[str, Any] | None = None,
) -> None:
    counts = counts or {}
    values: dict[str, Any] = {
        "chunks_done": KoladaSyncJob.chunks_done + done,
        "chunks_failed": KoladaSyncJob.chunks_failed + failed,
        "rows_done": KoladaSyncJob.rows_done + rows,
        "created": KoladaSyncJob.created + counts.get("created", 0),
        "revised": KoladaSyncJob.revised + counts.get("revised", 0),
        "unchanged": KoladaSyncJob.unchanged + counts.get("unchanged", 0),
        "deleted": KoladaSyncJob.deleted + counts.get("deleted", 0),
        "requests": KoladaSyncJob.requests + requests,
        "heartbeat_at": func.clock_timestamp(),
    }
    await session.execute(update(KoladaSyncJob).where(KoladaSyncJob.id == job_id).values(**values))
    if error is not None:
        await session.execute(
            text(
                "UPDATE kolada_sync_job SET errors = errors || jsonb_build_array(CAST(:err AS jsonb)) "
                "WHERE id = :id"
            ),
            {"err": json.dumps(error, default=str), "id": job_id},
        )


async def set_plan(
    session: AsyncSession, job: KoladaSyncJob, plan: dict[str, Any], chunks_total: int
) -> None:
    job.plan = plan
    job.chunks_total = chunks_total
    job.heartbeat_at = func.clock_timestamp()
    await session.flush()


async def retry_failed(session: AsyncSession, job: KoladaSyncJob) -> int:
    """Put a failed job's failed chunks back to pending and the job back in the queue (its
    errors stay, as history); returns how many chunks will be fetched again."""
    result = await session.execute(
        update(KoladaSyncChunk)
        .where(KoladaSyncChunk.job_id == job.id, KoladaSyncChunk.state == "failed")
        .values(state="pending", error=None, finished_at=None)
    )
    job.state = "pending"
    job.chunks_failed = 0
    job.finished_at = None
    await session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


async def finish_job(session: AsyncSession, job_id: uuid.UUID, state: str) -> None:
    await session.execute(
        update(KoladaSyncJob)
        .where(KoladaSyncJob.id == job_id)
        .values(
            state=state, finished_at=func.clock_timestamp(), heartbeat_at=func.clock_timestamp()
        )
    )


async def municipality_title(session: AsyncSession, code: str) -> str | None:
    result = await session.execute(select(Municipality.title).where(Municipality.code == code))
    return result.scalar_one_or_none()


async def all_municipalities(session: AsyncSession) -> list[str]:
    """Every kommun of Kolada's catalogue (290; fictional 99xx demo codes left out)."""
    result = await session.execute(
        select(Municipality.code)
        .where(Municipality.type == "K", ~Municipality.code.startswith("99"))
        .order_by(Municipality.code)
    )
    return [str(c) for c in result.scalars()]


async def similar_groups(session: AsyncSession, title: str) -> list[MunicipalityGroup]:
    """RKA's "Liknande kommuner <area>, <kommun>, <år>" groups of one municipality."""
    result = await session.execute(
        select(MunicipalityGroup).where(
            MunicipalityGroup.title.like(f"Liknande kommuner %, {title}, %")
        )
    )
    return list(result.scalars())


async def kpi_flags(session: AsyncSession, ids: Sequence[str]) -> dict[str, bool]:
    """KPI id → has_ou_data, for the KPIs the catalogue knows."""
    result = await session.execute(
        select(KoladaKpi.id, KoladaKpi.has_ou_data).where(KoladaKpi.id.in_(list(ids)))
    )
    return {str(i): bool(flag) for i, flag in result}


async def kpi_publications(
    session: AsyncSession, ids: Sequence[str]
) -> dict[str, tuple[str | None, date | None]]:
    """KPI id → (publ_period, publication_date), for the KPIs the catalogue knows."""
    result = await session.execute(
        select(KoladaKpi.id, KoladaKpi.publ_period, KoladaKpi.publication_date).where(
            KoladaKpi.id.in_(list(ids))
        )
    )
    return {str(i): (period, published) for i, period, published in result}


async def tenant_municipalities(session: AsyncSession) -> list[str]:
    # Read-only look-up in org_unit (written by indicators): which municipalities use the suite.
    result = await session.execute(
        select(OrgUnit.municipality_code)
        .join(Municipality, Municipality.code == OrgUnit.municipality_code)
        .distinct()
        .order_by(OrgUnit.municipality_code)
    )
    return [str(c) for c in result.scalars()]


async def upsert_kpis(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 2000):
        stmt = pg_insert(KoladaKpi).values(rows[start : start + 2000])
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[KoladaKpi.id],
                set_={c: stmt.excluded[c] for c in rows[0] if c != "id"},
            )
        )


async def upsert_municipalities(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        stmt = pg_insert(Municipality).values(rows)
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[Municipality.code],
                set_={"title": stmt.excluded.title, "type": stmt.excluded.type},
            )
        )


async def upsert_groups(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 2000):
        stmt = pg_insert(MunicipalityGroup).values(rows[start : start + 2000])
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[MunicipalityGroup.id],
                set_={"title": stmt.excluded.title, "members": stmt.excluded.members},
            )
        )
