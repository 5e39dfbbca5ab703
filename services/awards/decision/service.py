"""The jury's decision on a run, its publication, and the prize money booked in the budget."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.awards.audit.service import record
from services.awards.decision import repository
from services.awards.decision.schemas import DecisionIn, DecisionOut, PayoutIn
from services.awards.run.service import load_run
from shared.auth import Principal
from shared.clients.base import PeerError
from shared.clients.budget import BudgetClient
from shared.contracts.budget import AllocationIn
from shared.errors import Conflict, FieldError, NotFound, Unprocessable
from shared.events import emit
from shared.i18n import Message, from_stored, message, text
from shared.models import AwardDecision, AwardRun
from shared.money import from_ore
from shared.pagination import Page, PageParams


def to_out(decision: AwardDecision, rank_one: str | None = None) -> DecisionOut:
    return DecisionOut(
        id=decision.id,
        run_id=decision.run_id,
        municipality_code=decision.municipality_code,
        winner_code=decision.winner_code,
        winner_title=decision.winner_title,
        winner_rank=decision.winner_rank,
        rank_one_code=rank_one,
        differs_from_rank_one=decision.differs_from_rank_one,
        reason=decision.reason,
        decided_by=decision.decided_by,
        decided_at=decision.decided_at,
        state="published" if decision.published_at else "decided",
        published_at=decision.published_at,
        prize_amount=from_ore(decision.prize_amount_ore, "kr"),
        unit="kr",
        fund_id=decision.fund_id,
        allocation_id=decision.allocation_id,
        booked_at=decision.booked_at,
    )


def _field_error(field: str, value: Any, reason: Message, code: str) -> FieldError:
    return FieldError(loc=["body", field], field=field, value=value, message=reason, code=code)


async def decide(
    session: AsyncSession, run_id: uuid.UUID, payload: DecisionIn, *, principal: Principal
) -> DecisionOut:
    run = await load_run(session, run_id, principal=principal)
    ranking: list[dict[str, Any]] = run.results.get("ranking", [])
    ineligible = {i["unit_code"]: i["reason"] for i in run.results.get("ineligible", [])}
    chosen = next((r for r in ranking if r["unit_code"] == payload.winner_code), None)
    if chosen is None:
        refusal = (
            message(
                "problem.awards.winner_not_eligible",
                winner=payload.winner_code,
                reason=from_stored(ineligible[payload.winner_code]),
            )
            if payload.winner_code in ineligible
            else message("problem.awards.winner_not_candidate", winner=payload.winner_code)
        )
        raise Unprocessable(
            refusal,
            errors=[_field_error("winner_code", payload.winner_code, refusal, "not_ranked")],
        )
    rank_one = ranking[0]["unit_code"] if ranking else None
    decision = await repository.insert_new(
        session,
        {
            "id": uuid.uuid4(),
            "run_id": run.id,
            "municipality_code": run.municipality_code,
            "winner_code": chosen["unit_code"],
            "winner_title": chosen.get("unit_title"),
            "winner_rank": chosen["rank"],
            "differs_from_rank_one": chosen["rank"] != 1,
            "reason": payload.reason,
            "decided_by": payload.decided_by or principal.name,
            "decided_by_key": principal.key_id,
            "prize_amount_ore": run.specification.get("prize_amount_ore", 0),
        },
    )
    if decision is None:
        raise Conflict(message("problem.awards.run_already_decision_decision_changed", id=run.id))
    await record(
        session,
        principal=principal,
        municipality_code=run.municipality_code,
        entity="decision",
        entity_id=decision.id,
        action="decided",
        details={
            "run_id": str(run.id),
            "winner": decision.winner_code,
            "winner_rank": decision.winner_rank,
            "rank_one": rank_one,
            "differs_from_rank_one": decision.differs_from_rank_one,
            "reason": decision.reason,
        },
    )
    return to_out(decision, rank_one)


async def _load(
    session: AsyncSession, decision_id: uuid.UUID, *, principal: Principal, lock: bool = False
) -> AwardDecision:
    decision = await (repository.get_for_update if lock else repository.get)(session, decision_id)
    if decision is None or not principal.can_see(decision.municipality_code):
        raise NotFound(message("problem.awards.no_decision", decision_id=decision_id))
    return decision


async def _rank_one(session: AsyncSession, decision: AwardDecision, principal: Principal) -> str:
    run = await load_run(session, decision.run_id, principal=principal)
    ranking = run.results.get("ranking", [])
    return str(ranking[0]["unit_code"]) if ranking else ""


async def get_decision(
    session: AsyncSession, decision_id: uuid.UUID, *, principal: Principal
) -> DecisionOut:
    decision = await _load(session, decision_id, principal=principal)
    return to_out(decision, await _rank_one(session, decision, principal))


async def get_run_decision(
    session: AsyncSession, run_id: uuid.UUID, *, principal: Principal
) -> DecisionOut:
    run = await load_run(session, run_id, principal=principal)
    decision = await repository.for_run(session, run.id)
    if decision is None:
        raise NotFound(message("problem.awards.run_decision_yet", run_id=run_id))
    ranking = run.results.get("ranking", [])
    return to_out(decision, ranking[0]["unit_code"] if ranking else None)


async def publish(
    session: AsyncSession, decision_id: uuid.UUID, *, principal: Principal
) -> DecisionOut:
    decision = await _load(session, decision_id, principal=principal, lock=True)
    if decision.published_at is not None:
        raise Conflict(
            message(
                "problem.awards.decision_was_published",
                decision_id=decision_id,
                published_at=decision.published_at,
            )
        )
    decision.published_at = datetime.now(UTC)
    await session.flush()
    await record(
        session,
        principal=principal,
        municipality_code=decision.municipality_code,
        entity="decision",
        entity_id=decision.id,
        action="published",
        details={"winner": decision.winner_code},
    )
    run = await session.get(AwardRun, decision.run_id)
    await emit(
        session,
        municipality_code=decision.municipality_code,
        type="award.decision_published",
        payload={
            "decision_id": str(decision.id),
            "prize": run.title if run is not None else "",
            "period": run.period if run is not None else "",
            "unit_codes": [decision.winner_code],
        },
    )
    return to_out(decision, await _rank_one(session, decision, principal))


async def pay_out(
    session: AsyncSession,
    decision_id: uuid.UUID,
    payload: PayoutIn,
    *,
    principal: Principal,
    budget: BudgetClient,
) -> DecisionOut:
    """Book the prize against a budget fund and mark it paid there (the fund's paid amount
    moves). Idempotent: the allocation's reference is the decision and marking it paid twice
    changes nothing, so a retry returns the first booking; a fund that cannot cover it is a
    409."""
    decision = await _load(session, decision_id, principal=principal, lock=True)
    if decision.published_at is None:
        raise Conflict(message("problem.awards.publish_decision_before_paying_out"))
    if decision.allocation_id is not None:
        if decision.fund_id != payload.fund_id:
            raise Conflict(
                message(
                    "problem.awards.prize_already_booked_against_fund", fund_id=decision.fund_id
                ),
                extra={"allocation_id": str(decision.allocation_id)},
            )
        await budget.pay_out(decision.fund_id, decision.allocation_id, token=principal.token)
        return to_out(decision, await _rank_one(session, decision, principal))
    if decision.prize_amount_ore <= 0:
        raise Unprocessable(message("problem.awards.prize_carries_money_book"))
    amount = from_ore(decision.prize_amount_ore, "kr")
    try:
        allocation = await budget.allocate(
            payload.fund_id,
            AllocationIn(
                amount=amount,
                unit="kr",
                purpose=text(
                    "allocation.prize", winner=decision.winner_title or decision.winner_code
                ),
                reference=f"award-decision:{decision.id}",
            ),
            token=principal.token,
        )
    except PeerError as exc:
        if exc.status == 409:
            raise Conflict(
                message(
                    "problem.awards.fund_cover_prize_kr",
                    fund_id=payload.fund_id,
                    amount=amount,
                    reason=exc.detail or message("problem.awards.refused_by_budget"),
                ),
                extra={"fund_id": str(payload.fund_id), "amount": str(amount), "unit": "kr"},
            ) from exc
        if exc.status == 404:
            raise Unprocessable(
                message("problem.awards.no_fund_budget_service", fund_id=payload.fund_id),
                errors=[
                    _field_error(
                        "fund_id",
                        str(payload.fund_id),
                        message("problem.awards.unknown_fund"),
                        "unknown_fund",
                    )
                ],
            ) from exc
        raise
    await budget.pay_out(payload.fund_id, allocation.id, token=principal.token)
    decision.fund_id = payload.fund_id
    decision.allocation_id = allocation.id
    decision.booked_at = datetime.now(UTC)
    await session.flush()
    await record(
        session,
        principal=principal,
        municipality_code=decision.municipality_code,
        entity="decision",
        entity_id=decision.id,
        action="paid_out",
        details={
            "fund_id": str(payload.fund_id),
            "allocation_id": str(allocation.id),
            "amount": str(amount),
            "unit": "kr",
        },
    )
    return to_out(decision, await _rank_one(session, decision, principal))


async def list_decisions(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    published_only: bool,
    page: PageParams,
) -> Page[DecisionOut]:
    municipality = principal.tenant(municipality_code)
    items, total = await repository.page(
        session,
        municipality_code=municipality,
        published_only=published_only,
        limit=page.limit,
        offset=page.offset,
    )
    return Page[DecisionOut](
        items=[to_out(d) for d in items], total=total, limit=page.limit, offset=page.offset
    )
