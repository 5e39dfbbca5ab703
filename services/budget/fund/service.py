"""Earmarked funds: allocations never exceed the amount, even under concurrent requests.

Each allocation locks its fund row (SELECT … FOR UPDATE) before it sums what is allocated,
so two requests racing for the last krona are serialised by PostgreSQL: the second sees the
first and is refused. `reference` makes a retry return the first allocation unchanged; the
same reference with another amount, unit or purpose is refused (shared.idempotency).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession

from services.budget.amounts import ore
from services.budget.audit.service import record
from services.budget.fund import repository
from services.budget.fund.schemas import (
    AllocationIn,
    AllocationOut,
    FundIn,
    FundOut,
    FundPatch,
    PayoutIn,
    ReversalIn,
)
from services.budget.tenancy import list_scope
from services.budget.versioning import check_if_match
from shared.auth import Principal
from shared.errors import Conflict, FieldError, NotFound
from shared.i18n import message
from shared.idempotency import refuse_reuse, request_digest
from shared.models import Fund, FundAllocation
from shared.money import MoneyUnit, from_ore
from shared.pagination import Page


def fund_out(fund: Fund, allocated: int, paid: int) -> FundOut:
    unit = cast(MoneyUnit, fund.display_unit)
    return FundOut(
        id=fund.id,
        municipality_code=fund.municipality_code,
        code=fund.code,
        title=fund.title,
        year=fund.year,
        kind=fund.kind,
        unit=unit,
        amount=from_ore(fund.amount_ore, unit),
        allocated=from_ore(allocated, unit),
        paid=from_ore(paid, unit),
        remaining=from_ore(max(fund.amount_ore - allocated, 0), unit),
        version=fund.version,
        source=fund.source,
    )


def allocation_out(allocation: FundAllocation) -> AllocationOut:
    unit = cast(MoneyUnit, allocation.display_unit)
    return AllocationOut(
        id=allocation.id,
        fund_id=allocation.fund_id,
        amount=from_ore(allocation.amount_ore, unit),
        unit=unit,
        purpose=allocation.purpose,
        reference=allocation.reference,
        state=allocation.state,
        created_at=allocation.created_at,
        paid_at=allocation.paid_at,
        reversed_at=allocation.reversed_at,
        reversal_reason=allocation.reversal_reason,
    )


async def _out(session: AsyncSession, fund: Fund) -> FundOut:
    allocated, paid = (await repository.totals(session, [fund.id])).get(fund.id, (0, 0))
    return fund_out(fund, allocated, paid)


async def _visible(
    session: AsyncSession, fund_id: uuid.UUID, principal: Principal, *, lock: bool = False
) -> Fund:
    fund = await repository.get(session, fund_id, lock=lock)
    if fund is None or not principal.can_see(fund.municipality_code):
        raise NotFound(message("problem.budget.no_fund", fund_id=fund_id))
    return fund


async def create_fund(session: AsyncSession, payload: FundIn, *, principal: Principal) -> FundOut:
    municipality = principal.tenant(payload.municipality_code)
    amount = ore(payload.amount, payload.unit, ["body", "amount"])
    if await repository.find(session, municipality, payload.code, payload.year) is not None:
        raise Conflict(
            message(
                "problem.budget.fund_already_exists",
                code=repr(payload.code),
                year=payload.year,
                municipality=municipality,
            ),
            errors=[
                FieldError(
                    loc=["body", "code"],
                    field="code",
                    value=payload.code,
                    message=message("problem.budget.already_used_year"),
                    code="duplicate",
                )
            ],
        )
    fund = Fund(
        id=uuid.uuid4(),
        municipality_code=municipality,
        code=payload.code,
        title=payload.title,
        year=payload.year,
        kind=payload.kind,
        amount_ore=amount,
        display_unit=payload.unit,
        source=payload.source,
        version=1,
    )
    await repository.add(session, fund)
    out = fund_out(fund, 0, 0)
    await record(
        session,
        principal=principal,
        municipality_code=municipality,
        entity="fund",
        entity_id=fund.id,
        action="create",
        before=None,
        after=out,
    )
    return out


async def get_fund(session: AsyncSession, fund_id: uuid.UUID, *, principal: Principal) -> FundOut:
    return await _out(session, await _visible(session, fund_id, principal))


async def list_funds(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    year: int | None,
    kind: str | None,
    limit: int,
    offset: int,
) -> Page[FundOut]:
    scope = list_scope(principal, municipality_code)
    funds, total = await repository.list_funds(
        session, scope, year=year, kind=kind, limit=limit, offset=offset
    )
    sums = await repository.totals(session, [f.id for f in funds])
    return Page[FundOut](
        items=[fund_out(f, *sums.get(f.id, (0, 0))) for f in funds],
        total=total,
        limit=limit,
        offset=offset,
    )


async def update_fund(
    session: AsyncSession,
    fund_id: uuid.UUID,
    payload: FundPatch,
    *,
    principal: Principal,
    if_match: str | None,
) -> FundOut:
    fund = await _visible(session, fund_id, principal, lock=True)
    check_if_match(if_match, entity="fund", entity_id=fund.id, version=fund.version)
    before = await _out(session, fund)
    unit = payload.unit or cast(MoneyUnit, fund.display_unit)
    if payload.amount is not None:
        amount = ore(payload.amount, unit, ["body", "amount"])
        allocated, _paid = (await repository.totals(session, [fund.id])).get(fund.id, (0, 0))
        if amount < allocated:
            raise Conflict(
                message(
                    "problem.budget.fund_lowered_already_allocated",
                    amount=payload.amount,
                    unit=unit,
                    allocated=from_ore(allocated, unit),
                ),
                extra={
                    "allocated": str(from_ore(allocated, unit)),
                    "requested": str(payload.amount),
                    "unit": unit,
                },
            )
        fund.amount_ore = amount
    if payload.unit is not None:
        fund.display_unit = payload.unit
    if payload.title is not None:
        fund.title = payload.title
    if "source" in payload.model_fields_set:
        fund.source = payload.source
    fund.version += 1
    await session.flush()
    after = await _out(session, fund)
    await record(
        session,
        principal=principal,
        municipality_code=fund.municipality_code,
        entity="fund",
        entity_id=fund.id,
        action="update",
        before=before,
        after=after,
    )
    return after


def _allocation_digest(amount_ore: int, unit: str, purpose: str) -> str:
    return request_digest({"amount_ore": amount_ore, "unit": unit, "purpose": purpose})


async def allocate(
    session: AsyncSession, fund_id: uuid.UUID, payload: AllocationIn, *, principal: Principal
) -> tuple[AllocationOut, bool]:
    """Returns the allocation and whether it was created now (False: the same reference was
    allocated before and that first allocation is returned unchanged)."""
    fund = await _visible(session, fund_id, principal, lock=True)
    amount = ore(payload.amount, payload.unit, ["body", "amount"])
    existing = await repository.allocation_by_reference(session, fund.id, payload.reference)
    if existing is not None:
        # The stored allocation is the whole first request, so its digest is recomputed.
        refuse_reuse(
            first=_allocation_digest(existing.amount_ore, existing.display_unit, existing.purpose),
            this=_allocation_digest(amount, payload.unit, payload.purpose),
            loc=["body", "reference"],
            key=payload.reference,
        )
        return allocation_out(existing), False
    allocated, _paid = (await repository.totals(session, [fund.id])).get(fund.id, (0, 0))
    remaining = max(fund.amount_ore - allocated, 0)
    if amount > remaining:
        unit = payload.unit
        raise Conflict(
            message(
                "problem.budget.fund_cover_remains",
                title=repr(fund.title),
                year=fund.year,
                amount=payload.amount,
                unit=unit,
                remaining=from_ore(remaining, unit),
            ),
            errors=[
                FieldError(
                    loc=["body", "amount"],
                    field="amount",
                    value=str(payload.amount),
                    message=message(
                        "problem.budget.exceeds_remaining",
                        remaining=from_ore(remaining, unit),
                        unit=unit,
                    ),
                    code="fund_exhausted",
                )
            ],
            extra={
                "fund_id": str(fund.id),
                "remaining": str(from_ore(remaining, unit)),
                "requested": str(from_ore(amount, unit)),
                "unit": unit,
            },
        )
    allocation = FundAllocation(
        id=uuid.uuid4(),
        fund_id=fund.id,
        amount_ore=amount,
        display_unit=payload.unit,
        purpose=payload.purpose,
        reference=payload.reference,
        state="allocated",
        created_by=principal.key_id,
    )
    await repository.add(session, allocation)
    fund.version += 1
    await session.flush()
    out = allocation_out(allocation)
    await record(
        session,
        principal=principal,
        municipality_code=fund.municipality_code,
        entity="allocation",
        entity_id=allocation.id,
        action="allocate",
        before=None,
        after=out,
    )
    return out, True


async def get_allocation(
    session: AsyncSession, fund_id: uuid.UUID, allocation_id: uuid.UUID, *, principal: Principal
) -> AllocationOut:
    fund = await _visible(session, fund_id, principal)
    allocation = await repository.allocation(session, fund.id, allocation_id)
    if allocation is None:
        raise NotFound(
            message(
                "problem.budget.no_allocation_fund", allocation_id=allocation_id, fund_id=fund_id
            )
        )
    return allocation_out(allocation)


async def list_allocations(
    session: AsyncSession, fund_id: uuid.UUID, *, principal: Principal, limit: int, offset: int
) -> Page[AllocationOut]:
    fund = await _visible(session, fund_id, principal)
    rows, total = await repository.allocations(session, fund.id, limit=limit, offset=offset)
    return Page[AllocationOut](
        items=[allocation_out(a) for a in rows], total=total, limit=limit, offset=offset
    )


async def _transition(
    session: AsyncSession,
    fund_id: uuid.UUID,
    allocation_id: uuid.UUID,
    *,
    principal: Principal,
    to: str,
    reason: str | None,
) -> AllocationOut:
    fund = await _visible(session, fund_id, principal, lock=True)
    allocation = await repository.allocation(session, fund.id, allocation_id)
    if allocation is None:
        raise NotFound(
            message(
                "problem.budget.no_allocation_fund", allocation_id=allocation_id, fund_id=fund_id
            )
        )
    if allocation.state == to:
        return allocation_out(allocation)  # a retry changes nothing
    if allocation.state == "reversed":
        raise Conflict(
            message("problem.budget.allocation_reversed", allocation_id=allocation_id, to=to)
        )
    before = allocation_out(allocation)
    now = datetime.now(UTC)
    allocation.state = to
    if to == "paid":
        allocation.paid_at = now
    else:
        allocation.reversed_at = now
        allocation.reversal_reason = reason
    fund.version += 1
    await session.flush()
    after = allocation_out(allocation)
    await record(
        session,
        principal=principal,
        municipality_code=fund.municipality_code,
        entity="allocation",
        entity_id=allocation.id,
        action="payout" if to == "paid" else "reversal",
        before=before,
        after=after,
    )
    return after


async def pay_out(
    session: AsyncSession,
    fund_id: uuid.UUID,
    allocation_id: uuid.UUID,
    payload: PayoutIn,
    *,
    principal: Principal,
) -> AllocationOut:
    """Mark an allocation as paid out; paying twice changes nothing."""
    return await _transition(
        session, fund_id, allocation_id, principal=principal, to="paid", reason=payload.note
    )


async def reverse(
    session: AsyncSession,
    fund_id: uuid.UUID,
    allocation_id: uuid.UUID,
    payload: ReversalIn,
    *,
    principal: Principal,
) -> AllocationOut:
    """Give an allocation (paid or not) back to the fund; its amount is free again."""
    return await _transition(
        session, fund_id, allocation_id, principal=principal, to="reversed", reason=payload.reason
    )
