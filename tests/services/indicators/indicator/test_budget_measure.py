"""The demo's cost per home-care hour is what the budget service publishes (one measure, one
meaning): a unit's published cost is its value, judged against 'högst 442 kr' (seed 002)."""

from __future__ import annotations

from tests.conftest import MakeClient, MakeKey


async def test_cost_per_home_care_hour_comes_from_the_budget_service(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    budget, indicators = client("budget", key), client("indicators", key)
    for unit, cost in (("HT-NORR", "430500"), ("HT-SODER", "472000"), (None, "902500")):
        published = await budget.post(
            "/v1/efficiency",
            json={
                "kind": "home_care_hour_cost",
                "period": "2030",
                "unit_code": unit,
                "net_cost": cost,
                "volume": "1000" if unit else "2000",
            },
        )
        assert published.status_code == 200, published.text
    target = await indicators.post(
        "/v1/targets",
        json={
            "indicator_code": "kostnad_per_hemtjansttimme",
            "comparator": "at_most",
            "value": "442",
            "period": "2030",
        },
    )
    assert target.status_code == 201, target.text
    response = await indicators.get(
        "/v1/analytics",
        params={
            "indicators": "kostnad_per_hemtjansttimme",
            "period": "2030",
            "level": "unit,municipality",
            "units": "HT-NORR,HT-SODER",
            "include": "status",
        },
    )
    assert response.status_code == 200, response.text
    cells = {c["unit_code"]: c for c in response.json()["items"]}
    assert (cells["HT-NORR"]["value"], cells["HT-NORR"]["status"]["status"]) == ("431", "met")
    assert (cells["HT-SODER"]["value"], cells["HT-SODER"]["status"]["status"]) == (
        "472",
        "not_met",
    )
    # The municipality's own published figure (902 500 kr ÷ 2 000 h), not a mean of units.
    assert cells[""]["value"] == "451"
    assert {c["attribution"] for c in cells.values()} == {"derived"}
