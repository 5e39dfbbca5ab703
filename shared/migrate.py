"""Run the one Alembic history from code (used by `kvn migrate`, `make run` and the tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Held while migrating: every pod of a rollout runs `kvn migrate` as an init container, one
# at a time; the others wait, then find the history at its head and do nothing.
MIGRATION_LOCK_ID = 730_100_002


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", sync_url(url))
    return config


def sync_url(url: str) -> str:
    """Alembic runs synchronously; psycopg 3 serves both, so only the scheme is normalised."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """A session-level advisory lock on its own connection, for as long as the block runs
    (released by PostgreSQL if the process dies)."""
    libpq = sync_url(url).replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(libpq, autocommit=True, connect_timeout=10) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_ID,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_ID,))


def upgrade(url: str, revision: str = "heads") -> None:
    with migration_lock(url):
        command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    with migration_lock(url):
        command.downgrade(alembic_config(url), revision)
