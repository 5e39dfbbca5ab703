"""Every Prometheus family of the suite, in one place, and what feeds them.

- HTTP: requests and their durations (shared.middleware).
- Database: pool connections in use / idle / waiting (read at scrape time from each engine's
  pool), statement durations by operation (SQLAlchemy cursor events on every engine).
- Kolada sync jobs by state with their chunk progress and rows stored, the outbox's depth and
  oldest event's age, webhook deliveries by state (read from the database at scrape time by
  the service that asks for it: ingest, which owns the sync and the subscriptions).
- Webhook delivery outcomes (a counter in the process that delivers: the scheduler's leader).
- Scheduler leadership (1 in the process holding the advisory lock).
- In-process caches: lookups by cache and result (hit/miss); the ratio is a PromQL division.
- The event loop's lag: how late each serving process wakes for a timer, which is how long
  any request there waits before the process can even look at it (`watch_event_loop`).

`/metrics` is served inside the cluster only: the gateway refuses it.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Iterator
from typing import Any

from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.core import REGISTRY, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.pool import Pool, QueuePool

REQUESTS = Counter(
    "kvn_http_requests_total", "HTTP requests", ["service", "method", "route", "status"]
)
LATENCY = Histogram(
    "kvn_http_request_duration_seconds",
    "HTTP request duration",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
STATEMENTS = Histogram(
    "kvn_db_statement_duration_seconds",
    "Duration of one database statement, by its first keyword",
    ["operation"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SYNC_JOBS = Gauge("kvn_kolada_sync_jobs", "Kolada sync jobs by state", ["state"])
SYNC_CHUNKS = Gauge(
    "kvn_kolada_sync_chunks",
    "Chunks of the pending and running Kolada sync jobs: total, done and failed",
    ["progress"],
)
SYNC_ROWS = Gauge(
    "kvn_kolada_sync_rows", "Rows stored by Kolada sync jobs, summed by job state", ["state"]
)
OUTBOX_DEPTH = Gauge("kvn_outbox_pending_events", "Outbox events not yet fanned out")
OUTBOX_AGE = Gauge(
    "kvn_outbox_oldest_pending_age_seconds",
    "Age of the oldest outbox event not yet fanned out (0 when none waits)",
)
WEBHOOK_STATES = Gauge(
    "kvn_webhook_deliveries", "Webhook deliveries by state (pending/delivered/failed)", ["state"]
)
WEBHOOK_OUTCOMES = Counter(
    "kvn_webhook_delivery_attempts_total",
    "Webhook delivery attempts by outcome (delivered, retrying, failed)",
    ["outcome"],
)
SCHEDULER_LEADER = Gauge(
    "kvn_scheduler_leader", "1 while this process holds the scheduler's advisory lock"
)
CACHE_LOOKUPS = Counter(
    "kvn_cache_lookups_total", "In-process cache lookups by cache and result", ["cache", "result"]
)
LOOP_LAG = Histogram(
    "kvn_event_loop_lag_seconds",
    "How late the event loop woke for a timer: what any request waited before the process"
    " could look at it",
    ["service"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
# A lag this long is also logged: something held the event loop (work that grows with the
# data belongs in a worker thread or process, CONVENTIONS.md).
LOOP_HELD_S = 1.0
logger = logging.getLogger("kvn.metrics")


async def watch_event_loop(service: str, every_s: float = 0.1) -> None:
    """Observes the loop's lag every `every_s` until cancelled (each app's lifespan runs
    one)."""
    loop = asyncio.get_running_loop()
    lag = LOOP_LAG.labels(service)
    while True:
        asked = loop.time()
        await asyncio.sleep(every_s)
        late = max(0.0, loop.time() - asked - every_s)
        lag.observe(late)
        if late >= LOOP_HELD_S:
            logger.warning("the event loop was held", extra={"seconds": round(late, 3)})


_OPERATIONS = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "COPY"})


def operation_of(statement: str) -> str:
    """The first keyword of a statement (SELECT, INSERT …), else OTHER (bounded labels)."""
    word = statement.lstrip(" \n\t(").split(None, 1)[0].upper() if statement.strip() else ""
    return word if word in _OPERATIONS else "OTHER"


def _before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
    conn.info.setdefault("kvn_started", []).append(time.perf_counter())


def _after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
    started = conn.info.get("kvn_started")
    if started:
        STATEMENTS.labels(operation_of(statement)).observe(time.perf_counter() - started.pop())


def _failed(context: Any) -> None:
    started = context.connection.info.get("kvn_started") if context.connection else None
    if started:
        started.pop()


# Weakly held: an engine disposed and dropped leaves the gauges by itself.
_POOLS: weakref.WeakKeyDictionary[Pool, str] = weakref.WeakKeyDictionary()


def watch_pool(engine: AsyncEngine, role: str) -> None:
    """Report this engine's pool under `role` (primary, replica)."""
    _POOLS[engine.sync_engine.pool] = role


