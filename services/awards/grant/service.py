"""Performance grants (prestationsersättning): thresholds per criterion, money per criterion."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.awards.audit.service import record
from services.awards.grant import repository
from services.awards.grant.schemas import (
    GrantCriterion,
    GrantCriterionResult,
    GrantEvaluationIn,
    GrantEvaluationOut,
    GrantRuleSetIn,
    GrantRuleSetOut,
    GrantYearComparison,
)
from shared.auth import Principal
from shared.clients.base import PeerError
from shared.clients.indicators import IndicatorsClient
from shared.errors import Conflict, FieldError, NotFound, Unprocessable
from shared.i18n import Message, message
from shared.models import GrantEvaluation, GrantRuleSet
from shared.money import from_ore, to_ore
from shared.pagination import Page, PageParams


def _rule_out(r: GrantRuleSet) -> GrantRuleSetOut:
    return GrantRuleSetOut.model_validate(
        {
            "id": r.id,
            "municipality_code": r.municipality_code,
            "code": r.code,
            "year": r.year,
            "title": r.title,
            "national_population": r.national_population,
            "criteria": r.criteria,
            "created_at": r.created_at,
        }
    )


async def create_rule_set(
    session: AsyncSession, payload: GrantRuleSetIn, *, principal: Principal
) -> GrantRuleSetOut:
    # A national key without a municipality makes a national rule set; a municipal key's
    # rule set is its own municipality's.
    municipality = (
        None
        if principal.is_national and payload.municipality_code is None
        else principal.tenant(payload.municipality_code)
    )
    if await repository.find(
        session, code=payload.code, year=payload.year, municipality_code=municipality
    ):
        raise Conflict(
            message("problem.awards.rule_set_already_exists", code=payload.code, year=payload.year)
        )
    rule_set = GrantRuleSet(
        id=uuid.uuid4(),
        municipality_code=municipality,
        code=payload.code,
        year=payload.year,
        title=payload.title,
        national_population=payload.national_population,
        criteria=[c.model_dump(mode="json") for c in payload.criteria],
    )
    try:
        async with session.begin_nested():
            await repository.add(session, rule_set)
    except IntegrityError as exc:
        raise Conflict(
            message("problem.awards.rule_set_already_exists", code=payload.code, year=payload.year)
        ) from exc
    await record(
        session,
        principal=principal,
        municipality_code=municipality or "0000",
        entity="grant_rule_set",
        entity_id=rule_set.id,
        action="created",
        details={"code": payload.code, "year": payload.year},
    )
    return _rule_out(rule_set)


async def _load(
    session: AsyncSession, rule_set_id: uuid.UUID, principal: Principal
) -> GrantRuleSet:
    rule_set = await repository.get(session, rule_set_id)
    if rule_set is None or (
        rule_set.municipality_code is not None and not principal.can_see(rule_set.municipality_code)
    ):
        raise NotFound(message("problem.awards.no_grant_rule_set", rule_set_id=rule_set_id))
    return rule_set


async def get_rule_set(
    session: AsyncSession, rule_set_id: uuid.UUID, *, principal: Principal
) -> GrantRuleSetOut:
    return _rule_out(await _load(session, rule_set_id, principal))


async def list_rule_sets(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    year: int | None,
    page: PageParams,
) -> Page[GrantRuleSetOut]:
    municipalities = (
        principal.visible_municipalities
        if municipality_code is None
        else frozenset({principal.tenant(municipality_code)})
    )
    items, total = await repository.page(
        session,
        municipalities=municipalities,
        year=year,
        limit=page.limit,
        offset=page.offset,
    )
    return Page[GrantRuleSetOut](
        items=[_rule_out(r) for r in items], total=total, limit=page.limit, offset=page.offset
    )


def judge(
    criterion: GrantCriterion,
    value: Decimal | None,
    source: str,
    *,
    population: int | None,
    national_population: int | None,
) -> tuple[GrantCriterionResult, int]:
    """One criterion's outcome and its amount in öre (pure)."""
    if criterion.amount.kind == "fixed":
        full_ore = to_ore(criterion.amount.amount, criterion.amount.unit)
        share: str | Message = ""
    else:
        assert population is not None
        assert national_population is not None
        pot_ore = to_ore(criterion.amount.pot, criterion.amount.unit)
        full_ore = pot_ore * population // national_population  # rounded down to whole öre
        share = message("grant.share", population=population, national=national_population)
    unit = f" {criterion.value_unit}" if criterion.value_unit else ""
    target = message(f"grant.{criterion.comparator}", threshold=criterion.threshold, unit=unit)
    if value is None:
        margin, met = None, False
        explanation = message("grant.no_value", target=target)
    else:
        margin = (
            value - criterion.threshold
            if criterion.comparator == "at_least"
            else criterion.threshold - value
        )
        met = margin >= 0
        points = message("grant.points") if criterion.value_unit == "%" else criterion.value_unit
        explanation = message(
            "grant.met" if met else "grant.missed",
            target=target,
            margin=abs(margin),
            points=points,
            amount=from_ore(full_ore, "kr"),
            share=share,
        )
    amount_ore = full_ore if met else 0
    return (
        GrantCriterionResult(
            code=criterion.code,
            area=criterion.area,
            title=criterion.title,
            value=value,
            value_unit=criterion.value_unit,
            source=source,
            comparator=criterion.comparator,
            threshold=criterion.threshold,
            margin=margin,
            met=met,
            amount=from_ore(amount_ore, "kr"),
            unit="kr",
            **explanation.both("explanation"),
        ),
        amount_ore,
    )


