"""Scorecards (vision → strategic goals → success factors → measures with targets), the
board's prioritised goals, and goal fulfilment per unit."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.computation import service as computation
from services.indicators.indicator import repository as indicator_repository
from services.indicators.scorecard import repository
from services.indicators.scorecard.schemas import (
    Arithmetic,
    FactorStatus,
    GoalStatus,
    MeasureStatus,
    PrioritisedGoalFields,
    PrioritisedGoalIn,
    PrioritisedGoalOut,
    ScorecardFields,
    ScorecardIn,
    ScorecardOut,
    ScorecardStatus,
)
from services.indicators.target import repository as target_repository
from services.indicators.target import service as target_service
from services.indicators.target.rules import Judgement
from services.indicators.target.schemas import TargetFields
from shared import tenancy
from shared.auth import Principal
from shared.contracts.indicators import GoalStatusSummary, UnitGoalStatus
from shared.errors import (
    Conflict,
    FieldError,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    Unprocessable,
    reason_of,
)
from shared.http_cache import version_matches
from shared.i18n import message
from shared.models import Indicator, PrioritisedGoal, Scorecard, Target
from shared.pagination import Page, PageParams


def etag(version_of: Scorecard | PrioritisedGoal) -> str:
    return f'"{version_of.id}.v{version_of.version}"'


def _precondition(obj: Scorecard | PrioritisedGoal, if_match: str | None) -> None:
    if if_match is None:
        raise PreconditionRequired(
            message("problem.indicators.send_if_match_change", etag=etag(obj))
        )
    if not version_matches(if_match, etag(obj)):
        raise PreconditionFailed(message("problem.indicators.changed_current_etag", etag=etag(obj)))


async def _targets(
    session: AsyncSession, municipality: str, payload: ScorecardFields
) -> list[tuple[tuple[int, int, int], TargetFields]]:
    """The targets the measures carry, validated together: one bad measure stores nothing."""
    found: list[tuple[tuple[int, int, int], TargetFields]] = []
    errors: list[FieldError] = []
    for gi, goal in enumerate(payload.goals):
        for fi, factor in enumerate(goal.factors):
            for mi, measure in enumerate(factor.measures):
                loc: list[str | int] = ["body", "goals", gi, "factors", fi, "measures", mi]
                if measure.target is None:
                    continue
                if measure.indicator_code is None:
                    errors.append(
                        FieldError(
                            loc=[*loc, "indicator_code"],
                            field="indicator_code",
                            message=message("problem.indicators.measure_target_needs_indicator"),
                        )
                    )
                    continue
                try:
                    spec = TargetFields(
                        indicator_code=measure.indicator_code,
                        label=measure.text,
                        **{
                            **measure.target.model_dump(),
                            "period": measure.target.period or str(payload.year),
                        },
                    )
                except ValueError as exc:
                    errors.append(
                        FieldError(loc=[*loc, "target"], field="target", message=reason_of(exc))
                    )
                    continue
                errors.extend(await target_service.check(session, municipality, spec, loc))
                found.append(((gi, fi, mi), spec))
    if errors:
        raise Unprocessable(message("problem.indicators.scorecard_stored"), errors=errors)
    return found


async def _store(
    session: AsyncSession, scorecard: Scorecard, payload: ScorecardFields
) -> Scorecard:
    specs = await _targets(session, scorecard.municipality_code, payload)
    goals = payload.model_dump(mode="json")["goals"]
    await target_repository.remove_for_scorecard(session, scorecard.id)
    decision = f"{payload.board}: {payload.title} ({payload.year})"
    for (gi, fi, mi), spec in specs:
        target = await target_repository.add(
            session,
            Target(
                municipality_code=scorecard.municipality_code,
                scorecard_id=scorecard.id,
                decision=decision,
                **spec.model_dump(exclude={"decision"}),
            ),
        )
        goals[gi]["factors"][fi]["measures"][mi]["target_id"] = str(target.id)
    scorecard.goals = goals
    await session.flush()
    return scorecard


async def create_scorecard(
    session: AsyncSession, payload: ScorecardIn, *, principal: Principal
) -> ScorecardOut:
    municipality = principal.tenant(payload.municipality_code)
    await _targets(session, municipality, payload)
    scorecard = await repository.add(
        session,
        Scorecard(
            municipality_code=municipality,
            board=payload.board,
            title=payload.title,
            title_en=payload.title_en,
            vision=payload.vision,
            year=payload.year,
            goals=[],
        ),
    )
    return ScorecardOut.model_validate(await _store(session, scorecard, payload))


async def _find(
    session: AsyncSession, scorecard_id: uuid.UUID, principal: Principal, municipality: str | None
) -> Scorecard:
    code = principal.tenant(municipality)
    scorecard = await repository.get(session, code, scorecard_id)
    if scorecard is None:
        raise NotFound(
            message("problem.indicators.no_scorecard", scorecard_id=scorecard_id, code=code)
        )
    return scorecard


async def get_scorecard(
    session: AsyncSession,
    scorecard_id: uuid.UUID,
    *,
    principal: Principal,
    municipality_code: str | None,
) -> ScorecardOut:
    return ScorecardOut.model_validate(
        await _find(session, scorecard_id, principal, municipality_code)
    )


async def update_scorecard(
    session: AsyncSession,
    scorecard_id: uuid.UUID,
    payload: ScorecardFields,
    *,
    principal: Principal,
    municipality_code: str | None,
    if_match: str | None,
) -> ScorecardOut:
    scorecard = await _find(session, scorecard_id, principal, municipality_code)
    _precondition(scorecard, if_match)
    scorecard.board, scorecard.title = payload.board, payload.title
    scorecard.title_en = payload.title_en
    scorecard.vision, scorecard.year = payload.vision, payload.year
    await _store(session, scorecard, payload)
    scorecard.version += 1
    scorecard.updated_at = datetime.now(UTC)
    await session.flush()
    return ScorecardOut.model_validate(scorecard)


async def list_scorecards(
    session: AsyncSession, *, principal: Principal, municipality_code: str | None, page: PageParams
) -> Page[ScorecardOut]:
    municipality = principal.tenant(municipality_code)
    items, total = await repository.list_scorecards(
        session, municipality, limit=page.limit, offset=page.offset
    )
    return Page[ScorecardOut](
        items=[ScorecardOut.model_validate(s) for s in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


def arithmetic(judgement: Judgement, gender: str = "T") -> Arithmetic:
    return Arithmetic(
        status=judgement.status,
        value=judgement.value,
        target=judgement.target,
        upper_value=judgement.upper,
        difference=judgement.difference,
        tolerance=judgement.tolerance,
        comparator=judgement.comparator,
        **judgement.message.both("explanation"),
        gender=gender,
    )


async def scorecard_status(
    session: AsyncSession,
    scorecard_id: uuid.UUID,
    *,
    principal: Principal,
    municipality_code: str | None,
    period: str | None,
) -> ScorecardStatus:
    """Every measure of the scorecard judged against its target for the whole municipality
    (women and men separately where the measure is followed up by gender)."""
    scorecard = await _find(session, scorecard_id, principal, municipality_code)
    p = computation.parse_period(period or str(scorecard.year))
    targets = {
        t.id: t
        for t in await target_repository.for_municipality(session, scorecard.municipality_code)
    }
    codes = sorted(
        {
            m["indicator_code"]
            for g in scorecard.goals
            for f in g["factors"]
            for m in f["measures"]
            if m.get("indicator_code")
        }
    )
    versions = await indicator_repository.versions_of(
        session, codes, visible=tenancy.visible_to([scorecard.municipality_code], Indicator)
    )
    units = await computation.hierarchy(session, scorecard.municipality_code, [p], None)
    cells = {}
    for code, vs in versions.items():
        computed = await computation.compute(
            session,
            vs,
            municipality=scorecard.municipality_code,
            periods=[p],
            genders=["T", "K", "M"],
            levels=["municipality"],
            units=units,
        )
        for c in computed.cells:
            cells[(code, c.gender)] = c
    counts = {"met": 0, "partly_met": 0, "not_met": 0, "no_data": 0}
    goals = []
    for g in scorecard.goals:
        factors = []
        for f in g["factors"]:
            measures = []
            for m in f["measures"]:
                code = m.get("indicator_code")
                target = targets.get(uuid.UUID(m["target_id"])) if m.get("target_id") else None
                statuses = []
                unit = None
                if code and target is not None and code in versions:
                    indicator = computation.version_for(versions[code], p.end)
                    unit = indicator.unit
                    for gender in ["T", "K", "M"] if m.get("by_gender") else [target.gender]:
                        judgement = target_service.judge_cell(
                            cells.get((code, gender)), target, indicator
                        )
                        statuses.append(arithmetic(judgement, gender))
                        if gender == target.gender:
                            counts[judgement.status] += 1
                measures.append(
                    MeasureStatus(text=m["text"], indicator_code=code, unit=unit, statuses=statuses)
                )
            factors.append(
                FactorStatus(title=f["title"], title_en=f.get("title_en"), measures=measures)
            )
        goals.append(
            GoalStatus(
                perspective=g["perspective"],
                title=g["title"],
                title_en=g.get("title_en"),
                factors=factors,
            )
        )
    return ScorecardStatus(
        scorecard_id=scorecard.id,
        municipality_code=scorecard.municipality_code,
        board=scorecard.board,
        title=scorecard.title,
        title_sv=scorecard.title,
        title_en=scorecard.title_en,
        vision=scorecard.vision,
        period=str(p),
        goals=goals,
        **counts,
    )


def fulfilment_share(met: int, partly: int, not_met: int) -> Decimal | None:
    judged = met + partly + not_met
    if judged == 0:
        return None
    share = (Decimal(met) + Decimal(partly) / 2) / judged * 100
    return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


async def goal_status_summary(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    period: str,
    as_of: date | None = None,
) -> GoalStatusSummary:
    """How each unit stands against the targets that apply to it (the awards service reads
    this): counts of met / partly met / not met / no data and the fulfilment share."""
    municipality = principal.tenant(municipality_code)
    p = computation.parse_period(period)
    units, judged = await target_service.unit_statuses(
        session, municipality=municipality, period=p, as_of=as_of
    )
    rows = []
    for unit in units:
        counts = {"met": 0, "partly_met": 0, "not_met": 0, "no_data": 0}
        for _target, judgement in judged.get(unit.code, []):
            counts[judgement.status] += 1
        rows.append(
            UnitGoalStatus(
                unit_code=unit.code,
                fulfilment_share=fulfilment_share(
                    counts["met"], counts["partly_met"], counts["not_met"]
                ),
                **counts,
            )
        )
    return GoalStatusSummary(municipality_code=municipality, period=str(p), units=rows)


async def create_goal(
    session: AsyncSession, payload: PrioritisedGoalIn, *, principal: Principal
) -> PrioritisedGoalOut:
    municipality = principal.tenant(payload.municipality_code)
    await _check_indicators(session, municipality, payload.indicator_codes)
    if await repository.find_goal(
        session, municipality, payload.board, payload.year, payload.number
    ):
        raise Conflict(
            message(
                "problem.indicators.already_prioritised_goal",
                board=payload.board,
                number=payload.number,
                year=payload.year,
            )
        )
    goal = PrioritisedGoal(
        municipality_code=municipality, **payload.model_dump(exclude={"municipality_code"})
    )
    return PrioritisedGoalOut.model_validate(await repository.add_goal(session, goal))


async def _check_indicators(session: AsyncSession, municipality: str, codes: list[str]) -> None:
    visible = tenancy.visible_to([municipality], Indicator)
    errors = [
        FieldError(
            loc=["body", "indicator_codes", i],
            field="indicator_codes",
            value=c,
            message=message("problem.indicators.unknown_indicator"),
        )
        for i, c in enumerate(codes)
        if await indicator_repository.current(session, c, visible=visible) is None
    ]
    if errors:
        raise Unprocessable(
            message("problem.indicators.goal_names_unknown_indicators"), errors=errors
        )


async def _find_goal(
    session: AsyncSession, goal_id: uuid.UUID, principal: Principal, municipality: str | None
) -> PrioritisedGoal:
    code = principal.tenant(municipality)
    goal = await repository.get_goal(session, code, goal_id)
    if goal is None:
        raise NotFound(
            message("problem.indicators.no_prioritised_goal", goal_id=goal_id, code=code)
        )
    return goal


async def get_goal(
    session: AsyncSession,
    goal_id: uuid.UUID,
    *,
    principal: Principal,
    municipality_code: str | None,
) -> PrioritisedGoalOut:
    return PrioritisedGoalOut.model_validate(
        await _find_goal(session, goal_id, principal, municipality_code)
    )


async def update_goal(
    session: AsyncSession,
    goal_id: uuid.UUID,
    payload: PrioritisedGoalFields,
    *,
    principal: Principal,
    municipality_code: str | None,
    if_match: str | None,
) -> PrioritisedGoalOut:
    goal = await _find_goal(session, goal_id, principal, municipality_code)
    _precondition(goal, if_match)
    await _check_indicators(session, goal.municipality_code, payload.indicator_codes)
    for key, value in payload.model_dump().items():
        setattr(goal, key, value)
    goal.version += 1
    await session.flush()
    return PrioritisedGoalOut.model_validate(goal)


async def list_goals(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    year: int | None,
    page: PageParams,
) -> Page[PrioritisedGoalOut]:
    municipality = principal.tenant(municipality_code)
    items, total = await repository.list_goals(
        session, municipality, year=year, limit=page.limit, offset=page.offset
    )
    return Page[PrioritisedGoalOut](
        items=[PrioritisedGoalOut.model_validate(g) for g in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
