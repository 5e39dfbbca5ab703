"""The worker processes that compute (COMPUTE_PROCESSES): a report or the statuses a target
write changes can take many seconds of Python over a million values. In a thread of the
serving process that work holds the GIL, and every other request of the process waits
behind it; in a worker process it holds nothing of the serving process's and uses another
core. Each worker reads the observations on its own connection, so the rows never pass
through the serving process either.

The app's lifespan installs the pool; without one (COMPUTE_PROCESSES=0, or a database
bound to a test's transaction, which another connection cannot see) computations run in a
worker thread of the serving process, through the request's session."""

from __future__ import annotations

from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from shared.processes import ProcessPool
from shared.settings import Settings

# The pools installed by the running apps (a process normally runs one indicators app).
_installed: list[ProcessPool] = []
# In a worker: its connection, opened on first use and kept.
_conninfo = ""
_connection: psycopg.Connection[Any] | None = None


def conninfo(settings: Settings) -> str:
    """libpq's form of the primary's URL, with the statement timeout and time zone every
    session of the suite has (shared.db.create_engine). A worker reads the primary: what it
    reads may be newer than the request's snapshot, never older."""
    assert settings.DATABASE_URL is not None
    url = make_url(settings.DATABASE_URL).set(drivername="postgresql")
    return psycopg.conninfo.make_conninfo(
        url.render_as_string(hide_password=False),
        options=(f"-c statement_timeout={settings.DATABASE_STATEMENT_TIMEOUT_MS} -c timezone=UTC"),
        connect_timeout=5,
        application_name="kvn-indicators-compute",
    )


def setup(info: str) -> None:
    """A worker's set-up: where its connection goes (opened by the first call)."""
    global _conninfo
    _conninfo = info


def fetch(sql: str, params: dict[str, object]) -> list[tuple[Any, ...]]:
    """The rows of a query on the worker's connection (autocommit: no transaction stays
    open between calls), in text (repository.observations says why). A connection the server
    closed (a restart, an idle timeout) is opened again once."""
    global _connection
    for attempt in (1, 2):
        if _connection is None or _connection.closed:
            _connection = psycopg.connect(_conninfo, autocommit=True)
        try:
            with _connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        except psycopg.OperationalError:
            if attempt == 2 or not _connection.closed:
                raise
    raise AssertionError("unreachable")


def install(settings: Settings) -> ProcessPool | None:
    """The pool of COMPUTE_PROCESSES workers this process computes in, or None."""
    if not settings.COMPUTE_PROCESSES or not settings.DATABASE_URL:
        return None
    pool = ProcessPool(
        settings.COMPUTE_PROCESSES,
        # Imported before the first call: a report would otherwise wait for them.
        imports=(
            "services.indicators.computation.service",
            "services.indicators.target.service",
            "services.indicators.analytics.service",
        ),
        setup=setup,
        setup_args=(conninfo(settings),),
    )
    _installed.append(pool)
    return pool


def uninstall(pool: ProcessPool) -> None:
    if pool in _installed:
        _installed.remove(pool)
    pool.close(wait=True, terminate=True)


def current() -> ProcessPool | None:
    return _installed[-1] if _installed else None
