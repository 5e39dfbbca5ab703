from __future__ import annotations

from decimal import Decimal

from services.indicators.comparison.rules import colour, mean, rank


def test_rank_is_direction_aware_and_ties_share_the_better_rank() -> None:
    values = {"a": Decimal(90), "b": Decimal(80), "c": Decimal(80), "d": Decimal(70)}
    assert rank(values, "b", direction="higher") == (2, 4)
    assert rank(values, "c", direction="higher") == (2, 4)
    assert rank(values, "d", direction="lower") == (1, 4)
    assert rank(values, "x", direction="higher") is None


def test_kkik_colours_best_quarter_green_middle_half_yellow_worst_quarter_red() -> None:
    of = 290
    assert [colour(p, of) for p in (1, 73, 74, 217, 218, 290)] == [
        "green",
        "green",
        "yellow",
        "yellow",
        "red",
        "red",
    ]
    assert [colour(p, 8) for p in range(1, 9)] == [
        "green",
        "green",
        "yellow",
        "yellow",
        "yellow",
        "yellow",
        "red",
        "red",
    ]


def test_group_value_is_the_unweighted_mean_of_members_with_data() -> None:
    assert mean([Decimal(80), Decimal(90), Decimal(70)]) == Decimal(80)
    assert mean([]) is None
