"""Disclosure control: after it, no hidden survey result can be narrowed below its protection
interval by what is shown (the auditor's LP over every published level and T/K/M)."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.indicators.computation import disclosure
from services.indicators.computation.engine import (
    Definition,
    Obs,
    ObservationIndex,
    Published,
    UnitRef,
    compute,
    disclosure_table,
    whole_table,
)
from shared.periods import Period, PeriodType
from shared.privacy import SUPPRESSION_THRESHOLD

SURVEY = Definition(
    code="andel_nojda",
    version=1,
    numerator="satisfied",
    denominator="respondents",
    factor=Decimal(100),
    decimals=1,
    rollup="weighted",
    period_rollup="sum",
    suppression="respondents",
)
YEAR = Period.parse("2024")
_ids = count(1)


def answers(unit: str, gender: str, n: int, satisfied: int, period: Period = YEAR) -> list[Obs]:
    return [
        Obs(next(_ids), "local", unit, measure, str(period), period.start, period.end, gender,
            Decimal(value), n, "suppressed" if n < SUPPRESSION_THRESHOLD else "final")
        for measure, value in (("respondents", n), ("satisfied", satisfied))
    ]  # fmt: skip


def unit_rows(
    unit: str, women: tuple[int, int], men: tuple[int, int], period: Period = YEAR
) -> list[Obs]:
    """A unit's K and M results (satisfied, respondents) and T = K + M, as a survey upload
    stores them."""
    t = (women[0] + men[0], women[1] + men[1])
    return [
        row
        for gender, (satisfied, n) in (("K", women), ("M", men), ("T", t))
        for row in answers(unit, gender, n, satisfied, period)
    ]


def audited(published: Published) -> list[disclosure.Interval]:
    """The auditor over what the table shows: every hidden cell's feasible intervals."""
    cells, table = disclosure_table(published)
    hidden = np.array([c.suppressed for c in cells], dtype=bool)
    return disclosure.audit(table, hidden)


def test_the_seen_case_no_longer_gives_the_hidden_unit_by_subtraction() -> None:
    # Women 35/41 + men 17/20 = 52/61; shown units 27/30 and 20/25 would leave 5/6.
    rows = (
        unit_rows("A", (14, 16), (13, 14))
        + unit_rows("B", (17, 20), (3, 5))
        + unit_rows("C", (4, 5), (1, 1))
    )
    units = [UnitRef(code, code, "aldreomsorg", "hemtjanst") for code in "ABC"]
    published = whole_table(ObservationIndex(rows), SURVEY, units=units, period=YEAR)
    cells = {(c.level, c.code, c.gender): c for c in published.cells}
    total = cells[("municipality", "", "T")]
    assert (total.numerator, total.denominator) == (Decimal(52), Decimal(61))
    assert cells[("unit", "C", "T")].suppression == "primary"
    listed, table = disclosure_table(published)
    hidden = np.array([c.suppressed for c in listed], dtype=bool)
    intervals = disclosure.audit(table, hidden)
    assert all(not iv.violated for iv in intervals)
    c_respondents = next(
        iv
        for iv in intervals
        if listed[iv.cell] is cells[("unit", "C", "T")] and iv.quantity == disclosure.DEN
    )
    assert c_respondents.low <= 6 <= c_respondents.high
    assert c_respondents.width >= SUPPRESSION_THRESHOLD
    # Without complementary suppression the same audit pins C's respondents to exactly 6.
    primary_only = np.array([c.suppression == "primary" for c in listed], dtype=bool)
    bare = disclosure.audit(table, primary_only)
    pinned = next(
        iv
        for iv in bare
        if listed[iv.cell] is cells[("unit", "C", "T")] and iv.quantity == disclosure.DEN
    )
    assert pinned.violated
    assert abs(pinned.low - 6) < 1e-6
    assert abs(pinned.high - 6) < 1e-6


