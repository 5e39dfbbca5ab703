"""Performance grants (seed 004): thresholds, margins and money per criterion."""

from __future__ import annotations

from typing import Any

from tests.conftest import MakeClient, MakeKey
from tests.services.awards import data

RULES: dict[str, Any] = {
    "code": "prestation",
    "year": 2013,
    "title": "Prestationsersättning äldre 2013",
    "national_population": 10_000_000,
    "criteria": [
        {
            "code": "senior_alert",
            "area": "Preventivt arbetssätt",
            "title": "Andel riskbedömda i Senior Alert",
            "comparator": "at_least",
            "threshold": "85",
            "amount": {"kind": "fixed", "amount": "500000"},
        },
        {
            "code": "palliativ",
            "area": "God vård i livets slut",
            "title": "Andel avlidna registrerade i Palliativregistret",
            "comparator": "at_least",
            "threshold": "90",
            "amount": {"kind": "fixed", "amount": "300000"},
        },
        {
            "code": "aterinskrivning",
            "area": "Sammanhållen vård och omsorg",
            "title": "Återinskrivning inom 30 dagar",
            "comparator": "at_most",
            "threshold": "19.5",
            "amount": {"kind": "population_share", "pot": "100000000"},
        },
    ],
}


async def test_a_municipality_earns_per_criterion_with_the_margin_explained(
    client: MakeClient, make_key: MakeKey
) -> None:
    national = client("awards", await make_key(municipality=None))
    created = await national.post("/v1/grant-rules", json=RULES)
    assert created.status_code == 201, created.text
    assert created.json()["municipality_code"] is None

    umea = client("awards", await make_key(municipality="2480"))
    evaluated = await umea.post(
        f"/v1/grant-rules/{created.json()['id']}/evaluations",
        json={
            "population": 120_000,
            "values": {"senior_alert": "88.4", "palliativ": "88.8", "aterinskrivning": "18"},
        },
    )
    assert evaluated.status_code == 201, evaluated.text
    body = evaluated.json()
    by_code = {c["code"]: c for c in body["criteria"]}
    assert by_code["palliativ"]["explanation"] == (
        "minst 90 % ej uppnått, 1,2 procentenheter kvar → 0 kr"
    )
    assert by_code["palliativ"]["explanation_en"] == "missed at least 90 % by 1.2 points → 0 kr"
    assert by_code["palliativ"]["margin"] == "-1.2"
    assert by_code["palliativ"]["amount"] == "0"
    assert by_code["senior_alert"]["met"] is True
    assert by_code["senior_alert"]["amount"] == "500000"
    # 100 MSEK × 120 000 / 10 000 000 inhabitants = 1.2 MSEK
    assert by_code["aterinskrivning"]["amount"] == "1200000"
    assert by_code["aterinskrivning"]["margin"] == "1.5"
    assert body["total"] == "1700000"
    assert body["met"] == 2
    assert body["municipality_code"] == "2480"
    stored = await umea.get(f"/v1/grant-evaluations/{body['id']}")
    assert stored.json()["total"] == "1700000"
    other = client("awards", await make_key(municipality="0880"))
    assert (await other.get(f"/v1/grant-evaluations/{body['id']}")).status_code == 404


async def test_a_grant_evaluation_with_unknown_criteria_or_no_population_is_refused(
    client: MakeClient, make_key: MakeKey
) -> None:
    national = client("awards", await make_key(municipality=None))
    created = await national.post("/v1/grant-rules", json=RULES)
    umea = client("awards", await make_key(municipality="2480"))
    refused = await umea.post(
        f"/v1/grant-rules/{created.json()['id']}/evaluations",
        json={"values": {"senior_alert": "90", "unknown": "1"}},
    )
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert fields == {"values.unknown", "population"}
    missing = await umea.post(
        f"/v1/grant-rules/{created.json()['id']}/evaluations", json={"population": 1000}
    )
    assert missing.status_code == 201
    assert all(c["explanation"].startswith("uppgift saknas") for c in missing.json()["criteria"])
    assert missing.json()["total"] == "0"
    again = await national.post("/v1/grant-rules", json=RULES)
    assert again.status_code == 409


async def test_grant_values_come_from_the_indicators_service_at_municipality_level(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key(municipality=data.MUNI)
    await data.build(client("ingest", key), client("indicators", key))
    awards = client("awards", key)
    rules = {
        "code": "lokal",
        "year": 2024,
        "title": "Lokal kvalitetspeng",
        "criteria": [
            {
                "code": "nojdhet",
                "area": "Brukarnöjdhet",
                "title": "Andel nöjda brukare",
                "indicator_code": "andel_nojda",
                "comparator": "at_least",
                "threshold": "85",
                "amount": {"kind": "fixed", "amount": "100000"},
            }
        ],
    }
    created = await awards.post("/v1/grant-rules", json=rules)
    assert created.json()["municipality_code"] == data.MUNI
    evaluated = await awards.post(f"/v1/grant-rules/{created.json()['id']}/evaluations", json={})
    (result,) = evaluated.json()["criteria"]
    # All units pooled: 373 satisfied of 438 answers = 85.2 %.
    assert result["value"] == "85.2"
    assert result["source"] == "indicators service: andel_nojda (2024)"
    assert result["explanation"] == "minst 85 % uppnått med 0,2 procentenheter → 100\u00a0000 kr"
    assert result["explanation_en"] == "met at least 85 % by 0.2 points → 100,000 kr"
