"""The computation: stored observations → indicator values per unit, area and municipality.

Pure functions over plain rows, so the rules are testable without a database.

Rules (the README's "How values are computed" repeats them):
- A value for period P uses observations stored for exactly P; failing that, the observations
  of the coarsest finer period type inside P (months → tertial → year), rolled up per measure
  by the indicator's period rule: sum and weighted add, mean averages, last takes the latest.
- Where a unit has both a local and a Kolada observation for the same key, the local one wins.
- A unit value is suppressed when any observation it uses is stored as suppressed or has fewer
  than 7 respondents, or (indicators with suppression='respondents') its n is below 7.
- An aggregate (area, municipality) over units: weighted → factor × Σnumerator ÷ Σdenominator;
  sum → Σ values; mean → unweighted mean of unit values; last → as sum. Suppressed units still
  count in a total, but the total is suppressed as well when the suppressed part holds fewer
  than 7 respondents (or units without n) — otherwise subtracting the shown units from the
  total would reveal it (complementary suppression).
- Women/men: when one of K and M is suppressed and the other is not, both are suppressed, since
  T − shown = hidden.
- Attribution is 'kolada' only for a value that is one raw Kolada observation shown as stored
  (formula = one measure, no denominator, factor 1, no roll-up); everything else is 'derived'.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from services.indicators.formula.parser import Node, Ref, evaluate, is_additive, parse, references
from shared.periods import Period, PeriodType
from shared.privacy import SUPPRESSION_THRESHOLD

GENDERS = ("T", "K", "M")
_SPAN = {PeriodType.YEAR: 12, PeriodType.TERTIAL: 4, PeriodType.QUARTER: 3, PeriodType.MONTH: 1}


@dataclass(frozen=True, slots=True)
class Obs:
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
    suppressed: bool = False
    suppression_reason: str | None = None
    attribution: str = "derived"
    observation_ids: list[int] = field(default_factory=list)
    units: int = 0  # contributing units (aggregates)

    @property
    def has_data(self) -> bool:
        return self.value is not None or self.suppressed


@lru_cache(maxsize=4096)
def parsed(text: str) -> Node:
    return parse(text)


def quantize(value: Decimal | None, decimals: int) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def definition_measures(definition: Definition) -> list[str]:
    seen: dict[str, None] = {}
    for text in (definition.numerator, definition.denominator):
        if text:
            for ref in references(parsed(text)):
                seen.setdefault(ref.measure, None)
    return list(seen)


class ObservationIndex:
    """Observations keyed by (unit, measure, gender), local preferred over Kolada."""

    def __init__(self, rows: Iterable[Obs], aliases: dict[str, str] | None = None) -> None:
        aliases = aliases or {}
        chosen: dict[tuple[str, str, str, str], Obs] = {}
        for row in rows:
            if row.status == "deleted":
                continue
            unit = aliases.get(row.unit_code, row.unit_code)
            key = (unit, row.measure_code, row.gender, row.period)
            prior = chosen.get(key)
            if prior is None or (prior.source == "kolada" and row.source == "local"):
                chosen[key] = row
        self._bounds: dict[Period, tuple[str, date, date]] = {}
        self.by_key: dict[tuple[str, str, str], list[Obs]] = defaultdict(list)
        self.units: set[str] = set()
        for (unit, measure, gender, _period), row in chosen.items():
            self.by_key[(unit, measure, gender)].append(row)
            self.units.add(unit)
        for rows_ in self.by_key.values():
            rows_.sort(key=lambda o: (o.period_start, o.period_end))

    def pick(self, unit: str, measure: str, gender: str, period: Period) -> list[Obs]:
        """The observations that make up `period`: the exact one, else the coarsest finer set."""
        rows = self.by_key.get((unit, measure, gender))
        if not rows:
            return []
        bounds = self._bounds.get(period)
        if bounds is None:
            bounds = self._bounds[period] = (str(period), period.start, period.end)
        text, start, end = bounds
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


def _roll_periods(rows: Sequence[Obs], rule: str) -> Decimal | None:
    values = [r.value for r in rows if r.value is not None]
    if not values:
        return None
    if rule == "last":
        latest = max((r for r in rows if r.value is not None), key=lambda r: r.period_end)
        return latest.value
    if rule == "mean":
        return sum(values, Decimal(0)) / len(values)
    return sum(values, Decimal(0))


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
    used: list[Obs] = []
    single_rows = True

    def lookup(measure: str, g: str) -> Decimal | None:
        nonlocal single_rows
        rows = index.pick(unit, measure, g, period)
        if not rows:
            return None
        if len(rows) > 1 or rows[0].period != str(period):
            single_rows = False
        used.extend(rows)
        return _roll_periods(rows, definition.period_rollup)

    num_node = parsed(definition.numerator)
    numerator = evaluate(num_node, lookup, gender)
    denominator = None
    if definition.denominator:
        denominator = evaluate(parsed(definition.denominator), lookup, gender)
    cell = Cell(level=level, code=unit, period=str(period), gender=gender, units=1)
    if not used:
        return cell
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
    few = any(r < SUPPRESSION_THRESHOLD for r in respondents)
    if (
        any(o.status == "suppressed" for o in used)
        or few
        or (
            definition.suppression == "respondents"
            and cell.n is not None
            and cell.n < SUPPRESSION_THRESHOLD
        )
    ):
        cell.suppressed, cell.suppression_reason = True, "few_respondents"
    raw = (
        isinstance(num_node, Ref)
        and definition.denominator is None
        and definition.factor == 1
        and single_rows
        and all(o.source == "kolada" for o in used)
    )
    cell.attribution = "kolada" if raw else "derived"
    return cell


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
    result.units = len(contributing)
    result.observation_ids = sorted({i for c in contributing for i in c.observation_ids})
    rule = definition.rollup
    additive = is_additive(parsed(definition.numerator)) and (
        definition.denominator is None or is_additive(parsed(definition.denominator))
    )
    if rule == "weighted" and definition.denominator is not None and additive:
        nums = [c.numerator for c in contributing if c.numerator is not None]
        dens = [c.denominator for c in contributing if c.denominator is not None]
        if nums and dens:
            result.numerator = sum(nums, Decimal(0))
            result.denominator = sum(dens, Decimal(0))
            if result.denominator:
                result.value = result.numerator / result.denominator * definition.factor
            result.n = int(result.denominator)
    elif rule == "mean" or (rule == "weighted" and definition.denominator is not None):
        values = [c.value for c in contributing if c.value is not None]
        if values:
            result.value = sum(values, Decimal(0)) / len(values)
    else:
        values = [c.value for c in contributing if c.value is not None]
        if values:
            result.value = sum(values, Decimal(0))
        nums = [c.numerator for c in contributing if c.numerator is not None]
        result.numerator = sum(nums, Decimal(0)) if nums else None
    ns = [c.n for c in contributing if c.n is not None]
    if result.n is None and ns and len(ns) == len(contributing):
        result.n = sum(ns)
    hidden = [c for c in contributing if c.suppressed]
    if hidden:
        hidden_n = sum(c.n or 0 for c in hidden)
        if hidden_n < SUPPRESSION_THRESHOLD or any(c.n is None for c in hidden):
            result.suppressed, result.suppression_reason = True, "complementary"
    respondents_rule = definition.suppression == "respondents"
    if respondents_rule and result.n is not None and result.n < SUPPRESSION_THRESHOLD:
        result.suppressed, result.suppression_reason = True, "few_respondents"
    return result


def protect_genders(cells: Iterable[Cell]) -> None:
    """If one of K/M is suppressed and the other shown, suppress the other (T − M = K)."""
    groups: dict[tuple[str, str, str], dict[str, Cell]] = defaultdict(dict)
    for c in cells:
        groups[(c.level, c.code, c.period)][c.gender] = c
    for by_gender in groups.values():
        k, m = by_gender.get("K"), by_gender.get("M")
        if k is None or m is None:
            continue
        if k.suppressed != m.suppressed and k.has_data and m.has_data:
            for c in (k, m):
                if not c.suppressed:
                    c.suppressed, c.suppression_reason = True, "complementary"


def _unit_cells(
    index: ObservationIndex,
    definition: Definition,
    codes: Sequence[str],
    genders: Sequence[str],
    period: Period,
) -> dict[tuple[str, str], Cell]:
    cells = {
        (code, g): unit_cell(index, definition, unit=code, level="unit", period=period, gender=g)
        for code in codes
        for g in genders
    }
    protect_genders(cells.values())
    return cells


def compute(
    index: ObservationIndex,
    definition: Definition,
    *,
    units: Sequence[UnitRef],
    periods: Sequence[Period],
    genders: Sequence[str],
    levels: Sequence[str],
    municipality_stored: bool = True,
) -> list[Cell]:
    """Every cell asked for: levels ⊆ {unit, area, municipality}, for each period and gender.

    Unit cells are computed for the registered `units` and for any other unit code found in
    the observations (e.g. a Kolada OU not yet registered); the latter count towards the
    municipality but belong to no area.
    """
    known = {u.code for u in units}
    extra = sorted(c for c in index.units if c and c not in known)
    need_genders = list(genders)
    if "K" in genders or "M" in genders:
        need_genders = list(dict.fromkeys([*genders, "K", "M"]))
    codes = [*(u.code for u in units), *extra]
    out: list[Cell] = []
    for period in periods:
        # Unit cells only when a level needs them: a municipality value Kolada stores needs
        # none, and a municipality has up to a few hundred units.
        unit_cells: dict[tuple[str, str], Cell] | None = None
        if "unit" in levels or "area" in levels:
            unit_cells = _unit_cells(index, definition, codes, need_genders, period)
        level_cells: list[Cell] = []
        if "unit" in levels:
            assert unit_cells is not None
            level_cells.extend(c for c in unit_cells.values() if c.gender in genders)
        if "area" in levels:
            assert unit_cells is not None
            by_area: dict[str, list[UnitRef]] = defaultdict(list)
            for u in units:
                if u.area:
                    by_area[u.area].append(u)
            area_cells = []
            for area, members in sorted(by_area.items()):
                for g in need_genders:
                    area_cells.append(
                        aggregate(
                            [unit_cells[(u.code, g)] for u in members],
                            definition,
                            level="area",
                            code=area,
                            period=str(period),
                            gender=g,
                        )
                    )
            protect_genders(area_cells)
            level_cells.extend(c for c in area_cells if c.gender in genders)
        if "municipality" in levels:
            muni_cells = []
            for g in need_genders:
                stored = (
                    unit_cell(
                        index, definition, unit="", level="municipality", period=period, gender=g
                    )
                    if municipality_stored
                    else None
                )
                if stored is not None and stored.has_data:
                    muni_cells.append(stored)
                    continue
                if unit_cells is None:
                    unit_cells = _unit_cells(index, definition, codes, need_genders, period)
                muni_cells.append(
                    aggregate(
                        [unit_cells[(c, g)] for c in codes],
                        definition,
                        level="municipality",
                        code="",
                        period=str(period),
                        gender=g,
                    )
                )
            protect_genders(muni_cells)
            level_cells.extend(c for c in muni_cells if c.gender in genders)
        out.extend(level_cells)
    return out
