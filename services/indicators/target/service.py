"""Targets (målvärden): stored per municipality; which one applies to a cell; its status."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import get_args

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.computation import service as computation
from services.indicators.computation.engine import Cell, UnitRef, definition_measures, quantize
from services.indicators.indicator import repository as indicator_repository
from services.indicators.target import repository
from services.indicators.target.rules import SCOPE_RANK, Judgement, judge
from services.indicators.target.schemas import TargetFields, TargetIn, TargetOut
from services.indicators.unit import repository as unit_repository
from services.indicators.unit.schemas import Area, UnitType
from shared import tenancy
from shared.auth import Principal
from shared.cpu import run_cpu
from shared.errors import (
    FieldError,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    Unprocessable,
)
from shared.events import emit
from shared.http_cache import version_matches
from shared.i18n import message
from shared.models import Indicator, Observation, Target
from shared.pagination import Page, PageParams
from shared.periods import Period, PeriodError


def etag(target: Target) -> str:
    return f'"{target.id}.v{target.version}"'


async def check(
    session: AsyncSession, municipality: str, payload: TargetFields, loc: Sequence[str | int]
) -> list[FieldError]:
    """Every problem with a target's references, located (a rejected batch stores nothing)."""
    errors: list[FieldError] = []
    if (
        await indicator_repository.current(
            session, payload.indicator_code, visible=tenancy.visible_to([municipality], Indicator)
        )
        is None
    ):
        errors.append(
            FieldError(
                loc=[*loc, "indicator_code"],
                field="indicator_code",
                value=payload.indicator_code,
                message=message("problem.indicators.unknown_indicator"),
            )
        )
    if payload.period is not None:
        try:
            Period.parse(payload.period)
        except PeriodError as exc:
            errors.append(
                FieldError(
                    loc=[*loc, "period"], field="period", value=payload.period, message=exc.text
                )
            )
    allowed = {"area": get_args(Area), "unit_type": get_args(UnitType)}.get(payload.scope_type)
    if allowed is not None and payload.scope_value not in allowed:
        errors.append(
            FieldError(
                loc=[*loc, "scope_value"],
                field="scope_value",
                value=payload.scope_value,
                message=message(
                    "problem.indicators.unknown_scope_value",
                    scope_type=payload.scope_type,
                    allowed=", ".join(allowed),
                ),
            )
        )
    if payload.scope_type == "unit" and (
        await unit_repository.find(session, municipality, payload.scope_value) is None
    ):
        errors.append(
            FieldError(
                loc=[*loc, "scope_value"],
                field="scope_value",
                value=payload.scope_value,
                message=message(
                    "problem.indicators.no_scope_unit",
                    scope_value=payload.scope_value,
                    municipality=municipality,
                ),
            )
        )
    return errors


def _row(payload: TargetFields) -> dict[str, object]:
    data = payload.model_dump(exclude={"municipality_code"})
    if data["period"] is not None:
        data["period"] = str(Period.parse(data["period"]))
    return data


async def create_target(
    session: AsyncSession, payload: TargetIn, *, principal: Principal
) -> TargetOut:
    municipality = principal.tenant(payload.municipality_code)
    errors = await check(session, municipality, payload, ["body"])
    if errors:
        raise Unprocessable(message("problem.indicators.target_stored"), errors=errors)
    target = Target(municipality_code=municipality, **_row(payload))
    async with _announce(session, municipality, [_scope_of(target)]) as announce:
        await repository.add(session, target)
        announce.after(_scope_of(target))
    return TargetOut.model_validate(target)


async def _find(
    session: AsyncSession, target_id: uuid.UUID, principal: Principal, municipality_code: str | None
) -> Target:
    municipality = principal.tenant(municipality_code)
    target = await repository.get(session, municipality, target_id)
    if target is None:
        raise NotFound(
            message("problem.indicators.no_target", target_id=target_id, municipality=municipality)
        )
    return target


def _precondition(target: Target, if_match: str | None) -> None:
    if if_match is None:
        raise PreconditionRequired(
            message("problem.indicators.send_if_match_change_target", target=etag(target))
        )
    if not version_matches(if_match, etag(target)):
        raise PreconditionFailed(
            message("problem.indicators.target_changed_current_etag", target=etag(target))
        )


async def get_target(
    session: AsyncSession,
    target_id: uuid.UUID,
    *,
    principal: Principal,
    municipality_code: str | None,
) -> TargetOut:
    return TargetOut.model_validate(await _find(session, target_id, principal, municipality_code))


async def update_target(
    session: AsyncSession,
    target_id: uuid.UUID,
    payload: TargetFields,
    *,
    principal: Principal,
    municipality_code: str | None,
    if_match: str | None,
) -> TargetOut:
    target = await _find(session, target_id, principal, municipality_code)
    _precondition(target, if_match)
    errors = await check(session, target.municipality_code, payload, ["body"])
    if errors:
        raise Unprocessable(message("problem.indicators.target_stored"), errors=errors)
    async with _announce(session, target.municipality_code, [_scope_of(target)]) as announce:
        for key, value in _row(payload).items():
            setattr(target, key, value)
        target.version += 1
        target.updated_at = datetime.now(UTC)
        await session.flush()
        announce.after(_scope_of(target))
    return TargetOut.model_validate(target)


