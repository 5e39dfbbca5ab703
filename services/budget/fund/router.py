from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Header, Query, Response, status

from services.budget.fund import service
from services.budget.fund.schemas import (
    AllocationIn,
    AllocationOut,
    FundIn,
    FundKind,
    FundOut,
    FundPatch,
    PayoutIn,
    ReversalIn,
)
from services.budget.versioning import EDIT_RESPONSES, etag
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep
from shared.pagination import Page, PageDep

router = service_router(prefix="/v1/funds", tags=["funds"])
Reader = Annotated[Principal, Depends(require("budget:read"))]
Writer = Annotated[Principal, Depends(require("budget:write"))]


def _tag(response: Response, fund: FundOut) -> FundOut:
    response.headers["ETag"] = etag("fund", fund.id, fund.version)
    return fund


@router.post("", status_code=status.HTTP_201_CREATED, response_model=FundOut)
async def create_fund(
    payload: FundIn, session: SessionDep, principal: Writer, response: Response
) -> FundOut:
    """Create an earmarked fund (improvement projects, prize money, a state grant)."""
    fund = await service.create_fund(session, payload, principal=principal)
    response.headers["Location"] = f"/v1/funds/{fund.id}"
    return _tag(response, fund)


@router.get("", response_model=Page[FundOut])
async def list_funds(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    kind: FundKind | None = None,
    municipality_code: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
) -> Page[FundOut]:
    """Funds visible to this key with what is allocated, paid and remaining."""
    return await service.list_funds(
        session,
        principal=principal,
        municipality_code=municipality_code,
        year=year,
        kind=kind,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{fund_id}", response_model=FundOut)
async def get_fund(
    fund_id: uuid.UUID, session: SessionDep, principal: Reader, response: Response
) -> FundOut:
    """One fund: amount, allocated (paid included, reversed excluded), paid, remaining."""
    return _tag(response, await service.get_fund(session, fund_id, principal=principal))


@router.patch("/{fund_id}", response_model=FundOut, responses=EDIT_RESPONSES)
async def update_fund(
    fund_id: uuid.UUID,
    payload: FundPatch,
    session: SessionDep,
    principal: Writer,
    response: Response,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> FundOut:
    """Change title, amount or source; requires If-Match (428 without, 412 when stale)."""
    fund = await service.update_fund(
        session, fund_id, payload, principal=principal, if_match=if_match
    )
    return _tag(response, fund)


@router.post(
    "/{fund_id}/allocations",
    status_code=status.HTTP_201_CREATED,
    response_model=AllocationOut,
    responses={
        200: {
            "model": AllocationOut,
            "description": "The same reference was allocated before; that one",
        }
    },
)
async def create_allocation(
    fund_id: uuid.UUID,
    payload: AllocationIn,
    session: SessionDep,
    principal: Writer,
    response: Response,
) -> AllocationOut:
    """Draw from a fund: 201 when created, 200 with the first allocation when the same request
    (reference, amount, unit, purpose) was sent before, 422 `idempotency_key_reused` when the
    reference was used with another request, 409 (stating remaining and requested) when the
    fund cannot cover it."""
    allocation, created = await service.allocate(session, fund_id, payload, principal=principal)
    if not created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/v1/funds/{fund_id}/allocations/{allocation.id}"
    return allocation


@router.get("/{fund_id}/allocations", response_model=Page[AllocationOut])
async def list_allocations(
    fund_id: uuid.UUID, session: SessionDep, principal: Reader, page: PageDep
) -> Page[AllocationOut]:
    """A fund's allocations, oldest first, in every state."""
    return await service.list_allocations(
        session, fund_id, principal=principal, limit=page.limit, offset=page.offset
    )


@router.get("/{fund_id}/allocations/{allocation_id}", response_model=AllocationOut)
async def get_allocation(
    fund_id: uuid.UUID, allocation_id: uuid.UUID, session: SessionDep, principal: Reader
) -> AllocationOut:
    """One allocation and its state."""
    return await service.get_allocation(session, fund_id, allocation_id, principal=principal)


@router.post("/{fund_id}/allocations/{allocation_id}/payout", response_model=AllocationOut)
async def create_payout(
    fund_id: uuid.UUID,
    allocation_id: uuid.UUID,
    payload: PayoutIn,
    session: SessionDep,
    principal: Writer,
) -> AllocationOut:
    """Mark an allocation paid out (idempotent); a reversed one cannot be paid (409)."""
    return await service.pay_out(session, fund_id, allocation_id, payload, principal=principal)


@router.post("/{fund_id}/allocations/{allocation_id}/reversal", response_model=AllocationOut)
async def create_reversal(
    fund_id: uuid.UUID,
    allocation_id: uuid.UUID,
    payload: ReversalIn,
    session: SessionDep,
    principal: Writer,
) -> AllocationOut:
    """Reverse an allocation (idempotent): its amount returns to the fund's remaining."""
    return await service.reverse(session, fund_id, allocation_id, payload, principal=principal)
