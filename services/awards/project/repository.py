from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import ImprovementProject, ProjectFunding


async def add(session: AsyncSession, item: ImprovementProject | ProjectFunding) -> None:
    session.add(item)
    await session.flush()
    await session.refresh(item)


async def get(
    session: AsyncSession, project_id: uuid.UUID, *, lock: bool = False
) -> ImprovementProject | None:
    query = select(ImprovementProject).where(ImprovementProject.id == project_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def page(
    session: AsyncSession, *, municipality_code: str, limit: int, offset: int
) -> tuple[list[ImprovementProject], int]:
    where = ImprovementProject.municipality_code == municipality_code
    total = (
        await session.execute(select(func.count()).select_from(ImprovementProject).where(where))
    ).scalar_one()
    query = (
        select(ImprovementProject)
        .where(where)
        .order_by(ImprovementProject.started_on.desc(), ImprovementProject.id)
        .limit(limit)
        .offset(offset)
    )
    return list((await session.execute(query)).scalars()), int(total)


async def fundings(session: AsyncSession, project_ids: list[uuid.UUID]) -> list[ProjectFunding]:
    if not project_ids:
        return []
    query = (
        select(ProjectFunding)
        .where(ProjectFunding.project_id.in_(project_ids))
        .order_by(ProjectFunding.created_at, ProjectFunding.id)
    )
    return list((await session.execute(query)).scalars())


async def funding_for_update(
    session: AsyncSession, project_id: uuid.UUID, funding_id: uuid.UUID
) -> ProjectFunding | None:
    query = (
        select(ProjectFunding)
        .where(ProjectFunding.id == funding_id, ProjectFunding.project_id == project_id)
        .with_for_update()
    )
    return (await session.execute(query)).scalar_one_or_none()


async def find_same_project(
    session: AsyncSession, *, municipality_code: str, title: str, started_on: date
) -> ImprovementProject | None:
    query = select(ImprovementProject).where(
        ImprovementProject.municipality_code == municipality_code,
        ImprovementProject.title == title,
        ImprovementProject.started_on == started_on,
    )
    return (await session.execute(query)).scalars().first()


async def find_pending_application(
    session: AsyncSession, *, project_id: uuid.UUID, purpose: str, requested_ore: int
) -> ProjectFunding | None:
    query = select(ProjectFunding).where(
        ProjectFunding.project_id == project_id,
        ProjectFunding.purpose == purpose,
        ProjectFunding.requested_ore == requested_ore,
        ProjectFunding.state == "requested",
    )
    return (await session.execute(query)).scalars().first()
