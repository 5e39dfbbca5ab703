from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query

from services.ingest.observation import service
from services.ingest.observation.schemas import ProvenanceOut
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep

router = service_router(prefix="/v1/observations", tags=["provenance"])

IngestReader = Annotated[Principal, Depends(require("ingest:read"))]


@router.get("/provenance", response_model=ProvenanceOut)
async def find_provenance(
    session: SessionDep,
    principal: IngestReader,
    measure_code: Annotated[str, Query(min_length=1, max_length=64)],
    municipality_code: Annotated[str, Query(pattern=r"^\d{4}$")],
    period: Annotated[str, Query(min_length=4, max_length=10)],
    source: Literal["kolada", "local"] = "local",
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
    observation_id: int, session: SessionDep, principal: IngestReader
) -> ProvenanceOut:
    """Where this value comes from: source (Kolada run and URL, or batch/upload and row),
    arrival, sender, status, and every earlier revision."""
    return await service.get_provenance(session, observation_id, principal=principal)