def _comparison(before: GrantEvaluation, total_ore: int) -> dict[str, Any]:
    change = total_ore - before.total_ore
    then, now = from_ore(before.total_ore, "kr"), from_ore(total_ore, "kr")
    return GrantYearComparison(
        year=before.year,
        evaluation_id=before.id,
        total=then,
        change=from_ore(change, "kr"),
        unit="kr",
        **message(
            "grant.year_comparison",
            then=then,
            now=now,
            year=str(before.year),
            next_year=str(before.year + 1),
            change=from_ore(change, "kr"),
        ).both("explanation"),
    ).model_dump(mode="json")


def _evaluation_out(e: GrantEvaluation) -> GrantEvaluationOut:
    return GrantEvaluationOut.model_validate(
        {
            "id": e.id,
            "rule_set_id": e.rule_set_id,
            "municipality_code": e.municipality_code,
            "year": e.year,
            "total": from_ore(e.total_ore, "kr"),
            "unit": "kr",
            "created_at": e.created_at,
            **e.results,
        }
    )


async def evaluate(
    session: AsyncSession,
    rule_set_id: uuid.UUID,
    payload: GrantEvaluationIn,
    *,
    principal: Principal,
    indicators: IndicatorsClient,
) -> GrantEvaluationOut:
    rule_set = await _load(session, rule_set_id, principal)
    municipality = principal.tenant(payload.municipality_code or rule_set.municipality_code)
    criteria = [GrantCriterion.model_validate(c) for c in rule_set.criteria]
    errors: list[FieldError] = []
    unknown = sorted(set(payload.values) - {c.code for c in criteria})
    errors += [
        FieldError(
            loc=["body", "values", code],
            field=f"values.{code}",
            value=code,
            message=message("problem.awards.not_criterion_rule_set"),
            code="unknown_criterion",
        )
        for code in unknown
    ]
    if payload.population is None and any(c.amount.kind == "population_share" for c in criteria):
        errors.append(
            FieldError(
                loc=["body", "population"],
                field="population",
                message=message("problem.awards.rule_set_shares_pot_population"),
                code="required",
            )
        )
    if (
        payload.population is not None
        and rule_set.national_population is not None
        and payload.population > rule_set.national_population
    ):
        errors.append(
            FieldError(
                loc=["body", "population"],
                field="population",
                value=payload.population,
                message=message(
                    "problem.awards.more_than_national_population",
                    national_population=rule_set.national_population,
                ),
                code="out_of_range",
            )
        )
    if errors:
        raise Unprocessable(message("problem.awards.grant_evaluation_made_asked"), errors=errors)
    results: list[GrantCriterionResult] = []
    inputs: dict[str, Any] = {}
    total = 0
    for c in criteria:
        value: Decimal | None = None
        source = "no value"
        if c.code in payload.values:
            value, source = payload.values[c.code], "supplied"
        elif c.indicator_code:
            try:
                data = await indicators.indicator_values(
                    c.indicator_code,
                    token=principal.token,
                    municipality_code=municipality,
                    period=str(rule_set.year),
                    level="municipality",
                )
                found = next((v for v in data.values if v.gender == "T"), None)
                value = None if found is None else found.value
                source = f"indicators service: {c.indicator_code} ({data.period})"
            except PeerError as exc:
                if exc.status != 404:
                    raise
                source = f"indicator {c.indicator_code} not available"
        inputs[c.code] = {"value": None if value is None else str(value), "source": source}
        result, amount_ore = judge(
            c,
            value,
            source,
            population=payload.population,
            national_population=rule_set.national_population,
        )
        results.append(result)
        total += amount_ore
    before = await repository.latest_evaluation(
        session, code=rule_set.code, year=rule_set.year - 1, municipality_code=municipality
    )
    evaluation = GrantEvaluation(
        id=uuid.uuid4(),
        rule_set_id=rule_set.id,
        municipality_code=municipality,
        year=rule_set.year,
        total_ore=total,
        inputs={"values": inputs, "population": payload.population},
        results={
            "met": sum(1 for r in results if r.met),
            "criteria": [r.model_dump(mode="json") for r in results],
            "previous": None if before is None else _comparison(before, total),
        },
    )
    await repository.add(session, evaluation)
    await record(
        session,
        principal=principal,
        municipality_code=municipality,
        entity="grant_evaluation",
        entity_id=evaluation.id,
        action="evaluated",
        details={
            "rule_set": rule_set.code,
            "year": rule_set.year,
            "total": str(from_ore(total, "kr")),
        },
    )
    return _evaluation_out(evaluation)


async def get_evaluation(
    session: AsyncSession, evaluation_id: uuid.UUID, *, principal: Principal
) -> GrantEvaluationOut:
    evaluation = await repository.get_evaluation(session, evaluation_id)
    if evaluation is None or not principal.can_see(evaluation.municipality_code):
        raise NotFound(message("problem.awards.no_grant_evaluation", evaluation_id=evaluation_id))
    return _evaluation_out(evaluation)
