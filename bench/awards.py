"""Benchmark: a national-scale prize evaluation, 2 000 units × 20 criteria × 1 000 sensitivity
draws, through the service's own pure compute path (reading the snapshot, eligibility, cells,
normalisation, missing data, aggregation, ranking, Monte Carlo sensitivity, leave-one-out,
robustness: what a run stores), against a bare numpy computation of the same maths measured in
the same run (its matrix is read from the snapshot before the clock starts).

The per-candidate explanations (40 000 criterion items) are not part of the run: they are built
from the stored snapshot when a run is read (`explained`); their time is printed too
(`explained_seconds`), it is not in the ratio.

No database or HTTP: the run's inputs snapshot is built in memory (what the service would have
fetched from the indicators service). Target (issue 19): ratio_vs_numpy ≤ 1.5 and seconds ≤ 2.
Last line: one JSON object.

BLAS runs one thread (OPENBLAS_NUM_THREADS/OMP_NUM_THREADS default to 1 here, for the service
and the baseline alike): the matrix products are small, and on a shared or busy host a BLAS
thread pool makes them ten times slower. The awards container should set the same.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.awards.run.compute import compute, explained  # noqa: E402
from services.awards.scheme.schemas import SchemeSpec  # noqa: E402

UNITS, CRITERIA, DRAWS, SEED = 2000, 20, 1000, 2026


def snapshot(rng: np.random.Generator) -> tuple[SchemeSpec, dict[str, Any]]:
    groups = ["goals", "kkik", "survey", "cooperation", "special"]
    criteria = []
    data: dict[str, Any] = {}
    for j in range(CRITERIA):
        code = f"c{j:02d}"
        share = j % 2 == 0
        criteria.append(
            {
                "code": code,
                "title": f"Criterion {j}",
                "group": groups[j % len(groups)],
                "indicator_code": f"ind{j}",
                "kind": "share" if share else "value",
                "weight": 1 + j % 3,
            }
        )
        current = {}
        for u in range(UNITS):
            if rng.random() < 0.05:
                continue
            n = int(rng.integers(3, 300))
            value = rng.uniform(40, 100) if share else rng.normal(10, 3)
            current[f"U{u:05d}"] = {"value": f"{value:.1f}", "n": n, "suppressed": share and n < 7}
        data[code] = {
            "available": True,
            "reason": None,
            "direction": "higher" if j % 4 else "lower",
            "unit": "%" if share else "antal",
            "current": current,
        }
    spec = SchemeSpec.model_validate(
        {
            "unit_types": ["hemtjanst"],
            "group_weights": dict.fromkeys(groups, 1),
            "criteria": criteria,
            "sensitivity": {"draws": DRAWS},
        }
    )
    inputs = {
        "candidates_kind": "units",
        "period": "2024",
        "previous_period": None,
        "candidates": [
            {
                "code": f"U{u:05d}",
                "title": f"Enhet {u}",
                "unit_type": "hemtjanst",
                "opened_on": None,
                "closed_on": None,
            }
            for u in range(UNITS)
        ],
        "criteria": data,
    }
    return spec, inputs


def bare_numpy(values: np.ndarray, higher: np.ndarray, weights: np.ndarray, seed: int) -> float:
    """The same maths with nothing around it: min-max for the headline score, then per draw
    perturbed weights with a left-out criterion, one of three normalisations and three
    missing-data policies, a weighted mean, ranks, 5/50/95 percentiles and P(first)."""
    start = time.perf_counter()
    x = np.where(higher, values, -values)
    present = ~np.isnan(x)
    w = weights / weights.sum()

    def norms() -> list[np.ndarray]:
        lo, hi = np.nanmin(x, 0), np.nanmax(x, 0)
        mm = (x - lo) / (hi - lo)
        z = (x - np.nanmean(x, 0)) / np.nanstd(x, 0)
        order = np.argsort(np.where(present, x, np.inf), axis=0)
        rk = np.empty_like(x)
        np.put_along_axis(rk, order, np.arange(x.shape[0], dtype=float)[:, None], axis=0)
        rk = np.where(present, rk / (present.sum(0) - 1), np.nan)
        return [mm, z, rk]

    normalised = norms()
    headline = np.nansum(normalised[0] * w, 1) / (present * w).sum(1)
    rng = np.random.Generator(np.random.PCG64(seed))
    wd = w[:, None] * rng.uniform(0.5, 1.5, size=(w.size, DRAWS))
    drop = np.where(rng.random(DRAWS) < 0.25, rng.integers(0, w.size, DRAWS), -1)
    cols = np.flatnonzero(drop >= 0)
    wd[drop[cols], cols] = 0
    wd /= wd.sum(0)
    pick_n = rng.integers(0, 3, DRAWS)
    pick_m = rng.integers(0, 3, DRAWS)
    scores = np.empty((x.shape[0], DRAWS))
    for i, n in enumerate(normalised):
        filled = [
            n,
            np.where(present, n, np.nanmean(n, 0)),
            np.where(present, n, np.nanmin(n, 0)),
        ]
        for j, f in enumerate(filled):
            sel = np.flatnonzero((pick_n == i) & (pick_m == j))
            if j == 0:
                scores[:, sel] = (np.nan_to_num(f) @ wd[:, sel]) / (present @ wd[:, sel])
            else:
                scores[:, sel] = f @ wd[:, sel]
    by_draw = np.ascontiguousarray(-scores.T)  # sorting contiguous rows is the fast layout
    order = np.argsort(by_draw, axis=1)
    ranks = np.empty_like(by_draw)
    np.put_along_axis(ranks, order, np.arange(1, x.shape[0] + 1, dtype=float)[None, :], axis=1)
    np.percentile(ranks, [5, 50, 95], axis=0)
    (ranks == 1).mean(0)
    np.argsort(-headline)
    return time.perf_counter() - start


def matrix(spec: SchemeSpec, inputs: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    codes = [c["code"] for c in inputs["candidates"]]
    values = np.full((len(codes), len(spec.criteria)), np.nan)
    for j, c in enumerate(spec.criteria):
        current = inputs["criteria"][c.code]["current"]
        for i, code in enumerate(codes):
            e = current.get(code)
            if e and not e["suppressed"] and (c.kind != "share" or e["n"] >= 7):
                values[i, j] = float(e["value"])
    higher = np.array([inputs["criteria"][c.code]["direction"] == "higher" for c in spec.criteria])
    weights = np.array(
        [float(spec.group_weights[c.group] * c.weight) for c in spec.criteria], dtype=float
    )
    return values, higher, weights


def main() -> None:
    rng = np.random.default_rng(SEED)
    spec, inputs = snapshot(rng)
    values, higher, weights = matrix(spec, inputs)
    compute(spec, inputs, SEED)  # warm up imports and caches
    bare_numpy(values, higher, weights, SEED)
    # Back-to-back pairs, so both sides of each ratio see the same load on a shared host;
    # the medians of 7 pairs are reported.
    service_times, numpy_times, ratios = [], [], []
    for _ in range(7):
        start = time.perf_counter()
        result = compute(spec, inputs, SEED)
        service_times.append(time.perf_counter() - start)
        numpy_times.append(bare_numpy(values, higher, weights, SEED))
        ratios.append(service_times[-1] / numpy_times[-1])
    seconds, baseline = statistics.median(service_times), statistics.median(numpy_times)
    ratio = statistics.median(ratios)
    explain_times = []
    for _ in range(3):
        start = time.perf_counter()
        explained(spec, inputs, result)
        explain_times.append(time.perf_counter() - start)
    explain = statistics.median(explain_times)
    print(f"explanations built on reading a run (median of 3): {explain:.3f} s")
    print(f"units={UNITS} criteria={CRITERIA} draws={DRAWS}")
    print(f"service compute (median of 7): {seconds:.3f} s; bare numpy: {baseline:.3f} s")
    print(f"ranked={len(result['ranking'])} ineligible={len(result['ineligible'])}")
    print(f"robustness: {result['robustness']['statement'][:160]}")
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(
        json.dumps(
            {
                "benchmark": "awards",
                "units": UNITS,
                "criteria": CRITERIA,
                "draws": DRAWS,
                "seconds": round(seconds, 4),
                "numpy_seconds": round(baseline, 4),
                "ratio_vs_numpy": round(ratio, 2),
                "explained_seconds": round(explain, 4),
                "target_ratio": 1.5,
                "target_seconds": 2,
                "blas_threads": os.environ["OPENBLAS_NUM_THREADS"],
                "ok": ratio <= 1.5 and seconds <= 2,
            }
        )
    )


if __name__ == "__main__":
    main()
