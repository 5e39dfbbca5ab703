from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from shared.contracts.indicators import GoalStatusSummary
from tests.conftest import MakeClient, MakeKey
from tests.services.indicators.helpers import ingest, survey_rows


async def test_ludvikas_scorecard_is_loaded_with_its_target_values(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key(municipality="2085"))
    listed = await indicators.get("/v1/scorecards")
    (card,) = listed.json()["items"]
    assert card["vision"] == "En trygg vardag med egen makt för kvinnor och män"
    measures = {m["text"]: m for g in card["goals"] for f in g["factors"] for m in f["measures"]}
    assert measures["Högst 442 kr per hemtjänsttimme (ÄO)"]["target"]["comparator"] == "at_most"
    assert measures["Högst 2,5% korttidssjukfrånvaro"]["target"]["value"] == "2.5"
    assert measures["Ekonomiskt resultat = 0"]["target"]["comparator"] == "equal"
    nojda = measures["Minst 90% av brukarna nöjda med omsorgen i sin helhet (ÄO)"]
    assert nojda["target"]["value"] == "90"
    assert nojda["by_gender"] is True
    targets = await indicators.get("/v1/targets", params={"limit": 100})
    assert targets.json()["total"] == 10
    status = await indicators.get(f"/v1/scorecards/{card['id']}/status")
    assert status.json()["period"] == "2014"
    # Of the seed's figures only the staff survey's survive in its transcript (tests/seeds).
    assert (status.json()["no_data"], status.json()["not_met"]) == (9, 1)


async def test_lilla_edets_prioritised_goals_are_loaded(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key(municipality="1462"))
    goals = (await indicators.get("/v1/goals", params={"year": 2021})).json()["items"]
    assert [g["title"] for g in goals] == [
        "Kompetensförsörjning",
        "Förebyggande arbete barn och unga",
        "Förebyggande arbete äldre",
    ]
    assert "Låg sjukfrånvaro" in goals[0]["desired_results"]
    assert goals[1]["problem"] == "Allt för många barn upplever våld i hemmet."


async def test_scorecard_status_shows_the_arithmetic_for_women_and_men(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    indicators = client("indicators", key)
    await ingest(
        client("ingest", key),
        survey_rows("HT-NORR", "2030", k=(40, 38), m=(30, 24), extra="survey_safe"),
    )
    card: dict[str, Any] = {
        "board": "Vård- och omsorgsnämnden",
        "title": "Styrkort 2030",
        "vision": "En trygg vardag",
        "year": 2030,
        "goals": [
            {
                "perspective": "Brukare",
                "title": "Nöjda brukare",
                "factors": [
                    {
                        "title": "God upplevd kvalitet",
                        "measures": [
                            {
                                "text": "Minst 90 % nöjda",
                                "indicator_code": "andel_nojda",
                                "target": {
                                    "comparator": "at_least",
                                    "value": "90",
                                    "tolerance": "5",
                                },
                                "by_gender": True,
                            },
                            {"text": "Minst 45 pressmeddelanden"},
                        ],
                    }
                ],
            }
        ],
    }
    created = await indicators.post("/v1/scorecards", json=card)
    assert created.status_code == 201, created.text
    status = await indicators.get(f"/v1/scorecards/{created.json()['id']}/status")
    measure = status.json()["goals"][0]["factors"][0]["measures"][0]
    by_gender = {s["gender"]: s for s in measure["statuses"]}
    assert (by_gender["T"]["value"], by_gender["T"]["status"]) == ("88.6", "partly_met")  # 62/70
    assert (by_gender["K"]["value"], by_gender["K"]["status"]) == ("95.0", "met")
    assert (by_gender["M"]["value"], by_gender["M"]["difference"]) == ("80.0", "-10.0")
    assert by_gender["M"]["status"] == "not_met"
    assert status.json()["partly_met"] == 1

    stale = await indicators.put(
        f"/v1/scorecards/{created.json()['id']}", json=card, headers={"If-Match": '"x"'}
    )
    assert stale.status_code == 412
    bad = copy.deepcopy(card)
    bad["goals"][0]["factors"][0]["measures"][0]["indicator_code"] = "nosuch"
    refused = await indicators.put(
        f"/v1/scorecards/{created.json()['id']}",
        json=bad,
        headers={"If-Match": created.headers["etag"]},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"][:7] == [
        "body",
        "goals",
        0,
        "factors",
        0,
        "measures",
        0,
    ]


async def test_goal_status_summary_per_unit_matches_the_contract(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    await ingest(
        client("ingest", key),
        survey_rows("HT-NORR", "2030", k=(20, 19), m=(10, 9))  # 93.3
        + survey_rows("HT-SODER", "2030", k=(20, 17), m=(10, 8)),  # 83.3
    )
    indicators = client("indicators", key)
    # Exempelstad's demo targets: board ≥ 85 (±5), home care ≥ 88 (±5), K and M ≥ 85 (±5).
    response = await indicators.get("/v1/scorecards/status", params={"period": "2030"})
    assert response.status_code == 200
    summary = GoalStatusSummary.model_validate(response.json())
    units = {u.unit_code: u for u in summary.units}
    norr, soder = units["HT-NORR"], units["HT-SODER"]
    assert (norr.met, norr.partly_met, norr.not_met) == (3, 0, 0)
    # T 83.3 (home care ≥ 88 ± 5: partly), K 85.0 (met), M 80.0 (≥ 85 ± 5: partly)
    assert (soder.met, soder.partly_met, soder.not_met) == (1, 2, 0)
    assert norr.fulfilment_share == Decimal("100.0")
    assert soder.fulfilment_share == Decimal("66.7")
    # The board's elderly-care targets do not apply to an LSS group home.
    vallmon = units["LSS-VALLMON"]
    assert (vallmon.met, vallmon.partly_met, vallmon.not_met, vallmon.no_data) == (0, 0, 0, 0)
    assert vallmon.fulfilment_share is None
    assert units["SABO-LINDEN"].no_data == 3  # no survey for 2030 yet


async def test_goal_and_factor_titles_follow_accept_language(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key())
    card: dict[str, Any] = {
        "board": "Vård- och omsorgsnämnden",
        "title": "Styrkort 2030",
        "title_en": "Scorecard 2030",
        "year": 2030,
        "goals": [
            {
                "perspective": "Brukare",
                "title": "Nöjda brukare",
                "title_en": "Satisfied users",
                "factors": [{"title": "God upplevd kvalitet", "measures": []}],
            }
        ],
    }
    created = await indicators.post("/v1/scorecards", json=card)
    assert created.status_code == 201, created.text
    url = f"/v1/scorecards/{created.json()['id']}"
    english = {"Accept-Language": "en"}
    for path in (url, f"{url}/status"):
        goal = (await indicators.get(path, headers=english)).json()["goals"][0]
        assert (goal["title"], goal["title_sv"]) == ("Satisfied users", "Nöjda brukare")
        # No English given for the factor: Swedish.
        assert goal["factors"][0]["title"] == "God upplevd kvalitet"
        swedish = (await indicators.get(path)).json()["goals"][0]
        assert swedish["title"] == "Nöjda brukare"
