"""Without provenance (what a report and an analytics page without include=provenance read),
`compute` works the unit cells out as columns of figures; the cells it returns, at every
level, are exactly those of the per-cell path (`compute` with provenance) less the
provenance: the same values, n, suppression and reasons, attribution, basis and roll-up
check beside a stored figure, and disclosure control reads the very same table (the same key
into the pattern cache), whatever the stored observations."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.indicators.computation import engine
from services.indicators.computation.engine import (
    Cell,
    Definition,
    Obs,
    ObservationIndex,
    UnitBlock,
    UnitRef,
    compute,
)
from shared.lru import Lru
from shared.periods import Period
from tests.services.indicators.computation.test_unit_cells_fast import observation_of

UNITS = (
    UnitRef("A", "A", "north", "hemtjanst"),
    UnitRef("B", "B", "north", "hemtjanst"),
    UnitRef("C", "C", "south", "boende", aliases=("V1",)),
    UnitRef("D", "D", None, "boende"),
)
CODES = ("A", "B", "C", "D", "V1", "X", "")  # V1 an alias, X unregistered, "" the municipality
MEASURES = ("num", "den", "other")
GENDERS = ("T", "K", "M")
PERIODS = ("2030", "2030T1", "2030T2", "2030T3", "2031", "2031T2", "2031-05")
_ids = count(10**9)  # apart from the ids of observation_of's rows


@st.composite
def survey(draw: st.DrawFn, least: int = 0) -> list[Obs]:
    """A unit's answers for a period as a survey upload stores them: satisfied (num) of
    respondents (den, at least `least`) per K and M, T their sum; few respondents make a
    cell primary."""
    code = draw(st.sampled_from(CODES))
    p = Period.parse(draw(st.sampled_from(PERIODS)))
    source = draw(st.sampled_from(("local", "kolada")))
    k, m = draw(st.integers(least, 30)), draw(st.integers(least, 30))
    k_yes, m_yes = draw(st.integers(0, k)), draw(st.integers(0, m))
    rows = []
    for gender, yes, n in (("K", k_yes, k), ("M", m_yes, m), ("T", k_yes + m_yes, k + m)):
        status = "suppressed" if n < 7 else "final"
        for measure, value in (("num", yes), ("den", n)):
            rows.append(
                Obs(next(_ids), source, code, measure, str(p), p.start, p.end, gender,
                    Decimal(value), n, status)
            )  # fmt: skip
    return rows


definitions = st.builds(
    Definition,
    code=st.just("x"),
    version=st.just(1),
    numerator=st.sampled_from(("num", "num", "num[K]", "den", "num + other")),
    denominator=st.sampled_from((None, "den", "den", "den[T]", "num", "den - other")),
    factor=st.sampled_from((Decimal(1), Decimal(100), Decimal("0.5"))),
    decimals=st.just(1),
    rollup=st.sampled_from(("weighted", "sum", "mean", "last")),
    period_rollup=st.sampled_from(("sum", "mean", "last")),
    suppression=st.sampled_from(("none", "respondents")),
)


class _Recording(Lru[tuple[bytes, bytes, bytes, tuple[object, ...]], object]):
    """The pattern cache, recording every table it is asked for."""

    def __init__(self) -> None:
        super().__init__(1024, name="test_patterns")
        self.asked: list[object] = []

    def get(self, key: tuple[bytes, bytes, bytes, tuple[object, ...]]) -> object | None:
        self.asked.append(key)
        return super().get(key)


def _as_dict(cell: Cell | None) -> dict[str, object] | None:
    """The cell's fields but its provenance (observation ids, the cells a roll-up is of); a
    roll-up beside a stored figure as its own fields. repr keeps a Decimal's exponent: 1E+1
    and 10 are different answers."""
    if cell is None:
        return None
    out: dict[str, object] = {
        f.name: repr(getattr(cell, f.name))
        for f in fields(cell)
        if f.name not in {"observation_ids", "rollup", "rollup_of"}
    }
    out["rollup"] = _as_dict(cell.rollup)
    return out


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    surveys=st.lists(survey(), max_size=25),
    rows=st.lists(observation_of(CODES, PERIODS), max_size=30),
    definition=definitions,
    periods=st.lists(st.sampled_from(PERIODS), min_size=1, max_size=3, unique=True),
    genders=st.sampled_from((GENDERS, ("T",), ("K", "M"))),
    levels=st.sampled_from(
        (
            ("municipality",),
            ("area",),
            ("area", "municipality"),
            ("unit",),
            ("unit", "municipality"),
            ("unit", "area", "municipality"),
        )
    ),
    stored=st.booleans(),
    registered=st.sampled_from((frozenset(), frozenset({"X"}))),
)
def test_cells_without_provenance_equal_the_per_cell_path(
    surveys: list[list[Obs]],
    rows: list[Obs],
    definition: Definition,
    periods: list[str],
    genders: tuple[str, ...],
    levels: tuple[str, ...],
    stored: bool,
    registered: frozenset[str],
) -> None:
    asked = [Period.parse(p) for p in periods]
    rows = [row for answers in surveys for row in answers] + rows

    def run(provenance: bool) -> tuple[list[dict[str, object] | None], list[object]]:
        patterns = _Recording()
        with pytest.MonkeyPatch.context() as patched:
            patched.setattr(engine, "_PATTERNS", patterns)
            cells = compute(
                ObservationIndex(rows, {"V1": "C"}),
                definition,
                units=UNITS,
                periods=asked,
                genders=genders,
                levels=levels,
                municipality_stored=stored,
                registered=registered,
                provenance=provenance,
            )
        return [_as_dict(c) for c in cells], patterns.asked

    per_cell, per_cell_tables = run(True)
    lean, lean_tables = run(False)
    assert lean == per_cell
    assert lean_tables == per_cell_tables


def test_a_stored_figure_keeps_its_roll_up_check_without_provenance() -> None:
    """Kolada's stored municipality figure beside its units' roll-up (the check a page shows
    as unit_rollup): both paths give it, with the same figures."""
    rows = []
    for code, yes, n in (("", 40, 80), ("A", 12, 20), ("B", 9, 30), ("C", 10, 25)):
        for gender, share in (("T", 2), ("K", 1), ("M", 1)):
            for measure, value in (("num", yes * share), ("den", n * share)):
                rows.append(
                    Obs(next(_ids), "kolada", code, measure, "2030", date(2030, 1, 1),
                        date(2030, 12, 31), gender, Decimal(value), n * share, "final")
                )  # fmt: skip
    definition = Definition("x", 1, "num", "den", Decimal(100), 1, "weighted", "sum", "none")

    def run(provenance: bool) -> list[dict[str, object] | None]:
        return [
            _as_dict(c)
            for c in compute(
                ObservationIndex(rows),
                definition,
                units=UNITS,
                periods=[Period.parse("2030")],
                genders=GENDERS,
                levels=("unit", "municipality"),
                provenance=provenance,
            )
        ]

    lean = run(False)
    assert lean == run(True)
    municipality = [c for c in lean if c is not None and c["level"] == "'municipality'"]
    assert [c["rollup"] is not None for c in municipality] == [True, True, True]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    surveys=st.lists(survey(least=7), min_size=1, max_size=25),
    definition=definitions,
    periods=st.lists(st.sampled_from(PERIODS), min_size=1, max_size=3, unique=True),
    genders=st.sampled_from((GENDERS, ("T",), ("K", "M"))),
)
def test_unit_cells_a_page_works_out_when_shown_equal_the_per_cell_path(
    surveys: list[list[Obs]],
    definition: Definition,
    periods: list[str],
    genders: tuple[str, ...],
) -> None:
    """A page of unit cells only, where no cell can be primary: nothing but the page reads
    them, so each is worked out when the page shows it (a block without columns) — the same
    cells as the per-cell path's, in the same order."""
    rows = [row for answers in surveys for row in answers]
    asked = [Period.parse(p) for p in periods]
    index = ObservationIndex(rows, {"V1": "C"})
    blocks: list[UnitBlock] = []

    def run(provenance: bool, into: list[UnitBlock] | None) -> list[Cell]:
        return compute(
            index,
            definition,
            units=UNITS,
            periods=asked,
            genders=genders,
            levels=("unit",),
            provenance=provenance,
            unit_blocks=into,
        )

    lean = run(False, blocks)
    shown = [c for block in blocks for c in block.cells(genders)]
    per_cell = run(True, None)
    assert [_as_dict(c) for c in [*lean, *shown]] == [_as_dict(c) for c in per_cell]
