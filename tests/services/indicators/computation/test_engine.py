"""The computation rules on plain rows (no database)."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

from services.indicators.computation.engine import (
    Definition,
    Obs,
    ObservationIndex,
    UnitRef,
    compute,
    quantize,
)
from shared.periods import Period

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
_ids = count(1)


def obs(
    unit: str,
    measure: str,
    period: str,
    value: int,
    gender: str = "T",
    source: str = "local",
    respondents: int | None = None,
) -> Obs:
    p = Period.parse(period)
    return Obs(
        next(_ids),
        source,
        unit,
        measure,
        str(p),
        p.start,
        p.end,
        gender,
        Decimal(value),
        respondents,
        "final",
    )


def survey(unit: str, period: str, n: int, satisfied: int, gender: str = "T") -> list[Obs]:
    return [
        obs(unit, "respondents", period, n, gender, respondents=n),
        obs(unit, "satisfied", period, satisfied, gender, respondents=n),
    ]


UNITS = [
    UnitRef("A", "A", "aldreomsorg", "hemtjanst"),
    UnitRef("B", "B", "aldreomsorg", "hemtjanst"),
    UnitRef("C", "C", "aldreomsorg", "sarskilt_boende"),
]


def cells_by(rows: list[Obs], levels: list[str], genders: list[str] | None = None) -> dict:  # type: ignore[type-arg]
    result = compute(
        ObservationIndex(rows),
        SURVEY,
        units=UNITS,
        periods=[Period.parse("2024")],
        genders=genders or ["T"],
        levels=levels,
    )
    return {(c.level, c.code, c.gender): c for c in result}


def test_one_suppressed_unit_hides_its_smallest_sibling_not_the_total() -> None:
    rows = survey("A", "2024", 20, 18) + survey("B", "2024", 10, 7) + survey("C", "2024", 5, 5)
    cells = cells_by(rows, ["unit", "area", "municipality"])
    assert cells[("unit", "C", "T")].suppression == "primary"
    # Shown A 18/20, B 7/10 and a total of 30/35 would give C = 5/5 by subtraction: the
    # smallest sibling goes (B, secondary), the totals stay.
    assert cells[("unit", "B", "T")].suppression == "secondary"
    assert cells[("unit", "B", "T")].suppression_reason == "complementary"
    assert not cells[("unit", "A", "T")].suppressed
    area = cells[("area", "aldreomsorg", "T")]
    assert not area.suppressed
    assert area.n == 35


def test_area_total_is_shown_when_the_hidden_part_has_seven_or_more_respondents() -> None:
    rows = survey("A", "2024", 20, 18) + survey("B", "2024", 4, 3) + survey("C", "2024", 5, 5)
    area = cells_by(rows, ["area"])[("area", "aldreomsorg", "T")]
    assert not area.suppressed
    assert quantize(area.value, 1) == Decimal("89.7")  # (18 + 3 + 5) / 29
    assert area.n == 29
    assert area.units == 3


def test_weighted_rollup_divides_sums_not_averages_of_shares() -> None:
    rows = survey("A", "2024", 100, 90) + survey("B", "2024", 10, 5)
    municipality = cells_by(rows, ["municipality"])[("municipality", "", "T")]
    assert quantize(municipality.value, 1) == Decimal("86.4")  # 95 / 110, not (90 + 50) / 2


def test_when_women_are_suppressed_men_are_hidden_too() -> None:
    rows = (
        survey("A", "2024", 25, 20)
        + survey("A", "2024", 5, 4, gender="K")
        + survey("A", "2024", 20, 16, gender="M")
    )
    cells = cells_by(rows, ["unit"], ["T", "K", "M"])
    assert not cells[("unit", "A", "T")].suppressed
    assert cells[("unit", "A", "K")].suppression == "primary"
    assert cells[("unit", "A", "K")].suppression_reason == "few_respondents"
    assert cells[("unit", "A", "M")].suppression == "secondary"
    assert cells[("unit", "A", "M")].suppression_reason == "complementary"


def test_months_roll_up_into_the_tertial_asked_for() -> None:
    rows = survey("A", "2024-05", 10, 8) + survey("A", "2024-06", 10, 9)
    rows += survey("A", "2024-09", 50, 10)  # T3: outside T2
    result = compute(
        ObservationIndex(rows),
        SURVEY,
        units=UNITS[:1],
        periods=[Period.parse("2024T2")],
        genders=["T"],
        levels=["unit"],
    )
    (cell,) = result
    assert quantize(cell.value, 1) == Decimal("85.0")  # 17 / 20
    assert len(cell.observation_ids) == 4


def test_an_exact_period_wins_over_its_parts_and_local_wins_over_kolada() -> None:
    rows = survey("A", "2024-05", 10, 1) + survey("A", "2024T2", 10, 9)
    rows.append(obs("A", "satisfied", "2024T2", 2, source="kolada"))
    result = compute(
        ObservationIndex(rows),
        SURVEY,
        units=UNITS[:1],
        periods=[Period.parse("2024T2")],
        genders=["T"],
        levels=["unit"],
    )
    assert quantize(result[0].value, 1) == Decimal("90.0")


def test_only_an_untouched_kolada_value_is_attributed_to_kolada() -> None:
    raw = Definition("k", 1, "U21468", None, Decimal(1), 0, "mean", "mean", "none")
    rows = [obs("", "U21468", "2024", 88, source="kolada")]
    (cell,) = compute(
        ObservationIndex(rows),
        raw,
        units=[],
        periods=[Period.parse("2024")],
        genders=["T"],
        levels=["municipality"],
    )
    assert cell.attribution == "kolada"
    assert cell.value == 88
    scaled = Definition("k", 1, "U21468", None, Decimal(2), 0, "mean", "mean", "none")
    (cell,) = compute(
        ObservationIndex(rows),
        scaled,
        units=[],
        periods=[Period.parse("2024")],
        genders=["T"],
        levels=["municipality"],
    )
    assert cell.attribution == "derived"


def test_a_unit_stored_under_its_kolada_ou_id_is_the_same_unit() -> None:
    units = [UnitRef("HT-1", "Hemtjänst 1", "aldreomsorg", "hemtjanst", ("V21E0001",))]
    rows = survey("V21E0001", "2024", 10, 9)
    result = compute(
        ObservationIndex(rows, {"V21E0001": "HT-1"}),
        SURVEY,
        units=units,
        periods=[Period.parse("2024")],
        genders=["T"],
        levels=["unit"],
    )
    assert [(c.code, quantize(c.value, 0)) for c in result] == [("HT-1", Decimal(90))]
