"""Targets (målvärden): stored per municipality; which one applies to a cell; its status."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, get_args

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.computation import service as computation
from services.indicators.computation.engine import Cell, UnitRef, definition_measures
from services.indicators.indicator import repository as indicator_repository
from services.indicators.target import repository
from services.indicators.target.rules import SCOPE_RANK, Judgement, judge
from services.indicators.target.schemas import TargetFields, TargetIn, TargetOut
from services.indicators.unit import repository as unit_repository
from services.indicators.unit.schemas import Area, UnitType
from shared import tenancy
from shared.auth import Principal
from shared.cpu import run_cpu
from shared.db import Database
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
from shared.models import Indicator, Observation, Target, TargetStatusCheck
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
    units = list((await computation.hierarchy(session, municipality, [period], as_of)).at(period))
    targets = await repository.for_municipality(session, municipality)
    wanted: dict[str, set[str]] = {}
    for t in targets:
        wanted.setdefault(t.indicator_code, set()).add(t.gender)
    versions = await indicator_repository.versions_of(
        session, sorted(wanted), visible=tenancy.visible_to([municipality], Indicator)
    )
    result: dict[str, list[tuple[Target, Judgement]]] = {u.code: [] for u in units}
    sent = [t.transient_copy() for t in targets]
    for code, genders in sorted(wanted.items()):
        if code not in versions:
            continue
        indicator = computation.version_for(versions[code], period.end)
        planned = computation.plan(
            {code: versions[code]},
            municipality=municipality,
            periods=[period],
            genders=sorted(genders),
            levels=["unit"],
            units=units,
        )
        # Judged where the cells are computed (a worker process): only judgements come back.
        judged = await computation.compute_many(
            session,
            planned,
            _judge_units,
            code,
            sent,
            indicator.transient_copy(),
            units,
            period,
            sorted(genders),
        )
        for unit_code, i, judgement in judged:
            result[unit_code].append((targets[i], judgement))
    return units, result


def _judge_units(
    computed: dict[str, computation.Computed],
    code: str,
    targets: Sequence[Target],
    indicator: Indicator,
    units: Sequence[UnitRef],
    period: Period,
    genders: Sequence[str],
) -> list[tuple[str, int, Judgement]]:
    """(unit code, the target's place in `targets`, its judgement) for each target that
    applies to a unit's cell."""
    place = {id(t): i for i, t in enumerate(targets)}
    cells = {(c.code, c.gender): c for c in computed[code].cells}
    judged: list[tuple[str, int, Judgement]] = []
    for unit in units:
        for g in genders:
            target = applicable(
                targets,
                indicator_code=code,
                level="unit",
                code=unit.code,
                unit=unit,
                period=period,
                gender=g,
                indicator_area=indicator.area,
            )
            if target is None:
                continue
            cell = cells.get((unit.code, g))
            judged.append((unit.code, place[id(target)], judge_cell(cell, target, indicator)))
    return judged


def judge_cell(cell: Cell | None, target: Target, indicator: Indicator) -> Judgement:
    # The unrounded value is judged; decimals are for showing it (README "Precision").
    value = None if cell is None else cell.value
    return judge(
        value,
        comparator=target.comparator,
        target=Decimal(target.value),
        upper=None if target.upper_value is None else Decimal(target.upper_value),
        tolerance=Decimal(target.tolerance),
        suppression=None if cell is None else cell.suppression,
        unit=indicator.unit,
        decimals=indicator.decimals,
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


# The target fields a judgement reads, kept in a status check (JSON) as they were.
_KEPT = (
    "id",
    "municipality_code",
    "indicator_code",
    "scope_type",
    "scope_value",
    "period",
    "gender",
    "comparator",
    "value",
    "upper_value",
    "tolerance",
    "label",
    "created_at",
)


def _kept(targets: Sequence[Target]) -> list[dict[str, Any]]:
    out = []
    for t in targets:
        row = {name: getattr(t, name) for name in _KEPT}
        out.append(
            {
                k: (v.isoformat() if isinstance(v, datetime) else str(v) if v is not None else None)
                for k, v in row.items()
            }
        )
    return out


def _restored(rows: Sequence[dict[str, Any]]) -> list[Target]:
    """Targets as a check kept them (transient objects, never added to a session)."""
    out = []
    for row in rows:
        out.append(
            Target(
                id=uuid.UUID(row["id"]),
                municipality_code=row["municipality_code"],
                indicator_code=row["indicator_code"],
                scope_type=row["scope_type"],
                scope_value=row["scope_value"],
                period=row["period"],
                gender=row["gender"],
                comparator=row["comparator"],
                value=Decimal(row["value"]),
                upper_value=None if row["upper_value"] is None else Decimal(row["upper_value"]),
                tolerance=Decimal(row["tolerance"]),
                label=row["label"],
                created_at=datetime.fromisoformat(row["created_at"]),
            )
        )
    return out


@asynccontextmanager
async def _announce(
    session: AsyncSession, municipality: str, scopes: list[_Scope]
) -> AsyncIterator[_Announcer]:
    """Keeps the targets before the block and after it in a status check: the statuses they
    change are judged and announced (an event per change) after the commit, by
    `announce_pending`, so a write never waits on judging every period of its indicator."""
    announcer = _Announcer(scopes)
    # Kept as values now: the block changes the very objects the session holds.
    before = _kept(await repository.for_municipality(session, municipality))
    yield announcer
    codes = {s.indicator_code for s in announcer.scopes}
    after = _kept(await repository.for_municipality(session, municipality, sorted(codes)))
    session.add(
        TargetStatusCheck(
            municipality_code=municipality,
            scopes=[[s.indicator_code, s.period, s.gender] for s in announcer.scopes],
            targets_before=[t for t in before if t["indicator_code"] in codes],
            targets_after=after,
        )
    )
    await session.flush()


async def announce_pending(database: Database) -> int:
    """Announce the status changes of the target writes not yet announced, a municipality at a
    time in its own transaction (checks another process is announcing are skipped). The
    writes waiting for one municipality are announced together: per indicator, the targets
    before the first write and after the last, so a burst of writes is judged once (a status
    that went there and back is no change). Returns how many writes were announced. Runs after
    each target write's response and, for what a stopped process left behind, periodically."""
    done = 0
    while True:
        async with database.unit_of_work() as session:
            oldest = (
                await session.execute(
                    select(TargetStatusCheck.municipality_code)
                    .order_by(TargetStatusCheck.created_at, TargetStatusCheck.id)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                )
            ).scalar_one_or_none()
            if oldest is None:
                return done
            checks = list(
                (
                    await session.execute(
                        select(TargetStatusCheck)
                        .where(TargetStatusCheck.municipality_code == oldest)
                        .order_by(TargetStatusCheck.created_at, TargetStatusCheck.id)
                        .with_for_update(skip_locked=True)
                    )
                ).scalars()
            )
            await _announce_checks(session, oldest, checks)
            for check in checks:
                await session.delete(check)
        done += len(checks)


class Announcer:
    """One announcer per process: a write's announcement that finds it busy leaves its check
    to the running one, which looks again before it stops (judging is CPU work; several at
    once would only take the CPU from the requests)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._lock = asyncio.Lock()
        self._again = False

    async def run(self) -> None:
        if self._lock.locked():
            self._again = True
            return
        async with self._lock:
            self._again = True
            while self._again:
                self._again = False
                await announce_pending(self.database)


async def _announce_checks(
    session: AsyncSession, municipality: str, checks: Sequence[TargetStatusCheck]
) -> None:
    scopes: list[_Scope] = []
    before: dict[str, list[dict[str, Any]]] = {}
    after: dict[str, list[dict[str, Any]]] = {}
    for check in checks:
        codes = {str(code) for code, _, _ in check.scopes}
        for code, period, gender in check.scopes:
            scope = _Scope(str(code), period, str(gender))
            if scope not in scopes:
                scopes.append(scope)
        for code in codes:
            # The first write's targets before it, the last write's after it.
            before.setdefault(
                code, [t for t in check.targets_before if t["indicator_code"] == code]
            )
            after[code] = [t for t in check.targets_after if t["indicator_code"] == code]
    old_statuses, new_statuses = await statuses(
        session,
        municipality,
        scopes,
        [
            _restored([t for rows in before.values() for t in rows]),
            _restored([t for rows in after.values() for t in rows]),
        ],
    )
    for (indicator_code, unit_code, period, gender), old, new in await run_cpu(
        _changed, old_statuses, new_statuses
    ):
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


def _changed(
    old_statuses: dict[StatusKey, str], new_statuses: dict[StatusKey, str]
) -> list[tuple[StatusKey, str | None, str]]:
    """The statuses a write changed, in key order (every unit × period with data of a
    standing target: a hundred thousand keys at a million values, so a worker thread's
    work). A scope added after the write was not judged before it: judged as 'no target'."""
    out = []
    for key in sorted(old_statuses.keys() | new_statuses.keys()):
        old, new = old_statuses.get(key), new_statuses.get(key)
        if old != new and new is not None:
            out.append((key, old, new))
    return out


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
    session: AsyncSession,
    municipality: str,
    scopes: Sequence[_Scope],
    target_sets: Sequence[Sequence[Target]],
) -> list[dict[StatusKey, str]]:
    """The status of every unit (and the municipality) for the scopes' indicators, periods
    and genders, under each set of targets (the cells are computed once); cells without an
    applicable target are left out."""
    out: list[dict[StatusKey, str]] = [{} for _ in target_sets]
    by_indicator: dict[str, list[_Scope]] = {}
    for scope in scopes:
        by_indicator.setdefault(scope.indicator_code, []).append(scope)
    versions = await indicator_repository.versions_of(
        session, sorted(by_indicator), visible=tenancy.visible_to([municipality], Indicator)
    )
    for code, wanted in sorted(by_indicator.items()):
        if code not in versions:
            continue
        sets = [[t for t in targets if t.indicator_code == code] for targets in target_sets]
        if not any(sets):
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
        units = await computation.hierarchy(session, municipality, periods, None)
        planned = computation.plan(
            {code: versions[code]},
            municipality=municipality,
            periods=periods,
            genders=genders,
            levels=["unit", "municipality"],
            units=units,
        )
        # Judged where the cells are computed (a worker process): only statuses come back.
        judged = await computation.compute_many(
            session,
            planned,
            _judge_sets,
            code,
            [[t.transient_copy() for t in targets] for targets in sets],
            [v.transient_copy() for v in versions[code]],
            {str(p): p for p in periods},
            units,
        )
        for i, found in enumerate(judged):
            out[i].update(found)
    return out


def _judge_sets(
    computed: dict[str, computation.Computed],
    code: str,
    sets: Sequence[Sequence[Target]],
    versions: Sequence[Indicator],
    shown: dict[str, Period],
    units: computation.Organisation,
) -> list[dict[StatusKey, str]]:
    cells = computed[code].cells
    return [
        _judge_cells(code, cells, targets, versions, shown, units) if targets else {}
        for targets in sets
    ]


def _judge_cells(
    code: str,
    cells: Sequence[Cell],
    targets: Sequence[Target],
    versions: Sequence[Indicator],
    shown: dict[str, Period],
    units: computation.Organisation,
) -> dict[StatusKey, str]:
    """Each cell's status under the target that applies to it."""
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
            unit=units.ref(cell.code, cell.period) if cell.level == "unit" else None,
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
