"""Computations in worker processes (COMPUTE_PROCESSES): the same answers as in a thread of the
serving process, read on the worker's own connection.

The demo is committed for the whole run, so a worker's connection sees what the test's
session sees as long as the test writes nothing."""

from __future__ import annotations

import os
import uuid
from decimal import Decimal

import psycopg
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.analytics import service as analytics_service
from services.indicators.analytics.schemas import INCLUDES
from services.indicators.computation import workers
from services.indicators.report import service as report_service
from services.indicators.report.schemas import TertialReport
from services.indicators.target import repository as target_repository
from services.indicators.target import service as target_service
from services.indicators.target.rules import Judgement
from shared.auth import ALL_SCOPES, Principal
from shared.demo.common import DEMO_MUNICIPALITY, DEMO_YEARS
from shared.periods import Period
from shared.settings import Settings

PRINCIPAL = Principal(
    key_id=uuid.uuid4(),
    name="test",
    municipality_code=DEMO_MUNICIPALITY,
    scopes=frozenset(ALL_SCOPES),
    token="",
)


async def _report(session: AsyncSession, period: str) -> TertialReport:
    return await report_service.tertial_report(
        session, principal=PRINCIPAL, municipality_code=DEMO_MUNICIPALITY, period=period
    )


async def test_a_report_computed_in_a_worker_process_is_the_one_computed_in_a_thread(
    session: AsyncSession, settings: Settings
) -> None:
    periods = [f"{DEMO_YEARS[-1]}", f"{DEMO_YEARS[-1]}T2", f"{DEMO_YEARS[0]}T1"]
    in_thread = [await _report(session, p) for p in periods]
    installed = workers.install(settings.model_copy(update={"COMPUTE_PROCESSES": 1}))
    assert installed is not None
    try:
        in_process = [await _report(session, p) for p in periods]
        assert installed.submitted == len(periods)
        # A report's seconds of CPU come after the serving process's requests.
        assert await installed.run(os.nice, 0) > os.nice(0)
    finally:
        workers.uninstall(installed)
    # The demo's report has values (else the comparison would say little).
    assert any(row.value is not None for s in in_thread[0].sections for row in s.effekt)
    assert [r.model_dump() for r in in_process] == [r.model_dump() for r in in_thread]


async def test_statuses_judged_in_a_worker_process_are_those_judged_in_a_thread(
    session: AsyncSession, settings: Settings
) -> None:
    targets = await target_repository.for_municipality(session, DEMO_MUNICIPALITY)
    assert targets
    scopes = sorted({target_service._scope_of(t) for t in targets}, key=repr)
    # Two sets, as a write judges them: before (every target) and after (one fewer).
    sets = [targets, targets[1:]]
    in_thread = await target_service.statuses(session, DEMO_MUNICIPALITY, scopes, sets)
    installed = workers.install(settings.model_copy(update={"COMPUTE_PROCESSES": 1}))
    assert installed is not None
    try:
        in_process = await target_service.statuses(session, DEMO_MUNICIPALITY, scopes, sets)
        assert installed.submitted > 0
    finally:
        workers.uninstall(installed)
    assert sum(len(s) for s in in_thread) > 0
    assert in_process == in_thread


async def test_unit_statuses_judged_in_a_worker_process_are_those_judged_in_a_thread(
    session: AsyncSession, settings: Settings
) -> None:
    """The scorecard's statuses of every unit for a period."""
    periods = [Period.parse(f"{DEMO_YEARS[-1]}T2"), Period.parse(f"{DEMO_YEARS[-1]}")]

    Judged = tuple[list[str], dict[str, list[tuple[uuid.UUID, Judgement]]]]

    async def judged() -> list[Judged]:
        found: list[Judged] = []
        for period in periods:
            units, by_unit = await target_service.unit_statuses(
                session, municipality=DEMO_MUNICIPALITY, period=period
            )
            found.append(
                (
                    [u.code for u in units],
                    {code: [(t.id, j) for t, j in pairs] for code, pairs in by_unit.items()},
                )
            )
        return found

    in_thread = await judged()
    installed = workers.install(settings.model_copy(update={"COMPUTE_PROCESSES": 1}))
    assert installed is not None
    try:
        in_process = await judged()
        assert installed.submitted > 0
    finally:
        workers.uninstall(installed)
    assert any(pairs for _, by_unit in in_thread for pairs in by_unit.values())
    assert in_process == in_thread


async def test_an_analytics_page_built_in_a_worker_process_is_the_one_built_in_a_thread(
    session: AsyncSession, settings: Settings
) -> None:
    codes = (
        await session.execute(text("SELECT DISTINCT code FROM indicator ORDER BY code"))
    ).scalars()
    query = analytics_service.AnalyticsQuery(
        municipality_code=DEMO_MUNICIPALITY,
        indicators=tuple(codes)[: analytics_service.MAX_INDICATORS],
        levels=("municipality", "area", "unit"),
        units=None,
        periods=(),
        from_period=f"{DEMO_YEARS[0]}T1",
        to_period=f"{DEMO_YEARS[-1]}T3",
        genders=("T", "K", "M"),
        include=tuple(INCLUDES),
        as_of=None,
        limit=5_000,
        offset=0,
        language="en",
    )

    async def page() -> bytes:
        _, body = await analytics_service.analytics(
            session,
            query,
            principal=PRINCIPAL,
            cache=analytics_service.ResponseCache(0),
            gap_rule=analytics_service.GapRule(Decimal(5), 7),
        )
        assert body is not None
        return body.raw

    in_thread = await page()
    installed = workers.install(settings.model_copy(update={"COMPUTE_PROCESSES": 1}))
    assert installed is not None
    try:
        in_process = await page()
        assert installed.submitted == 1
    finally:
        workers.uninstall(installed)
    # Every part is there, values and statuses too.
    for part in (b'"status"', b'"comparison"', b'"gender_gap"', b'"trend"', b'"value":"'):
        assert part in in_thread
    assert in_process == in_thread


async def test_an_app_on_a_tests_transaction_computes_in_a_thread(
    apps: dict[str, FastAPI],
) -> None:
    """A test's database is bound to its own transaction, which a worker's connection cannot
    see: the indicators app installs no pool on it."""
    assert "indicators" in apps
    assert workers.current() is None


def test_a_worker_connects_where_the_service_does() -> None:
    """The embedded server's socket directory and a password with a reserved character
    reach libpq unchanged, with the suite's statement timeout."""
    embedded = psycopg.conninfo.conninfo_to_dict(
        workers.conninfo(Settings(DATABASE_URL="postgresql+psycopg://postgres@/kvn?host=/var/pg"))
    )
    assert (embedded["host"], embedded["dbname"], embedded["user"]) == (
        "/var/pg",
        "kvn",
        "postgres",
    )
    remote = psycopg.conninfo.conninfo_to_dict(
        workers.conninfo(
            Settings(
                DATABASE_URL="postgresql+psycopg://kvn:p%40ss@db:5432/kvn?sslmode=require",
                DATABASE_STATEMENT_TIMEOUT_MS=1234,
            )
        )
    )
    assert (remote["password"], remote["port"], remote["sslmode"]) == ("p@ss", "5432", "require")
    assert "statement_timeout=1234" in str(remote["options"])
