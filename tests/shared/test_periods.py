from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from shared.periods import Period, PeriodError, PeriodType


@pytest.mark.parametrize(
    ("text", "kind", "index", "start", "end"),
    [
        ("2024", PeriodType.YEAR, 1, date(2024, 1, 1), date(2024, 12, 31)),
        ("2024T1", PeriodType.TERTIAL, 1, date(2024, 1, 1), date(2024, 4, 30)),
        ("2024T2", PeriodType.TERTIAL, 2, date(2024, 5, 1), date(2024, 8, 31)),
        ("2024T3", PeriodType.TERTIAL, 3, date(2024, 9, 1), date(2024, 12, 31)),
        ("2024Q3", PeriodType.QUARTER, 3, date(2024, 7, 1), date(2024, 9, 30)),
        ("2024-02", PeriodType.MONTH, 2, date(2024, 2, 1), date(2024, 2, 29)),
        (" 2023-02 ", PeriodType.MONTH, 2, date(2023, 2, 1), date(2023, 2, 28)),
    ],
)
def test_parses_each_period_type_with_its_dates(
    text: str, kind: PeriodType, index: int, start: date, end: date
) -> None:
    p = Period.parse(text)
    assert (p.type, p.index, p.start, p.end) == (kind, index, start, end)
    assert str(p) == text.strip()


@pytest.mark.parametrize("text", ["2024T4", "2024Q0", "2024-13", "24", "2024t1", "T1", "", "1800"])
def test_refuses_what_is_not_a_period(text: str) -> None:
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_orders_by_start_then_longer_first() -> None:
    texts = ["2024-05", "2024T2", "2024", "2023T3", "2024Q2", "2024T1"]
    ordered = [str(p) for p in sorted(Period.parse(t) for t in texts)]
    assert ordered == ["2023T3", "2024", "2024T1", "2024Q2", "2024T2", "2024-05"]


def test_containment_follows_the_calendar() -> None:
    year, t2 = Period.parse("2024"), Period.parse("2024T2")
    assert year.contains(t2)
    assert t2.contains(Period.parse("2024-08"))
    assert not t2.contains(Period.parse("2024-09"))
    assert not t2.contains(Period.parse("2024Q2"))  # Apr–Jun straddles T1/T2
    assert not t2.contains(year)


def test_months_roll_up_to_tertials_and_years() -> None:
    assert str(Period.parse("2024-09").parent(PeriodType.TERTIAL)) == "2024T3"
    assert str(Period.parse("2024-04").parent(PeriodType.TERTIAL)) == "2024T1"
    assert str(Period.parse("2024T2").parent(PeriodType.YEAR)) == "2024"
    with pytest.raises(PeriodError):
        Period.parse("2024Q2").parent(PeriodType.TERTIAL)
    assert [str(p) for p in Period.parse("2024T2").children(PeriodType.MONTH)] == [
        "2024-05",
        "2024-06",
        "2024-07",
        "2024-08",
    ]
    assert len(Period.parse("2024").children(PeriodType.TERTIAL)) == 3


def test_previous_next_last_year_and_year_to_date() -> None:
    assert str(Period.parse("2024T1").previous()) == "2023T3"
    assert str(Period.parse("2024-01").previous()) == "2023-12"
    assert str(Period.parse("2023T3").next()) == "2024T1"
    assert str(Period.parse("2024Q4").next()) == "2025Q1"
    assert str(Period.parse("2024T2").same_period_last_year()) == "2023T2"
    assert [str(p) for p in Period.parse("2024T3").year_to_date()] == [
        "2024T1",
        "2024T2",
        "2024T3",
    ]


@given(
    year=st.integers(1900, 2200),
    kind=st.sampled_from(list(PeriodType)),
    index=st.integers(1, 12),
)
def test_a_period_ends_on_its_last_months_last_day(year: int, kind: PeriodType, index: int) -> None:
    """Leap years included (1900 and 2100 are none, 2000 is one)."""
    assume(index <= {"year": 1, "tertial": 3, "quarter": 4, "month": 12}[kind.value])
    p = Period(year, kind, index)
    after = date(year + 1, 1, 1) if p.last_month == 12 else date(year, p.last_month + 1, 1)
    assert p.end == after - timedelta(days=1)
