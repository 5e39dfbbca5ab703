"""Builds a small test municipality (9971) through the real ingest and indicators APIs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from shared.contracts.indicators import UnitGoalStatus
from tests.services.awards.conftest import Fakes

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
GOALS = {"HT-A": "80", "HT-B": "60", "HT-C": "40", "HT-SMALL": "100"}


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


async def build(ingest: httpx.AsyncClient, indicators: httpx.AsyncClient, fakes: Fakes) -> None:
    for unit in UNITS:
        r = await indicators.post("/v1/units", json={"municipality_code": MUNI, **unit})
        assert r.status_code == 201, r.text
    # The measure staff_continuity comes with the demo catalogue (shared/demo/ingest.py).
    r = await indicators.post(
        "/v1/indicators",
        json={
            "code": "personalkontinuitet",
            "title": "Personalkontinuitet hemtjänst",
            "area": "aldreomsorg",
            "classification": "process",
            "perspective": "malgrupp",
            "unit": "antal",
            "direction": "lower",
            "rollup": "mean",
            "numerator_measure": "staff_continuity",
        },
    )
    assert r.status_code == 201, r.text
    rows = survey_rows(SURVEY) + [
        {"measure_code": "staff_continuity", "unit_code": unit, "period": "2024", "value": v}
        for unit, v in CONTINUITY.items()
    ]
    r = await ingest.post("/v1/batches", json={"municipality_code": MUNI, "observations": rows})
    assert r.status_code == 201, r.text
    fakes.goal_status[(MUNI, "2024")] = [
        UnitGoalStatus(
            unit_code=u,
            met=int(share) // 20,
            partly_met=0,
            not_met=5 - int(share) // 20,
            no_data=0,
            fulfilment_share=Decimal(share),
        )
        for u, share in GOALS.items()
    ]


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
