"""Local improvement projects: the registry, funding from the earmarked pot, measured effect."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.awards.audit.service import record
from services.awards.evaluation.engine import share_standard_error
from services.awards.project import repository
from services.awards.project.effect import pool
from services.awards.project.schemas import (
    AdoptionIn,
    FundingDecisionIn,
    FundingIn,
    FundingOut,
    IndicatorEffect,
    ProjectEffectOut,
    ProjectIn,
    ProjectOut,
    UnitEffect,
)
from shared.auth import Principal
from shared.clients.base import PeerError
from shared.clients.budget import BudgetClient
from shared.clients.indicators import IndicatorsClient
from shared.contracts.budget import AllocationIn
from shared.errors import Conflict, FieldError, NotFound, Unprocessable
from shared.i18n import DEFAULT, Language, message, text
from shared.models import ImprovementProject, ProjectFunding
from shared.money import from_ore, to_ore
from shared.pagination import Page, PageParams


def _funding_out(f: ProjectFunding) -> FundingOut:
    return FundingOut(
        id=f.id,
        project_id=f.project_id,
        purpose=f.purpose,
        requested=from_ore(f.requested_ore, "kr"),
        granted=None if f.granted_ore is None else from_ore(f.granted_ore, "kr"),
        unit="kr",
        state=f.state,
        fund_id=f.fund_id,
        allocation_id=f.allocation_id,
        decision_reason=f.decision_reason,
        decided_at=f.decided_at,
        created_at=f.created_at,
    )


def _out(p: ImprovementProject, funding: list[ProjectFunding]) -> ProjectOut:
    own = [f for f in funding if f.project_id == p.id]
    return ProjectOut(
        id=p.id,
        municipality_code=p.municipality_code,
        title=p.title,
        description=p.description,
        unit_codes=list(p.unit_codes),
        adopted_by=list(p.adopted_by),
        spread=len(p.adopted_by),
        target_indicators=list(p.target_indicators),
        started_on=p.started_on,
        ended_on=p.ended_on,
        granted_total=from_ore(sum(f.granted_ore or 0 for f in own if f.state == "granted"), "kr"),
        funding=[_funding_out(f) for f in own],
        created_at=p.created_at,
    )


async def _check_units(
    indicators: IndicatorsClient, principal: Principal, municipality: str, codes: dict[str, str]
) -> None:
    """codes: unit code → the body field it came from."""
    known = {
        u.code
        for u in await indicators.units(token=principal.token, municipality_code=municipality)
    }
    errors = [
        FieldError(
            loc=["body", field],
            field=field,
            value=code,
            message=message("problem.awards.no_unit", code=code, municipality=municipality),
            code="unknown_unit",
        )
        for code, field in codes.items()
        if code not in known
    ]
    if errors:
        raise Unprocessable(message("problem.awards.project_names_unknown_units"), errors=errors)


async def create_project(
    session: AsyncSession,
    payload: ProjectIn,
    *,
    principal: Principal,
    indicators: IndicatorsClient,
) -> ProjectOut:
    municipality = principal.tenant(payload.municipality_code)
    same = await repository.find_same_project(
        session,
        municipality_code=municipality,
        title=payload.title,
        started_on=payload.started_on,
    )
    if same is not None:
        raise Conflict(
            message(
                "problem.awards.project_starting_already_registered",
                title=payload.title,
                started_on=payload.started_on,
            ),
            extra={"project_id": str(same.id)},
        )
    await _check_units(
        indicators,
        principal,
        municipality,
        {code: f"unit_codes.{i}" for i, code in enumerate(payload.unit_codes)},
    )
    project = ImprovementProject(
        id=uuid.uuid4(),
        municipality_code=municipality,
        title=payload.title,
        description=payload.description,
        unit_codes=payload.unit_codes,
        adopted_by=[],
        target_indicators=payload.target_indicators,
        started_on=payload.started_on,
        ended_on=payload.ended_on,
    )
    await repository.add(session, project)
    await record(
        session,
        principal=principal,
        municipality_code=municipality,
        entity="project",
        entity_id=project.id,
        action="registered",
        details={"title": project.title, "units": payload.unit_codes},
    )
    return _out(project, [])


async def _load(
    session: AsyncSession, project_id: uuid.UUID, principal: Principal, *, lock: bool = False
) -> ImprovementProject:
    project = await repository.get(session, project_id, lock=lock)
    if project is None or not principal.can_see(project.municipality_code):
        raise NotFound(message("problem.awards.no_improvement_project", project_id=project_id))
    return project


async def get_project(
    session: AsyncSession, project_id: uuid.UUID, *, principal: Principal
) -> ProjectOut:
    project = await _load(session, project_id, principal)
    return _out(project, await repository.fundings(session, [project.id]))


async def list_projects(
    session: AsyncSession, *, principal: Principal, municipality_code: str | None, page: PageParams
) -> Page[ProjectOut]:
    municipality = principal.tenant(municipality_code)
    items, total = await repository.page(
        session, municipality_code=municipality, limit=page.limit, offset=page.offset
    )
    funding = await repository.fundings(session, [p.id for p in items])
    return Page[ProjectOut](
        items=[_out(p, funding) for p in items], total=total, limit=page.limit, offset=page.offset
    )


async def add_adoption(
    session: AsyncSession,
    project_id: uuid.UUID,
    payload: AdoptionIn,
    *,
    principal: Principal,
    indicators: IndicatorsClient,
) -> ProjectOut:
    """Another unit has taken up the work (spread). Adding the same unit twice is a no-op."""
    project = await _load(session, project_id, principal, lock=True)
    if payload.unit_code in project.unit_codes:
        raise Unprocessable(
            message(
                "problem.awards.runs_project_itself_spread_counts", unit_code=payload.unit_code
            ),
            errors=[
                FieldError(
                    loc=["body", "unit_code"],
                    field="unit_code",
                    value=payload.unit_code,
                    message=message("problem.awards.already_project_unit"),
                    code="own_unit",
                )
            ],
        )
    if payload.unit_code not in project.adopted_by:
        await _check_units(
            indicators, principal, project.municipality_code, {payload.unit_code: "unit_code"}
        )
        project.adopted_by = [*project.adopted_by, payload.unit_code]
        await session.flush()
        await record(
            session,
            principal=principal,
            municipality_code=project.municipality_code,
            entity="project",
            entity_id=project.id,
            action="adopted",
            details={"unit_code": payload.unit_code},
        )
    return _out(project, await repository.fundings(session, [project.id]))


async def apply_for_funding(
    session: AsyncSession, project_id: uuid.UUID, payload: FundingIn, *, principal: Principal
) -> FundingOut:
    project = await _load(session, project_id, principal)
    requested_ore = to_ore(payload.amount, payload.unit)
    pending = await repository.find_pending_application(
        session, project_id=project.id, purpose=payload.purpose, requested_ore=requested_ore
    )
    if pending is not None:  # a retry of the same application: never a second one
        return _funding_out(pending)
    funding = ProjectFunding(
        id=uuid.uuid4(),
        project_id=project.id,
        municipality_code=project.municipality_code,
        purpose=payload.purpose,
        requested_ore=requested_ore,
        state="requested",
    )
    await repository.add(session, funding)
    await record(
        session,
        principal=principal,
        municipality_code=project.municipality_code,
        entity="funding",
        entity_id=funding.id,
        action="applied",
        details={
            "project_id": str(project.id),
            "requested": str(payload.amount),
            "unit": payload.unit,
        },
    )
    return _funding_out(funding)


async def decide_funding(
    session: AsyncSession,
    project_id: uuid.UUID,
    funding_id: uuid.UUID,
    payload: FundingDecisionIn,
    *,
    principal: Principal,
    budget: BudgetClient,
) -> FundingOut:
    """Grant (drawing from the earmarked fund through the budget service, never beyond what
    is left) or reject an application. A decided application is not decided again."""
    project = await _load(session, project_id, principal)
    funding = await repository.funding_for_update(session, project.id, funding_id)
    if funding is None:
        raise NotFound(
            message(
                "problem.awards.no_funding_application_project",
                funding_id=funding_id,
                project_id=project_id,
            )
        )
    if funding.state != "requested":
        raise Conflict(message("problem.awards.application_was_already", state=funding.state))
    now = datetime.now(UTC)
    if payload.decision == "rejected":
        funding.state, funding.decision_reason, funding.decided_at = "rejected", payload.reason, now
    else:
        assert payload.fund_id is not None
        amount_ore = (
            funding.requested_ore
            if payload.amount is None
            else to_ore(payload.amount, payload.unit)
        )
        if amount_ore > funding.requested_ore:
            raise Unprocessable(
                message("problem.awards.grant_exceed_amount_applied"),
                errors=[
                    FieldError(
                        loc=["body", "amount"],
                        field="amount",
                        value=str(payload.amount),
                        message=message(
                            "problem.awards.more_than_kr_applied",
                            requested_ore=from_ore(funding.requested_ore, "kr"),
                        ),
                        code="above_request",
                    )
                ],
            )
        amount = from_ore(amount_ore, "kr")
        fund = await budget.get_fund(payload.fund_id, token=principal.token)
        remaining_ore = to_ore(fund.remaining, fund.unit)
        if amount_ore > remaining_ore:
            raise Conflict(
                message(
                    "problem.awards.fund_kr_left_kr_granted",
                    title=fund.title,
                    remaining_ore=from_ore(remaining_ore, "kr"),
                    amount=amount,
                ),
                extra={"remaining": str(from_ore(remaining_ore, "kr")), "unit": "kr"},
            )
        try:
            allocation = await budget.allocate(
                payload.fund_id,
                AllocationIn(
                    amount=amount,
                    unit="kr",
                    purpose=f"Förbättringsarbete: {project.title}"[:500],
                    reference=f"project-funding:{funding.id}",
                ),
                token=principal.token,
            )
        except PeerError as exc:
            if exc.status == 409:
                raise Conflict(
                    message(
                        "problem.awards.fund_cover_kr",
                        amount=amount,
                        reason=exc.detail or message("problem.awards.refused_by_budget"),
                    )
                ) from exc
            raise
        funding.state, funding.granted_ore = "granted", amount_ore
        funding.fund_id, funding.allocation_id = payload.fund_id, allocation.id
        funding.decision_reason, funding.decided_at = payload.reason, now
    await session.flush()
    await record(
        session,
        principal=principal,
        municipality_code=project.municipality_code,
        entity="funding",
        entity_id=funding.id,
        action=funding.state,
        details={
            "project_id": str(project.id),
            "granted": None
            if funding.granted_ore is None
            else str(from_ore(funding.granted_ore, "kr")),
            "allocation_id": None if funding.allocation_id is None else str(funding.allocation_id),
            "reason": payload.reason,
        },
    )
    return _funding_out(funding)


def _dec(x: float | Decimal | None, places: str = "0.01") -> Decimal | None:
    return None if x is None else Decimal(str(x)).quantize(Decimal(places))


async def project_effect(
    session: AsyncSession,
    project_id: uuid.UUID,
    *,
    principal: Principal,
    indicators: IndicatorsClient,
    before: str | None,
    after: str,
    language: Language = DEFAULT,
) -> ProjectEffectOut:
    """Before/after on each target indicator, pooled over the project's units, with n and,
    for survey shares, a binomial standard error and 95 % interval of the change; the notes
    in `language`."""
    project = await _load(session, project_id, principal)
    before_period = before or str(project.started_on.year - 1)
    effects: list[IndicatorEffect] = []
    units = set(project.unit_codes)
    for code in project.target_indicators:
        try:
            then = await indicators.indicator_values(
                code,
                token=principal.token,
                municipality_code=project.municipality_code,
                period=before_period,
            )
            now = await indicators.indicator_values(
                code,
                token=principal.token,
                municipality_code=project.municipality_code,
                period=after,
            )
        except PeerError as exc:
            if exc.status not in (404, 422):
                raise
            effects.append(
                IndicatorEffect(
                    indicator_code=code,
                    title=None,
                    direction=None,
                    before_period=before_period,
                    after_period=after,
                    before=None,
                    after=None,
                    n_before=None,
                    n_after=None,
                    change=None,
                    standard_error=None,
                    ci_low=None,
                    ci_high=None,
                    improved=None,
                    note=text("awards.effect.unavailable", language, detail=exc.detail)
                    if exc.detail
                    else text("awards.effect.unavailable_why_unknown", language),
                    units=[],
                )
            )
            continue
        b = pool([v for v in then.values if v.unit_code in units])
        a = pool([v for v in now.values if v.unit_code in units])
        per_unit = []
        by_unit_then = {v.unit_code: v for v in then.values}
        for v in sorted((v for v in now.values if v.unit_code in units), key=lambda v: v.unit_code):
            t = by_unit_then.get(v.unit_code)
            per_unit.append(
                UnitEffect(
                    unit_code=v.unit_code,
                    before=None if t is None else t.value,
                    after=v.value,
                    n_before=None if t is None else t.n,
                    n_after=v.n,
                    suppressed=v.suppressed or (t is not None and t.suppressed),
                )
            )
        change = se = low = high = None
        improved: bool | None = None
        note = None
        if a["value"] is not None and b["value"] is not None:
            change = float(a["value"]) - float(b["value"])
            if then.unit == "%" and a["n"] and b["n"]:
                se = float(
                    (
                        share_standard_error(float(a["value"]), a["n"]) ** 2
                        + share_standard_error(float(b["value"]), b["n"]) ** 2
                    )
                    ** 0.5
                )
                low, high = change - 1.96 * se, change + 1.96 * se
                sign = 1 if now.direction == "higher" else -1
                improved = (low > 0) if sign > 0 else (high < 0)
                note = text("awards.effect.pooled_share", language)
            else:
                note = text("awards.effect.no_counts", language)
        else:
            note = text("awards.effect.no_value", language)
        effects.append(
            IndicatorEffect(
                indicator_code=code,
                title=now.title,
                direction=now.direction,
                before_period=before_period,
                after_period=after,
                before=_dec(b["value"]),
                after=_dec(a["value"]),
                n_before=b["n"],
                n_after=a["n"],
                change=_dec(change),
                standard_error=_dec(se),
                ci_low=_dec(low),
                ci_high=_dec(high),
                improved=improved,
                note=note,
                units=per_unit,
            )
        )
    return ProjectEffectOut(
        project_id=project.id,
        spread=len(project.adopted_by),
        adopted_by=list(project.adopted_by),
        effects=effects,
    )
