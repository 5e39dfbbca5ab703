"""A run never drops a criterion silently: coverage per criterion, required criteria, the
scheme's eligibility rules before ranking, and each unit's reweighting in words."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.conftest import MakeClient, MakeKey
from tests.services.awards import data
from tests.services.awards.run.test_runs import run_scheme, setup

ELIGIBLE = {"HT-A", "HT-B", "HT-C", "HT-SMALL"}  # HT-NEW opened mid-year, SABO-X is no home care


def _required(code: str) -> list[dict[str, Any]]:
    criteria: list[dict[str, Any]] = data.home_care_scheme()["specification"]["criteria"]
    return [c | {"required": True} if c["code"] == code else c for c in criteria]


async def test_the_run_states_each_criterions_coverage_of_the_eligible_units(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = await setup(client, make_key, goals={"HT-A": 80, "HT-B": 60, "HT-SMALL": 100})
    run = await run_scheme(awards, data.home_care_scheme())
    coverage = {c["criterion"]: c for c in run["coverage"]}
    assert list(coverage) == ["mal", "nojdhet", "kontinuitet", "kkik_helhet"]
    assert {c["eligible_candidates"] for c in coverage.values()} == {len(ELIGIBLE)}
    assert coverage["nojdhet"]["candidates_with_data"] == 4
    assert coverage["kontinuitet"]["candidates_with_data"] == 4
    assert coverage["mal"]["candidates_with_data"] == 3  # HT-C has no goal figures
    assert Decimal(coverage["mal"]["share"]) == Decimal("0.75")
    kkik = coverage["kkik_helhet"]
    assert (kkik["available"], kkik["candidates_with_data"]) == (False, 0)
    assert Decimal(kkik["share"]) == 0
    assert "U21468" in kkik["reason"]
    assert kkik["reason_code"] == "indicator_unavailable"
    by_unit = {r["unit_code"]: r for r in run["ranking"]}
    assert by_unit["HT-C"]["missing_criteria"] == ["kkik_helhet", "mal"]
    assert by_unit["HT-A"]["missing_criteria"] == ["kkik_helhet"]


async def test_a_required_criterion_a_unit_lacks_refuses_the_run_naming_both(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = await setup(client, make_key, goals={"HT-A": 80, "HT-B": 60, "HT-SMALL": 100})
    scheme = data.home_care_scheme(criteria=_required("mal"))
    created = await awards.post("/v1/schemes", json=scheme)
    assert created.status_code == 201, created.text
    refused = await awards.post("/v1/runs", json={"scheme_id": created.json()["id"]})
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    body = refused.json()
    assert "mal (HT-C:" in body["detail"]
    assert [(e["field"], e["value"], e["code"]) for e in body["errors"]] == [
        ("mal", "HT-C", "required_criterion_missing")
    ]
    assert (await awards.get("/v1/runs")).json()["total"] == 0  # nothing stored


async def test_a_required_criterion_without_any_data_names_every_eligible_unit(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = await setup(client, make_key)
    created = await awards.post(
        "/v1/schemes", json=data.home_care_scheme(criteria=_required("kkik_helhet"))
    )
    refused = await awards.post("/v1/runs", json={"scheme_id": created.json()["id"]})
    assert refused.status_code == 422, refused.text
    named = {e["value"] for e in refused.json()["errors"] if e["field"] == "kkik_helhet"}
    assert named == ELIGIBLE
    assert "U21468" in refused.json()["detail"]


async def test_too_few_respondents_make_a_unit_ineligible_before_ranking(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = await setup(client, make_key)
    lenient = await run_scheme(awards, data.home_care_scheme())
    assert lenient["ranking"][0]["unit_code"] == "HT-SMALL"  # 8 answers, ranked first
    strict = await run_scheme(
        awards, data.home_care_scheme(min_respondents=10) | {"code": "strikt"}
    )
    reasons = {i["unit_code"]: i["reason"] for i in strict["ineligible"]}
    assert reasons["HT-SMALL"] == (
        "nojdhet: 8 svarande för 2024 (ett resultat som inte redovisas räknas som 0); priset "
        "kräver minst 10 för att enheten ska kunna delta"
    )
    codes = {i["unit_code"]: i["reason_code"] for i in strict["ineligible"]}
    assert codes["HT-SMALL"] == "min_respondents"
    assert {r["unit_code"] for r in strict["ranking"]} == ELIGIBLE - {"HT-SMALL"}
    assert {c["eligible_candidates"] for c in strict["coverage"]} == {3}


async def test_too_few_judged_targets_make_a_unit_ineligible(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = await setup(client, make_key)
    # Every unit is judged on the ten targets; a scheme asking for eleven admits none.
    run = await run_scheme(awards, data.home_care_scheme(min_judged_targets=11))
    assert run["ranking"] == []
    reasons = {i["unit_code"]: i["reason"] for i in run["ineligible"]}
    assert reasons["HT-A"].startswith("mal: 10 bedömda mål för 2024; priset kräver minst 11")
    english = await awards.get(f"/v1/runs/{run['id']}", headers={"Accept-Language": "en"})
    reasons = {i["unit_code"]: i["reason"] for i in english.json()["ineligible"]}
    assert "mal: 10 judged targets in 2024" in reasons["HT-A"]
    enough = await run_scheme(
        awards, data.home_care_scheme(min_judged_targets=10) | {"code": "tio"}
    )
    assert {r["unit_code"] for r in enough["ranking"]} == ELIGIBLE


async def test_each_unit_says_how_its_weights_were_renormalised(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = await setup(client, make_key, goals={"HT-A": 80, "HT-B": 60, "HT-SMALL": 100})
    run = await run_scheme(awards, data.home_care_scheme())
    by_unit = {r["unit_code"]: r for r in run["ranking"]}
    # Four groups of equal weight; KKiK has no data for anyone: a quarter of the weight.
    assert by_unit["HT-A"]["weights_note"] == (
        "Värde saknas för kkik_helhet (25,0 % av prisets vikt): lämnas utanför, och övriga "
        "vikter multipliceras med 1,333 (1 ÷ 0,750) så att summan blir ett."
    )
    english = await awards.get(f"/v1/runs/{run['id']}", headers={"Accept-Language": "en"})
    assert english.headers["content-language"] == "en"
    by_unit = {r["unit_code"]: r for r in english.json()["ranking"]}
    assert by_unit["HT-A"]["weights_note"] == (
        "No value for kkik_helhet (25.0% of the scheme's weight): left out, and the other "
        "weights scaled by 1.333 (1 ÷ 0.750) to sum to one."
    )
    # HT-C also lacks its goal figures: half the weight is gone, the rest counts double.
    assert "kkik_helhet, mal (50.0% of the scheme's weight)" in by_unit["HT-C"]["weights_note"]
    assert "scaled by 2.000" in by_unit["HT-C"]["weights_note"]
    for unit in (by_unit["HT-A"], by_unit["HT-C"]):
        weights = [Decimal(c["weight"]) for c in unit["criteria"] if c["weight"] is not None]
        assert abs(sum(weights, Decimal(0)) - 1) < Decimal("0.00001")
    imputing = await run_scheme(
        awards, data.home_care_scheme(missing_policy="mean") | {"code": "medel"}
    )
    note = {r["unit_code"]: r["weights_note"] for r in imputing["ranking"]}["HT-C"]
    assert "Värde saknas för mal: ersatt med medelvärdet av de normaliserade värdena" in note
