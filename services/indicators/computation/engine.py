"""The computation: stored observations → indicator values per unit, area and municipality.

Pure functions over plain rows, so the rules are testable without a database.

Rules (the README's "How values are computed" repeats them):
- A value for period P uses observations stored for exactly P; failing that, the observations
  of the coarsest finer period type inside P (months → tertial → year), rolled up per measure
  by the indicator's period rule: sum and weighted add, mean averages, last takes the latest.
- Where a unit has both a local and a Kolada observation for the same key, the local one wins.
- A unit value is suppressed ('primary') when any observation it uses is stored as suppressed
  or has fewer than 7 respondents, or (indicators with suppression='respondents') its n is below
  7; an aggregate too when (suppression='respondents') its n is below 7.
- An aggregate (area, municipality) over units: weighted → factor × Σnumerator ÷ Σdenominator;
  sum → Σ values; mean → unweighted mean of unit values; last → as sum. Suppressed units still
  count in a total.
- Disclosure control decides per published table (every level and T/K/M of one indicator and
  period) which further cells to hide ('secondary') so that no primary cell can be worked out
  from the shown ones (`disclosure`); so every route shows the same cells hidden.
- Attribution is 'kolada' only for a value that is one raw Kolada observation shown as stored
  (formula = one measure, no denominator, factor 1, no roll-up); everything else is 'derived'.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache, partial
from itertools import compress
from operator import attrgetter, is_not, itemgetter
from pathlib import Path
from typing import Any, NamedTuple, Protocol, cast

import numpy as np
from numpy.typing import NDArray

from services.indicators.computation import disclosure
from services.indicators.formula.parser import (
    BinOp,
    Node,
    Ref,
    evaluate,
    is_additive,
    parse,
    references,
)
from shared.contracts.indicators import Basis, Suppression, UnitRollup
from shared.lru import Lru
from shared.periods import Period, PeriodType
from shared.privacy import SUPPRESSION_THRESHOLD

GENDERS = ("T", "K", "M")
LEVELS = ("unit", "area", "municipality")
_REASONS = {"primary": "few_respondents", "secondary": "complementary"}
_SPAN = {PeriodType.YEAR: 12, PeriodType.TERTIAL: 4, PeriodType.QUARTER: 3, PeriodType.MONTH: 1}


class Obs(NamedTuple):
    """One stored observation as the engine reads it (a tuple: rows become one for free)."""

    id: int
    source: str
    unit_code: str
    measure_code: str
    period: str
    period_start: date
    period_end: date
    gender: str
    value: Decimal | None
    respondents: int | None
    status: str


@dataclass(frozen=True, slots=True)
class Definition:
    """What the engine needs of an indicator version."""

    code: str
    version: int
    numerator: str
    denominator: str | None
    factor: Decimal
    decimals: int
    rollup: str  # over units
    period_rollup: str  # over periods
    suppression: str  # 'none' | 'respondents'


@dataclass(frozen=True, slots=True)
class UnitRef:
    code: str
    title: str | None
    area: str | None
    unit_type: str | None
    aliases: tuple[str, ...] = ()  # e.g. the Kolada OU id its observations may be stored under
    title_en: str | None = None


@dataclass(slots=True)
class Cell:
    level: str  # unit | area | municipality
    code: str  # unit code, area code, or '' for the municipality
    period: str
    gender: str
    value: Decimal | None = None  # unrounded
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    n: int | None = None
    suppression: Suppression | None = None  # primary: fewer than 7 respondents
    attribution: str = "derived"
    observation_ids: list[int] = field(default_factory=list)
    units: int = 0  # contributing units (aggregates)
    # What the value is: 'unit' (a unit's own), 'stored' (the municipality's own stored
    # figure), 'kolada' (the municipality's figure as Kolada publishes it), or a roll-up over
    # units: 'sum_of_units', 'mean_of_units', 'weighted_over_units'.
    basis: str = "unit"
    # Beside a stored municipality figure: the roll-up over its units, for the check (None
    # when the units have no data or one of them is hidden).
    rollup: Cell | None = None
    rollup_of: list[Cell] = field(default_factory=list, repr=False)

    @property
    def suppressed(self) -> bool:
        return self.suppression is not None

    @property
    def suppression_reason(self) -> str | None:
        """The reason code: few_respondents (primary) or complementary (secondary)."""
        return _REASONS.get(self.suppression or "")

    @property
    def has_data(self) -> bool:
        return self.value is not None or self.suppressed


@lru_cache(maxsize=4096)
def parsed(text: str) -> Node:
    return parse(text)


def quantize(value: Decimal | None, decimals: int) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(_quantum(decimals), rounding=ROUND_HALF_UP)


@lru_cache(maxsize=64)
def _quantum(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


def definition_measures(definition: Definition) -> list[str]:
    seen: dict[str, None] = {}
    for text in (definition.numerator, definition.denominator):
        if text:
            for ref in references(parsed(text)):
                seen.setdefault(ref.measure, None)
    return list(seen)


_BOUNDS = attrgetter("period_start", "period_end")
_AS_OBS = partial(tuple.__new__, Obs)


def as_obs(rows: Iterable[Sequence[object]]) -> list[Obs]:
    """Fetched rows (in Obs's column order) as `Obs`, made in C (`Obs._make` is a Python
    call per row: a quarter more over a report's 360 000 rows)."""
    return cast(list[Obs], list(map(_AS_OBS, rows)))


def _chosen(
    rows: Iterable[Obs], aliases: dict[str, str] | None
) -> dict[tuple[str, str, str, str], Obs]:
    """(unit, measure, gender, period text) → the row stored for it: deleted rows left out,
    a local row preferred over Kolada's for the same key, else the first."""
    chosen: dict[tuple[str, str, str, str], Obs] = {}
    for row in rows:
        _, source, unit, measure, period, _, _, gender, _, _, status = row
        if status == "deleted":
            continue
        if aliases:
            unit = aliases.get(unit, unit)
        prior = chosen.setdefault((unit, measure, gender, period), row)
        if prior is not row and prior.source == "kolada" and source == "local":
            chosen[(unit, measure, gender, period)] = row
    return chosen


class ObservationIndex:
    """Observations keyed by (unit, measure, gender), local preferred over Kolada."""

    def __init__(self, rows: Iterable[Obs], aliases: dict[str, str] | None = None) -> None:
        rows = rows if isinstance(rows, list) else list(rows)
        # Column by column, in C where it can be: an analytics answer's 3 000 rows index in
        # about two thirds of the time they took row by row, a report's 360 000 in about the
        # same (memory, not Python, is then what it waits for).
        columns: Sequence[Sequence[Any]] = tuple(zip(*rows, strict=True)) or ((),) * len(
            Obs._fields
        )
        _, _, units, measures, periods, starts, ends, genders, values, respondents, statuses = (
            columns
        )
        if aliases:
            units = [aliases.get(u, u) for u in units]
        chosen = dict(zip(zip(units, measures, genders, periods, strict=True), rows, strict=True))
        if len(chosen) < len(rows) or "deleted" in statuses:
            chosen = _chosen(rows, aliases)  # a key stored twice, or a row deleted
            kept = list(chosen.values())
            units = [k[0] for k in chosen]
            _, _, _, measures, _, starts, ends, _, values, respondents, statuses = tuple(
                zip(*kept, strict=True)
            ) or ((),) * len(Obs._fields)
        self._bounds: dict[Period, tuple[str, date, date]] = {}
        self.exact = chosen  # (unit, measure, gender, period text) → the row stored for it
        self._by_key: dict[tuple[str, str, str], list[Obs]] | None = None
        threshold = SUPPRESSION_THRESHOLD
        # Each figure below from the distinct keys it needs, not row by row.
        self.extents: dict[str, set[tuple[date, date]]] = defaultdict(set)  # unit → periods
        for unit, start, end in set(zip(units, starts, ends, strict=True)):
            self.extents[unit].add((start, end))
        self.units: set[str] = set(self.extents)
        self.spans: dict[str, set[int]] = defaultdict(set)  # measure → months per period stored
        for measure, start, end in set(zip(measures, starts, ends, strict=True)):
            self.spans[measure].add((end.year - start.year) * 12 + end.month - start.month + 1)
        # measures with a value that can make a cell primary
        self.flagged: set[str] = {
            m
            for m, r, status in zip(measures, respondents, statuses, strict=True)
            if status == "suppressed" or (r is not None and r < threshold)
        }
        # measure → its least stored value (the first of equal ones)
        least: dict[str, Decimal] = {}
        for m, v in zip(measures, values, strict=True):
            if v is not None:
                prior = least.get(m)
                if prior is None or v < prior:
                    least[m] = v
        self.least = least

    @property
    def by_key(self) -> dict[tuple[str, str, str], list[Obs]]:
        """(unit, measure, gender) → its rows in period order; built when a cell first needs
        more than the exact period (`pick`)."""
        if self._by_key is None:
            by_key: dict[tuple[str, str, str], list[Obs]] = defaultdict(list)
            for (unit, measure, gender, _period), row in self.exact.items():
                by_key[(unit, measure, gender)].append(row)
            for rows_ in by_key.values():
                rows_.sort(key=_BOUNDS)
            self._by_key = by_key
        return self._by_key

    def text(self, period: Period) -> str:
        """The period's text form, formatted once per index."""
        bounds = self._bounds.get(period)
        if bounds is None:
            bounds = self._bounds[period] = (str(period), period.start, period.end)
        return bounds[0]

    def pick(self, unit: str, measure: str, gender: str, period: Period) -> list[Obs]:
        """The observations that make up `period`: the exact one, else the coarsest finer set."""
        bounds = self._bounds.get(period)
        if bounds is None:
            bounds = self._bounds[period] = (str(period), period.start, period.end)
        text, start, end = bounds
        exact = self.exact.get((unit, measure, gender, text))
        if exact is not None:
            return [exact]
        if unit not in self.units:
            return []  # no row at all: no need of `by_key`
        rows = self.by_key.get((unit, measure, gender))
        if not rows:
            return []
        inside: dict[int, list[Obs]] = defaultdict(list)
        for row in rows:
            if row.period == text:
                return [row]
            if start <= row.period_start and row.period_end <= end:
                months = (row.period_end.year - row.period_start.year) * 12 + (
                    row.period_end.month - row.period_start.month + 1
                )
                inside[months].append(row)
        if not inside:
            return []
        return inside[max(inside)]


_ZERO = Decimal(0)


def _roll_periods(rows: Sequence[Obs], rule: str) -> Decimal | None:
    if len(rows) == 1:  # the common case, the same arithmetic as below
        value = rows[0].value
        if value is None or rule == "last":
            return value
        return (_ZERO + value) / 1 if rule == "mean" else _ZERO + value
    values = [r.value for r in rows if r.value is not None]
    if not values:
        return None
    if rule == "last":
        latest = max((r for r in rows if r.value is not None), key=lambda r: r.period_end)
        return latest.value
    if rule == "mean":
        return sum(values, _ZERO) / len(values)
    return sum(values, _ZERO)


def unit_cell(
    index: ObservationIndex,
    definition: Definition,
    *,
    unit: str,
    level: str,
    period: Period,
    gender: str,
) -> Cell:
    """One unit's (or the stored municipality row's) value for a period and gender."""
    text = index.text(period)
    used: list[Obs] = []
    single_rows = True
    rule = definition.period_rollup
    pick = index.pick

    def lookup(measure: str, g: str) -> Decimal | None:
        nonlocal single_rows
        rows = pick(unit, measure, g, period)
        if not rows:
            return None
        if len(rows) > 1 or rows[0].period != text:
            single_rows = False
        used.extend(rows)
        return _roll_periods(rows, rule)

    num_node = parsed(definition.numerator)
    # A plain reference is looked up directly (what `evaluate` does with it).
    numerator = (
        lookup(num_node.measure, num_node.gender or gender)
        if isinstance(num_node, Ref)
        else evaluate(num_node, lookup, gender)
    )
    denominator = None
    if definition.denominator:
        den_node = parsed(definition.denominator)
        denominator = (
            lookup(den_node.measure, den_node.gender or gender)
            if isinstance(den_node, Ref)
            else evaluate(den_node, lookup, gender)
        )
    cell = Cell(level=level, code=unit, period=text, gender=gender, units=1)
    if not used:
        return cell
    return _finish(
        cell,
        definition,
        used,
        numerator,
        denominator,
        raw_shape=isinstance(num_node, Ref) and single_rows,
    )


def _finish(
    cell: Cell,
    definition: Definition,
    used: list[Obs],
    numerator: Decimal | None,
    denominator: Decimal | None,
    *,
    raw_shape: bool,
) -> Cell:
    """A unit cell's figures from the observations it uses (`raw_shape`: the numerator is one
    measure made of single rows stored for exactly the period)."""
    if len(used) == 1:
        cell.observation_ids = [used[0].id]
    elif len(used) == 2:
        a, b = used[0].id, used[1].id
        cell.observation_ids = [a] if a == b else [a, b] if a < b else [b, a]
    else:
        cell.observation_ids = sorted({o.id for o in used})
    cell.numerator = numerator
    cell.denominator = denominator
    value: Decimal | None = None
    if numerator is not None:
        if definition.denominator is None:
            value = numerator * definition.factor
        elif denominator:
            value = numerator / denominator * definition.factor
    cell.value = value
    if value is None:
        return cell  # no value to show or to hide: 'no data', whatever the inputs' status
    respondents = [o.respondents for o in used if o.respondents is not None]
    if denominator is not None:
        cell.n = int(denominator)
    elif respondents:
        cell.n = min(respondents)
    all_kolada = True
    primary = False
    for o in used:
        if o.source != "kolada":
            all_kolada = False
        if o.status == "suppressed":
            primary = True
    if (
        primary
        or any(r < SUPPRESSION_THRESHOLD for r in respondents)
        or (
            definition.suppression == "respondents"
            and cell.n is not None
            and cell.n < SUPPRESSION_THRESHOLD
        )
    ):
        cell.suppression = "primary"
    raw = raw_shape and definition.denominator is None and definition.factor == 1 and all_kolada
    cell.attribution = "kolada" if raw else "derived"
    if cell.level != "unit":
        cell.basis = "kolada" if all_kolada else "stored"
    return cell


def _plain_refs(definition: Definition) -> tuple[Ref, Ref | None] | None:
    """(numerator, denominator) when each is one measure reference, else None."""
    num = parsed(definition.numerator)
    den = parsed(definition.denominator) if definition.denominator else None
    if isinstance(num, Ref) and (den is None or isinstance(den, Ref)):
        return num, den
    return None


def _unit_cells(
    index: ObservationIndex,
    definition: Definition,
    codes: Sequence[str],
    genders: Sequence[str],
    period: Period,
) -> dict[tuple[str, str], Cell]:
    """`unit_cell` for every unit and gender of one period. The common shape (numerator and
    denominator one measure each, both stored for exactly the period) is read straight from
    the index, without the formula walk or the search for finer periods; every other cell
    goes through `unit_cell`. Both give the same cell
    (tests/services/indicators/computation/test_unit_cells_fast.py)."""
    refs = _plain_refs(definition)
    if refs is None:
        return {
            (code, g): unit_cell(
                index, definition, unit=code, level="unit", period=period, gender=g
            )
            for code in codes
            for g in genders
        }
    num, den = refs
    text = index.text(period)
    exact = index.exact
    rule = definition.period_rollup
    out: dict[tuple[str, str], Cell] = {}
    for code in codes:
        for g in genders:
            found_num = exact.get((code, num.measure, num.gender or g, text))
            found_den = None
            if den is not None:
                found_den = exact.get((code, den.measure, den.gender or g, text))
            if found_num is None or (den is not None and found_den is None):
                out[(code, g)] = unit_cell(
                    index, definition, unit=code, level="unit", period=period, gender=g
                )
                continue
            used = [found_num] if found_den is None else [found_num, found_den]
            out[(code, g)] = _finish(
                Cell(level="unit", code=code, period=text, gender=g, units=1),
                definition,
                used,
                _roll_periods(used[:1], rule),
                None if found_den is None else _roll_periods(used[1:], rule),
                raw_shape=True,
            )
    return out


ROLLUP_TOLERANCE = Decimal("0.01")
"""A stored municipality figure and its units' roll-up may differ by 1 % of the figure (or half
its last shown decimal, whichever is larger) before the difference is flagged."""


def rollup_tolerance(value: Decimal, decimals: int) -> Decimal:
    return max(abs(value) * ROLLUP_TOLERANCE, Decimal(5).scaleb(-(decimals + 1)))


def unit_rollup(cell: Cell, decimals: int) -> UnitRollup | None:
    """The check of a stored municipality figure against its units' roll-up, as published."""
    rollup = cell.rollup
    if rollup is None or rollup.value is None or cell.value is None or cell.suppressed:
        return None
    difference = cell.value - rollup.value
    tolerance = rollup_tolerance(cell.value, decimals)
    return UnitRollup(
        value=quantize(rollup.value, decimals) or Decimal(0),
        units=rollup.units,
        basis=cast(Basis, rollup.basis),
        difference=difference,
        tolerance=tolerance,
        flagged=abs(difference) > tolerance,
    )


def aggregate(
    cells: Sequence[Cell],
    definition: Definition,
    *,
    level: str,
    code: str,
    period: str,
    gender: str,
) -> Cell:
    """Roll unit cells up to an area or the municipality (see the module rules)."""
    result = Cell(level=level, code=code, period=period, gender=gender)
    contributing = [c for c in cells if c.has_data]
    if not contributing:
        return result
    result.observation_ids = sorted({i for c in contributing for i in c.observation_ids})
    _rolled_up(
        result,
        definition,
        numerators=[c.numerator for c in contributing if c.numerator is not None],
        denominators=[c.denominator for c in contributing if c.denominator is not None],
        values=[c.value for c in contributing if c.value is not None],
        ns=[c.n for c in contributing if c.n is not None],
        count=len(contributing),
    )
    return result


def _rolled_up(
    result: Cell,
    definition: Definition,
    *,
    numerators: list[Decimal],
    denominators: list[Decimal],
    values: list[Decimal],
    ns: list[int],
    count: int,
) -> None:
    """An aggregate's figures from its `count` contributing cells' figures (each list in the
    cells' order, without the missing ones): `aggregate` and the table from columns share it."""
    result.units = count
    rule = definition.rollup
    additive = is_additive(parsed(definition.numerator)) and (
        definition.denominator is None or is_additive(parsed(definition.denominator))
    )
    result.basis = "sum_of_units"
    if rule == "weighted" and definition.denominator is not None and additive:
        result.basis = "weighted_over_units"
        if numerators and denominators:
            result.numerator = sum(numerators, Decimal(0))
            result.denominator = sum(denominators, Decimal(0))
            if result.denominator:
                result.value = result.numerator / result.denominator * definition.factor
            result.n = int(result.denominator)
    elif rule == "mean" or (rule == "weighted" and definition.denominator is not None):
        result.basis = "mean_of_units"
        if values:
            result.value = sum(values, Decimal(0)) / len(values)
    else:
        if values:
            result.value = sum(values, Decimal(0))
        result.numerator = sum(numerators, Decimal(0)) if numerators else None
    if result.n is None and ns and len(ns) == count:
        result.n = sum(ns)
    respondents_rule = definition.suppression == "respondents"
    if respondents_rule and result.n is not None and result.n < SUPPRESSION_THRESHOLD:
        result.suppression = "primary"


@dataclass(slots=True)
class Published:
    """One period's cells and the additive relations between them (parent, children)."""

    cells: list[Cell]
    relations: list[tuple[Cell, list[Cell]]]


def _codes(
    index: ObservationIndex,
    units: Sequence[UnitRef],
    period: Period,
    registered: frozenset[str] = frozenset(),
) -> list[str]:
    """The units' codes, then any other unit code with an observation inside the period that
    is not a registered unit (one registered but not open in the period counts nowhere)."""
    known = {u.code for u in units} | registered
    start, end = period.start, period.end
    extra = sorted(
        c
        for c in index.units
        if c
        and c not in known
        and any(start <= s and e <= end for s, e in index.extents.get(c, ()))
    )
    return [*(u.code for u in units), *extra]


def _period_cells(
    index: ObservationIndex,
    definition: Definition,
    *,
    units: Sequence[UnitRef],
    codes: Sequence[str],
    period: Period,
    genders: Sequence[str],
    levels: Sequence[str],
    municipality_stored: bool,
    relations: bool = True,
) -> Published:
    """One period's cells; with `relations`, also the T = K + M relations (for protection)."""
    # Unit cells only when a level needs them: a municipality value Kolada stores needs
    # none, and a municipality has up to a few hundred units.
    unit_cells: dict[tuple[str, str], Cell] | None = None
    if "unit" in levels or "area" in levels:
        unit_cells = _unit_cells(index, definition, codes, genders, period)
    out = Published(cells=[], relations=[])
    if "unit" in levels:
        assert unit_cells is not None
        out.cells.extend(unit_cells.values())
    if "area" in levels:
        assert unit_cells is not None
        by_area: dict[str, list[UnitRef]] = defaultdict(list)
        for u in units:
            if u.area:
                by_area[u.area].append(u)
        for area, members in sorted(by_area.items()):
            for g in genders:
                children = [unit_cells[(u.code, g)] for u in members]
                cell = aggregate(
                    children, definition, level="area", code=area, period=str(period), gender=g
                )
                out.cells.append(cell)
                out.relations.append((cell, children))
    if "municipality" in levels:
        for g in genders:
            stored = (
                unit_cell(index, definition, unit="", level="municipality", period=period, gender=g)
                if municipality_stored
                else None
            )
            if unit_cells is None and codes:
                # Also beside a stored figure: its units' roll-up is the check of it.
                unit_cells = _unit_cells(index, definition, codes, genders, period)
            children = [] if unit_cells is None else [unit_cells[(c, g)] for c in codes]
            if stored is not None and stored.has_data:
                cell = stored
                rollup = aggregate(
                    children,
                    definition,
                    level="municipality",
                    code="",
                    period=str(period),
                    gender=g,
                )
                if rollup.value is not None:
                    cell.rollup = rollup
                    cell.rollup_of = [c for c in children if c.has_data]
            else:
                cell = aggregate(
                    children,
                    definition,
                    level="municipality",
                    code="",
                    period=str(period),
                    gender=g,
                )
            out.cells.append(cell)
            if children:
                out.relations.append((cell, children))
    if not relations:
        return out
    by_place: dict[tuple[str, str], dict[str, Cell]] = defaultdict(dict)
    for c in out.cells:
        by_place[(c.level, c.code)][c.gender] = c
    for place in by_place.values():
        if len(place) == len(GENDERS):
            out.relations.append((place["T"], [place["K"], place["M"]]))
    return out


def _plain_sum(node: Node) -> bool:
    return isinstance(node, Ref) or (
        isinstance(node, BinOp)
        and node.op == "+"
        and _plain_sum(node.left)
        and _plain_sum(node.right)
    )


def may_disclose(index: ObservationIndex, definition: Definition) -> bool:
    """Whether any cell of the indicator's tables can be primary (else control is skipped):
    an observation stored as suppressed or from fewer than 7, or (the respondents rule) an n
    that can be below 7 — not when n is a sum of measures that are all stored as 7 or more."""
    if any(m in index.flagged for m in definition_measures(definition)):
        return True
    if definition.suppression != "respondents":
        return False
    if definition.denominator is None:
        return False  # n is then the least respondents of the observations: flagged above
    node = parsed(definition.denominator)
    least = [index.least.get(ref.measure) for ref in references(node)]
    return not _plain_sum(node) or any(x is not None and x < SUPPRESSION_THRESHOLD for x in least)


@dataclass(slots=True)
class _Parts:
    """A published table's cells with data and the figures the disclosure module reads."""

    cells: list[Cell]
    figures: tuple[Sequence[Decimal | int | None], ...]  # a column per quantity
    primary: NDArray[np.bool_]
    level: NDArray[np.int8]
    relations: list[disclosure.Relation]

    def key(self) -> TableKey:
        return (
            _figures_key(self.figures),
            self.primary.tobytes(),
            self.level.tobytes(),
            tuple(self.relations),
        )

    def table(self) -> disclosure.Table:
        return disclosure.Table(
            values=_figure_array(*self.figures),
            primary=self.primary,
            level=self.level,
            relations=self.relations,
            labels=[(c.level, c.code, c.gender) for c in self.cells],
        )


_LEVEL_INDEX = {name: i for i, name in enumerate(LEVELS)}


def _parts(published: Published) -> _Parts:
    cells = [c for c in published.cells if c.has_data]
    position = {id(c): i for i, c in enumerate(cells)}
    relations = []
    for parent, children in published.relations:
        at = position.get(id(parent))
        if at is None:
            continue
        kids = tuple(position[id(c)] for c in children if c.has_data)
        if kids:
            relations.append(disclosure.Relation(at, kids))
    # numerator, denominator, n (n is the denominator where there is one: the same figure,
    # audited once), value; numpy reads None as nan
    return _Parts(
        cells=cells,
        figures=(
            [c.numerator for c in cells],
            [c.denominator for c in cells],
            [c.n if c.denominator is None else None for c in cells],
            [c.value for c in cells],
        ),
        primary=np.array([c.suppression == "primary" for c in cells], dtype=bool),
        level=np.array([_LEVEL_INDEX[c.level] for c in cells], dtype=np.int8),
        relations=relations,
    )


def _figures_key(columns: tuple[Sequence[Decimal | int | None], ...]) -> bytes:
    """A table's figures, exactly, as the part of its key they are: the digest of each
    figure's text (a Decimal's text is its exact value; None reads "None"). Made from the
    text because a Decimal becomes a float through it anyway, at twice the cost: turning a
    cold answer's 5 000 figures into floats was a tenth of its time. The pattern is the
    control of the float table (`_figure_array`), so equal texts always mean one pattern;
    one value written two ways (1.0, 1.00) only costs computing a pattern twice."""
    return hashlib.sha256(
        "\x1f".join(["\x1e".join(map(str, column)) for column in columns]).encode()
    ).digest()


def _figure_array(*columns: Sequence[Decimal | int | None]) -> NDArray[np.float64]:
    """The disclosure table's values (a row per cell, a column per quantity); numpy reads
    None as nan."""
    count = len(columns[0])
    return np.ascontiguousarray(
        np.array(columns, dtype=np.float64).reshape(len(disclosure.QUANTITIES), count).T
    )


def disclosure_table(published: Published) -> tuple[list[Cell], disclosure.Table]:
    """The cells with data (the ones published) as the disclosure module's table."""
    parts = _parts(published)
    return parts.cells, parts.table()


TableKey = tuple[bytes, bytes, bytes, tuple[disclosure.Relation, ...]]
_PATTERNS: Lru[TableKey, NDArray[np.int8]] = Lru(1024, name="suppression_patterns")
"""Suppression patterns by table: the same figures always get the same pattern, computed once."""


class PatternStore(Protocol):
    """Patterns shared beyond this process (every worker and replica, across restarts), by
    `pattern_digest`. A store that fails answers None and keeps nothing: it saves work, it
    decides nothing."""

    def get(self, digest: bytes) -> NDArray[np.int8] | None: ...

    def put(self, digest: bytes, status: NDArray[np.int8]) -> None: ...


_STORE: list[PatternStore] = []  # the one this process shares patterns through, if any


def share_patterns(store: PatternStore | None) -> None:
    """Share the patterns this process computes through `store` (None: keep them here)."""
    _STORE[:] = [] if store is None else [store]


# The disclosure module's own file is in every digest: a changed algorithm never reads a
# pattern stored by another.
_ALGORITHM = hashlib.sha256(Path(disclosure.__file__).read_bytes()).digest()


def pattern_digest(key: TableKey) -> bytes:
    """A table's key as 32 bytes, with the algorithm that protects it."""
    digest = hashlib.sha256(_ALGORITHM)
    for part in key[:3]:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    digest.update(repr([(r.parent, r.children) for r in key[3]]).encode())
    return digest.digest()


def _pattern(key: TableKey, table: Callable[[], disclosure.Table]) -> NDArray[np.int8]:
    """The table's pattern: known in this process, known to the shared store, or computed
    (`table()` is built only then) and kept in both."""
    status = _PATTERNS.get(key)
    if status is not None:
        return status
    store = _STORE[0] if _STORE else None
    digest = pattern_digest(key) if store is not None else b""
    if store is not None:
        status = store.get(digest)
    if status is None:
        status = disclosure.control(table())
        if store is not None:
            store.put(digest, status)
    _PATTERNS.put(key, status)
    return status


def protect(published: Published) -> None:
    """Apply complementary suppression to one period's whole table (cells change in place).
    The disclosure module's table (and its relation check) is built only when the table's
    figures have no pattern yet."""
    if not any(c.suppression == "primary" for c in published.cells):
        return
    parts = _parts(published)
    status = _pattern(parts.key(), parts.table)
    for cell, code in zip(parts.cells, status.tolist(), strict=True):
        if code == disclosure.SECONDARY:
            cell.suppression = "secondary"


_SUBTYPES = (PeriodType.TERTIAL, PeriodType.QUARTER, PeriodType.MONTH)


def family(index: ObservationIndex, definition: Definition, period: Period) -> list[Period]:
    """The periods published together with `period`: its year and every period inside the
    year that the stored observations can make up (tertials, quarters, months), since a year
    is the sum of its parts and any part the year minus the others."""
    year = period if period.type is PeriodType.YEAR else period.parent(PeriodType.YEAR)
    spans = {
        span
        for m in definition_measures(definition)
        for span in index.spans.get(m, ())
        if span < 12
    }
    periods = [year]
    if spans:
        finest = min(spans)
        for t in _SUBTYPES:
            if _SPAN[t] % finest == 0 or _SPAN[t] in spans:
                periods.extend(year.children(t))
    if period not in periods:
        periods.append(period)
    return periods


def whole_table(
    index: ObservationIndex,
    definition: Definition,
    *,
    units: Sequence[UnitRef],
    period: Period,
    municipality_stored: bool = True,
    registered: frozenset[str] = frozenset(),
) -> Published:
    """Every cell published with one period (all levels, T/K/M, the periods of its year that
    sum to each other), disclosure control applied."""
    periods = family(index, definition, period)
    codes = _codes(index, units, periods[0], registered)  # the year: any unit with data in it
    whole = Published(cells=[], relations=[])
    at: dict[tuple[str, str, str, str], Cell] = {}
    for p in periods:
        part = _period_cells(
            index,
            definition,
            units=units,
            codes=codes,
            period=p,
            genders=GENDERS,
            levels=LEVELS,
            municipality_stored=municipality_stored,
        )
        whole.cells.extend(part.cells)
        whole.relations.extend(part.relations)
        at.update({(c.period, c.level, c.code, c.gender): c for c in part.cells})
    places = {(c.level, c.code, c.gender) for c in whole.cells}
    # A period = the sum of the finer periods inside it (kept only where the figures agree).
    types = {p.type for p in periods}
    for outer in periods if len(types) > 1 else ():
        for t in _SUBTYPES:
            if t not in types or _SPAN[t] >= _SPAN[outer.type] or _SPAN[outer.type] % _SPAN[t]:
                continue
            parts = [str(c) for c in outer.children(t)]
            for level, code, gender in places:
                cell = at.get((str(outer), level, code, gender))
                children = [at[k] for q in parts if (k := (q, level, code, gender)) in at]
                if cell is not None and children:
                    whole.relations.append((cell, children))
    protect(whole)
    return whole


class _Columns:
    """One period's unit cells as columns (codes × genders, in that order): the figures the
    roll-ups and the disclosure table read, without a `Cell` per unit."""

    __slots__ = ("denominators", "hidden", "kolada", "ns", "numerators", "primary", "values")

    def __init__(self) -> None:
        self.numerators: list[Decimal | None] = []
        self.denominators: list[Decimal | None] = []
        self.values: list[Decimal | None] = []
        self.ns: list[int | None] = []
        self.primary: list[bool] = []
        self.kolada: list[bool] = []  # attributed to Kolada (one raw Kolada figure)
        self.hidden: set[int] = set()  # the positions disclosure control hides (secondary)

    def add(self, cell: Cell) -> None:
        self.numerators.append(cell.numerator)
        self.denominators.append(cell.denominator)
        self.values.append(cell.value)
        self.ns.append(cell.n)
        self.primary.append(cell.suppression == "primary")
        self.kolada.append(cell.attribution == "kolada")

    def has_data(self, i: int) -> bool:
        return self.values[i] is not None or self.primary[i]

    def suppressed(self, i: int) -> bool:
        return self.primary[i] or i in self.hidden


@dataclass(slots=True)
class UnitBlock:
    """One period's unit cells as columns (codes × `genders`), each a `Cell` only when asked
    for (`cell`): a page of 500 cells needs no object for the 30 000 it does not show. The
    cells are those `_unit_cells` and disclosure control make, less the observation ids.

    Without columns (`source` instead: nothing in the period's table can be primary and no
    roll-up reads the unit cells), a cell's figures are worked out when it is asked for, by
    `unit_cell`: a page of a large municipality computes the cells it shows, not all."""

    columns: _Columns | None
    codes: tuple[str, ...]
    genders: tuple[str, ...]
    period: str
    _at: dict[tuple[str, str], int] | None = None
    source: tuple[ObservationIndex, Definition, Period] | None = None

    def cell(self, i: int) -> Cell:
        """The cell at position i (code i // len(genders), gender i % len(genders))."""
        columns = self.columns
        width = len(self.genders)
        if columns is None:
            assert self.source is not None
            index, definition, period = self.source
            cell = unit_cell(
                index,
                definition,
                unit=self.codes[i // width],
                level="unit",
                period=period,
                gender=self.genders[i % width],
            )
            cell.observation_ids = []
            return cell
        value = columns.values[i]
        if value is None:
            return Cell(
                "unit",
                self.codes[i // width],
                self.period,
                self.genders[i % width],
                numerator=columns.numerators[i],
                denominator=columns.denominators[i],
                units=1,
            )
        return Cell(
            "unit",
            self.codes[i // width],
            self.period,
            self.genders[i % width],
            value,
            columns.numerators[i],
            columns.denominators[i],
            columns.ns[i],
            "primary" if columns.primary[i] else "secondary" if i in columns.hidden else None,
            "kolada" if columns.kolada[i] else "derived",
            units=1,
        )

    def find(self, code: str, gender: str) -> Cell | None:
        if self._at is None:
            self._at = {
                (c, g): n * len(self.genders) + k
                for n, c in enumerate(self.codes)
                for k, g in enumerate(self.genders)
            }
        at = self._at.get((code, gender))
        return None if at is None else self.cell(at)

    def cells(self, genders: Sequence[str]) -> list[Cell]:
        """Every cell of `genders`, in the columns' order."""
        wanted = [k for k, g in enumerate(self.genders) if g in genders]
        width = len(self.genders)
        return [self.cell(n * width + k) for n in range(len(self.codes)) for k in wanted]


def _unit_columns(
    index: ObservationIndex,
    definition: Definition,
    codes: Sequence[str],
    genders: Sequence[str],
    period: Period,
) -> _Columns:
    """The figures of `_unit_cells` (same rules, same arithmetic) as columns. A cell whose
    numerator and denominator are one measure each, stored for exactly the period, is worked
    out here, a column at a time; every other goes through `unit_cell`."""
    out = _Columns()
    refs = _plain_refs(definition)
    if refs is None:
        for code in codes:
            for g in genders:
                out.add(
                    unit_cell(index, definition, unit=code, level="unit", period=period, gender=g)
                )
        return out
    num, den = refs
    text = index.text(period)
    exact = index.exact
    found_num: list[Obs | None] = list(
        map(exact.get, [(c, num.measure, num.gender or g, text) for c in codes for g in genders])
    )
    found_den: list[Obs | None] = (
        list(
            map(
                exact.get,
                [(c, den.measure, den.gender or g, text) for c in codes for g in genders],
            )
        )
        if den is not None
        else [None] * len(found_num)
    )
    # `_finish` over the one or two rows, with `_roll_periods` of a single row.
    rule = definition.period_rollup
    factor = definition.factor
    numerators = _rolled_single([None if r is None else r.value for r in found_num], rule)
    denominators = _rolled_single([None if r is None else r.value for r in found_den], rule)
    values: list[Decimal | None]
    if definition.denominator is None:
        values = [None if a is None else a * factor for a in numerators]
    else:
        values = [
            None if a is None or not b else a / b * factor
            for a, b in zip(numerators, denominators, strict=True)
        ]
    # n: the denominator where there is one, else the least respondents of the rows
    ns: list[int | None] = [
        None
        if v is None
        else int(b)
        if b is not None
        else _least(a.respondents if a is not None else None, r.respondents if r else None)
        for v, b, a, r in zip(values, denominators, found_num, found_den, strict=True)
    ]
    threshold = SUPPRESSION_THRESHOLD
    respondents_rule = definition.suppression == "respondents"
    primary = [
        v is not None
        and a is not None
        and (
            a.status == "suppressed"
            or (r is not None and r.status == "suppressed")
            or (a.respondents is not None and a.respondents < threshold)
            or (r is not None and r.respondents is not None and r.respondents < threshold)
            or (respondents_rule and n is not None and n < threshold)
        )
        for v, a, r, n in zip(values, found_num, found_den, ns, strict=True)
    ]
    # `_finish`'s attribution: one measure, stored for exactly the period, as stored
    if definition.denominator is None and factor == 1:
        kolada = [
            v is not None and a is not None and a.source == "kolada"
            for v, a in zip(values, found_num, strict=True)
        ]
    else:
        kolada = [False] * len(values)
    out.numerators, out.denominators, out.values = numerators, denominators, values
    out.ns, out.primary, out.kolada = ns, primary, kolada
    # The cells without their one or two rows (a finer period, a unit without data).
    width = len(genders)
    missing = [i for i, a in enumerate(found_num) if a is None] if None in found_num else []
    if den is not None and None in found_den:
        missing = sorted({*missing, *(i for i, r in enumerate(found_den) if r is None)})
    for i in missing:
        cell = unit_cell(
            index,
            definition,
            unit=codes[i // width],
            level="unit",
            period=period,
            gender=genders[i % width],
        )
        numerators[i], denominators[i], values[i] = cell.numerator, cell.denominator, cell.value
        ns[i] = cell.n
        primary[i] = cell.suppression == "primary"
        kolada[i] = cell.attribution == "kolada"
    return out


def _rolled_single(figures: list[Decimal | None], rule: str) -> list[Decimal | None]:
    """`_roll_periods` of one stored figure per cell, a column at a time."""
    if rule == "last":
        return figures
    if rule == "mean":
        return [None if v is None else (_ZERO + v) / 1 for v in figures]
    return [None if v is None else _ZERO + v for v in figures]


def _least(a: int | None, b: int | None) -> int | None:
    """The lesser of two respondent counts, either of which may be unknown."""
    if a is None:
        return b
    return a if b is None or a <= b else b


def _rolled_columns(
    columns: _Columns,
    at: Sequence[int],
    definition: Definition,
    *,
    level: str,
    code: str,
    period: str,
    gender: str,
) -> Cell:
    """`aggregate` over the unit cells at positions `at` of the columns (no provenance)."""
    result = Cell(level=level, code=code, period=period, gender=gender)
    if not at:
        return result
    pick = _picker(at)
    values = pick(columns.values)
    # (`is not None` in C: `None in values` would compare None with every Decimal)
    present = list(filter(_PRESENT, values))
    if len(present) < len(values):  # only the cells with data contribute: a value, or primary
        primary = pick(columns.primary)
        at = [i for i, v, p in zip(at, values, primary, strict=True) if v is not None or p]
        if not at:
            return result
        pick = _picker(at)
    _rolled_up(
        result,
        definition,
        numerators=list(filter(_PRESENT, pick(columns.numerators))),
        denominators=list(filter(_PRESENT, pick(columns.denominators))),
        values=present,
        ns=list(filter(_PRESENT, pick(columns.ns))),
        count=len(at),
    )
    return result


_PRESENT = partial(is_not, None)


_Pick = Callable[[Sequence[Any]], tuple[Any, ...]]


def _picker(at: Sequence[int]) -> _Pick:
    """The items at positions `at` of a sequence, as a tuple (taken in C)."""
    if len(at) == 1:
        only = at[0]
        return lambda seq: (seq[only],)
    return cast(_Pick, itemgetter(*at))


def _lean_cells(
    index: ObservationIndex,
    definition: Definition,
    *,
    units: Sequence[UnitRef],
    codes: Sequence[str],
    periods: Sequence[Period],
    genders: Sequence[str],
    levels: Sequence[str],
    municipality_stored: bool,
    protected: bool,
) -> tuple[list[Cell], dict[str, UnitBlock]]:
    """The cells of `periods` without provenance (no observation ids; beside a stored
    municipality figure its roll-up, without the cells it rolls up), but the unit cells:
    those are columns of figures, a block per period (when any level needed them). With
    `protected`, `periods` is a year's family (`family`), `genders` and `levels` all of them,
    and disclosure control is applied to the whole table exactly as `whole_table` and
    `protect` do: the same cells in the same order, the same relations, the same figures,
    hence the same pattern. The cells are those `compute` would return for these periods
    (before its filter on levels and genders), with the same figures and suppression."""
    unique = tuple(dict.fromkeys(codes))  # `_unit_cells` keys by code: a repeat is one cell
    slot = {code: i for i, code in enumerate(unique)}
    width = len(genders)
    by_area: dict[str, list[UnitRef]] = defaultdict(list)
    for u in units:
        if u.area:
            by_area[u.area].append(u)
    areas = tuple(
        (area, tuple(slot[u.code] for u in members)) for area, members in sorted(by_area.items())
    )
    code_slots = tuple(slot[c] for c in codes)
    blocks: list[tuple[_Columns | None, list[Cell]]] = []  # per period: unit columns, cells
    # per period: the stored municipality cells, by gender position
    stored_at: list[dict[int, Cell]] = []
    # Unit cells read by nothing but the page (no disclosure control, no roll-up) are worked
    # out when the page shows them (`UnitBlock`).
    on_demand = not protected and "area" not in levels and "municipality" not in levels
    for p in periods:
        text = str(p)
        columns: _Columns | None = None
        if ("unit" in levels or "area" in levels or protected) and not on_demand:
            columns = _unit_columns(index, definition, unique, genders, p)
        cells: list[Cell] = []
        if "area" in levels:
            assert columns is not None
            for area, members in areas:
                for k, g in enumerate(genders):
                    cells.append(
                        _rolled_columns(
                            columns,
                            [s * width + k for s in members],
                            definition,
                            level="area",
                            code=area,
                            period=text,
                            gender=g,
                        )
                    )
        stored_at.append({})
        if "municipality" in levels:
            for k, g in enumerate(genders):
                stored = (
                    unit_cell(index, definition, unit="", level="municipality", period=p, gender=g)
                    if municipality_stored
                    else None
                )
                if columns is None and codes:
                    # Also beside a stored figure: its units' roll-up is the check of it.
                    columns = _unit_columns(index, definition, unique, genders, p)
                if stored is not None and stored.has_data:
                    stored.observation_ids = []
                    cells.append(stored)
                    stored_at[-1][k] = stored
                    continue
                cells.append(
                    Cell(level="municipality", code="", period=text, gender=g)
                    if columns is None
                    else _rolled_columns(
                        columns,
                        [s * width + k for s in code_slots],
                        definition,
                        level="municipality",
                        code="",
                        period=text,
                        gender=g,
                    )
                )
        blocks.append((columns, cells))
    if protected:
        _protect_blocks(
            [(c, cells) for c, cells in blocks if c is not None],
            _layout(unique, areas, code_slots, tuple(periods)),
        )
    out: list[Cell] = []
    unit_blocks: dict[str, UnitBlock] = {}
    for p, (columns, cells), figures in zip(periods, blocks, stored_at, strict=True):
        if columns is not None:
            for k, figure in figures.items():
                _check_rollup(figure, columns, [s * width + k for s in code_slots], definition)
            unit_blocks[str(p)] = UnitBlock(columns, unique, tuple(genders), str(p))
        elif on_demand and "unit" in levels:
            unit_blocks[str(p)] = UnitBlock(
                None, unique, tuple(genders), str(p), source=(index, definition, p)
            )
        out.extend(cells)
    return out, unit_blocks


def _check_rollup(
    stored: Cell, columns: _Columns, at: Sequence[int], definition: Definition
) -> None:
    """A stored municipality figure's check against its units' roll-up (the columns at
    `at`), kept only where it reveals nothing, as `compute` keeps it: the figure and every
    unit in the roll-up shown."""
    rollup = _rolled_columns(
        columns,
        at,
        definition,
        level="municipality",
        code="",
        period=stored.period,
        gender=stored.gender,
    )
    if rollup.value is None or stored.suppressed:
        return
    if any(columns.has_data(i) and columns.suppressed(i) for i in at):
        return
    stored.rollup = rollup


class _Relations(tuple[disclosure.Relation, ...]):
    """A table's relations, hashed once: equal to (and hashed as) the plain tuple `_Parts.key`
    holds, so both paths share the pattern cache."""

    _hash: int

    def __new__(cls, relations: Iterable[disclosure.Relation]) -> _Relations:
        self = super().__new__(cls, relations)
        self._hash = tuple.__hash__(self)
        return self

    def __hash__(self) -> int:
        return self._hash


@dataclass(slots=True)
class _Layout:
    """The shape of a year's whole table (`whole_table`), whatever its figures: each period
    the unit cells (codes × T/K/M), the areas', the municipality's; the additive relations
    between them as positions, in `whole_table`'s order."""

    width: int  # cells per period
    units: int  # unit cells per period
    place: list[tuple[str, str, str]]  # (level, code, gender) of a period's cells
    level: NDArray[np.int8]  # every cell's level index
    relations: list[tuple[int, list[int]]]
    kept: dict[bytes, _Relations] = field(default_factory=dict)  # by cells with data


# By organisation and the family's shape: every year of a municipality's tables shares one.
_LAYOUTS: Lru[tuple[object, ...], _Layout] = Lru(256, name="table_layouts")


def _layout(
    unique: tuple[str, ...],
    areas: tuple[tuple[str, tuple[int, ...]], ...],
    code_slots: tuple[int, ...],
    periods: tuple[Period, ...],
) -> _Layout:
    """The layout of a family's table. The relations between its periods are positions, the
    same for every family of the same shape (each period's type and months, its year after
    the first's): a year's table and the next year's share one layout."""
    first = periods[0].start.year if periods else 0
    shape = tuple((p.start.year - first, p.type, p.start.month, p.end.month) for p in periods)
    key = (unique, areas, code_slots, shape)
    found = _LAYOUTS.get(key)
    if found is not None:
        return found
    g = len(GENDERS)
    units = len(unique) * g
    place = [("unit", code, gender) for code in unique for gender in GENDERS]
    place += [("area", area, gender) for area, _ in areas for gender in GENDERS]
    place += [("municipality", "", gender) for gender in GENDERS]
    width = len(place)
    relations: list[tuple[int, list[int]]] = []
    for j in range(len(periods)):
        base = j * width
        for a, (_, members) in enumerate(areas):
            for k in range(g):
                relations.append((base + units + a * g + k, [base + s * g + k for s in members]))
        if code_slots:
            for k in range(g):
                at = base + units + len(areas) * g + k
                relations.append((at, [base + s * g + k for s in code_slots]))
        for start in range(base, base + width, g):  # T = K + M at every place
            relations.append((start, [start + 1, start + 2]))
    # Between periods, as `whole_table` relates them: the places in the same set, built from
    # the same sequence, iterate in the same order.
    offset = {where: k for k, where in enumerate(place)}
    texts = {str(p): j for j, p in enumerate(periods)}
    places = set(place * len(periods))
    types = {p.type for p in periods}
    for j, outer in enumerate(periods if len(types) > 1 else ()):
        for t in _SUBTYPES:
            if t not in types or _SPAN[t] >= _SPAN[outer.type] or _SPAN[outer.type] % _SPAN[t]:
                continue
            parts = [texts[q] for c in outer.children(t) if (q := str(c)) in texts]
            if not parts:
                continue
            for where in places:
                k = offset[where]
                relations.append((j * width + k, [q * width + k for q in parts]))
    level = [_LEVEL_INDEX[where[0]] for where in place] * len(periods)
    layout = _Layout(
        width=width,
        units=units,
        place=place,
        level=np.array(level, dtype=np.int8),
        relations=relations,
    )
    _LAYOUTS.put(key, layout)
    return layout


def _protect_blocks(blocks: list[tuple[_Columns, list[Cell]]], layout: _Layout) -> None:
    """`protect` over the lean table: the same figures, relations and key as `_parts`."""
    numerators: list[Decimal | None] = []
    denominators: list[Decimal | None] = []
    ns: list[int | None] = []
    values: list[Decimal | None] = []
    primary: list[bool] = []
    for columns, cells in blocks:
        numerators += columns.numerators
        denominators += columns.denominators
        ns += columns.ns
        values += columns.values
        primary += columns.primary
        for c in cells:
            numerators.append(c.numerator)
            denominators.append(c.denominator)
            ns.append(c.n)
            values.append(c.value)
            primary.append(c.suppression == "primary")
    if not any(primary):
        return
    has = [v is not None or p for v, p in zip(values, primary, strict=True)]
    mask = np.array(has, dtype=bool)
    relations = layout.kept.get(mask.tobytes())
    if relations is None:
        position = (np.cumsum(mask) - 1).tolist()
        kept = []
        for parent, children in layout.relations:
            if not has[parent]:
                continue
            kids = tuple(position[c] for c in children if has[c])
            if kids:
                kept.append(disclosure.Relation(position[parent], kids))
        relations = _Relations(kept)
        if len(layout.kept) >= 64:
            layout.kept.clear()
        layout.kept[mask.tobytes()] = relations
    shown_denominators = list(compress(denominators, has))
    figures = (
        list(compress(numerators, has)),
        shown_denominators,
        [
            n if d is None else None
            for n, d in zip(compress(ns, has), shown_denominators, strict=True)
        ],
        list(compress(values, has)),
    )
    shown_primary = np.array(primary, dtype=bool)[mask]
    level = layout.level[mask]
    status = _pattern(
        (_figures_key(figures), shown_primary.tobytes(), level.tobytes(), relations),
        lambda: disclosure.Table(
            values=_figure_array(*figures),
            primary=shown_primary,
            level=level,
            relations=list(relations),
            labels=[layout.place[i % layout.width] for i in np.flatnonzero(mask).tolist()],
        ),
    )
    if not (status == disclosure.SECONDARY).any():
        return
    every = np.zeros(len(has), dtype=np.int8)
    every[mask] = status
    hidden = set(np.flatnonzero(every == disclosure.SECONDARY).tolist())
    for j, (columns, cells) in enumerate(blocks):
        start = j * layout.width
        first = start + layout.units
        columns.hidden = {i - start for i in hidden if start <= i < first}
        for i, cell in enumerate(cells):
            if first + i in hidden:
                cell.suppression = "secondary"


def compute(
    index: ObservationIndex,
    definition: Definition,
    *,
    units: Sequence[UnitRef],
    periods: Sequence[Period],
    genders: Sequence[str],
    levels: Sequence[str],
    municipality_stored: bool = True,
    registered: frozenset[str] = frozenset(),
    provenance: bool = True,
    unit_blocks: list[UnitBlock] | None = None,
) -> list[Cell]:
    """Every cell asked for: levels ⊆ {unit, area, municipality}, for each period and gender.

    Unit cells are computed for the registered `units` and for any other unit code found in
    the observations (e.g. a Kolada OU not yet registered); the latter count towards the
    municipality but belong to no area. When a cell may be primary, the period's whole table
    is computed and protected (`whole_table`), whatever was asked, so that no route shows
    what another hides.

    Without `provenance` the cells carry no observation ids, and a roll-up beside a stored
    municipality figure not the cells it rolls up (`rollup_of`); the unit cells are then
    worked out as columns of figures (`_lean_cells`), with the same values and suppression,
    and become cells only when the unit level is asked for; given `unit_blocks`, they are
    left there as blocks (one per period, its asked genders found by `UnitBlock.cells`),
    each cell made when it is shown.
    """
    whole = may_disclose(index, definition)
    if not provenance:
        return _lean_compute(
            index,
            definition,
            units=units,
            periods=periods,
            genders=genders,
            levels=levels,
            municipality_stored=municipality_stored,
            registered=registered,
            whole=whole,
            unit_blocks=unit_blocks,
        )
    out: list[Cell] = []
    tables: dict[tuple[Period, ...], Published] = {}  # one protected table per year family
    for period in periods:
        if whole:
            key = tuple(family(index, definition, period))
            if key not in tables:
                tables[key] = whole_table(
                    index,
                    definition,
                    units=units,
                    period=period,
                    municipality_stored=municipality_stored,
                    registered=registered,
                )
            text = str(period)
            cells = [c for c in tables[key].cells if c.period == text]
        else:
            cells = _period_cells(
                index,
                definition,
                units=units,
                codes=_codes(index, units, period, registered),
                period=period,
                genders=genders,
                levels=levels,
                municipality_stored=municipality_stored,
                relations=False,  # nothing to protect: only the cells are read
            ).cells
        out.extend(c for c in cells if c.level in levels and c.gender in genders)
    for c in out:
        # The roll-up is shown only where it reveals nothing: every unit in it shown.
        if c.rollup is not None and (c.suppressed or any(u.suppressed for u in c.rollup_of)):
            c.rollup = None
    return out


def _lean_compute(
    index: ObservationIndex,
    definition: Definition,
    *,
    units: Sequence[UnitRef],
    periods: Sequence[Period],
    genders: Sequence[str],
    levels: Sequence[str],
    municipality_stored: bool,
    registered: frozenset[str],
    whole: bool,
    unit_blocks: list[UnitBlock] | None,
) -> list[Cell]:
    """`compute` without provenance (see there)."""
    out: list[Cell] = []
    tables: dict[tuple[Period, ...], tuple[list[Cell], dict[str, UnitBlock]]] = {}
    for period in periods:
        text = str(period)
        if whole:
            key = tuple(family(index, definition, period))
            if key not in tables:
                tables[key] = _lean_cells(
                    index,
                    definition,
                    units=units,
                    codes=_codes(index, units, key[0], registered),
                    periods=key,
                    genders=GENDERS,
                    levels=LEVELS,
                    municipality_stored=municipality_stored,
                    protected=True,
                )
            cells = [c for c in tables[key][0] if c.period == text]
            block = tables[key][1].get(text)
        else:
            cells, blocks = _lean_cells(
                index,
                definition,
                units=units,
                codes=_codes(index, units, period, registered),
                periods=[period],
                genders=genders,
                levels=levels,
                municipality_stored=municipality_stored,
                protected=False,
            )
            block = blocks.get(text)
        if "unit" in levels and block is not None:
            if unit_blocks is None:
                out.extend(block.cells(genders))
            else:
                unit_blocks.append(block)
        out.extend(c for c in cells if c.level in levels and c.gender in genders)
    return out
