"""Tables written by the ingest service: the Kolada catalogue, batches and every observation."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CHAR,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, CreatedAt, new_id


class Municipality(Base):
    """Kolada's municipalities and regions; `0000` is Riket. Källa: Kolada."""

    __tablename__ = "municipality"

    code: Mapped[str] = mapped_column(CHAR(4), primary_key=True)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    type: Mapped[str] = mapped_column(CHAR(1), nullable=False)


class MunicipalityGroup(Base):
    """Kolada's "Liknande kommuner <area>, <kommun>, <år>" groups. Källa: Kolada."""

    __tablename__ = "municipality_group"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    members: Mapped[list[str]] = mapped_column(ARRAY(CHAR(4)), nullable=False)


class KoladaKpi(Base):
    """Kolada KPI metadata. Källa: Kolada."""

    __tablename__ = "kolada_kpi"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    is_divided_by_gender: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    municipality_type: Mapped[str | None] = mapped_column(String(1))
    operating_area: Mapped[str | None] = mapped_column(Text)
    perspective: Mapped[str | None] = mapped_column(Text)
    has_ou_data: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    publ_period: Mapped[str | None] = mapped_column(String(16))
    # The period publ_period is published preliminarily on the first date, definitively on the
    # second; in between, its values are preliminary (ingest_0007).
    prel_publication_date: Mapped[date | None] = mapped_column(Date)
    publication_date: Mapped[date | None] = mapped_column(Date)


class IngestBatch(CreatedAt, Base):
    """One accepted JSON batch or file upload; its Idempotency-Key replay lives here too."""

    __tablename__ = "ingest_batch"
    __table_args__ = (UniqueConstraint("api_key_id", "idempotency_key"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    filename: Mapped[str | None] = mapped_column(Text)
    api_key_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    request_hash: Mapped[str | None] = mapped_column(CHAR(64))
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="completed")
    row_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class Observation(Base):
    """Every stored value: raw Kolada or local, never derived. One row per key; revisions aside.

    Partitioned by year on `period_start` (migration scale_0004). PostgreSQL wants the partition
    key in the primary key and in every unique constraint, so both include `period_start`
    (the period determines it: the key means the same). `id` alone is still unique (one
    sequence), so the ORM identifies a row by `id`.
    """

    __tablename__ = "observation"
    __table_args__ = (
        # Ordered as the analytics reads filter (municipality, measure, period_start), so the
        # key also serves them (scale_0006).
        UniqueConstraint(
            "municipality_code",
            "measure_code",
            "period_start",
            "unit_code",
            "period",
            "gender",
            "source",
            name="uq_observation_key",
        ),
        CheckConstraint("gender IN ('T','K','M')", name="gender"),
        CheckConstraint("status IN ('preliminary','final','suppressed','deleted')", name="status"),
        CheckConstraint("source IN ('kolada','local')", name="source"),
        Index(
            "ix_observation_national",
            "measure_code",
            "period",
            postgresql_where=text("source = 'kolada' AND unit_code = ''"),
        ),
        Index("ix_observation_batch_id", "batch_id", postgresql_where=text("batch_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(8), nullable=False)
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False)
    # '' for a municipality-level value; otherwise the org unit code or Kolada OU id.
    unit_code: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    measure_code: Mapped[str] = mapped_column(String(64), nullable=False)
    period: Mapped[str] = mapped_column(String(10), nullable=False)
    period_start: Mapped[date] = mapped_column(Date, primary_key=True, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    gender: Mapped[str] = mapped_column(CHAR(1), nullable=False)
    value: Mapped[Decimal | None] = mapped_column(Numeric)
    numerator: Mapped[Decimal | None] = mapped_column(Numeric)
    denominator: Mapped[Decimal | None] = mapped_column(Numeric)
    respondents: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="final")
    # No foreign key (dropped in ingest_0002): the bulk path writes millions of rows, and a
    # per-row check of a batch the same transaction just created buys nothing.
    batch_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    source_row: Mapped[int | None] = mapped_column(Integer)
    source_url: Mapped[str | None] = mapped_column(Text)
    sent_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    arrived_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    # The Kolada sync run that stored this content (source='kolada'); batch_id for local data.
    # No foreign key on purpose: a per-row FK check would slow the bulk path for nothing.
    kolada_job_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))

    __mapper_args__ = {"primary_key": [id]}  # noqa: RUF012


class ObservationRevision(Base):
    """The previous content of an observation each time it was replaced."""

    __tablename__ = "observation_revision"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    # No foreign key since observation is partitioned (it would have to name period_start
    # too); a row trigger on observation deletes the revisions with it (scale_0004).
    observation_id: Mapped[int] = mapped_column(BigInteger, index=True, nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    value: Mapped[Decimal | None] = mapped_column(Numeric)
    numerator: Mapped[Decimal | None] = mapped_column(Numeric)
    denominator: Mapped[Decimal | None] = mapped_column(Numeric)
    respondents: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    batch_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    source_url: Mapped[str | None] = mapped_column(Text)
    arrived_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    replaced_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    replaced_by_batch_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    source_row: Mapped[int | None] = mapped_column(Integer)
    sent_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    kolada_job_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    replaced_by_job_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))


