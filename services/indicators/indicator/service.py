"""Indicator definitions (versioned, with formulas) and their computed values."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal, cast

from sqlalchemy import true
from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.computation import engine
from services.indicators.computation import service as computation
from services.indicators.formula.parser import FormulaError, measures, parse
from services.indicators.indicator import repository
from services.indicators.indicator.schemas import (
    IndicatorDefinitionIn,
    IndicatorIn,
    IndicatorOut,
    IndicatorVersionIn,
)
from services.indicators.measure import repository as measure_repository
from shared import tenancy
from shared.auth import Principal
from shared.contracts.indicators import (
    Basis,
    Direction,
    Gender,
    IndicatorValue,
    IndicatorValues,
)
from shared.errors import (
    Conflict,
    FieldError,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    Unprocessable,
)
from shared.http_cache import version_matches
from shared.i18n import DEFAULT as DEFAULT_LANGUAGE
from shared.i18n import Language, message
from shared.models import Indicator
from shared.pagination import Page, PageParams

GenderChoice = Literal["T", "K", "M", "all"]


def to_out(indicator: Indicator) -> IndicatorOut:
    out = IndicatorOut.model_validate(indicator)
    try:
        out.measures = engine.definition_measures(computation.definition(indicator))
    except FormulaError:
        out.measures = []
    return out


def etag(indicator: Indicator) -> str:
    return f'"{indicator.code}.v{indicator.version}"'


async def _formulas(
    session: AsyncSession, payload: IndicatorDefinitionIn, *, owner: str | None
) -> tuple[str, str | None, list[str]]:
    """Parse and check the formulas; a bad one is a 422 naming the field and the position."""
    numerator = payload.numerator or payload.numerator_measure or ""
    denominator = payload.denominator or payload.denominator_measure
    errors: list[FieldError] = []
    used: list[str] = []
    for field, text in (("numerator", numerator), ("denominator", denominator)):
        if text is None:
            continue
        try:
            node = parse(text)
        except FormulaError as exc:
            errors.append(
                FieldError(
                    loc=["body", field],
                    field=field,
                    value=text,
                    message=exc.text,
                    code="formula_syntax",
                    position=exc.position,
                )
            )
            continue
        for code in measures(node):
            measure = await measure_repository.get(session, code)
            # A definition may only read measures its owner sees: national ones, shared ones
            # and the owner's own (a national indicator cannot use a private local measure).
            if measure is None or not (
                measure.municipality_code in (None, owner) or measure.shared
            ):
                errors.append(
                    FieldError(
                        loc=["body", field],
                        field=field,
                        value=code,
                        message=message("problem.indicators.unknown_measure", code=code),
                        code="unknown_measure",
                        position=text.find(code),
                    )
                )
            elif code not in used:
                used.append(code)
    if errors:
        raise Unprocessable(message("problem.indicators.formula_used"), errors=errors)
    return numerator, denominator, used


def _row(
    payload: IndicatorDefinitionIn,
    numerator: str,
    denominator: str | None,
    used: list[str],
    *,
    owner: str | None,
    shared: bool,
) -> dict[str, object]:
    data = payload.model_dump(
        exclude={"numerator", "denominator", "numerator_measure", "denominator_measure", "shared"}
    )
    data["threshold_gender_gap"] = data.pop("gender_gap_threshold")
    data.pop("code", None)
    data.update(
        numerator_formula=numerator,
        denominator_formula=denominator,
        numerator_measure=used[0] if used else None,
        denominator_measure=payload.denominator_measure
        or (denominator if denominator and denominator in used else None),
        municipality_code=owner,
        shared=shared,
    )
    return data


async def create_indicator(
    session: AsyncSession, payload: IndicatorIn, *, principal: Principal
) -> IndicatorOut:
    """An indicator owned by the caller's municipality (national for a national key)."""
    owner = tenancy.owner_for_new(principal)
    numerator, denominator, used = await _formulas(session, payload, owner=owner)
    # Codes are one namespace: a code taken by anyone (visible or not) is taken.
    if await repository.current(session, payload.code, visible=true()) is not None:
        raise Conflict(message("problem.indicators.indicator_already_exists", code=payload.code))
    row = _row(payload, numerator, denominator, used, owner=owner, shared=bool(payload.shared))
    indicator = Indicator(code=payload.code, version=1, **row)
    return to_out(await repository.add(session, indicator))