async def delete_target(
    session: AsyncSession,
    target_id: uuid.UUID,
    *,
    principal: Principal,
    municipality_code: str | None,
    if_match: str | None,
) -> None:
    target = await _find(session, target_id, principal, municipality_code)
    _precondition(target, if_match)
    async with _announce(session, target.municipality_code, [_scope_of(target)]):
        await repository.remove(session, target)


async def list_targets(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    indicator_code: str | None,
    page: PageParams,
) -> Page[TargetOut]:
    municipality = principal.tenant(municipality_code)
    items, total = await repository.list_targets(
        session, municipality, indicator_code=indicator_code, limit=page.limit, offset=page.offset
    )
    return Page[TargetOut](
        items=[TargetOut.model_validate(t) for t in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


def _period_rank(target: Target, period: Period) -> int:
    if target.period is None:
        return 1
    own = Period.parse(target.period)
    if own == period:
        return 3
    return 2 if own.contains(period) else 0


def applicable(
    targets: Sequence[Target],
    *,
    indicator_code: str,
    level: str,
    code: str,
    unit: UnitRef | None,
    period: Period,
    gender: str,
    indicator_area: str | None = None,
) -> Target | None:
    """The target that applies to one cell: the most specific scope (unit > unit type > area >
    municipality), then the most specific period (exact > containing year > standing), then the
    newest. Board-level targets apply to units unless the unit has its own — to the units of
    the indicator's area (an elderly-care target says nothing about a group home), or to every
    unit for an indicator of area 'overgripande'."""
    best: tuple[int, int, datetime] | None = None
    chosen: Target | None = None
    for t in targets:
        if t.indicator_code != indicator_code or t.gender != gender:
            continue
        if t.scope_type == "unit":
            ok = level == "unit" and t.scope_value == code
        elif t.scope_type == "unit_type":
            ok = level == "unit" and unit is not None and unit.unit_type == t.scope_value
        elif t.scope_type == "area":
            ok = (level == "area" and t.scope_value == code) or (
                level == "unit" and unit is not None and unit.area == t.scope_value
            )
        else:
            ok = (
                level != "unit"
                or indicator_area in (None, "overgripande")
                or (unit is not None and unit.area == indicator_area)
            )
        if not ok:
            continue
        prank = _period_rank(t, period)
        if prank == 0:
            continue
        key = (SCOPE_RANK[t.scope_type], prank, t.created_at)
        if best is None or key > best:
            best, chosen = key, t
    return chosen


async def unit_statuses(
    session: AsyncSession,
    *,
    municipality: str,
    period: Period,
    as_of: date | None = None,
) -> tuple[list[UnitRef], dict[str, list[tuple[Target, Judgement]]]]:
    """For every unit open in the period: each target that applies to it and its judgement."""
    units = await computation.hierarchy(session, municipality, [period], as_of)
    targets = await repository.for_municipality(session, municipality)
    wanted: dict[str, set[str]] = {}
    for t in targets:
        wanted.setdefault(t.indicator_code, set()).add(t.gender)
    versions = await indicator_repository.versions_of(
        session, sorted(wanted), visible=tenancy.visible_to([municipality], Indicator)
    )
    result: dict[str, list[tuple[Target, Judgement]]] = {u.code: [] for u in units}
    by_code = {u.code: u for u in units}
    for code, genders in sorted(wanted.items()):
        if code not in versions:
            continue
        computed = await computation.compute(
            session,
            versions[code],
            municipality=municipality,
            periods=[period],
            genders=sorted(genders),
            levels=["unit"],
            units=units,
        )
        indicator = computation.version_for(versions[code], period.end)
        cells = {(c.code, c.gender): c for c in computed.cells}
        for unit in units:
            for g in sorted(genders):
                target = applicable(
                    targets,
                    indicator_code=code,
                    level="unit",
                    code=unit.code,
                    unit=by_code[unit.code],
                    period=period,
                    gender=g,
                    indicator_area=indicator.area,
                )
                if target is None:
                    continue
                cell = cells.get((unit.code, g))
                result[unit.code].append((target, judge_cell(cell, target, indicator)))
    return units, result


def judge_cell(cell: Cell | None, target: Target, indicator: Indicator) -> Judgement:
    value = None if cell is None else quantize(cell.value, indicator.decimals)
    return judge(
        value,
        comparator=target.comparator,
        target=Decimal(target.value),
        upper=None if target.upper_value is None else Decimal(target.upper_value),
        tolerance=Decimal(target.tolerance),
        suppression=None if cell is None else cell.suppression,
        unit=indicator.unit,
    )


# --- target.status_changed -------------------------------------------------------------------
# Statuses are computed on read; a target's write is the one moment this service changes
# them, so it compares the statuses the write touches before and after it, in the same
# transaction, and records an event for each that differs. New data changes statuses too:
# ingest announces that with its own observation.values_changed event.

StatusKey = tuple[str, str, str, str]  # indicator, unit ('' = municipality), period, gender


@dataclass(frozen=True)
class _Scope:
    indicator_code: str
    period: str | None
    gender: str


def _scope_of(target: Target) -> _Scope:
    return _Scope(target.indicator_code, target.period, target.gender)


class _Announcer:
    def __init__(self, scopes: list[_Scope]) -> None:
        self.scopes = list(scopes)

    def after(self, scope: _Scope) -> None:
        if scope not in self.scopes:
            self.scopes.append(scope)


@asynccontextmanager
async def _announce(
    session: AsyncSession, municipality: str, scopes: list[_Scope]
) -> AsyncIterator[_Announcer]:
    """Statuses of the scopes before the block and after it; an event per change."""
    announcer = _Announcer(scopes)
    before = await statuses(session, municipality, scopes)
    yield announcer
    after = await statuses(session, municipality, announcer.scopes)
    # A scope added after the write was not judged before it: judge it as 'no target'.
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new or new is None:
            continue
        indicator_code, unit_code, period, gender = key
        await emit(
            session,
            municipality_code=municipality,
            type="target.status_changed",
            payload={
                "indicator_code": indicator_code,
                "unit_code": unit_code,
                "period": period,
                "gender": gender,
                "previous_status": old,
                "status": new,
            },
        )


async def _data_periods(
    session: AsyncSession, municipality: str, measures: list[str]
) -> list[Period]:
    """Periods with stored values for the measures, and the years containing them (a year's
    value may be rolled up from its tertials or months)."""
    rows = await session.execute(
        select(Observation.period)
        .where(
            Observation.municipality_code == municipality,
            Observation.measure_code.in_(measures),
            Observation.status != "deleted",
        )
        .distinct()
    )
    found: set[Period] = set()
    for (text,) in rows:
        try:
            p = Period.parse(text)
        except PeriodError:
            continue
        found.add(p)
        found.add(Period.parse(str(p.year)))
    return sorted(found)


async def statuses(
    session: AsyncSession, municipality: str, scopes: Sequence[_Scope]
) -> dict[StatusKey, str]:
    """The status of every unit (and the municipality) for the scopes' indicators, periods
    and genders, under the targets stored now; cells without an applicable target are left
    out."""
    out: dict[StatusKey, str] = {}
    by_indicator: dict[str, list[_Scope]] = {}
    for scope in scopes:
        by_indicator.setdefault(scope.indicator_code, []).append(scope)
    versions = await indicator_repository.versions_of(
        session, sorted(by_indicator), visible=tenancy.visible_to([municipality], Indicator)
    )
    for code, wanted in sorted(by_indicator.items()):
        if code not in versions:
            continue
        measures: set[str] = set()
        for v in versions[code]:
            measures.update(engine_measures(v))
        periods = await _data_periods(session, municipality, sorted(measures))
        if all(s.period is not None for s in wanted):
            named = [Period.parse(s.period) for s in wanted if s.period is not None]
            periods = [p for p in periods if any(n == p or n.contains(p) for n in named)]
        if not periods:
            continue
        genders = sorted({s.gender for s in wanted})
        targets = await repository.for_municipality(session, municipality, [code])
        if not targets:
            continue
        units = await computation.hierarchy(session, municipality, periods, None)
        by_code = {u.code: u for u in units}
        computed = await computation.compute(
            session,
            versions[code],
            municipality=municipality,
            periods=periods,
            genders=genders,
            levels=["unit", "municipality"],
            units=units,
        )
        shown = {str(p): p for p in periods}
        judged = await run_cpu(
            _judge_cells, code, computed.cells, targets, versions[code], shown, by_code
        )
        out.update(judged)
    return out


def _judge_cells(
    code: str,
    cells: Sequence[Cell],
    targets: Sequence[Target],
    versions: Sequence[Indicator],
    shown: dict[str, Period],
    units: dict[str, UnitRef],
) -> dict[StatusKey, str]:
    """Each cell's status under the target that applies to it (CPU work: a worker thread)."""
    out: dict[StatusKey, str] = {}
    for cell in cells:
        period = shown.get(cell.period)
        if period is None:
            continue
        indicator = computation.version_for(versions, period.end)
        target = applicable(
            targets,
            indicator_code=code,
            level=cell.level,
            code=cell.code,
            unit=units.get(cell.code) if cell.level == "unit" else None,
            period=period,
            gender=cell.gender,
            indicator_area=indicator.area,
        )
        if target is not None:
            out[(code, cell.code, cell.period, cell.gender)] = judge_cell(
                cell, target, indicator
            ).status
    return out


def engine_measures(indicator: Indicator) -> list[str]:
    return definition_measures(computation.definition(indicator))
