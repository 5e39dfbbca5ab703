"""Compute an indicator for a municipality: the bridge from stored rows to engine cells."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.computation import engine, repository
from services.indicators.computation.engine import Cell, Definition, ObservationIndex, UnitRef
from services.indicators.unit import repository as unit_repository
from shared.cpu import run_cpu
from shared.errors import FieldError, Unprocessable
from shared.models import Indicator
from shared.periods import Period, PeriodError


def definition(indicator: Indicator) -> Definition:
    numerator = indicator.numerator_formula or indicator.numerator_measure or "0"
    denominator = indicator.denominator_formula or indicator.denominator_measure
    rollup = indicator.rollup
    return Definition(
        code=indicator.code,
        version=indicator.version,
        numerator=numerator,
        denominator=denominator,
        factor=Decimal(indicator.factor),
        decimals=indicator.decimals,
        rollup=rollup,
        period_rollup=indicator.period_rollup or ("sum" if rollup == "weighted" else rollup),
        suppression=indicator.suppression or "none",
    )


def parse_period(text: str, *, field: str = "period") -> Period:
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise Unprocessable(
            exc.text,
            errors=[FieldError(loc=["query", field], field=field, value=text, message=exc.text)],
        ) from exc


def version_for(versions: Sequence[Indicator], on: date) -> Indicator:
    """The definition valid on a date (a result names the version that produced it); the
    oldest for dates before the first version, the newest after the last."""
    ordered = sorted(versions, key=lambda v: v.version)
    for v in ordered:
        if v.valid_from <= on and (v.valid_to is None or on <= v.valid_to):
            return v
    return ordered[0] if on < ordered[0].valid_from else ordered[-1]


@dataclass
class Computed:
    cells: list[Cell]
    versions: dict[str, int]  # period → indicator version used
    units: list[UnitRef]


async def hierarchy(
    session: AsyncSession,
    municipality: str,
    periods: Sequence[Period],
    as_of: date | None,
) -> list[UnitRef]:
    start = min(p.start for p in periods)
    end = max(p.end for p in periods)
    if as_of is not None:
        return await unit_repository.hierarchy(
            session, municipality, start=as_of, end=as_of, as_of=as_of
        )
    return await unit_repository.hierarchy(session, municipality, start=start, end=end, as_of=end)


@dataclass
class Loaded:
    """Everything a computation reads from the database, so the CPU-bound part can run after
    the connection has gone back to the pool."""

    by_version: dict[int, tuple[Indicator, list[Period]]]
    index: ObservationIndex
    genders: list[str]
    levels: list[str]
    units: list[UnitRef]
    only_units: list[str] | None


def _by_version(
    versions: Sequence[Indicator], periods: Sequence[Period]
) -> dict[int, tuple[Indicator, list[Period]]]:
    by_version: dict[int, tuple[Indicator, list[Period]]] = {}
    for p in periods:
        v = version_for(versions, p.end)
        by_version.setdefault(v.version, (v, []))[1].append(p)
    return by_version


async def load_many(
    session: AsyncSession,
    versions: Mapping[str, Sequence[Indicator]],
    *,
    municipality: str,
    periods: Sequence[Period],
    genders: Sequence[str],
    levels: Sequence[str],
    units: Sequence[UnitRef],
    only_units: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
) -> dict[str, Loaded]:
    """What computing several indicators reads, in one query: indicator code → Loaded (they
    share one index of the observations of every measure they use)."""
    plans = {code: _by_version(vs, periods) for code, vs in versions.items()}
    measures: list[str] = []
    for by_version in plans.values():
        for v, _ in by_version.values():
            for m in engine.definition_measures(definition(v)):
                if m not in measures:
                    measures.append(m)
    # Aggregates always cover every unit; `only_units` filters the unit cells shown.
    rows = await repository.observations(
        session,
        municipality_code=municipality,
        measures=measures,
        start=min(p.start for p in periods),
        end=max(p.end for p in periods),
        sources=sources,
    )
    aliases = {alias: u.code for u in units for alias in u.aliases}
    index = await run_cpu(ObservationIndex, rows, aliases)
    return {
        code: Loaded(
            by_version=by_version,
            index=index,
            genders=list(genders),
            levels=list(levels),
            units=list(units),
            only_units=None if only_units is None else list(only_units),
        )
        for code, by_version in plans.items()
    }


def compute_loaded(loaded: Loaded) -> Computed:
    """The CPU-bound part of `compute`: no database access."""
    cells: list[Cell] = []
    used: dict[str, int] = {}
    for v, ps in loaded.by_version.values():
        d = definition(v)
        cells.extend(
            engine.compute(
                loaded.index,
                d,
                units=loaded.units,
                periods=ps,
                genders=loaded.genders,
                levels=loaded.levels,
            )
        )
        for p in ps:
            used[str(p)] = v.version
    if loaded.only_units is not None:
        allowed = set(loaded.only_units)
        cells = [c for c in cells if c.level != "unit" or c.code in allowed]
    return Computed(cells=cells, versions=used, units=loaded.units)


async def compute(
    session: AsyncSession,
    versions: Sequence[Indicator],
    *,
    municipality: str,
    periods: Sequence[Period],
    genders: Sequence[str],
    levels: Sequence[str],
    units: Sequence[UnitRef],
    only_units: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
) -> Computed:
    """Cells for every period × gender × level; each period uses the version valid at its end."""
    found = await load_many(
        session,
        {"": versions},
        municipality=municipality,
        periods=periods,
        genders=genders,
        levels=levels,
        units=units,
        only_units=only_units,
        sources=sources,
    )
    return await run_cpu(compute_loaded, found[""])
