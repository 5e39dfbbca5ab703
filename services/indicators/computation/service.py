"""Compute an indicator for a municipality: the bridge from stored rows to engine cells."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.computation import engine, repository, workers
from services.indicators.computation.engine import (
    Cell,
    Definition,
    ObservationIndex,
    UnitBlock,
    UnitRef,
)
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
    # With a plan's `unit_blocks`: the unit cells, a block per period (not in `cells`).
    unit_blocks: list[UnitBlock] = field(default_factory=list)


@dataclass(frozen=True)
class Organisation:
    """The units of a municipality per period: each period rolls up over the organisation
    valid in it (README "The organisation over time")."""

    by_period: dict[str, tuple[UnitRef, ...]]
    # Every registered unit's code: one not open in a period counts in none of its totals.
    registered: frozenset[str] = frozenset()

    @classmethod
    def fixed(cls, units: Sequence[UnitRef], periods: Sequence[Period]) -> Organisation:
        return cls({str(p): tuple(units) for p in periods})

    def at(self, period: Period | str) -> tuple[UnitRef, ...]:
        """The period's units (every unit of any period for a period not planned)."""
        found = self.by_period.get(str(period))
        return tuple(self.units) if found is None else found

    @cached_property
    def units(self) -> list[UnitRef]:
        """Every unit of any period once (the latest period's placing of it)."""
        seen: dict[str, UnitRef] = {}
        for key in sorted(self.by_period, key=Period.parse):
            for u in self.by_period[key]:
                seen[u.code] = u
        return list(seen.values())

    @cached_property
    def _by_code(self) -> dict[str, dict[str, UnitRef]]:
        """period → code → the unit's placing in it (the first of a code listed twice)."""
        return {
            period: {u.code: u for u in reversed(units)} for period, units in self.by_period.items()
        }

    def ref(self, code: str, period: Period | str) -> UnitRef | None:
        found = self._by_code.get(str(period))
        if found is None:
            return next((u for u in self.units if u.code == code), None)
        return found.get(code)

    def __iter__(self) -> Iterator[UnitRef]:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    def __bool__(self) -> bool:
        return any(self.by_period.values())


async def hierarchy(
    session: AsyncSession,
    municipality: str,
    periods: Sequence[Period],
    as_of: date | None,
) -> Organisation:
    """The organisation each period rolls up over: the units open at some time in the period,
    each in the area it belonged to at the period's end, or (`as_of`, a re-stated comparison)
    in the area it belonged to on that date (a unit closed by then in its last area, one not
    yet open in its first)."""
    units, history = await unit_repository.organisation_rows(session, municipality)

    def arranged() -> Organisation:
        # Hundreds of units × every period with data (a target's statuses): CPU work. Equal
        # placings are one object, so a worker process gets each once (pickle's memo).
        same: dict[UnitRef, UnitRef] = {}
        return Organisation(
            {
                str(p): tuple(
                    same.setdefault(u, u)
                    for u in unit_repository.arrange(
                        units, history, start=p.start, end=p.end, as_of=as_of or p.end
                    )
                )
                for p in periods
            },
            frozenset(u.code for u in units),
        )

    return await run_cpu(arranged)


@dataclass
class Loaded:
    """Everything a computation reads from the database, so the CPU-bound part can run after
    the connection has gone back to the pool."""

    by_version: dict[int, tuple[Definition, list[Period]]]
    index: ObservationIndex
    genders: list[str]
    levels: list[str]
    organisation: Organisation
    only_units: list[str] | None
    provenance: bool = True
    unit_blocks: bool = False


