"""Seed 000 (Kalmar kommun, 0880, published 2021-01-05): three quality prizes in elderly care,
70 000 kr in all (Årets hemtjänstenhet 25 000, Årets boendeenhet 25 000, Årets
förbättringsarbete 20 000), 600 000 kr earmarked for local improvement projects, and the
particularly important indicators of each prize.

The article names no unit and no result, and the demo holds no Kalmar unit data (Kalmar's
Kolada OU values and its own staff continuity would come from a sync and an upload): a run
on the fresh demo is refused, naming what is missing, rather than ranking on nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from tests.conftest import MakeClient, MakeKey

KALMAR = "0880"


async def _schemes(awards: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    listed = await awards.get("/v1/schemes", params={"municipality_code": KALMAR, "year": 2021})
    assert listed.status_code == 200, listed.text
    return {s["code"]: s for s in listed.json()["items"]}


async def test_three_prizes_of_25000_25000_and_20000_make_70000_kr(
    client: MakeClient, make_key: MakeKey
) -> None:
    schemes = await _schemes(client("awards", await make_key(municipality=KALMAR)))
    prizes = {code: Decimal(s["prize_amount"]) for code, s in schemes.items()}
    assert prizes == {
        "arets_hemtjanstenhet": 25_000,
        "arets_boendeenhet": 25_000,
        "arets_forbattringsarbete": 20_000,
    }
    assert sum(prizes.values()) == 70_000


async def test_600000_kr_are_earmarked_for_improvement_projects_and_70000_for_the_prizes(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key(municipality=KALMAR))
    funds = (await budget.get("/v1/funds", params={"year": 2021})).json()["items"]
    by_kind = {f["kind"]: f for f in funds}
    assert Decimal(by_kind["improvement_projects"]["amount"]) == 600_000
    assert Decimal(by_kind["prize_money"]["amount"]) == 70_000
    assert Decimal(by_kind["prize_money"]["remaining"]) == 70_000


async def test_each_prize_keeps_the_articles_particularly_important_indicators_required(
    client: MakeClient, make_key: MakeKey
) -> None:
    schemes = await _schemes(client("awards", await make_key(municipality=KALMAR)))

    def criteria(code: str) -> dict[str, dict[str, Any]]:
        return {c["code"]: c for c in schemes[code]["specification"]["criteria"]}

    home = criteria("arets_hemtjanstenhet")
    # "måluppfyllelse av nämndens mål, KKiK och Socialstyrelsens brukarundersökning" and the
    # cooperation with municipal health care; continuity over a whole year is required.
    assert {c["group"] for c in home.values()} == {
        "goals",
        "kkik",
        "survey",
        "cooperation",
        "special",
    }
    assert [code for code, c in home.items() if c["required"]] == ["personalkontinuitet"]
    residential = criteria("arets_boendeenhet")
    assert {code for code, c in residential.items() if c["required"]} == {
        "socialt_innehall_enkat",
        "socialt_innehall_kkik",
    }
    spec = schemes["arets_hemtjanstenhet"]["specification"]
    assert (spec["min_respondents"], spec["min_judged_targets"]) == (7, 2)


async def test_a_run_without_kalmar_unit_data_is_refused_naming_the_required_criterion(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = client("awards", await make_key(municipality=KALMAR))
    schemes = await _schemes(awards)
    refused = await awards.post(
        "/v1/runs", json={"scheme_id": schemes["arets_hemtjanstenhet"]["id"]}
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    body = refused.json()
    assert "personalkontinuitet" in body["detail"]
    assert {e["code"] for e in body["errors"]} == {"required_criterion_missing"}
    assert (await awards.get("/v1/runs", params={"municipality_code": KALMAR})).json()["total"] == 0