class _PoolCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        connections = GaugeMetricFamily(
            "kvn_db_pool_connections", "Pooled connections by state", labels=["pool", "state"]
        )
        waiting = GaugeMetricFamily(
            "kvn_db_pool_waiting", "Callers waiting for a pooled connection", labels=["pool"]
        )
        totals: dict[str, list[int]] = {}
        for pool, role in list(_POOLS.items()):
            if not isinstance(pool, QueuePool):
                continue
            row = totals.setdefault(role, [0, 0, 0])
            row[0] += pool.checkedout()
            row[1] += pool.checkedin()
            row[2] += _waiters(pool)
        for role, (in_use, idle, waiters) in sorted(totals.items()):
            connections.add_metric([role, "in_use"], in_use)
            connections.add_metric([role, "idle"], idle)
            waiting.add_metric([role], waiters)
        yield connections
        yield waiting


def _waiters(pool: QueuePool) -> int:
    """How many wait on the pool's queue. SQLAlchemy offers no public count: this reads the
    asyncio queue's getters (the async pool) or the thread queue's not_empty waiters, and
    answers 0 if either changes shape."""
    queue = getattr(pool, "_pool", None)
    inner = getattr(queue, "_queue", None) if queue is not None else None
    getters = getattr(inner, "_getters", None) if inner is not None else None
    if getters is not None:
        return sum(1 for g in getters if not g.done())
    condition = getattr(queue, "not_empty", None)
    waiters = getattr(condition, "_waiters", None)
    return len(waiters) if waiters is not None else 0


_installed = False


def install() -> None:
    """Hook statement timing into every engine and the pool gauges into the registry; once."""
    global _installed
    if _installed:
        return
    _installed = True
    event.listen(Engine, "before_cursor_execute", _before)
    event.listen(Engine, "after_cursor_execute", _after)
    event.listen(Engine, "handle_error", _failed)
    REGISTRY.register(_PoolCollector())


_SYNC_JOBS = text(
    """
    SELECT state, count(*) AS jobs, coalesce(sum(rows_done), 0) AS rows,
           coalesce(sum(chunks_total) FILTER (WHERE state IN ('pending', 'running')), 0) AS total,
           coalesce(sum(chunks_done) FILTER (WHERE state IN ('pending', 'running')), 0) AS done,
           coalesce(sum(chunks_failed) FILTER (WHERE state IN ('pending', 'running')), 0)
               AS failed
    FROM kolada_sync_job GROUP BY state
    """
)
_OUTBOX = text(
    """
    SELECT count(*) AS depth,
           coalesce(extract(epoch FROM clock_timestamp() - min(occurred_at)), 0) AS age
    FROM event_outbox WHERE dispatched_at IS NULL
    """
)
_DELIVERIES = text("SELECT state, count(*) AS n FROM webhook_delivery GROUP BY state")

SYNC_JOB_STATES = ("pending", "running", "completed", "failed")
DELIVERY_STATES = ("pending", "delivered", "failed")


async def refresh_database_gauges(session: AsyncSession) -> None:
    """Read the sync jobs, the outbox and the webhook deliveries into their gauges.

    Infrastructure reads across ownership (kolada_sync_job is ingest's, event_outbox and
    webhook_delivery shared/'s): three aggregate queries per scrape, on indexed columns.
    """
    jobs = {row.state: row for row in (await session.execute(_SYNC_JOBS)).all()}
    totals = [0, 0, 0]
    for state in SYNC_JOB_STATES:
        row = jobs.get(state)
        SYNC_JOBS.labels(state).set(row.jobs if row else 0)
        SYNC_ROWS.labels(state).set(row.rows if row else 0)
        if row:
            totals = [totals[0] + row.total, totals[1] + row.done, totals[2] + row.failed]
    for name, value in zip(("total", "done", "failed"), totals, strict=True):
        SYNC_CHUNKS.labels(name).set(value)
    outbox = (await session.execute(_OUTBOX)).one()
    OUTBOX_DEPTH.set(outbox.depth)
    OUTBOX_AGE.set(float(outbox.age))
    deliveries = {row.state: row.n for row in (await session.execute(_DELIVERIES)).all()}
    for state in DELIVERY_STATES:
        WEBHOOK_STATES.labels(state).set(deliveries.get(state, 0))


def cache_lookup(cache: str, hit: bool) -> None:
    # `labels()` costs more than most lookups it counts (a cold analytics answer makes
    # twenty): each cache's two counters are found once.
    counter = _LOOKUPS.get((cache, hit))
    if counter is None:
        counter = _LOOKUPS[(cache, hit)] = CACHE_LOOKUPS.labels(cache, "hit" if hit else "miss")
    counter.inc()


_LOOKUPS: dict[tuple[str, bool], Any] = {}
