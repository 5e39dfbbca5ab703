"""Row counts of every table, to show that a refused request stored nothing."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

_TABLES = text(
    "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition "
    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
)


async def row_counts(connection: AsyncConnection) -> dict[str, int]:
    """Table → rows, over every table of the database (a partitioned one counted once)."""
    tables = [name for (name,) in (await connection.execute(_TABLES)).all()]
    # The names are the catalogue's own, quoted by format('%I'): no input reaches this SQL.
    counts = ", ".join(f"(SELECT count(*) FROM {name})" for name in tables)  # noqa: S608
    values = (await connection.execute(text(f"SELECT {counts}"))).one()
    return dict(zip(tables, (int(v) for v in values), strict=True))


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """The tables whose row count differs, with the difference."""
    return {
        t: after.get(t, 0) - before.get(t, 0)
        for t in after.keys() | before.keys()
        if after.get(t, 0) != before.get(t, 0)
    }
