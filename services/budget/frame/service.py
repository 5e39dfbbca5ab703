"""Budget frames: last year's frame + the ledger's entries = this year's frame, exactly."""

from __future__ import annotations

import uuid
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession

from services.budget.frame import repository
from services.budget.frame.schemas import FrameChangeOut, FrameIn, FrameOut
from shared.auth import Principal
from shared.errors import Conflict, FieldError, NotFound, Unprocessable
from shared.models import BudgetFrame, FrameChange
from shared.money import MoneyPrecisionError, MoneyUnit, from_ore, to_ore


def _ore(value: object, unit: MoneyUnit, loc: list[str | int]) -> int:
    try:
        return to_ore(value, unit)  # type: ignore[arg-type]
    except MoneyPrecisionError as exc:
        raise Unprocessable(
            str(exc),
            errors=[FieldError(loc=loc, field=str(loc[-1]), value=str(value), message=str(exc))],
        ) from exc


async def create_frame(
    session: AsyncSession, payload: FrameIn, *, principal: Principal
) -> FrameOut:
    municipality = principal.tenant(payload.municipality_code)
    unit = payload.unit
    previous = _ore(payload.previous_amount, unit, ["body", "previous_amount"])
    amount = _ore(payload.amount, unit, ["body", "amount"])
    entries = [
        _ore(c.amount, unit, ["body", "changes", i, "amount"])
        for i, c in enumerate(payload.changes)
    ]
    expected = previous + sum(entries)
    if expected != amount:
        difference = amount - expected
        raise Unprocessable(
            f"The ledger does not reconcile: previous frame {from_ore(previous, unit)} + changes "
            f"{from_ore(sum(entries), unit)} = {from_ore(expected, unit)} {unit}, but the frame is "
            f"{from_ore(amount, unit)} {unit}; difference {from_ore(difference, unit)} {unit}",
            errors=[
                FieldError(
                    loc=["body", "amount"],
                    field="amount",
                    value=str(payload.amount),
                    message=f"expected {from_ore(expected, unit)} {unit} (previous + sum of changes)",
                    code="ledger_does_not_reconcile",
                )
            ],
            extra={
                "previous_amount": str(from_ore(previous, unit)),
                "change_total": str(from_ore(sum(entries), unit)),
                "expected_amount": str(from_ore(expected, unit)),
                "amount": str(from_ore(amount, unit)),
                "difference": str(from_ore(difference, unit)),
                "unit": unit,
            },
        )
    if await repository.find(session, municipality, payload.board, payload.year) is not None:
        raise Conflict(f"A frame for {payload.board} {payload.year} already exists")
    frame = await repository.add(
        session,
        BudgetFrame(
            id=uuid.uuid4(),
            municipality_code=municipality,
            board=payload.board,
            year=payload.year,
            amount_ore=amount,
            previous_amount_ore=previous,
            display_unit=unit,
        ),
        [
            FrameChange(
                position=i,
                amount_ore=ore,
                category=c.category,
                reason=c.reason,
                decision_body=c.decision_body,
                decision_date=c.decision_date,
                decision_ref=c.decision_ref,
            )
            for i, (c, ore) in enumerate(zip(payload.changes, entries, strict=True))
        ],
    )
    return await _to_out(session, frame)


async def _to_out(session: AsyncSession, frame: BudgetFrame) -> FrameOut:
    unit = cast(MoneyUnit, frame.display_unit)
    changes = await repository.changes_of(session, frame.id)
    return FrameOut(
        id=frame.id,
        municipality_code=frame.municipality_code,
        board=frame.board,
        year=frame.year,
        unit=unit,
        previous_amount=from_ore(frame.previous_amount_ore, unit),
        amount=from_ore(frame.amount_ore, unit),
        change_total=from_ore(sum(c.amount_ore for c in changes), unit),
        changes=[
            FrameChangeOut(
                position=c.position,
                amount=from_ore(c.amount_ore, unit),
                category=c.category,
                reason=c.reason,
                decision_body=c.decision_body,
                decision_date=c.decision_date,
                decision_ref=c.decision_ref,
            )
            for c in changes
        ],
        version=frame.version,
        created_at=frame.created_at,
    )


async def get_frame(
    session: AsyncSession, frame_id: uuid.UUID, *, principal: Principal
) -> FrameOut:
    frame = await repository.get(session, frame_id)
    if frame is None or not principal.can_see(frame.municipality_code):
        raise NotFound(f"No frame {frame_id}")
    return await _to_out(session, frame)


async def list_frames(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    limit: int,
    offset: int,
) -> list[FrameOut]:
    scope = principal.municipality_code or municipality_code
    if scope is not None:
        principal.require_municipality(scope)
    frames = await repository.list_frames(session, scope, limit=limit, offset=offset)
    return [await _to_out(session, f) for f in frames]