class KoladaSyncJob(CreatedAt, Base):
    """One Kolada sync run: its plan, state, progress and errors. Chunks are its resumable steps."""

    __tablename__ = "kolada_sync_job"
    __table_args__ = (
        CheckConstraint("state IN ('pending','running','completed','failed')", name="state"),
        CheckConstraint("mode IN ('full','incremental')", name="mode"),
        Index("ix_kolada_sync_job_state", "state", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    # None: a national run (every tenant municipality's plan, or an explicit plan).
    municipality_code: Mapped[str | None] = mapped_column(CHAR(4))
    mode: Mapped[str] = mapped_column(String(12), nullable=False)
    trigger: Mapped[str] = mapped_column(String(16), nullable=False)
    state: Mapped[str] = mapped_column(String(12), nullable=False, default="pending")
    from_date: Mapped[date | None] = mapped_column(Date)
    plan: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    requested_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    chunks_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    chunks_done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    chunks_failed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rows_done: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    created: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    revised: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    deleted: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    unchanged: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    requests: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False, default=list)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# What a sync chunk fetches: 'data' (municipalities), 'oudata' (OUs of one municipality), either
# with ':whole' (fetched whole even in an incremental run), or a catalogue.
CATALOGUE_CHUNK_KINDS = ("catalogue:municipality", "catalogue:municipality_groups", "catalogue:kpi")
CHUNK_KINDS = ("data", "oudata", "data:whole", "oudata:whole", *CATALOGUE_CHUNK_KINDS)


class KoladaSyncChunk(Base):
    """One request path of a sync (at most 25 ids per segment), stored whole or not at all."""

    __tablename__ = "kolada_sync_chunk"
    __table_args__ = (
        UniqueConstraint("job_id", "seq"),
        CheckConstraint("state IN ('pending','done','failed')", name="state"),
        CheckConstraint("kind IN (" + ",".join(f"'{k}'" for k in CHUNK_KINDS) + ")", name="kind"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    job_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("kolada_sync_job.id", ondelete="CASCADE"), nullable=False
    )
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    kpis: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, default=list)
    ids: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, default=list)
    years: Mapped[list[int]] = mapped_column(ARRAY(Integer), nullable=False, default=list)
    # For 'oudata': the municipality the OUs belong to.
    municipality_code: Mapped[str | None] = mapped_column(CHAR(4))
    state: Mapped[str] = mapped_column(String(8), nullable=False, default="pending")
    rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    pages: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DataVersion(Base):
    """A counter per municipality bumped on every data change; readers compare it."""

    __tablename__ = "data_version"

    municipality_code: Mapped[str] = mapped_column(CHAR(4), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    changed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


__all__ = [
    "DataVersion",
    "IngestBatch",
    "KoladaKpi",
    "KoladaSyncChunk",
    "KoladaSyncJob",
    "Municipality",
    "MunicipalityGroup",
    "Observation",
    "ObservationRevision",
]
