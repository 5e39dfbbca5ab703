"""The composite-indicator maths, on its own."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.awards.evaluation import engine

NAN = np.nan


def problem(values: list[list[float]], higher: list[bool], weights: list[float]) -> engine.Problem:
    return engine.Problem(
        units=[f"u{i}" for i in range(len(values))],
        criteria=[f"c{j}" for j in range(len(higher))],
        values=np.array(values, dtype=np.float64),
        higher_is_better=np.array(higher),
        weights=np.array(weights, dtype=np.float64),
    )


def test_min_max_orients_lower_is_better_criteria() -> None:
    p = problem([[10, 8], [20, 12], [15, 10]], [True, False], [1, 1])
    n = engine.normalise(p, "min_max")
    assert n[:, 0].tolist() == [0.0, 1.0, 0.5]
    assert n[:, 1].tolist() == [1.0, 0.0, 0.5]  # fewer staff is better


def test_rank_and_z_score_and_distance_to_target() -> None:
    p = engine.Problem(
        units=["a", "b", "c", "d"],
        criteria=["x"],
        values=np.array([[1.0], [2.0], [2.0], [5.0]]),
        higher_is_better=np.array([True]),
        weights=np.array([1.0]),
        targets=np.array([4.0]),
    )
    assert engine.normalise(p, "rank")[:, 0].tolist() == pytest.approx([0, 0.5, 0.5, 1])
    z = engine.normalise(p, "z_score")[:, 0]
    assert z.mean() == pytest.approx(0)
    assert z.std() == pytest.approx(1)
    assert engine.normalise(p, "distance_to_target")[:, 0].tolist() == [-0.75, -0.5, -0.5, 0.25]


def test_missing_data_policies_differ_as_stated() -> None:
    p = problem([[1.0, 1.0], [0.0, NAN], [0.5, 0.0]], [True, True], [1, 1])
    reweight = engine.evaluate(
        p, normalisation="min_max", missing="reweight", aggregation="arithmetic"
    )
    mean = engine.evaluate(p, normalisation="min_max", missing="mean", aggregation="arithmetic")
    worst = engine.evaluate(p, normalisation="min_max", missing="worst", aggregation="arithmetic")
    assert reweight.score[1] == pytest.approx(0.0)  # only c0 counts, weight scaled to 1
    assert reweight.effective_weight[1].tolist() == [1.0, 0.0]
    assert mean.score[1] == pytest.approx(0.25)  # c1 imputed with the mean 0.5
    assert bool(mean.imputed[1, 1]) is True
    assert worst.score[1] == pytest.approx(0.0)


def test_geometric_aggregation_punishes_imbalance() -> None:
    p = problem([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]], [True, True], [1, 1])
    arithmetic = engine.evaluate(
        p, normalisation="min_max", missing="reweight", aggregation="arithmetic"
    )
    geometric = engine.evaluate(
        p, normalisation="min_max", missing="reweight", aggregation="geometric"
    )
    assert arithmetic.score[0] == pytest.approx(arithmetic.score[1])
    assert geometric.score[1] > geometric.score[0]
    assert geometric.rank.tolist() == [2, 1, 2]


def test_equal_scores_share_a_rank_and_keep_tie_rule_order() -> None:
    p = problem([[1.0], [1.0], [0.0]], [True], [1])
    scores = engine.evaluate(
        p, normalisation="min_max", missing="reweight", aggregation="arithmetic"
    )
    assert scores.rank.tolist() == [1, 1, 3]
    assert scores.order.tolist() == [0, 1, 2]


def test_sensitivity_is_reproducible_with_its_seed_and_detects_a_dominant_unit() -> None:
    rng = np.random.default_rng(7)
    values = rng.normal(size=(30, 6))
    values[0] = 10.0  # dominant on every criterion
    p = problem(values.tolist(), [True] * 6, [1, 2, 1, 1, 3, 1])
    spec = engine.SensitivitySpec(draws=300)
    first, ranks = engine.sensitivity(p, spec, "arithmetic", seed=42)
    _second, ranks_again = engine.sensitivity(p, spec, "arithmetic", seed=42)
    assert np.array_equal(ranks, ranks_again)
    assert first.p_first[0] == 1.0
    assert first.rank_p05[0] == first.rank_p95[0] == 1
    assert first.p_first.sum() == pytest.approx(1.0)
    other, _ = engine.sensitivity(p, spec, "arithmetic", seed=43)
    assert first.choices != other.choices  # another seed draws other method choices
    assert sum(first.choices["normalisation"].values()) == 300


def test_standard_error_of_shares_and_conservative_change() -> None:
    # A share of 100 % from 8 answers still carries uncertainty.
    assert engine.share_standard_error(100.0, 8) > 10
    change, se, credited = engine.conservative_change(90.0, 70.0, 3.0, 4.0, 1.645)
    assert (change, se) == (20.0, 5.0)
    assert credited == pytest.approx(20 - 1.645 * 5)


def test_rank_matrix_keeps_the_tie_rule_order_in_every_draw() -> None:
    scores = np.array([[1.0, 0.5], [1.0, 0.9], [0.0, 0.9]])  # units × draws
    ranks = engine.rank_matrix(scores)
    assert ranks.tolist() == [[1, 2, 3], [3, 1, 2]]  # draws × units; ties: earlier row first


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 12).flatmap(
        lambda units: st.lists(
            st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, np.nan]), min_size=units, max_size=units),
            min_size=1,
            max_size=12,
        )
    )
)
def test_rank_matrix_ranks_each_draw_as_a_stable_sort_of_its_scores(
    draws: list[list[float]],
) -> None:
    scores = np.array(draws, dtype=np.float64).T  # units × draws, with ties and missing
    ranks = engine.rank_matrix(scores)
    for d, column in enumerate(draws):
        key = [np.inf if np.isnan(x) else -x for x in column]
        order = sorted(range(len(column)), key=key.__getitem__)  # stable: tie rule's order
        expected = [0] * len(column)
        for position, unit in enumerate(order, start=1):
            expected[unit] = position
        assert ranks[d].tolist() == expected
    # The summaries taken from the integer ranks are those of the same ranks as floats.
    as_float = ranks.astype(np.float64)
    assert (
        np.percentile(ranks, [5, 50, 95], axis=0) == np.percentile(as_float, [5, 50, 95], axis=0)
    ).all()