def test_a_tertial_cannot_be_worked_out_as_the_year_minus_the_others() -> None:
    t1, t2, _ = YEAR.children(PeriodType.TERTIAL)
    rows = unit_rows("A", (3, 4), (0, 1), t1) + unit_rows("A", (8, 9), (7, 8), t2)
    rows += unit_rows("B", (10, 12), (9, 10), t1) + unit_rows("B", (8, 9), (7, 8), t2)
    units = [UnitRef(code, code, "aldreomsorg", "hemtjanst") for code in "AB"]
    index = ObservationIndex(rows)
    published = whole_table(index, SURVEY, units=units, period=t1)
    cells = {(c.period, c.level, c.code, c.gender): c for c in published.cells}
    assert cells[("2024T1", "unit", "A", "T")].suppression == "primary"  # 5 respondents
    year = cells[("2024", "unit", "A", "T")]
    assert year.denominator == 22  # 5 + 17: the year on its own would be shown
    assert year.suppressed or cells[("2024T2", "unit", "A", "T")].suppressed
    assert all(not iv.violated for iv in audited(published))
    # Asking for the year or the tertial gives the same pattern (one table for both).
    for asked in (YEAR, t1, t2):
        again = compute(index, SURVEY, units=units, periods=[asked], genders=list("TKM"),
                        levels=["unit", "area", "municipality"])  # fmt: skip
        for c in again:
            assert c.suppression == cells[(c.period, c.level, c.code, c.gender)].suppression


def test_nothing_is_hidden_or_solved_when_no_cell_is_below_the_threshold() -> None:
    rows = unit_rows("A", (14, 16), (13, 14)) + unit_rows("B", (17, 20), (8, 9))
    units = [UnitRef(code, code, "aldreomsorg", "hemtjanst") for code in "AB"]
    published = whole_table(ObservationIndex(rows), SURVEY, units=units, period=YEAR)
    assert not any(c.suppressed for c in published.cells)


@st.composite
def hierarchies(draw: st.DrawFn) -> tuple[list[UnitRef], list[Obs]]:
    """1–12 units in random areas (or none), random K/M splits, for the year or for some of
    its tertials (which then sum to the year)."""
    size = draw(st.integers(1, 12))
    areas = draw(st.lists(st.sampled_from(["a", "b", "c", None]), min_size=size, max_size=size))
    periods = draw(st.sampled_from([[YEAR], YEAR.children(PeriodType.TERTIAL)[:2]]))
    units, rows = [], []
    for i, area in enumerate(areas):
        code = f"U{i}"
        units.append(UnitRef(code, code, area, "hemtjanst"))
        for period in periods:
            split = []
            for _gender in "KM":
                # Many small groups: some below the threshold, some just above.
                n = draw(st.integers(0, 25))
                split.append((draw(st.integers(0, n)), n))
            women, men = split
            if women[1] + men[1]:
                rows += unit_rows(code, women, men, period)
    return units, rows


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hierarchies())
def test_no_hidden_result_can_be_narrowed_below_its_protection_interval(
    drawn: tuple[list[UnitRef], list[Obs]],
) -> None:
    units, rows = drawn
    published = whole_table(ObservationIndex(rows), SURVEY, units=units, period=YEAR)
    shown = [c for c in published.cells if c.has_data and not c.suppressed]
    primary = [c for c in published.cells if c.suppression == "primary"]
    # The primary rule: no shown cell comes from fewer than 7 respondents.
    assert all(c.n is None or c.n >= SUPPRESSION_THRESHOLD for c in shown)
    intervals = audited(published)
    assert all(not iv.violated for iv in intervals)
    audited_primary = {iv.cell for iv in intervals if iv.required is not None}
    assert len(audited_primary) == len(primary)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hierarchies())
def test_solving_only_what_decides_protection_hides_the_same_cells(
    drawn: tuple[list[UnitRef], list[Obs]],
) -> None:
    """The control skips a primary cell's minimum once its maximum is wide enough: the
    pattern is the one every interval solved whole gives."""
    units, rows = drawn
    _, table = disclosure_table(
        whole_table(ObservationIndex(rows), SURVEY, units=units, period=YEAR)
    )
    decided = disclosure.control(table)
    whole = disclosure.control(table, decide=False)
    assert decided.tolist() == whole.tolist()
