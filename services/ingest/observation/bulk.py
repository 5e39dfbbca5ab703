"""The bulk path every high-volume write takes: COPY into a staging table, then one set-based
upsert on uq_observation_key that keeps the replaced content in observation_revision.

Used by file uploads and by each Kolada chunk; both call it inside their one transaction, so
a chunk or an upload is stored whole or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import psycopg
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.observation.changes import Change, Changes, from_groups

STAGE = "ingest_stage"
STAGE_COLUMNS = (
    "municipality_code",
    "unit_code",
    "measure_code",
    "period",
    "period_start",
    "period_end",
    "gender",
    "value",
    "numerator",
    "denominator",
    "respondents",
    "status",
    "source_row",
    "source_url",
)

# One staged observation, in STAGE_COLUMNS order.
StageRow = tuple[
    str,
    str,
    str,
    str,
    date,
    date,
    str,
    Decimal | float | None,
    Decimal | None,
    Decimal | None,
    int | None,
    str,
    int | None,
    str | None,
]

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _field(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    return str(value)


def copy_line(row: Sequence[object]) -> str:
    """One row in COPY text format."""
    return "\t".join(map(_field, row)) + "\n"


@dataclass(frozen=True)
class UpsertCounts:
    created: int
    revised: int
    unchanged: int
    deleted: int
    # Stored final values the merge changed to another value (a caller refusing those rolls
    # the merge back and reports them with stage_final_conflicts).
    blocked: int = 0
    # What was created or revised, per municipality (for observation.values_changed).
    changes: Changes = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "revised": self.revised,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
        }


async def raw_connection(session: AsyncSession) -> psycopg.AsyncConnection[Any]:
    """The psycopg connection under the session (same transaction), for COPY."""
    conn = await session.connection()
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert isinstance(driver, psycopg.AsyncConnection)
    return driver


async def create_stage(session: AsyncSession) -> None:
    """A temporary, unlogged-by-nature staging table, emptied for this use."""
    await session.execute(
        text(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} ("
            "municipality_code char(4) NOT NULL, unit_code varchar(64) NOT NULL, "
            "measure_code varchar(64) NOT NULL, period varchar(10) NOT NULL, "
            "period_start date NOT NULL, period_end date NOT NULL, gender char(1) NOT NULL, "
            "value numeric, numerator numeric, denominator numeric, respondents integer, "
            "status varchar(12) NOT NULL, source_row integer, source_url text"
            ") ON COMMIT DROP"
        )
    )
    await session.execute(text(f"TRUNCATE {STAGE}"))
    await allow_long_statements(session)


async def allow_long_statements(session: AsyncSession) -> None:
    """A large file or chunk may take longer than the default statement timeout; in this
    transaction only."""
    await session.execute(text("SET LOCAL statement_timeout = '15min'"))


async def copy_lines(session: AsyncSession, blocks: Iterable[str]) -> None:
    """COPY already formatted text blocks (see copy_line) into the staging table."""
    pg = await raw_connection(session)
    columns = ", ".join(STAGE_COLUMNS)
    async with pg.cursor().copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy:
        for block in blocks:
            await copy.write(block)


class StageWriter:
    """Buffers COPY text and sends it in blocks of about 1 MB while rows are produced."""

    def __init__(self, copy: psycopg.AsyncCopy) -> None:
        self._copy = copy
        self._parts: list[str] = []
        self._size = 0
        self.rows = 0

    async def add(self, row: Sequence[object]) -> None:
        line = copy_line(row)
        self._parts.append(line)
        self._size += len(line)
        self.rows += 1
        if self._size >= 1 << 20:
            await self.flush()

    async def flush(self) -> None:
        if self._parts:
            await self._copy.write("".join(self._parts))
            self._parts.clear()
            self._size = 0


DIRECT_TAIL = ("source", "batch_id", "sent_by", "revision", "kolada_job_id")
DIRECT_COLUMNS = (*STAGE_COLUMNS, *DIRECT_TAIL)


async def open_copy(
    session: AsyncSession, *, direct: bool = False, columns: Sequence[str] = STAGE_COLUMNS
) -> Any:
    """An async context manager yielding psycopg's Copy into the staging table, or with
    `direct` straight into observation (lines then end with source, batch, sender, revision
    and Kolada job); `columns`: the staged columns in the order the lines give them."""
    pg = await raw_connection(session)
    if direct:
        names = ", ".join((*columns, *DIRECT_TAIL))
        return pg.cursor().copy(f"COPY observation ({names}) FROM STDIN")
    return pg.cursor().copy(f"COPY {STAGE} ({', '.join(columns)}) FROM STDIN")


async def stage_duplicates(session: AsyncSession, limit: int = 1000) -> list[dict[str, Any]]:
    """Keys present more than once in the staging table, with their source rows."""
    result = await session.execute(
        text(
            f"SELECT municipality_code, unit_code, measure_code, period, gender, "  # noqa: S608
            f"array_agg(source_row ORDER BY source_row) AS source_rows FROM {STAGE} "
            "GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1 ORDER BY min(source_row) LIMIT :limit"
        ),
        {"limit": limit},
    )
    return [dict(r._mapping) for r in result]


async def stage_final_conflicts(
    session: AsyncSession, source: str, limit: int = 1000
) -> list[dict[str, Any]]:
    """Staged values that would change a stored final value (refused unless revising)."""
    result = await session.execute(
        text(
            f"SELECT s.source_row, s.measure_code, s.unit_code, s.period, s.gender, "  # noqa: S608
            f"s.value AS new_value, o.value AS stored_value FROM {STAGE} s "
            "JOIN observation o ON o.source = :source "
            "AND o.municipality_code = s.municipality_code AND o.unit_code = s.unit_code "
            "AND o.measure_code = s.measure_code AND o.period = s.period "
            "AND o.gender = s.gender AND o.period_start = s.period_start "
            "WHERE o.status = 'final' AND o.value IS DISTINCT FROM s.value "
            "ORDER BY s.source_row LIMIT :limit"
        ),
        {"source": source, "limit": limit},
    )
    return [dict(r._mapping) for r in result]


_CONTENT = ("value", "numerator", "denominator", "respondents", "status")
_DIFFERS = (
    "(o.value, o.numerator, o.denominator, o.respondents, o.status) IS DISTINCT FROM "
    "(s.value, s.numerator, s.denominator, s.respondents, s.status)"
)
_UPSERT = f"""
WITH old AS (
    SELECT o.id, o.revision, o.value, o.numerator, o.denominator, o.respondents, o.status,
           o.batch_id, o.kolada_job_id, o.source_url, o.source_row, o.sent_by, o.arrived_at,
           s.value AS new_value
    FROM {STAGE} s
    JOIN observation o ON o.source = :source AND o.municipality_code = s.municipality_code
        AND o.unit_code = s.unit_code AND o.measure_code = s.measure_code
        AND o.period = s.period AND o.gender = s.gender
        AND o.period_start = s.period_start
    WHERE {_DIFFERS}
), rev AS (
    INSERT INTO observation_revision (
        observation_id, revision, value, numerator, denominator, respondents, status,
        batch_id, kolada_job_id, source_url, source_row, sent_by, arrived_at,
        replaced_by_batch_id, replaced_by_job_id)
    SELECT id, revision, value, numerator, denominator, respondents, status,
           batch_id, kolada_job_id, source_url, source_row, sent_by, arrived_at,
           CAST(:batch_id AS uuid), CAST(:job_id AS uuid)
    FROM old
    RETURNING 1
), up AS (
    INSERT INTO observation AS o (
        source, municipality_code, unit_code, measure_code, period, period_start, period_end,
        gender, value, numerator, denominator, respondents, status, batch_id, kolada_job_id,
        source_row, source_url, sent_by, revision)
    SELECT :source, s.municipality_code, s.unit_code, s.measure_code, s.period, s.period_start,
           s.period_end, s.gender, s.value, s.numerator, s.denominator, s.respondents, s.status,
           CAST(:batch_id AS uuid), CAST(:job_id AS uuid), s.source_row, s.source_url,
           CAST(:sent_by AS uuid), 1
    FROM {STAGE} s
    ON CONFLICT ON CONSTRAINT uq_observation_key DO UPDATE SET
        value = EXCLUDED.value, numerator = EXCLUDED.numerator,
        denominator = EXCLUDED.denominator, respondents = EXCLUDED.respondents,
        status = EXCLUDED.status, batch_id = EXCLUDED.batch_id,
        kolada_job_id = EXCLUDED.kolada_job_id, source_row = EXCLUDED.source_row,
        source_url = EXCLUDED.source_url, sent_by = EXCLUDED.sent_by,
        revision = o.revision + 1, arrived_at = now()
    WHERE (o.value, o.numerator, o.denominator, o.respondents, o.status) IS DISTINCT FROM
          (EXCLUDED.value, EXCLUDED.numerator, EXCLUDED.denominator, EXCLUDED.respondents,
           EXCLUDED.status)
    RETURNING (o.revision = 1) AS inserted, o.status, o.municipality_code, o.unit_code,
              o.measure_code, o.period
), grp AS (
    SELECT municipality_code, unit_code, measure_code, period,
           count(*) FILTER (WHERE inserted) AS created,
           count(*) FILTER (WHERE NOT inserted) AS revised
    FROM up GROUP BY 1, 2, 3, 4
)
SELECT (SELECT count(*) FROM rev) AS kept,
       (SELECT count(*) FROM old WHERE status = 'final' AND value IS DISTINCT FROM new_value)
           AS blocked,
       (SELECT count(*) FILTER (WHERE inserted) FROM up) AS created,
       (SELECT count(*) FILTER (WHERE NOT inserted) FROM up) AS revised,
       (SELECT count(*) FILTER (WHERE status = 'deleted') FROM up) AS deleted,
       (SELECT coalesce(json_agg(json_build_array(municipality_code, unit_code, measure_code,
                                                  period, created, revised)), '[]')
        FROM grp) AS groups
