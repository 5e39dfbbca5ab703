"""Where a value comes from: its source, run or batch and row, sender, status and history;
and the table's yearly partitions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.kolada.schemas import KOLADA_ATTRIBUTION
from services.ingest.observation import partitions, repository
from services.ingest.observation.schemas import (
    Origin,
    PartitionOut,
    PartitionsOut,
    ProvenanceOut,
    RevisionOut,
)
from shared.auth import Principal
from shared.errors import Forbidden, NotFound
from shared.i18n import message
from shared.models import IngestBatch, Observation
from shared.periods import Period, PeriodError


def _origin(
    *,
    kolada_job_id: uuid.UUID | None,
    source_url: str | None,
    batch: IngestBatch | None,
    batch_id: uuid.UUID | None,
    row: int | None,
    sent_by: uuid.UUID | None,
) -> Origin:
    if kolada_job_id is not None or (batch_id is None and source_url):
        kind = "kolada_sync"
    elif batch is not None and batch.kind.startswith("upload"):
        kind = "upload"
    elif batch is not None and batch.kind in {"demo", "seed"}:
        kind = batch.kind
    else:
        kind = "batch"
    return Origin(
        kind=kind,
        kolada_job_id=kolada_job_id,
        source_url=source_url,
        batch_id=batch_id,
        batch_kind=batch.kind if batch else None,
        filename=batch.filename if batch else None,
        row=row,
        sent_by=sent_by,
    )


async def provenance_of(
    session: AsyncSession, obs: Observation | None, *, principal: Principal, what: str
) -> ProvenanceOut:
    # Kolada values are public; local values belong to their municipality.
    if obs is None or (obs.source == "local" and not principal.can_see(obs.municipality_code)):
        raise NotFound(message("problem.ingest.no_observation", what=what))
    history = await repository.revisions(session, obs.id)
    batches = await repository.batches(
        session, {b for b in [obs.batch_id, *(r.batch_id for r in history)] if b is not None}
    )
    return ProvenanceOut(
        id=obs.id,
        source=obs.source,
        attribution=KOLADA_ATTRIBUTION if obs.source == "kolada" else None,
        municipality_code=obs.municipality_code,
        unit_code=obs.unit_code,
        measure_code=obs.measure_code,
        period=obs.period,
        period_start=obs.period_start,
        period_end=obs.period_end,
        gender=obs.gender,
        value=obs.value,
        respondents=obs.respondents,
        status=obs.status,
        revision=obs.revision,
        arrived_at=obs.arrived_at,
        origin=_origin(
            kolada_job_id=obs.kolada_job_id,
            source_url=obs.source_url,
            batch=batches.get(obs.batch_id) if obs.batch_id else None,
            batch_id=obs.batch_id,
            row=obs.source_row,
            sent_by=obs.sent_by,
        ),
        revisions=[
            RevisionOut(
                revision=r.revision,
                value=r.value,
                status=r.status,
                arrived_at=r.arrived_at,
                replaced_at=r.replaced_at,
                origin=_origin(
                    kolada_job_id=r.kolada_job_id,
                    source_url=r.source_url,
                    batch=batches.get(r.batch_id) if r.batch_id else None,
                    batch_id=r.batch_id,
                    row=r.source_row,
                    sent_by=r.sent_by,
                ),
                replaced_by_batch_id=r.replaced_by_batch_id,
                replaced_by_kolada_job_id=r.replaced_by_job_id,
            )
            for r in history
        ],
    )


async def get_provenance(
    session: AsyncSession, observation_id: int, *, principal: Principal
) -> ProvenanceOut:
    obs = await repository.get_observation(session, observation_id)
    return await provenance_of(session, obs, principal=principal, what=str(observation_id))


async def find_provenance(
    session: AsyncSession,
    *,
    principal: Principal,
    source: str,
    municipality_code: str,
    unit_code: str,
    measure_code: str,
    period: str,
    gender: str,
) -> ProvenanceOut:
    try:
        canonical = str(Period.parse(period))
    except PeriodError as exc:
        raise NotFound(
            message("problem.ingest.no_observation_period", period=repr(period), reason=exc.text)
        ) from exc
    obs = await repository.find_observation(
        session,
        source=source,
        municipality_code=municipality_code,
        unit_code=unit_code,
        measure_code=measure_code,
        period=canonical,
        gender=gender,
    )
    what = f"{source}/{municipality_code}/{unit_code or '-'}/{measure_code}/{canonical}/{gender}"
    return await provenance_of(session, obs, principal=principal, what=what)


def _national(principal: Principal) -> None:
    if not principal.is_national:
        raise Forbidden(message("problem.ingest.national_key_may_see_change"))


async def describe_partitions(
    session: AsyncSession, *, principal: Principal, created: list[str] | None = None
) -> PartitionsOut:
    _national(principal)
    found = await partitions.list_partitions(session)
    years = partitions.yearly([name for name, *_ in found])
    return PartitionsOut(
        partitions=[
            PartitionOut(name=name, bound=bound, estimated_rows=rows, bytes=size)
            for name, bound, rows, size in found
        ],
        last_year=max(years, default=None),
        default_rows=await partitions.default_rows(session),
        created=created or [],
    )


async def ensure_partitions(
    session: AsyncSession, *, principal: Principal, years_ahead: int
) -> PartitionsOut:
    _national(principal)
    through = datetime.now(UTC).year + years_ahead
    created = await partitions.ensure_partitions(session, through)
    return await describe_partitions(session, principal=principal, created=created)
