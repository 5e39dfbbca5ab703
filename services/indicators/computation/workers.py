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

import logging
from datetime import timedelta
from typing import Any

import numpy as np
import psycopg
from numpy.typing import NDArray
from sqlalchemy.engine import make_url

from services.indicators.computation import engine
from shared.processes import ProcessPool
from shared.settings import Settings

log = logging.getLogger(__name__)
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
    """A worker's set-up: where its connection goes (opened by the first call); the
    suppression patterns it computes are shared through the database."""
    global _conninfo
    _conninfo = info
    engine.share_patterns(StoredPatterns())


class StoredPatterns:
    """Suppression patterns in `suppression_pattern`, shared by every worker and replica
    and kept across restarts: the disclosure LP of a table is solved once, not once per
    process. Read and written on the worker's connection; a failure keeps nothing (the
    pattern is computed here instead). Patterns older than PATTERN_DAYS are dropped now
    and then (every PRUNE_EVERY patterns stored): one still needed is computed again."""

    PATTERN_DAYS = 30
    PRUNE_EVERY = 1000

    def __init__(self) -> None:
        self.stored = 0

    def get(self, digest: bytes) -> NDArray[np.int8] | None:
        try:
            rows = fetch("SELECT status FROM suppression_pattern WHERE key = %(k)s", {"k": digest})
        except psycopg.Error:
            log.warning("suppression patterns could not be read", exc_info=True)
            return None
        return np.frombuffer(rows[0][0], dtype=np.int8).copy() if rows else None

    def put(self, digest: bytes, status: NDArray[np.int8]) -> None:
        self.stored += 1
        try:
            execute(
                "INSERT INTO suppression_pattern (key, status) VALUES (%(k)s, %(s)s) "
                "ON CONFLICT (key) DO NOTHING",
                {"k": digest, "s": status.astype(np.int8).tobytes()},
            )
            if self.stored % self.PRUNE_EVERY == 0:
                execute(
                    "DELETE FROM suppression_pattern WHERE created_at < now() - %(days)s",
                    {"days": timedelta(days=self.PATTERN_DAYS)},
                )
        except psycopg.Error:
            log.warning("a suppression pattern could not be stored", exc_info=True)


def fetch(sql: str, params: dict[str, object]) -> list[tuple[Any, ...]]:
    """The rows of a query on the worker's connection (autocommit: no transaction stays
    open between calls), in text (repository.observations says why). A connection the server
    closed (a restart, an idle timeout) is opened again once."""
    return _run(sql, params, rows=True)


def execute(sql: str, params: dict[str, object]) -> None:
    """A statement on the worker's connection (as `fetch`), committed at once."""
    _run(sql, params, rows=False)


def _run(sql: str, params: dict[str, object], *, rows: bool) -> list[tuple[Any, ...]]:
    global _connection
    for attempt in (1, 2):
        if _connection is None or _connection.closed:
            _connection = psycopg.connect(_conninfo, autocommit=True)
        try:
            with _connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if rows else []
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
