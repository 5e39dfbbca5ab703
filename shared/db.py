"""Database access: one async engine per process, a session per request, a unit of work for jobs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from shared import metrics, tracing
from shared.settings import Settings


class Database:
    """Owns the engine and the session factory; created in each app's lifespan.

    `read_engine` (DATABASE_READ_URL, a streaming replica) serves `ReadSessionDep`; without
    one, reads use the primary. A replica lags a little: only queries that can show slightly
    older data use it, never a read that decides a write.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        bind: AsyncConnection | None = None,
        read_engine: AsyncEngine | None = None,
    ) -> None:
        self.engine = engine
        # Tests bind every session to one outer connection so each test can roll back.
        self.sessionmaker = async_sessionmaker(
            bind=bind if bind is not None else engine,
            expire_on_commit=False,
            join_transaction_mode="create_savepoint",
        )
        self.read_engine = read_engine
        self.read_sessionmaker = (
            async_sessionmaker(bind=read_engine, expire_on_commit=False)
            if read_engine is not None and bind is None
            else self.sessionmaker
        )
        self.owns_engine = bind is None
        metrics.watch_pool(engine, "primary")
        tracing.instrument_engine(engine)
        if read_engine is not None:
            metrics.watch_pool(read_engine, "replica")
            tracing.instrument_engine(read_engine)

    @classmethod
    def from_settings(cls, settings: Settings, *, url: str | None = None) -> Database:
        read_url = settings.DATABASE_READ_URL if url is None else None
        primary = create_engine(settings, url=url)
        if read_url and read_url != (url or settings.DATABASE_URL):
            return cls(primary, read_engine=create_engine(settings, url=read_url))
        return cls(primary)

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        if self.owns_engine:
            await self.engine.dispose()
            if self.read_engine is not None:
                await self.read_engine.dispose()

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """A session committed on success and rolled back on error (jobs, scripts, CLI)."""
        async with self.sessionmaker() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise


def create_engine(settings: Settings, *, url: str | None = None) -> AsyncEngine:
    database_url = url or settings.DATABASE_URL
    if not database_url:
        raise RuntimeError("DATABASE_URL is not set and no embedded server was started")
    connect_args: dict[str, Any] = {
        "options": f"-c statement_timeout={settings.DATABASE_STATEMENT_TIMEOUT_MS} -c timezone=UTC",
        "connect_timeout": 5,
    }
    return create_async_engine(
        database_url,
        pool_size=settings.DATABASE_POOL_SIZE,
        max_overflow=settings.DATABASE_POOL_SIZE,
        pool_pre_ping=True,
        pool_timeout=10,
        connect_args=connect_args,
    )


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request, committed once before the response is sent."""
    async with get_database(request).sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]


async def _read_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session on the read replica (or the primary without one); never committed."""
    async with get_database(request).read_sessionmaker() as session:
        try:
            yield session
        finally:
            await session.rollback()


# Read-only routes that may see data a moment old (dashboards, reports) take this instead of
# SessionDep, so DATABASE_READ_URL moves their load to a replica.
ReadSessionDep = Annotated[AsyncSession, Depends(_read_session, scope="function")]