@dataclass(frozen=True)
class Plan:
    """What computing several indicators reads and computes, as plain data (no database
    object): a worker process fetches the rows itself and computes from this alone."""

    municipality: str
    measures: tuple[str, ...]
    start: date
    end: date
    sources: tuple[str, ...] | None
    aliases: dict[str, str]
    # indicator code → version → (its definition, the periods it computes)
    by_code: dict[str, dict[int, tuple[Definition, list[Period]]]]
    genders: tuple[str, ...]
    levels: tuple[str, ...]
    organisation: Organisation
    only_units: tuple[str, ...] | None
    # False: the cells without what explains them (as `values_only` leaves them), computed
    # without it.
    provenance: bool = True
    # Without provenance: the unit cells as blocks (`Computed.unit_blocks`), for a caller
    # that shows a page of them.
    unit_blocks: bool = False

    def query(self) -> tuple[str, dict[str, object]]:
        return repository.observations_query(
            municipality_code=self.municipality,
            measures=self.measures,
            start=self.start,
            end=self.end,
            sources=self.sources,
            provenance=self.provenance,
        )

    def loaded(self, index: ObservationIndex) -> dict[str, Loaded]:
        return {
            code: Loaded(
                by_version=by_version,
                index=index,
                genders=list(self.genders),
                levels=list(self.levels),
                organisation=self.organisation,
                only_units=None if self.only_units is None else list(self.only_units),
                provenance=self.provenance,
                unit_blocks=self.unit_blocks and not self.provenance,
            )
            for code, by_version in self.by_code.items()
        }


def _by_version(
    versions: Sequence[Indicator], periods: Sequence[Period]
) -> dict[int, tuple[Definition, list[Period]]]:
    by_version: dict[int, tuple[Definition, list[Period]]] = {}
    for p in periods:
        v = version_for(versions, p.end)
        by_version.setdefault(v.version, (definition(v), []))[1].append(p)
    return by_version


def plan(
    versions: Mapping[str, Sequence[Indicator]],
    *,
    municipality: str,
    periods: Sequence[Period],
    genders: Sequence[str],
    levels: Sequence[str],
    units: Sequence[UnitRef] | Organisation,
    only_units: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
    provenance: bool = True,
    unit_blocks: bool = False,
) -> Plan:
    """Computing several indicators (code → its versions) at once: they share one read of
    the observations of every measure they use."""
    organisation = units if isinstance(units, Organisation) else Organisation.fixed(units, periods)
    by_code = {code: _by_version(vs, periods) for code, vs in versions.items()}
    measures: list[str] = []
    for by_version in by_code.values():
        for d, _ in by_version.values():
            for m in engine.definition_measures(d):
                if m not in measures:
                    measures.append(m)
    return Plan(
        municipality=municipality,
        measures=tuple(measures),
        # Whole years: a period's disclosure table is its year with the year's parts, the
        # same whichever periods were asked with it.
        start=date(min(p.start for p in periods).year, 1, 1),
        end=date(max(p.end for p in periods).year, 12, 31),
        sources=None if sources is None else tuple(sources),
        # Aggregates always cover every unit; `only_units` filters the unit cells shown.
        aliases={alias: u.code for u in organisation.units for alias in u.aliases},
        by_code=by_code,
        genders=tuple(genders),
        levels=tuple(levels),
        organisation=organisation,
        only_units=None if only_units is None else tuple(only_units),
        provenance=provenance,
        unit_blocks=unit_blocks,
    )


async def load_many(session: AsyncSession, planned: Plan) -> dict[str, Loaded]:
    """What computing a plan's indicators reads, in one query: indicator code → Loaded (they
    share one index of the observations of every measure they use)."""
    rows = await _rows(session, planned)
    return planned.loaded(await run_cpu(ObservationIndex, rows, planned.aliases))


async def _rows(session: AsyncSession, planned: Plan) -> list[engine.Obs]:
    return await repository.observations(
        session,
        municipality_code=planned.municipality,
        measures=planned.measures,
        start=planned.start,
        end=planned.end,
        sources=planned.sources,
        provenance=planned.provenance,
    )