"""  # noqa: S608

# What a plain insert of the whole stage created, by key group (for the change event).
# Summed up by the database, a row per municipality: a large upload has tens of thousands of
# (unit, measure, period) groups, which would otherwise become rows in the event loop.
_STAGE_CHANGES = f"""
SELECT municipality_code, array_agg(DISTINCT unit_code), array_agg(DISTINCT measure_code),
       array_agg(DISTINCT period), count(*)
FROM {STAGE} GROUP BY 1
"""  # noqa: S608

_INSERT_NEW = f"""
INSERT INTO observation (
    source, municipality_code, unit_code, measure_code, period, period_start, period_end,
    gender, value, numerator, denominator, respondents, status, batch_id, kolada_job_id,
    source_row, source_url, sent_by, revision)
SELECT :source, s.municipality_code, s.unit_code, s.measure_code, s.period, s.period_start,
       s.period_end, s.gender, s.value, s.numerator, s.denominator, s.respondents, s.status,
       CAST(:batch_id AS uuid), CAST(:job_id AS uuid), s.source_row, s.source_url,
       CAST(:sent_by AS uuid), 1
FROM {STAGE} s
"""  # noqa: S608


async def merge_stage(
    session: AsyncSession,
    *,
    source: str,
    staged: int,
    batch_id: uuid.UUID | None = None,
    job_id: uuid.UUID | None = None,
    sent_by: uuid.UUID | None = None,
) -> UpsertCounts:
    """Upsert the staging table into observation; every replaced content becomes a revision."""
    if staged == 0:
        return UpsertCounts(0, 0, 0, 0)
    await session.execute(text(f"ANALYZE {STAGE}"))  # noqa: RUF100, S608
    params = {
        "source": source,
        "batch_id": str(batch_id) if batch_id else None,
        "job_id": str(job_id) if job_id else None,
        "sent_by": str(sent_by) if sent_by else None,
    }
    # New data (a first upload, a first sync) is the bulk of the volume: a plain INSERT is
    # about as fast as COPY, while ON CONFLICT costs twice that. If any key exists (or is
    # doubled), the savepoint rolls it back and the full upsert below decides row by row.
    try:
        async with session.begin_nested():
            await session.execute(text(_INSERT_NEW), params)
    except IntegrityError as exc:
        if not isinstance(exc.orig, psycopg.errors.UniqueViolation):
            raise
    else:
        changes = {
            str(municipality): Change(
                periods=set(periods),
                measure_codes=set(measures),
                unit_codes=set(units),
                created=int(created),
            )
            for municipality, units, measures, periods, created in await session.execute(
                text(_STAGE_CHANGES)
            )
        }
        return UpsertCounts(created=staged, revised=0, unchanged=0, deleted=0, changes=changes)
    row = (await session.execute(text(_UPSERT), params)).one()
    kept, blocked, created, revised, deleted = (int(v) for v in row[:5])
    assert kept == revised, "every replaced observation keeps its old revision"
    return UpsertCounts(
        created=created,
        revised=revised,
        unchanged=staged - created - revised,
        deleted=deleted,
        blocked=blocked,
        changes=from_groups(row[5]),
    )


async def bump_data_versions(session: AsyncSession) -> dict[str, int]:
    """Bump data_version of every municipality present in the staging table (same transaction)."""
    result = await session.execute(
        text(
            "INSERT INTO data_version (municipality_code, version) "  # noqa: S608
            f"SELECT DISTINCT municipality_code, 1 FROM {STAGE} "
            "ON CONFLICT (municipality_code) DO UPDATE "
            "SET version = data_version.version + 1, changed_at = now() "
            "RETURNING municipality_code, version"
        )
    )
    return {str(code): int(version) for code, version in result}


async def drop_unknown_deletions(session: AsyncSession, source: str) -> int:
    """A deletion of a value never stored is nothing to apply; drop it from the stage."""
    result = await session.execute(
        text(
            f"DELETE FROM {STAGE} s WHERE s.status = 'deleted' AND NOT EXISTS ("  # noqa: S608
            "SELECT 1 FROM observation o WHERE o.source = :source "
            "AND o.municipality_code = s.municipality_code AND o.unit_code = s.unit_code "
            "AND o.measure_code = s.measure_code AND o.period = s.period "
            "AND o.gender = s.gender)"
        ),
        {"source": source},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def bump_data_versions_for(session: AsyncSession, codes: Iterable[str]) -> None:
    """Bump data_version of the given municipalities (same transaction as the change)."""
    wanted = sorted(set(codes))
    if wanted:
        await session.execute(
            text(
                "INSERT INTO data_version (municipality_code, version) "
                "SELECT unnest(CAST(:codes AS text[])), 1 "
                "ON CONFLICT (municipality_code) DO UPDATE "
                "SET version = data_version.version + 1, changed_at = now()"
            ),
            {"codes": wanted},
        )
