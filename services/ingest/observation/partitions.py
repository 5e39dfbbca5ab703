"""The yearly partitions of `observation` (scale_0004): which exist, and creating the coming
years' before values arrive for them.

A value whose year has no partition lands in the DEFAULT partition (nothing is refused), but
every query on that year then scans the default. `ensure_partitions` creates the missing years
up to a limit and moves such rows out of the default into their new partition, in one
transaction; the revision-cascade trigger is told to let the move be (kvn.moving_partitions).
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

SCHEMA = "observation_part"
_YEARLY = re.compile(r"^observation_(\d{4})$")

_LIST = text(
    """
    SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), GREATEST(c.reltuples, 0)::bigint,
           pg_total_relation_size(c.oid)
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE i.inhparent = 'public.observation'::regclass AND n.nspname = :schema
    ORDER BY c.relname
    """
)


async def list_partitions(session: AsyncSession) -> list[tuple[str, str, int, int]]:
    """(name, bound, estimated rows, bytes) of every partition."""
    rows = (await session.execute(_LIST, {"schema": SCHEMA})).all()
    return [(r[0], r[1], int(r[2]), int(r[3])) for r in rows]


async def default_rows(session: AsyncSession) -> int:
    found = await session.execute(text("SELECT count(*) FROM observation_part.observation_default"))
    return int(found.scalar_one())


def yearly(names: list[str]) -> set[int]:
    return {int(m.group(1)) for name in names if (m := _YEARLY.match(name))}


async def ensure_partitions(session: AsyncSession, through_year: int) -> list[str]:
    """Create every missing yearly partition after the last one up to `through_year`, and for
    any year that has rows in the default partition; returns the names created."""
    names = [p[0] for p in await list_partitions(session)]
    have = yearly(names)
    stray = await session.execute(
        text(
            "SELECT DISTINCT extract(year FROM period_start)::int"
            " FROM observation_part.observation_default"
        )
    )
    wanted = set(range(max(have, default=through_year) + 1, through_year + 1))
    wanted |= {int(y) for (y,) in stray.all()}
    created: list[str] = []
    if not wanted - have:
        return created
    # Serialises with other writers of observation for the move; released at commit.
    await session.execute(
        text("LOCK TABLE observation_part.observation_default IN ACCESS EXCLUSIVE MODE")
    )
    await session.execute(text("SET LOCAL kvn.moving_partitions = 'on'"))
    for year in sorted(wanted - have):
        # Identifiers and bounds below are built from an int year only.
        name = f"observation_{year:d}"
        bounds = {"start": date(year, 1, 1), "end": date(year + 1, 1, 1)}
        await session.execute(
            text(
                f"CREATE TABLE {SCHEMA}.{name}"
                " (LIKE observation INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
            )
        )
        move = (
            "WITH moved AS (DELETE FROM observation_part.observation_default"  # noqa: S608
            " WHERE period_start >= :start AND period_start < :end RETURNING *)"
            f" INSERT INTO {SCHEMA}.{name} SELECT * FROM moved"
        )
        await session.execute(text(move), bounds)
        await session.execute(
            text(
                f"ALTER TABLE observation ATTACH PARTITION {SCHEMA}.{name}"
                f" FOR VALUES FROM ('{bounds['start']}') TO ('{bounds['end']}')"
            )
        )
        created.append(name)
    await session.execute(text("RESET kvn.moving_partitions"))
    return created