async def create_version(
    session: AsyncSession,
    code: str,
    payload: IndicatorVersionIn,
    *,
    principal: Principal,
    if_match: str | None,
) -> IndicatorOut:
    """A new version from `valid_from`; the current one ends the day before. If-Match needed.
    Only the indicator's owner may version it; for anyone else it is absent."""
    current = await repository.current(
        session, code, visible=tenancy.readable(principal, Indicator)
    )
    if current is None or not tenancy.may_write(principal, current.municipality_code):
        raise NotFound(message("problem.indicators.no_indicator_key_may_change", code=code))
    if if_match is None:
        raise PreconditionRequired(
            message(
                "problem.indicators.send_if_match_change_indicator",
                current=etag(current),
                code=code,
            )
        )
    if not version_matches(if_match, etag(current)):
        raise PreconditionFailed(
            message(
                "problem.indicators.indicator_changed_current_etag",
                code=code,
                current=etag(current),
            )
        )
    if payload.valid_from <= current.valid_from:
        raise Unprocessable(
            message("problem.indicators.new_version_start_after_current"),
            errors=[
                FieldError(
                    loc=["body", "valid_from"],
                    field="valid_from",
                    value=str(payload.valid_from),
                    message=message(
                        "problem.indicators.on_or_before", valid_from=current.valid_from
                    ),
                )
            ],
        )
    owner = current.municipality_code
    numerator, denominator, used = await _formulas(session, payload, owner=owner)
    current.valid_to = payload.valid_from - timedelta(days=1)
    shared = current.shared if payload.shared is None else payload.shared
    row = _row(payload, numerator, denominator, used, owner=owner, shared=shared)
    indicator = Indicator(code=code, version=current.version + 1, **row)
    return to_out(await repository.add(session, indicator))


async def get_indicator(session: AsyncSession, code: str, *, principal: Principal) -> IndicatorOut:
    indicator = await repository.current(
        session, code, visible=tenancy.readable(principal, Indicator)
    )
    if indicator is None:
        raise NotFound(message("problem.indicators.no_indicator", code=code))
    return to_out(indicator)


async def list_versions(
    session: AsyncSession, code: str, *, principal: Principal
) -> list[IndicatorOut]:
    versions = await repository.versions(
        session, code, visible=tenancy.readable(principal, Indicator)
    )
    if not versions:
        raise NotFound(message("problem.indicators.no_indicator", code=code))
    return [to_out(v) for v in versions]


async def list_indicators(
    session: AsyncSession,
    page: PageParams,
    *,
    principal: Principal,
    area: str | None = None,
    classification: str | None = None,
) -> Page[IndicatorOut]:
    items, total = await repository.list_current(
        session,
        limit=page.limit,
        offset=page.offset,
        visible=tenancy.readable(principal, Indicator),
        area=area,
        classification=classification,
    )
    return Page[IndicatorOut](
        items=[to_out(i) for i in items], total=total, limit=page.limit, offset=page.offset
    )


def visible_sources(principal: Principal, municipality: str) -> list[str] | None:
    """Kolada data is public; a municipality's local data only for its own (or national) keys."""
    return None if principal.can_see(municipality) else ["kolada"]


async def indicator_values(
    session: AsyncSession,
    code: str,
    *,
    principal: Principal,
    municipality_code: str | None,
    period: str,
    level: Literal["unit", "municipality"],
    gender: GenderChoice,
    language: Language = DEFAULT_LANGUAGE,
) -> IndicatorValues:
    """The indicator per unit (or for the municipality) for one period, by gender."""
    # Another tenant's values are absent: even empty data would show its data_version.
    municipality = principal.tenant(municipality_code)
    versions = await repository.versions(
        session, code, visible=tenancy.visible_to(principal.visible_municipalities, Indicator)
    )
    if not versions:
        raise NotFound(message("problem.indicators.no_indicator", code=code))
    p = computation.parse_period(period)
    sources = visible_sources(principal, municipality)
    genders: list[str] = ["T", "K", "M"] if gender == "all" else [gender]
    units = (
        (await computation.hierarchy(session, municipality, [p], None)).at(p)
        if sources is None
        else ()
    )
    result = await computation.compute(
        session,
        versions,
        municipality=municipality,
        periods=[p],
        genders=genders,
        levels=[level],
        units=units,
        sources=sources,
    )
    indicator = computation.version_for(versions, p.end)
    titles = {u.code: (u.title_en if language == "en" else None) or u.title for u in units}
    values = []
    for c in sorted(result.cells, key=lambda c: (c.code, "TKM".index(c.gender))):
        if not c.has_data:
            continue
        shown = not c.suppressed
        values.append(
            IndicatorValue(
                unit_code=c.code,
                unit_title=titles.get(c.code),
                period=c.period,
                gender=cast(Gender, c.gender),
                value=engine.quantize(c.value, indicator.decimals) if shown else None,
                numerator=c.numerator if shown else None,
                denominator=c.denominator if shown else None,
                n=c.n if shown else None,
                suppressed=c.suppressed,
                suppression=c.suppression,
                attribution="kolada" if c.attribution == "kolada" else "derived",
                source_note="Källa: Kolada" if c.attribution == "kolada" else None,
                basis=cast(Basis, c.basis),
                units=c.units if c.level != "unit" else None,
                unit_rollup=engine.unit_rollup(c, indicator.decimals),
            )
        )
    return IndicatorValues(
        indicator_code=indicator.code,
        indicator_version=indicator.version,
        title=(indicator.title_en if language == "en" else None) or indicator.title,
        unit=indicator.unit,
        direction=cast(Direction, indicator.direction),
        decimals=indicator.decimals,
        municipality_code=municipality,
        period=str(p),
        level=level,
        values=values,
    )
