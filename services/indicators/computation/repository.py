"""Reads of the observations and of the catalogue snapshot a computation needs.

`observation`, `data_version` and `municipality_group` are written by ingest; they are read here
directly (read-only) because they are the bulk input of every computation, and moving them over
HTTP would copy the tables for nothing (CONVENTIONS.md, "Data").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg
from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.computation.engine import Obs, as_obs
from shared.cpu import run_cpu
from shared.demo.common import FICTIONAL_PREFIX
from shared.models import DataVersion, Municipality, MunicipalityGroup, Observation
from shared.periods import Period

_OBSERVATIONS = (
    "SELECT {id}, source, unit_code, measure_code, period, period_start, period_end, gender, "
    "value, respondents, status FROM observation "
    "WHERE municipality_code = %(m)s AND measure_code = ANY(%(measures)s) "
    # Also bounds period_start from above, so the planner skips the years' partitions after
    # the range (period_end alone cannot prune a table partitioned on period_start).
    "AND period_start >= %(start)s AND period_start <= %(end)s AND period_end <= %(end)s "
    "AND status <> 'deleted'"
)


def observations_query(
    *,
    municipality_code: str,
    measures: Sequence[str],
    start: date,
    end: date,
    sources: Sequence[str] | None = None,
    provenance: bool = True,
) -> tuple[str, dict[str, object]]:
    """The SQL and parameters of `observations` (also run by a computation worker process,
    on its own connection). Without `provenance` every row's id reads 0: a computation that
    explains nothing does not pay for reading them."""
    sql = _OBSERVATIONS.format(id="id" if provenance else "0")
    params: dict[str, object] = {
        "m": municipality_code,
        "measures": list(measures),
        "start": start,
        "end": end,
    }
    if sources is not None:
        sql += " AND source = ANY(%(sources)s)"
        params["sources"] = list(sources)
    return sql, params


async def observations(
    session: AsyncSession,
    *,
    municipality_code: str,
    measures: Sequence[str],
    start: date,
    end: date,
    sources: Sequence[str] | None = None,
    provenance: bool = True,
) -> list[Obs]:
    """The observations of the measures in the range, as `Obs` tuples (ids 0 without
    `provenance`).

    Read through the psycopg connection under the session (same transaction): thousands of
    rows arrive as tuples and become `Obs` without any per-row object of SQLAlchemy's (the
    rows are most of a cold computation's input). In text, which psycopg turns into numbers
    and dates faster than the binary form (bench: 3 000 rows in 7 ms against 11)."""
    sql, params = observations_query(
        municipality_code=municipality_code,
        measures=measures,
        start=start,
        end=end,
        sources=sources,
        provenance=provenance,
    )
    driver = await _driver(session)
    async with driver.cursor() as cursor:
        await cursor.execute(sql, params)
        rows = await cursor.fetchall()
    # Turning the rows into Obs is CPU work that grows with the data: off the event loop.
    return await run_cpu(as_obs, rows)


async def _driver(session: AsyncSession) -> psycopg.AsyncConnection[Any]:
    """The psycopg connection under the session, in the session's transaction."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert isinstance(driver, psycopg.AsyncConnection)
    return driver


async def national_observations(
    session: AsyncSession, *, measures: Sequence[str], period: str, synthetic: bool = False
) -> list[tuple[str, Obs]]:
    """Municipality-level Kolada observations of every municipality for one period (public);
    with `synthetic`, also the local values of the fictional municipalities (99xx, the demo's
    synthetic peers), for a fictional municipality's comparisons only."""
    source = Observation.source == "kolada"
    if synthetic:
        source = or_(
            source,
            and_(
                Observation.source == "local",
                Observation.municipality_code.startswith(FICTIONAL_PREFIX),
            ),
        )
    rows = await session.execute(
        select(
            Observation.municipality_code,
            Observation.id,
            Observation.source,
            Observation.unit_code,
            Observation.measure_code,
            Observation.period,
            Observation.period_start,
            Observation.period_end,
            Observation.gender,
            Observation.value,
            Observation.respondents,
            Observation.status,
        ).where(
            source,
            Observation.unit_code == "",
            Observation.measure_code.in_(list(measures)),
            Observation.period == period,
            # The period fixes its start: naming it lets the planner read one partition.
            Observation.period_start == Period.parse(period).start,
            Observation.status != "deleted",
        )
    )
    return [(row[0], Obs._make(row[1:])) for row in rows.all()]


