"""The thin slice through every service, in process, over real HTTP (ASGI) between them."""

from __future__ import annotations

from tests.conftest import MakeClient, MakeKey


def survey_rows(
    unit: str, year: str, k: tuple[int, int], m: tuple[int, int]
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for gender, (n, satisfied) in (("K", k), ("M", m), ("T", (k[0] + m[0], k[1] + m[1]))):
        rows.append(
            {
                "measure_code": "survey_respondents",
                "unit_code": unit,
                "period": year,
                "gender": gender,
                "value": n,
                "respondents": n,
            }
        )
        rows.append(
            {
                "measure_code": "survey_satisfied",
                "unit_code": unit,
                "period": year,
                "gender": gender,
                "value": satisfied,
                "respondents": n,
            }
        )
    return rows


async def test_batch_to_indicator_to_ranking_to_frame(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    ingest = client("ingest", key)
    indicators = client("indicators", key)
    awards = client("awards", key)
    budget = client("budget", key)

    rows = (
        survey_rows("HT-NORR", "2025", k=(20, 18), m=(10, 7))
        + survey_rows("HT-SODER", "2025", k=(15, 12), m=(9, 8))
        + survey_rows("HT-VASTER", "2025", k=(4, 4), m=(2, 2))
        # Öster, the smallest shown unit, is hidden too (secondary): otherwise the area total
        # minus the shown units would give Väster's 6/6.
        + survey_rows("HT-OSTER", "2025", k=(4, 3), m=(3, 3))
    )
    created = await ingest.post("/v1/batches", json={"observations": rows})
    assert created.status_code == 201, created.text
    assert created.json()["created"] == len(rows)

    values = await indicators.get(
        "/v1/indicators/andel_nojda/values", params={"period": "2025", "gender": "all"}
    )
    assert values.status_code == 200, values.text
    by_cell = {(v["unit_code"], v["gender"]): v for v in values.json()["values"]}
    assert by_cell[("HT-NORR", "T")]["value"] == "83.3"  # 25 / 30 × 100
    assert by_cell[("HT-NORR", "K")]["value"] == "90.0"
    assert by_cell[("HT-NORR", "M")]["value"] == "70.0"
    assert by_cell[("HT-SODER", "T")]["value"] == "83.3"  # 20 / 24
    assert by_cell[("HT-VASTER", "T")]["suppressed"] is True  # 6 respondents < 7
    assert by_cell[("HT-VASTER", "T")]["value"] is None
    assert by_cell[("HT-VASTER", "T")]["suppression"] == "primary"
    assert by_cell[("HT-OSTER", "T")]["suppression"] == "secondary"
    assert all(v["attribution"] == "derived" for v in values.json()["values"])

    ranked = await awards.post(
        "/v1/evaluations",
        json={
            "title": "Årets hemtjänstenhet 2025",
            "indicator_code": "andel_nojda",
            "period": "2025",
        },
    )
    assert ranked.status_code == 201, ranked.text
    ranking = ranked.json()["ranking"]
    # A tie on 83.3: both share rank 1, the larger unit listed first.
    assert [(r["unit_code"], r["rank"]) for r in ranking] == [("HT-NORR", 1), ("HT-SODER", 1)]
    assert {i["unit_code"] for i in ranked.json()["ineligible"]} == {"HT-VASTER", "HT-OSTER"}

    frame = {
        "board": "Socialnämnden",
        "year": 2026,
        "unit": "tkr",
        "previous_amount": 317348,
        "amount": 302257,
        "changes": [
            {"amount": 7008, "category": "index_compensation", "reason": "Index"},
            {"amount": -5420, "category": "transfer_out", "reason": "Löneindex till lönepott"},
            {"amount": -6875, "category": "transfer_out", "reason": "Kost till Samhällsnämnden"},
            {"amount": -7154, "category": "transfer_out", "reason": "Vuxenutbildning"},
            {"amount": -2650, "category": "efficiency_demand", "reason": "Effektivisering"},
        ],
    }
    stored = await budget.post("/v1/frames", json=frame)
    assert stored.status_code == 201, stored.text
    assert stored.json()["change_total"] == "-15091"

    wrong = await budget.post("/v1/frames", json={**frame, "year": 2027, "amount": 302357})
    assert wrong.status_code == 422
    assert wrong.headers["content-type"].startswith("application/problem+json")
    problem = wrong.json()
    assert problem["difference"] == "100"
    assert "317\u00a0348 + förändringar -15\u00a0091 = 302\u00a0257" in problem["detail"]
