from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query

from services.ingest.observation import service
from services.ingest.observation.schemas import PartitionsIn, PartitionsOut, ProvenanceOut
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep
from shared.schemas import Id

router = service_router(prefix="/v1/observations", tags=["provenance"])

IngestReader = Annotated[Principal, Depends(require("ingest:read"))]
IngestWriter = Annotated[Principal, Depends(require("ingest:write"))]


@router.get("/partitions", response_model=PartitionsOut)
async def list_partitions(session: SessionDep, principal: IngestReader) -> PartitionsOut:
    """The yearly partitions of the observation table, with sizes (national keys only)."""
    return await service.describe_partitions(session, principal=principal)


@router.post("/partitions", response_model=PartitionsOut)
async def ensure_partitions(
    session: SessionDep, principal: IngestWriter, payload: PartitionsIn | None = None
) -> PartitionsOut:
    """Create the missing yearly partitions through this year + `years_ahead` and move any
    rows of those years out of the default partition (national keys only; the scheduler calls
    it monthly)."""
    return await service.ensure_partitions(
        session, principal=principal, years_ahead=(payload or PartitionsIn()).years_ahead
    )


@router.get("/provenance", response_model=ProvenanceOut)
async def find_provenance(
    session: SessionDep,
    principal: IngestReader,
    measure_code: Annotated[str, Query(min_length=1, max_length=64)],
    municipality_code: Annotated[str, Query(pattern=r"^\d{4}$")],
    period: Annotated[str, Query(min_length=4, max_length=10)],
    source: Annotated[Literal["kolada", "local"], Query(title="ValueSource")] = "local",
    unit_code: Annotated[str, Query(max_length=64, description="'' for the municipality")] = "",
    gender: Literal["T", "K", "M"] = "T",
) -> ProvenanceOut:
    """Where the value with this key comes from, with its earlier revisions."""
    return await service.find_provenance(
        session,
        principal=principal,
        source=source,
        municipality_code=municipality_code,
        unit_code=unit_code,
        measure_code=measure_code,
        period=period,
        gender=gender,
    )


@router.get("/{observation_id}/provenance", response_model=ProvenanceOut)
async def get_provenance(
    observation_id: Id, session: SessionDep, principal: IngestReader
) -> ProvenanceOut:
    """Where this value comes from: source (Kolada run and URL, or batch/upload and row),
    arrival, sender, status, and every earlier revision."""
    return await service.get_provenance(session, observation_id, principal=principal)