async def data_version(session: AsyncSession, municipality_code: str) -> int:
    found = await session.execute(
        select(DataVersion.version).where(DataVersion.municipality_code == municipality_code)
    )
    return int(found.scalar_one_or_none() or 0)


_STATE = text(
    """
    SELECT
      coalesce((SELECT version FROM data_version WHERE municipality_code = :m), 0),
      (SELECT count(*) || ':' || coalesce(max(created_at)::text, '') FROM indicator),
      -- Units, their memberships and targets are changed in place (a rename, a closing, a
      -- new target value): a digest of every column of every row sees any change.
      (SELECT count(*) || ':' || coalesce(sum(hashtext(u::text)), 0)
         FROM org_unit u WHERE municipality_code = :m),
      (SELECT count(*) || ':' || coalesce(sum(hashtext(h::text)), 0)
         FROM org_unit_membership h WHERE municipality_code = :m),
      (SELECT count(*) || ':' || coalesce(sum(hashtext(t::text)), 0)
         FROM target t WHERE municipality_code = :m),
      -- Every other municipality's data (riket's among them) in one figure: versions only
      -- grow, so their sum changes whenever any of them does.
      (SELECT coalesce(sum(version), 0) || ':' || count(*)
         FROM data_version WHERE municipality_code <> :m)
    """
)


@dataclass(frozen=True, slots=True)
class State:
    """What a computation for one municipality reads, as versions: `data_version` (its own
    ingest data version), `structure` (the definitions, its units and targets), `own` (both) and
    `others` (every other municipality's data version, riket's included). Only an answer
    that shows other municipalities' values (a comparison: riket, the group's mean, a rank)
    depends on `others`, so a sync of riket's figures leaves every other answer cached."""

    data_version: int
    # The definitions, units (with their history) and targets: what a computation reads
    # besides the observations.
    structure: str
    others: str

    @property
    def own(self) -> str:
        return f"{self.data_version}|{self.structure}"

    def token(self, *, comparison: bool = False) -> str:
        return f"{self.own}|{self.others}" if comparison else self.own


async def state(session: AsyncSession, municipality_code: str) -> State:
    row = (await session.execute(_STATE, {"m": municipality_code})).one()
    return State(int(row[0]), "|".join(str(part) for part in row[1:-1]), str(row[-1]))


async def state_token(session: AsyncSession, municipality_code: str) -> str:
    """A string that changes whenever anything a computation for this municipality reads
    does, other municipalities' data left out: its ingest data version, definitions, units
    and targets (State)."""
    return (await state(session, municipality_code)).token()


async def municipality_count(session: AsyncSession) -> int:
    """Kommuner (type K) in Kolada's catalogue, fictional demo codes (99xx) left out."""
    found = await session.execute(
        select(func.count()).where(Municipality.type == "K", ~Municipality.code.startswith("99"))
    )
    return int(found.scalar_one())


async def municipality_title(session: AsyncSession, code: str) -> str | None:
    found = await session.execute(select(Municipality.title).where(Municipality.code == code))
    return found.scalar_one_or_none()


async def similar_group(
    session: AsyncSession, *, title_prefix: str
) -> tuple[str, str, list[str]] | None:
    """The newest 'Liknande kommuner <area>, <kommun>, <år>' group whose title starts so."""
    found = await session.execute(
        select(MunicipalityGroup.id, MunicipalityGroup.title, MunicipalityGroup.members)
        .where(MunicipalityGroup.title.startswith(title_prefix, autoescape=True))
        .order_by(MunicipalityGroup.title.desc())
        .limit(1)
    )
    row = found.first()
    return None if row is None else (row[0], row[1], list(row[2]))
