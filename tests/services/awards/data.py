"""Builds a small test municipality (9971) through the real ingest and indicators APIs."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

MUNI = "9971"
UNITS: list[dict[str, Any]] = [
    {"code": "HT-A", "title": "Hemtjänst A", "unit_type": "hemtjanst", "area": "aldreomsorg"},
    {"code": "HT-B", "title": "Hemtjänst B", "unit_type": "hemtjanst", "area": "aldreomsorg"},
    {"code": "HT-C", "title": "Hemtjänst C", "unit_type": "hemtjanst", "area": "aldreomsorg"},
    {
        "code": "HT-SMALL",
        "title": "Hemtjänst Liten",
        "unit_type": "hemtjanst",
        "area": "aldreomsorg",
    },
    {
        "code": "HT-NEW",
        "title": "Hemtjänst Ny",
        "unit_type": "hemtjanst",
        "area": "aldreomsorg",
        "opened_on": "2024-03-01",
    },
    {"code": "SABO-X", "title": "Boende X", "unit_type": "sarskilt_boende", "area": "aldreomsorg"},
]
# (unit, year) → (respondents, satisfied)
SURVEY = {
    ("HT-A", 2023): (100, 70),
    ("HT-A", 2024): (100, 90),
    ("HT-B", 2023): (200, 140),
    ("HT-B", 2024): (200, 170),
    ("HT-C", 2023): (60, 45),
    ("HT-C", 2024): (60, 48),
    ("HT-SMALL", 2023): (8, 6),
    ("HT-SMALL", 2024): (8, 8),
    ("HT-NEW", 2024): (30, 27),
    ("SABO-X", 2024): (40, 30),
}
# Average number of staff a user meets in 14 days (lower is better).
CONTINUITY = {"HT-A": 12, "HT-B": 9, "HT-C": 15, "HT-SMALL": 8, "HT-NEW": 10, "SABO-X": 5}
# Goal fulfilment per unit (%): each unit's value of the measure goal_points is judged
# against GOAL_THRESHOLDS, one indicator and one municipality-wide target "at least t" per
# threshold, so the scorecard status of a unit with value v is the share of thresholds ≤ v.
GOALS = {"HT-A": 80, "HT-B": 60, "HT-C": 40, "HT-SMALL": 100}
GOAL_THRESHOLDS = (10, 20, 30, 40, 50, 60, 70, 80, 90, 100)


def survey_rows(survey: dict[tuple[str, int], tuple[int, int]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for (unit, year), (n, satisfied) in survey.items():
        for measure, value in (("survey_respondents", n), ("survey_satisfied", satisfied)):
            rows.append(
                {
                    "measure_code": measure,
                    "unit_code": unit,
                    "period": str(year),
                    "value": value,
                    "respondents": n,
                }
            )
    return rows


async def build(
    ingest: httpx.AsyncClient,
    indicators: httpx.AsyncClient,
    goals: dict[str, int] | None = None,
) -> None:
    """Units, indicators, survey and continuity data, and the board's targets of 9971."""
    for unit in UNITS:
        r = await indicators.post("/v1/units", json={"municipality_code": MUNI, **unit})
        assert r.status_code == 201, r.text
    # The indicator personalkontinuitet (measure staff_continuity) comes with the demo catalogue.
    await _goal_targets(indicators)
    rows = survey_rows(SURVEY) + [
        {"measure_code": "staff_continuity", "unit_code": unit, "period": "2024", "value": v}
        for unit, v in CONTINUITY.items()
    ]
    rows += [
        {"measure_code": "goal_points", "unit_code": unit, "period": "2024", "value": v}
        for unit, v in (GOALS if goals is None else goals).items()
    ]
    r = await ingest.post("/v1/batches", json={"municipality_code": MUNI, "observations": rows})
    assert r.status_code == 201, r.text


async def _goal_targets(indicators: httpx.AsyncClient) -> None:
    r = await indicators.post(
        "/v1/measures",
        json={
            "code": "goal_points",
            "title": "Måluppfyllelse (testmått)",
            "source": "local",
            "unit": "%",
            "value_kind": "mean",
        },
    )
    assert r.status_code == 201, r.text
    for threshold in GOAL_THRESHOLDS:
        code = f"mal_{threshold}"
        r = await indicators.post(
            "/v1/indicators",
            json={
                "code": code,
                "title": f"Nämndens mål, nivå {threshold}",
                "area": "aldreomsorg",
                "classification": "effekt",
                "perspective": "malgrupp",
                "unit": "%",
                "direction": "higher",
                "rollup": "mean",
                "numerator_measure": "goal_points",
            },
        )
        assert r.status_code == 201, r.text
        r = await indicators.post(
            "/v1/targets",
            json={
                "municipality_code": MUNI,
                "indicator_code": code,
                "period": "2024",
                "comparator": "at_least",
                "value": str(threshold),
            },
        )
        assert r.status_code == 201, r.text


async def add_fund(
    budget: httpx.AsyncClient, amount: str, *, code: str = "pris", municipality: str = MUNI
) -> uuid.UUID:
    """A prize-money fund created through the budget service's API."""
    r = await budget.post(
        "/v1/funds",
        json={
            "municipality_code": municipality,
            "code": code,
            "title": "Kvalitetspris (test)",
            "year": 2024,
            "kind": "prize_money",
            "amount": amount,
        },
    )
    assert r.status_code == 201, r.text
    return uuid.UUID(r.json()["id"])


async def fund(budget: httpx.AsyncClient, fund_id: uuid.UUID) -> dict[str, Any]:
    r = await budget.get(f"/v1/funds/{fund_id}")
    assert r.status_code == 200, r.text
    found: dict[str, Any] = r.json()
    return found


async def allocations(budget: httpx.AsyncClient, fund_id: uuid.UUID) -> list[dict[str, Any]]:
    r = await budget.get(f"/v1/funds/{fund_id}/allocations")
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()["items"]
    return found


def home_care_scheme(**method: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "unit_types": ["hemtjanst"],
        "group_weights": {"goals": 1, "survey": 1, "special": 1, "kkik": 1},
        "criteria": [
            {"code": "mal", "title": "Nämndens mål", "group": "goals", "source": "goal_status"},
            {
                "code": "nojdhet",
                "title": "Brukarundersökningen: helhetssyn",
                "group": "survey",
                "indicator_code": "andel_nojda",
                "kind": "share",
            },
            {
                "code": "kontinuitet",
                "title": "Personalkontinuitet helår",
                "group": "special",
                "indicator_code": "personalkontinuitet",
            },
            {
                "code": "kkik_helhet",
                "title": "KKiK: helhetssyn hemtjänst",
                "group": "kkik",
                "indicator_code": "U21468",
            },
        ],
        "sensitivity": {"draws": 400},
    }
    spec.update(method)
    return {
        "municipality_code": MUNI,
        "year": 2024,
        "code": "arets_hemtjanstenhet",
        "title": "Årets hemtjänstenhet",
        "prize_amount": "25000",
        "specification": spec,
    }
