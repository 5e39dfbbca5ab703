"""The prize run computed over arrays (`compute`, with `explained` for what a reader is shown)
gives exactly what the per-cell computation gave (`reference`): winners, scores, ranks, ties,
reasons, coverage, explanations and refusals, for generated snapshots and schemes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.awards.run.compute import compute, explained
from services.awards.scheme.schemas import SchemeSpec
from shared.errors import Unprocessable
from shared.i18n import stored
from tests.services.awards.run import reference

# Few distinct values and sizes, so that ties (in scores, criteria present and n) are common.
VALUES = ["0", "2.5", "2.5", "40", "72.5", "100", "-3", None]
SIZES = [None, 0, 3, 7, 8, 20, 25, 120, 120, 300]
CODES = ["HT-A", "HT-B", "HT-C", "HT-D", "HT-E", "HT-F", "ht-a"]


def _entries(draw: st.DrawFn, codes: list[str]) -> dict[str, Any]:
    entries: dict[str, Any] = {}
    for code in codes:
        if draw(st.integers(0, 14)) == 0:
            continue
        entries[code] = {
            "value": draw(st.sampled_from(VALUES)),
            "n": draw(st.sampled_from(SIZES)),
            "suppressed": draw(st.integers(0, 19)) == 0,
        }
    return entries


@st.composite
def runs(draw: st.DrawFn) -> tuple[SchemeSpec, dict[str, Any], int]:
    kind = draw(st.sampled_from(["units", "units", "projects"]))
    mode = draw(st.sampled_from(["level", "improvement", "mix"]))
    sources = (
        ["indicator", "goal_status"] if kind == "units" else ["project_effect", "project_spread"]
    )
    criteria = []
    for j in range(draw(st.integers(1, 4))):
        source = draw(st.sampled_from(sources))
        criteria.append(
            {
                "code": f"c{j}",
                "title": f"Kriterium {j}",
                "group": draw(st.sampled_from(["goals", "survey", "kkik"])),
                "source": source,
                "indicator_code": f"ind{j}" if source in {"indicator", "project_effect"} else None,
                "weight": draw(st.sampled_from(["1", "2", "0.5"])),
                "direction": draw(st.sampled_from([None, "higher", "lower"])),
                "kind": draw(st.sampled_from(["share", "value"])),
                "min_respondents": draw(st.sampled_from([7, 10])),
                "target": draw(st.sampled_from([None, "50", "-1"])),
                "required": draw(st.integers(0, 19)) == 0,
            }
        )
    normalisations = ["min_max", "z_score", "rank", "distance_to_target"]
    with_target = any(c["target"] is not None for c in criteria)
    usable = normalisations if with_target else normalisations[:3]
    spec = SchemeSpec.model_validate(
        {
            "unit_types": ["hemtjanst"],
            "group_weights": {"goals": "1", "survey": "2", "kkik": "0.5"},
            "criteria": criteria,
            "normalisation": draw(st.sampled_from(usable)),
            "missing_policy": draw(st.sampled_from(["reweight", "mean", "worst"])),
            "aggregation": draw(st.sampled_from(["arithmetic", "geometric"])),
            "mode": mode,
            "level_share": draw(st.sampled_from(["0", "0.3", "0.5", "1"])),
            "min_data_share": draw(st.sampled_from(["0.1", "0.1", "0.5", "1"])),
            "min_respondents": draw(st.sampled_from([None, None, 7, 20])),
            "min_judged_targets": draw(st.sampled_from([None, None, 1, 5])),
            "improvement_min_respondents": draw(st.sampled_from([7, 7, 20])),
            "improvement_z": draw(st.sampled_from(["0", "1.645"])),
            "sensitivity": {
                "draws": 100,
                "normalisations": draw(
                    st.lists(st.sampled_from(usable), min_size=1, max_size=3, unique=True)
                ),
                "leave_one_out_share": draw(st.sampled_from(["0", "0.25", "1"])),
            },
        }
    )
    codes = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=6, unique=True))
    candidates = [
        {
            "code": code,
            "title": f"Enhet {code}",
            "unit_type": "project"
            if kind == "projects"
            else draw(st.sampled_from(["hemtjanst"] * 5 + ["sarskilt_boende"])),
            "opened_on": draw(st.sampled_from([None] * 4 + ["2023-01-01", "2024-03-01"])),
            "closed_on": draw(st.sampled_from([None] * 4 + ["2024-06-30", "2025-01-01"])),
        }
        for code in codes
    ]
    data: dict[str, Any] = {}
    for c in criteria:
        available = draw(st.integers(0, 7)) > 0
        entry: dict[str, Any] = {
            "available": available,
            "reason": None
            if available
            else stored("awards.reason.no_unit_values", code="x", period="2024"),
            "direction": draw(st.sampled_from(["higher", "lower"])),
            "unit": "%",
            "current": _entries(draw, codes),
        }
        if mode != "level" and draw(st.integers(0, 5)) > 0:
            entry["previous"] = _entries(draw, codes)
        data[str(c["code"])] = entry
    inputs = {
        "candidates_kind": kind,
        "period": "2024",
        "previous_period": None if mode == "level" else "2023",
        "candidates": candidates,
        "criteria": data,
    }
    return spec, inputs, draw(st.integers(0, 2**32))


def _outcome(run: Any) -> Any:
    try:
        return "ranked", json.dumps(run(), sort_keys=True)
    except Unprocessable as exc:
        return "refused", exc.detail, exc.errors


# A negative share ("-3" as a survey share) has no standard error: NaN, in both computations.
@pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt:RuntimeWarning")
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(runs())
def test_the_array_computation_gives_what_the_per_cell_one_gave(
    run: tuple[SchemeSpec, dict[str, Any], int],
) -> None:
    spec, inputs, seed = run
    expected = _outcome(lambda: reference.compute(spec, inputs, seed))
    found = _outcome(lambda: explained(spec, inputs, compute(spec, inputs, seed)))
    assert found == expected


@pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt:RuntimeWarning")
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(runs())
def test_what_a_run_stores_reads_back_with_the_same_explanations(
    run: tuple[SchemeSpec, dict[str, Any], int],
) -> None:
    """The stored form goes through JSON (and the database) before it is explained."""
    spec, inputs, seed = run
    try:
        results = compute(spec, inputs, seed)
    except Unprocessable:
        return
    again = json.loads(json.dumps(results))
    assert json.dumps(explained(spec, json.loads(json.dumps(inputs)), again), sort_keys=True) == (
        json.dumps(reference.compute(spec, inputs, seed), sort_keys=True)
    )
    for entry in results["ranking"]:
        assert "criteria" not in entry  # the stored form holds no per-cell explanation
