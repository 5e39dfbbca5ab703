"""The engine's fast path for a period's unit cells gives exactly the cells of the per-cell
rules (`unit_cell`), whatever the stored observations: exact and finer periods, local and
Kolada rows for the same key, suppressed and few-respondent rows, missing values, aliases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from decimal import Decimal
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.indicators.computation.engine import (
    Cell,
    Definition,
    Obs,
    ObservationIndex,
    _unit_cells,
    unit_cell,
)
from shared.periods import Period

UNITS = ("A", "B", "C", "V1")
MEASURES = ("num", "den", "other")
GENDERS = ("T", "K", "M")
PERIODS = ("2030", "2030T1", "2030T2", "2030T3", "2031", "2031T2")
_ids = count(1)

values = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=60).map(Decimal),
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal("1E+1"), Decimal("0.0"), Decimal("12.50")]),
)


def observation_of(codes: Sequence[str], periods: Sequence[str]) -> st.SearchStrategy[Obs]:
    """An observation of one of `codes` in one of `periods`: any source, measure, gender,
    value, count and status."""

    @st.composite
    def observation(draw: st.DrawFn) -> Obs:
        p = Period.parse(draw(st.sampled_from(periods)))
        return Obs(
            next(_ids),
            draw(st.sampled_from(("local", "kolada"))),
            draw(st.sampled_from(codes)),
            draw(st.sampled_from(MEASURES)),
            str(p),
            p.start,
            p.end,
            draw(st.sampled_from(GENDERS)),
            draw(values),
            draw(st.one_of(st.none(), st.integers(min_value=0, max_value=40))),
            draw(st.sampled_from(("final", "final", "preliminary", "suppressed", "deleted"))),
        )

    return observation()


definitions = st.builds(
    Definition,
    code=st.just("x"),
    version=st.just(1),
    numerator=st.sampled_from(("num", "num[K]", "den", "num + other")),
    denominator=st.sampled_from((None, "den", "den[T]", "num", "den - other")),
    factor=st.sampled_from((Decimal(1), Decimal(100), Decimal("0.5"))),
    decimals=st.just(1),
    rollup=st.sampled_from(("weighted", "sum", "mean", "last")),
    period_rollup=st.sampled_from(("sum", "mean", "last")),
    suppression=st.sampled_from(("none", "respondents")),
)


def _as_dict(cell: Cell) -> dict[str, object]:
    # repr keeps a Decimal's exponent: 1E+1 and 10 are different answers
    return {f.name: repr(getattr(cell, f.name)) for f in fields(cell)}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(observation_of(UNITS, PERIODS), max_size=60),
    definition=definitions,
    period=st.sampled_from(PERIODS),
    aliased=st.booleans(),
)
def test_fast_unit_cells_equal_the_per_cell_rules(
    rows: list[Obs], definition: Definition, period: str, aliased: bool
) -> None:
    index = ObservationIndex(rows, {"V1": "C"} if aliased else None)
    p = Period.parse(period)
    codes = ["A", "B", "C", "V1", "D"]
    fast = _unit_cells(index, definition, codes, GENDERS, p)
    for code in codes:
        for g in GENDERS:
            slow = unit_cell(index, definition, unit=code, level="unit", period=p, gender=g)
            assert _as_dict(fast[(code, g)]) == _as_dict(slow), (code, g)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(observation_of(UNITS, PERIODS), max_size=60), aliased=st.booleans())
def test_the_index_reads_the_rows_as_row_by_row(rows: list[Obs], aliased: bool) -> None:
    """The index is built a column at a time; what it holds is what reading the rows one by
    one gives: deleted rows left out, a local row over Kolada's for one key, else the first;
    each unit's periods, each measure's period lengths, the measures with a row that can make
    a cell primary, and each measure's least value (the first of equal ones)."""
    aliases = {"V1": "C"} if aliased else None
    index = ObservationIndex(rows, aliases)
    chosen: dict[tuple[str, str, str, str], Obs] = {}
    for row in rows:
        if row.status == "deleted":
            continue
        key = (
            (aliases or {}).get(row.unit_code, row.unit_code),
            row.measure_code,
            row.gender,
            row.period,
        )
        prior = chosen.setdefault(key, row)
        if prior is not row and prior.source == "kolada" and row.source == "local":
            chosen[key] = row
    assert list(index.exact.items()) == list(chosen.items())
    kept = list(chosen.items())
    extents: dict[str, set[tuple[object, object]]] = {}
    spans: dict[str, set[int]] = {}
    least: dict[str, Decimal] = {}
    for (unit, measure, _, _), r in kept:
        extents.setdefault(unit, set()).add((r.period_start, r.period_end))
        months = (r.period_end.year - r.period_start.year) * 12
        spans.setdefault(measure, set()).add(months + r.period_end.month - r.period_start.month + 1)
        if r.value is not None and (measure not in least or r.value < least[measure]):
            least[measure] = r.value
    assert dict(index.extents) == extents
    assert index.units == set(extents)
    assert dict(index.spans) == spans
    assert index.flagged == {
        k[1]
        for k, r in kept
        if r.status == "suppressed" or (r.respondents is not None and r.respondents < 7)
    }
    assert {m: repr(v) for m, v in index.least.items()} == {m: repr(v) for m, v in least.items()}
