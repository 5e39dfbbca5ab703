"""Seed 004 (Kvalitetsmagasinet: prestationsersättning, 915 Mkr, all municipalities and
regions): the five areas, the pot, the amount and explanation per criterion, and the year-over-
year comparison the article reports for Umeå (2480): 0,8 Mkr in 2012 → 13,1 Mkr.

The article gives the areas and the pot but not the criteria, thresholds or the split between
areas, municipalities and regions; the demo's rules are illustrative (shared/demo/awards.py),
so amounts that depend on the rules are computed from them, not taken from the article."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from shared.demo.awards import GRANT_POT_KR
from tests.conftest import MakeClient, MakeKey

AREAS = [
    "Preventivt arbetssätt",
    "God vård vid demenssjukdom",
    "God läkemedelsbehandling för äldre",
    "God vård i livets slut",
    "Sammanhållen vård och omsorg",
]
UMEA, REGION_STOCKHOLM = "2480", "0001"
MEETS_ALL = {
    "senior_alert": "90",
    "demens_svedem": "75",
    "olampliga_lakemedel": "8",
    "palliativregistret": "98",
    "aterinskrivning_30": "16",
}


async def _rules(awards: httpx.AsyncClient) -> dict[str, Any]:
    listed = (await awards.get("/v1/grant-rules", params={"year": 2013})).json()["items"]
    [rules] = [r for r in listed if r["code"] == "prestationsersattning_aldre"]
    found: dict[str, Any] = rules
    return found


async def test_the_rule_set_has_the_five_areas_of_the_article_and_its_915_mkr(
    client: MakeClient, make_key: MakeKey
) -> None:
    rules = await _rules(client("awards", await make_key(municipality=None)))
    assert [c["area"] for c in rules["criteria"]] == AREAS
    pots = sum((Decimal(c["amount"]["pot"]) for c in rules["criteria"]), Decimal(0))
    assert pots == Decimal(915_000_000) == GRANT_POT_KR


async def test_a_municipality_and_a_region_each_get_amount_and_explanation_per_criterion(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = client("awards", await make_key(municipality=None))
    rules = await _rules(awards)
    national = rules["national_population"]
    for code, population in ((UMEA, 120_000), (REGION_STOCKHOLM, 2_100_000)):
        made = await awards.post(
            f"/v1/grant-rules/{rules['id']}/evaluations",
            json={"municipality_code": code, "population": population, "values": MEETS_ALL},
        )
        assert made.status_code == 201, made.text
        body = made.json()
        assert body["met"] == 5
        for result in body["criteria"]:
            share = Decimal(result["amount"])
            pot = Decimal(GRANT_POT_KR // 5)
            assert share == (pot * population // national).quantize(Decimal(1))
            assert (
                f"({population:,} of {national:,} inhabitants of the pot)"
                in result["explanation_en"]
            )
        assert Decimal(body["total"]) == sum(
            (Decimal(r["amount"]) for r in body["criteria"]), Decimal(0)
        )


async def test_a_missed_target_earns_nothing_in_that_area_and_says_by_how_much(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = client("awards", await make_key(municipality=None))
    rules = await _rules(awards)
    values = MEETS_ALL | {"olampliga_lakemedel": "12.5"}
    made = await awards.post(
        f"/v1/grant-rules/{rules['id']}/evaluations",
        json={"municipality_code": UMEA, "population": 120_000, "values": values},
    )
    drugs = next(r for r in made.json()["criteria"] if r["code"] == "olampliga_lakemedel")
    assert drugs["met"] is False
    assert Decimal(drugs["amount"]) == 0
    assert drugs["explanation_en"] == "missed at most 10 % by 2.5 points → 0 kr"


async def test_umea_year_over_year_from_0_8_mkr_compared_with_the_year_before(
    client: MakeClient, make_key: MakeKey
) -> None:
    """2012's 800 000 kr is entered as the article reports it (one fixed amount: the 2012
    rules are not given); 2013 follows the illustrative rules, so the 13,1 Mkr itself is not
    reproduced, only the comparison with the year before."""
    awards = client("awards", await make_key(municipality=None))
    earlier = await awards.post(
        "/v1/grant-rules",
        json={
            "code": "prestationsersattning_aldre",
            "year": 2012,
            "title": "Prestationsersättning 2012 (utfall enligt artikeln)",
            "criteria": [
                {
                    "code": "utfall_2012",
                    "area": "Samtliga områden",
                    "title": "Utbetald prestationsersättning 2012",
                    "comparator": "at_least",
                    "threshold": "0",
                    "amount": {"kind": "fixed", "amount": "800000"},
                }
            ],
        },
    )
    assert earlier.status_code == 201, earlier.text
    paid_2012 = await awards.post(
        f"/v1/grant-rules/{earlier.json()['id']}/evaluations",
        json={"municipality_code": UMEA, "values": {"utfall_2012": "0"}},
    )
    assert Decimal(paid_2012.json()["total"]) == 800_000
    rules = await _rules(awards)
    now = await awards.post(
        f"/v1/grant-rules/{rules['id']}/evaluations",
        json={"municipality_code": UMEA, "population": 120_000, "values": MEETS_ALL},
    )
    body = now.json()
    previous = body["previous"]
    assert previous["year"] == 2012
    assert Decimal(previous["total"]) == 800_000
    assert Decimal(previous["change"]) == Decimal(body["total"]) - 800_000
    assert previous["explanation"].startswith("800\u00a0000 kr 2012 → ")
    assert previous["explanation_en"].startswith("800,000 kr in 2012 → ")
    again = await awards.get(f"/v1/grant-evaluations/{body['id']}")
    assert again.json()["previous"] == previous


async def test_stockholm_50_mkr_and_vastra_gotaland_47_mkr_not_reproducible_no_split_given(
    client: MakeClient, make_key: MakeKey
) -> None:
    """The article does not say how the pot is split between regions and municipalities;
    under the illustrative rules a region meeting every area gets its population share of
    the whole pot, which is not the article's 50 Mkr."""
    awards = client("awards", await make_key(municipality=None))
    rules = await _rules(awards)
    made = await awards.post(
        f"/v1/grant-rules/{rules['id']}/evaluations",
        json={"municipality_code": REGION_STOCKHOLM, "population": 2_100_000, "values": MEETS_ALL},
    )
    assert made.status_code == 201, made.text
    share = GRANT_POT_KR // 5 * 2_100_000 // rules["national_population"]
    assert Decimal(made.json()["total"]) == 5 * share
    assert 5 * share != 50_000_000
