"""The composite-indicator maths (OECD/JRC Handbook on Constructing Composite Indicators).

Pure numpy, no I/O: a matrix of units × criteria (NaN = missing), each criterion with a
direction, a weight and optionally a target. Steps: normalise (min-max, z-score, rank or
distance to target), handle missing data by an explicit policy (reweight over what is
present, impute the criterion mean, or impute the worst observed value), weight, aggregate
(arithmetic or geometric), rank with a stated tie rule. The sensitivity analysis repeats the
whole chain for many random draws of weights, normalisation, missing-data policy and a
left-out criterion, vectorised: one matrix product per (normalisation, policy) pair.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, cast

import numpy as np
import numpy.typing as npt

Normalisation = Literal["min_max", "z_score", "rank", "distance_to_target"]
MissingPolicy = Literal["reweight", "mean", "worst"]
Aggregation = Literal["arithmetic", "geometric"]
NORMALISATIONS: tuple[Normalisation, ...] = ("min_max", "z_score", "rank", "distance_to_target")
MISSING_POLICIES: tuple[MissingPolicy, ...] = ("reweight", "mean", "worst")
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
RankArray = npt.NDArray[np.int32]

# Geometric aggregation needs strictly positive values: each normalised criterion is mapped
# linearly onto [GEOMETRIC_FLOOR, 1] first (stated in every result that uses it).
GEOMETRIC_FLOOR = 0.01


@dataclass(frozen=True)
class Problem:
    """The input of one composite evaluation, already in the order of the tie rule."""

    units: list[str]
    criteria: list[str]
    values: FloatArray  # (U, C), NaN = missing
    higher_is_better: BoolArray  # (C,)
    weights: FloatArray  # (C,), > 0; normalised to sum 1 here
    targets: FloatArray = field(default_factory=lambda: np.empty(0))  # (C,) NaN = none

    def __post_init__(self) -> None:
        u, c = len(self.units), len(self.criteria)
        if self.values.shape != (u, c):
            raise ValueError(f"values must be {u}×{c}, got {self.values.shape}")
        if self.weights.shape != (c,) or self.higher_is_better.shape != (c,):
            raise ValueError("one weight and one direction per criterion")
        if c and (np.any(self.weights < 0) or self.weights.sum() <= 0):
            raise ValueError("weights must be non-negative and not all zero")
        if self.targets.size == 0:
            object.__setattr__(self, "targets", np.full(c, np.nan))


@dataclass(frozen=True)
class Scores:
    score: FloatArray  # (U,)
    rank: IntArray  # (U,) 1-based, shared on equal scores
    order: IntArray  # (U,) unit indices best first (tie rule applied)
    normalised: FloatArray  # (U, C) NaN where missing and not imputed
    imputed: BoolArray  # (U, C)
    contribution: FloatArray  # (U, C) share of the unit's score from each criterion
    effective_weight: FloatArray  # (U, C) the weight each criterion had for the unit


@dataclass(frozen=True)
class Sensitivity:
    draws: int
    rank_p05: FloatArray  # (U,)
    rank_p50: FloatArray
    rank_p95: FloatArray
    p_first: FloatArray
    p_top3: FloatArray
    choices: dict[str, dict[str, int]]


def _oriented(values: FloatArray, higher: BoolArray) -> FloatArray:
    """Flip lower-is-better criteria so that larger is always better."""
    return np.where(higher[None, :], values, -values)


def _column_ranks(x: FloatArray) -> FloatArray:
    """Average ranks (0-based) per column over present values; NaN stays NaN."""
    out = np.full_like(x, np.nan)
    for j in range(x.shape[1]):
        col = x[:, j]
        present = ~np.isnan(col)
        if not present.any():
            continue
        vals = col[present]
        _uniq, inverse, counts = np.unique(vals, return_inverse=True, return_counts=True)
        ends = np.cumsum(counts) - 1
        avg = ends - (counts - 1) / 2.0
        out[present, j] = avg[inverse]
    return out


def normalise(problem: Problem, method: Normalisation) -> FloatArray:
    """Normalised values, larger = better, NaN where missing."""
    x = _oriented(problem.values, problem.higher_is_better)
    with np.errstate(invalid="ignore", divide="ignore"):
        present = ~np.isnan(x)
        count = present.sum(axis=0)
        if method == "min_max":
            lo, hi = np.nanmin(_safe(x), axis=0), np.nanmax(_safe(x), axis=0)
            span = hi - lo
            return np.where(span > 0, (x - lo) / np.where(span > 0, span, 1.0), 1.0) * _nan_mask(
                present
            )
        if method == "z_score":
            mean = np.nanmean(_safe(x), axis=0)
            std = np.nanstd(_safe(x), axis=0)
            return np.where(std > 0, (x - mean) / np.where(std > 0, std, 1.0), 0.0) * _nan_mask(
                present
            )
        if method == "rank":
            ranks = _column_ranks(x)
            denom = np.maximum(count - 1, 1)
            return np.where(count > 1, ranks / denom, 1.0) * _nan_mask(present)
        # distance to target: relative distance to the target, or to the best observed
        # value when the criterion has none (OECD "distance to the leader"); 0 = at target.
        targets = np.where(problem.higher_is_better, problem.targets, -problem.targets)
        best = np.nanmax(_safe(x), axis=0)
        ref = np.where(np.isnan(targets), best, targets)
        scale = np.where(np.abs(ref) > 0, np.abs(ref), 1.0)
        return (x - ref) / scale * _nan_mask(present)


def _safe(x: FloatArray) -> FloatArray:
    """A column of only NaN would warn in nan-reductions; give it one zero (masked later)."""
    empty = np.isnan(x).all(axis=0)
    if not empty.any():
        return x
    y = x.copy()
    y[0, empty] = 0.0
    return y


def _nan_mask(present: BoolArray) -> FloatArray:
    return np.where(present, 1.0, np.nan)


def _fill(normalised: FloatArray, policy: MissingPolicy) -> tuple[FloatArray, BoolArray]:
    """(filled matrix, imputed mask). 'reweight' leaves NaN (handled by the weights)."""
    missing = np.isnan(normalised)
    if policy == "reweight" or not missing.any():
        return normalised, np.zeros_like(missing)
    safe = _safe(normalised)
    fill = np.nanmean(safe, axis=0) if policy == "mean" else np.nanmin(safe, axis=0)
    filled = np.where(missing, fill[None, :], normalised)
    return filled, missing & ~np.isnan(filled)


def _to_positive(filled: FloatArray) -> FloatArray:
    lo = np.nanmin(_safe(filled), axis=0)
    hi = np.nanmax(_safe(filled), axis=0)
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    return cast(FloatArray, GEOMETRIC_FLOOR + (1 - GEOMETRIC_FLOOR) * (filled - lo) / span)


def _terms(filled: FloatArray, aggregation: Aggregation) -> FloatArray:
    """The per-criterion terms summed with the weights: values, or their logarithms."""
    if aggregation == "arithmetic":
        return filled
    return cast(FloatArray, np.log(_to_positive(filled)))


def _aggregate(terms: FloatArray, weights: FloatArray, aggregation: Aggregation) -> FloatArray:
    """Scores for a weight matrix (C, D): NaN terms drop out and the weights renormalise."""
    present = ~np.isnan(terms)
    t = np.where(present, terms, 0.0)
    num = t @ weights
    den = present.astype(np.float64) @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return cast(FloatArray, np.exp(mean)) if aggregation == "geometric" else mean


def ranks_of(score: FloatArray) -> tuple[IntArray, IntArray]:
    """(order, rank): units are already in tie-rule order, so a stable sort breaks ties."""
    rounded = np.round(np.nan_to_num(score, nan=-np.inf), 9)
    order = np.argsort(-rounded, kind="stable").astype(np.int64)
    rank = np.empty(len(score), dtype=np.int64)
    sorted_scores = rounded[order]
    shared = np.concatenate(([True], sorted_scores[1:] != sorted_scores[:-1]))
    positions = np.arange(1, len(score) + 1)
    rank[order] = np.maximum.accumulate(np.where(shared, positions, 0))
    return order, rank


def evaluate(
    problem: Problem,
    *,
    normalisation: Normalisation,
    missing: MissingPolicy,
    aggregation: Aggregation,
) -> Scores:
    weights = problem.weights / problem.weights.sum()
    normalised = normalise(problem, normalisation)
    filled, imputed = _fill(normalised, missing)
    terms = _terms(filled, aggregation)
    score = _aggregate(terms, weights[:, None], aggregation)[:, 0]
    present = ~np.isnan(terms)
    eff = np.where(present, weights[None, :], 0.0)
    totals = eff.sum(axis=1, keepdims=True)
    eff = np.divide(eff, totals, out=np.zeros_like(eff), where=totals > 0)
    contribution = np.where(present, eff * np.nan_to_num(terms), 0.0)
    order, rank = ranks_of(score)
    return Scores(
        score=score,
        rank=rank,
        order=order,
        normalised=normalised,
        imputed=imputed,
        contribution=contribution,
        effective_weight=eff,
    )


def leave_one_out_winners(
    problem: Problem,
    *,
    normalisation: Normalisation,
    missing: MissingPolicy,
    aggregation: Aggregation,
) -> IntArray:
    """For each criterion, the row that wins when it is left out (weights renormalised);
    one matrix product for all criteria."""
    c = len(problem.criteria)
    filled, _ = _fill(normalise(problem, normalisation), missing)
    weights = np.repeat((problem.weights / problem.weights.sum())[:, None], c, axis=1)
    np.fill_diagonal(weights, 0.0)
    totals = weights.sum(axis=0, keepdims=True)
    weights = np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)
    ranks = rank_matrix(_aggregate(_terms(filled, aggregation), weights, aggregation))
    return cast(IntArray, np.argmin(ranks, axis=1).astype(np.int64))


@dataclass(frozen=True)
class SensitivitySpec:
    draws: int = 1000
    weight_spread: float = 0.5  # each weight × U(1 − s, 1 + s), then renormalised
    normalisations: tuple[Normalisation, ...] = ("min_max", "z_score", "rank")
    missing_policies: tuple[MissingPolicy, ...] = MISSING_POLICIES
    leave_one_out_share: float = 0.25  # share of draws that drop one criterion at random


def draw_weights(
    base: FloatArray, spec: SensitivitySpec, rng: np.random.Generator
) -> tuple[FloatArray, IntArray]:
    """(weights C×D, dropped criterion per draw or −1)."""
    c, d = base.size, spec.draws
    factors = rng.uniform(1 - spec.weight_spread, 1 + spec.weight_spread, size=(c, d))
    weights = base[:, None] * factors
    drop = np.where(
        rng.random(d) < spec.leave_one_out_share, rng.integers(0, max(c, 1), size=d), -1
    ).astype(np.int64)
    if c > 1:
        dropping = np.flatnonzero(drop >= 0)
        weights[drop[dropping], dropping] = 0.0
    weights /= weights.sum(axis=0, keepdims=True)
    return weights, drop


def sensitivity(
    problem: Problem, spec: SensitivitySpec, aggregation: Aggregation, seed: int
) -> tuple[Sensitivity, RankArray]:
    """Monte Carlo over weights, normalisation, missing-data policy and a left-out criterion.
    Returns the summary and the ranks (D × U, 1-based)."""
    rng = np.random.Generator(np.random.PCG64(seed))
    u, d = len(problem.units), spec.draws
    base = problem.weights / problem.weights.sum()
    weights, drop = draw_weights(base, spec, rng)
    norm_pick = rng.integers(0, len(spec.normalisations), size=d)
    miss_pick = rng.integers(0, len(spec.missing_policies), size=d)
    scores = np.empty((u, d))
    for i, method in enumerate(spec.normalisations):
        normalised = normalise(problem, method)
        for j, policy in enumerate(spec.missing_policies):
            cols = np.flatnonzero((norm_pick == i) & (miss_pick == j))
            if cols.size == 0:
                continue
            filled, _ = _fill(normalised, policy)
            scores[:, cols] = _aggregate(_terms(filled, aggregation), weights[:, cols], aggregation)
    ranks = rank_matrix(scores)
    p05, p50, p95 = np.percentile(ranks, [5, 50, 95], axis=0)
    summary = Sensitivity(
        draws=d,
        rank_p05=p05,
        rank_p50=p50,
        rank_p95=p95,
        p_first=(ranks == 1).mean(axis=0),
        p_top3=(ranks <= 3).mean(axis=0),
        choices={
            "normalisation": {
                m: int((norm_pick == i).sum()) for i, m in enumerate(spec.normalisations)
            },
            "missing_policy": {
                m: int((miss_pick == j).sum()) for j, m in enumerate(spec.missing_policies)
            },
            "left_out": {name: int((drop == k).sum()) for k, name in enumerate(problem.criteria)}
            | {"none": int((drop < 0).sum())},
        },
    )
    return summary, ranks


def rank_matrix(scores: FloatArray) -> RankArray:
    """Ranks (1-based) per column of a U × D score matrix, returned as D × U (contiguous rows
    sort fastest). Exactly equal scores keep the rows' tie-rule order: rows of draws with a
    tie are re-sorted with a stable sort, the rest use the faster unstable one. The ranks are
    32-bit integers: half the memory of floats to write and to take percentiles of, and the
    percentiles are the same (they are interpolated in float64 from the same integers)."""
    u, d = scores.shape
    s = np.ascontiguousarray(-scores.T)
    s[np.isnan(s)] = np.inf
    order = np.argsort(s, axis=1)
    ordered = np.take_along_axis(s, order, axis=1)
    tied = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
    if tied.size:
        order[tied] = np.argsort(s[tied], axis=1, kind="stable")
    ranks = np.empty((d, u), dtype=np.int32)
    np.put_along_axis(ranks, order, np.arange(1, u + 1, dtype=np.int32)[None, :], axis=1)
    return ranks


def share_standard_error(share_pct: float, n: int, z: float = 1.96) -> float:
    """Standard error (in points) of a survey share, with the Wilson centre so a share of
    0 % or 100 % from few answers still carries its uncertainty."""
    if n <= 0:
        return float("nan")
    p = share_pct / 100.0
    centre = (p * n + z * z / 2) / (n + z * z)
    return float(100.0 * np.sqrt(centre * (1 - centre) / n))


def conservative_change(
    now: float, before: float, se_now: float, se_before: float, z: float
) -> tuple[float, float, float]:
    """(change, its standard error, change − z × se): the improvement a unit is credited
    with is the lower confidence bound, so a small unit cannot win on chance."""
    se = float(np.sqrt(se_now**2 + se_before**2)) if not np.isnan(se_now + se_before) else 0.0
    change = now - before
    return change, se, change - z * se