def compute_loaded(loaded: Loaded) -> Computed:
    """The CPU-bound part of `compute`: no database access."""
    cells: list[Cell] = []
    blocks: list[UnitBlock] | None = [] if loaded.unit_blocks else None
    used: dict[str, int] = {}
    organisation = loaded.organisation
    for d, ps in loaded.by_version.values():
        # Periods with the same organisation are computed together; each period's cells roll
        # up over its own organisation, exactly as when it is asked for alone.
        same: dict[tuple[UnitRef, ...], list[Period]] = {}
        for p in ps:
            same.setdefault(organisation.at(p), []).append(p)
        for units, group in same.items():
            cells.extend(
                engine.compute(
                    loaded.index,
                    d,
                    units=units,
                    periods=group,
                    genders=loaded.genders,
                    levels=loaded.levels,
                    registered=organisation.registered,
                    provenance=loaded.provenance,
                    unit_blocks=blocks,
                )
            )
        for p in ps:
            used[str(p)] = d.version
    if loaded.only_units is not None:  # (a block's cells are filtered where shown)
        allowed = set(loaded.only_units)
        cells = [c for c in cells if c.level != "unit" or c.code in allowed]
    return Computed(cells=cells, versions=used, units=organisation.units, unit_blocks=blocks or [])


def compute_plan(planned: Plan, index: ObservationIndex) -> dict[str, Computed]:
    return {code: compute_loaded(loaded) for code, loaded in planned.loaded(index).items()}


def values_only(computed: dict[str, Computed]) -> dict[str, Computed]:
    """The cells without what explains them (the contributing cells and observation ids):
    what a caller that shows values needs, a fraction of the cells to send between
    processes."""
    for c in computed.values():
        for cell in c.cells:
            cell.observation_ids = []
            cell.rollup = None
            cell.rollup_of = []
    return computed


R = TypeVar("R")


async def compute_many(
    session: AsyncSession,
    planned: Plan,
    then: Callable[..., R],
    *args: object,
    release: bool = False,
) -> R:
    """`then(computed, *args)`, where `computed` is the plan's cells by indicator code: in a
    worker process (COMPUTE_PROCESSES) that reads the observations on its own connection, so
    neither the rows nor the arithmetic ever hold this process's GIL; in a worker thread
    through the session when there is no such process (tests bind every session to one
    transaction, which another connection cannot see). `then` and its arguments must be
    picklable (a module-level function, plain data or transient model objects); what it
    returns comes back pickled, so it should be what the caller needs, not every cell.
    `release`: the session has read all it will (read-only), its connection goes back to
    the pool before the computation, so concurrent requests do not wait for connections."""
    pool = workers.current()
    if pool is not None:
        if release:
            await session.commit()
        return await pool.run(_in_worker, planned, then, args)
    rows = await _rows(session, planned)
    if release:
        await session.commit()
    return await run_cpu(_finish, planned, rows, then, args)


def _finish(
    planned: Plan, rows: list[engine.Obs], then: Callable[..., R], args: tuple[object, ...]
) -> R:
    return then(compute_plan(planned, ObservationIndex(rows, planned.aliases)), *args)


def _in_worker(planned: Plan, then: Callable[..., R], args: tuple[object, ...]) -> R:
    """`compute_many` in a worker process: the rows read on the worker's own connection."""
    rows = engine.as_obs(workers.fetch(*planned.query()))
    return _finish(planned, rows, then, args)


async def compute(
    session: AsyncSession,
    versions: Sequence[Indicator],
    *,
    municipality: str,
    periods: Sequence[Period],
    genders: Sequence[str],
    levels: Sequence[str],
    units: Sequence[UnitRef] | Organisation,
    only_units: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
) -> Computed:
    """Cells for every period × gender × level; each period uses the version valid at its end."""
    found = await load_many(
        session,
        plan(
            {"": versions},
            municipality=municipality,
            periods=periods,
            genders=genders,
            levels=levels,
            units=units,
            only_units=only_units,
            sources=sources,
        ),
    )
    return await run_cpu(compute_loaded, found[""])
