"""Budget frames: last year's frame + the ledger's entries = this year's frame, exactly.

When last year's frame is stored too, the ledger's previous amount must equal it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession

from services.budget.amounts import ore
from services.budget.audit.service import record
from services.budget.frame import repository
from services.budget.frame.schemas import FrameChangeOut, FrameIn, FrameOut, FrameUpdate
from services.budget.tenancy import list_scope
from services.budget.versioning import check_if_match
from shared.auth import Principal
from shared.errors import Conflict, FieldError, NotFound, Unprocessable
from shared.events import emit
from shared.i18n import Message, message
from shared.models import BudgetFrame, FrameChange
from shared.money import MoneyUnit, from_ore
from shared.pagination import Page

# Categories whose direction is known: a transfer out or an efficiency demand lowers the frame.
_SIGN_RULES: dict[str, tuple[Callable[[int], bool], Message]] = {
    "transfer_out": (lambda v: v < 0, message("budget.frame.lowers")),
    "efficiency_demand": (lambda v: v < 0, message("budget.frame.lowers")),
    "transfer_in": (lambda v: v > 0, message("budget.frame.raises")),
}


async def _checked(
    session: AsyncSession,
    payload: FrameIn | FrameUpdate,
    *,
    municipality: str,
    board: str,
    year: int,
) -> tuple[int, int, list[int]]:
    """(previous, amount, entries) in öre, or a 422 that states both sums and the difference."""
    unit = payload.unit
    previous = ore(payload.previous_amount, unit, ["body", "previous_amount"])
    amount = ore(payload.amount, unit, ["body", "amount"])
    entries = [
        ore(c.amount, unit, ["body", "changes", i, "amount"]) for i, c in enumerate(payload.changes)
    ]
    wrong_sign = [
        FieldError(
            loc=["body", "changes", i, "amount"],
            field="amount",
            row=i,
            value=str(c.amount),
            message=message(
                "problem.budget.sign_for_category",
                category=c.category,
                rule=_SIGN_RULES[c.category][1],
            ),
            code="wrong_sign_for_category",
        )
        for i, (c, entry) in enumerate(zip(payload.changes, entries, strict=True))
        if c.category in _SIGN_RULES and not _SIGN_RULES[c.category][0](entry)
    ]
    if wrong_sign:
        raise Unprocessable(
            message(
                "problem.budget.wrong_sign",
                count=len(wrong_sign),
                entries=message("problem.budget.entry_has")
                if len(wrong_sign) == 1
                else message("problem.budget.entries_have"),
            ),
            errors=wrong_sign,
        )
    expected = previous + sum(entries)
    if expected != amount:
        difference = amount - expected
        raise Unprocessable(
            message(
                "problem.budget.ledger_does_reconcile_previous_frame",
                previous=from_ore(previous, unit),
                entries=from_ore(sum(entries), unit),
                expected=from_ore(expected, unit),
                unit=unit,
                amount=from_ore(amount, unit),
                difference=from_ore(difference, unit),
            ),
            errors=[
                FieldError(
                    loc=["body", "amount"],
                    field="amount",
                    value=str(payload.amount),
                    message=message(
                        "problem.budget.expected_previous_sum_changes",
                        expected=from_ore(expected, unit),
                        unit=unit,
                    ),
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
    last_year = await repository.find(session, municipality, board, year - 1)
    if last_year is not None and last_year.amount_ore != previous:
        stored = from_ore(last_year.amount_ore, unit)
        raise Unprocessable(
            message(
                "problem.budget.ledger_starts_from_but_s",
                previous=from_ore(previous, unit),
                unit=unit,
                board=board,
                last_year=year - 1,
                stored=stored,
                difference=from_ore(previous - last_year.amount_ore, unit),
            ),
            errors=[
                FieldError(
                    loc=["body", "previous_amount"],
                    field="previous_amount",
                    value=str(payload.previous_amount),
                    message=message(
                        "problem.budget.equal_stored_frame",
                        last_year=year - 1,
                        stored=stored,
                        unit=unit,
                    ),
                    code="previous_frame_mismatch",
                )
            ],
            extra={
                "previous_amount": str(from_ore(previous, unit)),
                "stored_previous_frame": str(stored),
                "stored_previous_frame_id": str(last_year.id),
                "unit": unit,
            },
        )
    next_year = await repository.find(session, municipality, board, year + 1)
    if next_year is not None and next_year.previous_amount_ore != amount:
        starts = from_ore(next_year.previous_amount_ore, unit)
        raise Conflict(
            message(
                "problem.budget.s_stored_frame_starts_from",
                board=board,
                next_year=year + 1,
                starts=starts,
                unit=unit,
                year=year,
                amount=from_ore(amount, unit),
            ),
            errors=[
                FieldError(
                    loc=["body", "amount"],
                    field="amount",
                    value=str(payload.amount),
                    message=message(
                        "problem.budget.frame_starts_from",
                        next_year=year + 1,
                        starts=starts,
                        unit=unit,
                    ),
                    code="next_frame_mismatch",
                )
            ],
            extra={"next_frame_id": str(next_year.id), "next_frame_previous_amount": str(starts)},
        )
    return previous, amount, entries


def _changes(payload: FrameIn | FrameUpdate, entries: list[int]) -> list[FrameChange]:
    return [
        FrameChange(
            position=i,
            amount_ore=amount,
            category=c.category,
            reason=c.reason,
            decision_body=c.decision_body,
            decision_date=c.decision_date,
            decision_ref=c.decision_ref,
            counterpart_board=c.counterpart_board,
        )
        for i, (c, amount) in enumerate(zip(payload.changes, entries, strict=True))
    ]


async def create_frame(
    session: AsyncSession, payload: FrameIn, *, principal: Principal
) -> FrameOut:
    municipality = principal.tenant(payload.municipality_code)
    previous, amount, entries = await _checked(
        session, payload, municipality=municipality, board=payload.board, year=payload.year
    )
    if await repository.find(session, municipality, payload.board, payload.year) is not None:
        raise Conflict(
            message("problem.budget.frame_already_exists", board=payload.board, year=payload.year)
        )
    frame = await repository.add(
        session,
        BudgetFrame(
            id=uuid.uuid4(),
            municipality_code=municipality,
            board=payload.board,
            year=payload.year,
            amount_ore=amount,
            previous_amount_ore=previous,
            display_unit=payload.unit,
            version=1,
        ),
        _changes(payload, entries),
    )
    out = await _to_out(session, frame)
    await record(
        session,
        principal=principal,
        municipality_code=municipality,
        entity="frame",
        entity_id=frame.id,
        action="create",
        before=None,
        after=out,
    )
    await _frame_saved(session, out)
    return out


async def update_frame(
    session: AsyncSession,
    frame_id: uuid.UUID,
    payload: FrameUpdate,
    *,
    principal: Principal,
    if_match: str | None,
) -> FrameOut:
    """Replace a frame's amounts and ledger; the same reconciliation rules as on create."""
    frame = await repository.get(session, frame_id, lock=True)
    if frame is None or not principal.can_see(frame.municipality_code):
        raise NotFound(message("problem.budget.no_frame", frame_id=frame_id))
    check_if_match(if_match, entity="frame", entity_id=frame.id, version=frame.version)
    before = await _to_out(session, frame)
    previous, amount, entries = await _checked(
        session, payload, municipality=frame.municipality_code, board=frame.board, year=frame.year
    )
    frame.previous_amount_ore = previous
    frame.amount_ore = amount
    frame.display_unit = payload.unit
    frame.version += 1
    await repository.replace_changes(session, frame, _changes(payload, entries))
    after = await _to_out(session, frame)
    await record(
        session,
        principal=principal,
        municipality_code=frame.municipality_code,
        entity="frame",
        entity_id=frame.id,
        action="update",
        before=before,
        after=after,
    )
    await _frame_saved(session, after)
    return after


async def _frame_saved(session: AsyncSession, frame: FrameOut) -> None:
    """Tell subscribed systems (webhooks) that a frame was saved; sent after the commit."""
    await emit(
        session,
        municipality_code=frame.municipality_code,
        type="budget.frame_saved",
        payload={
            "frame_id": str(frame.id),
            "board": frame.board,
            "year": frame.year,
            "version": frame.version,
            "amount": str(frame.amount),
            "unit": frame.unit,
        },
    )


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
                counterpart_board=c.counterpart_board,
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
        raise NotFound(message("problem.budget.no_frame", frame_id=frame_id))
    return await _to_out(session, frame)


async def list_frames(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    board: str | None = None,
    year: int | None = None,
    limit: int,
    offset: int,
) -> Page[FrameOut]:
    scope = list_scope(principal, municipality_code)
    frames, total = await repository.list_frames(
        session, scope, board=board, year=year, limit=limit, offset=offset
    )
    return Page[FrameOut](
        items=[await _to_out(session, f) for f in frames], total=total, limit=limit, offset=offset
    )
