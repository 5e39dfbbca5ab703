"""Scheme-based evaluation runs over the real indicators app (goal status from real targets)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.settings import ServiceName
from tests.conftest import MakeClient, MakeKey
from tests.services.awards import data


async def setup(
    client: MakeClient, make_key: MakeKey, goals: dict[str, int] | None = None
) -> httpx.AsyncClient:
    key = await make_key(municipality=data.MUNI)
    await data.build(client("ingest", key), client("indicators", key), goals)
    return client("awards", key)


def peer(client: MakeClient, awards: httpx.AsyncClient, service: ServiceName) -> httpx.AsyncClient:
    """A client for another service with the same key as `awards`."""
    return client(service, awards.headers["Authorization"].removeprefix("Bearer "))


async def run_scheme(awards: httpx.AsyncClient, scheme: dict[str, Any]) -> dict[str, Any]:
    created = await awards.post("/v1/schemes", json=scheme)
    assert created.status_code == 201, created.text
    run = await awards.post("/v1/runs", json={"scheme_id": created.json()["id"]})
    assert run.status_code == 201, run.text
    result: dict[str, Any] = run.json()
    return result


async def test_ranks_eligible_units_explains_each_score_and_lists_the_ineligible(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = await setup(client, make_key)
    run = await run_scheme(awards, data.home_care_scheme())

    ineligible = {i["unit_code"]: i["reason"] for i in run["ineligible"]}
    assert ineligible["SABO-X"] == (
        "enhetstypen sarskilt_boende ingår inte i priset (det gäller hemtjanst)"
    )
    assert ineligible["HT-NEW"] == "öppnade 2024-03-01 och var inte i drift hela 2024"
    codes = {i["unit_code"]: i["reason_code"] for i in run["ineligible"]}
    assert codes == {"SABO-X": "unit_type", "HT-NEW": "opened"}
    # The same stored run in English, as the reader asks.
    english = (await awards.get(f"/v1/runs/{run['id']}", headers={"Accept-Language": "en"})).json()
    reasons_en = {i["unit_code"]: i["reason"] for i in english["ineligible"]}
    assert reasons_en["HT-NEW"] == "opened 2024-03-01: not active the whole of 2024"
    assert "not eligible" in reasons_en["SABO-X"]
    # HT-SMALL has 8 answers (enough) and data for all three available criteria: eligible.
    ranked = [r["unit_code"] for r in run["ranking"]]
    assert set(ranked) == {"HT-A", "HT-B", "HT-C", "HT-SMALL"}
    # KKiK's indicator is not defined in the indicators service: reported, not silently lost.
    assert [u["criterion"] for u in run["unavailable_criteria"]] == ["kkik_helhet"]
    assert run["unavailable_criteria"][0]["reason"] == (
        "indikatorn U21468 går inte att hämta från indikatortjänsten"
    )
    assert run["unavailable_criteria"][0]["reason_code"] == "indicator_unavailable"

    # HT-C is worst on all three criteria (min-max normalised: 0 on each) → last, score 0.
    last = run["ranking"][-1]
    assert last["unit_code"] == "HT-C"
    assert Decimal(last["score"]) == 0
    for unit in run["ranking"]:
        contributions = sum((Decimal(c["contribution"]) for c in unit["criteria"]), Decimal(0))
        assert abs(contributions - Decimal(unit["score"])) < Decimal("0.00001")
        weights = sum((Decimal(c["weight"]) for c in unit["criteria"]), Decimal(0))
        assert abs(weights - 1) < Decimal("0.00001")
    top = run["ranking"][0]
    by_criterion = {c["criterion"]: c for c in top["criteria"]}
    assert top["unit_code"] == "HT-SMALL"  # best goals (100) and continuity (8), 100 % satisfied
    assert by_criterion["kontinuitet"]["value"] == "8.0"
    assert Decimal(by_criterion["kontinuitet"]["normalised"]) == 1  # lower is better
    assert by_criterion["nojdhet"]["n"] == 8
    # Robustness is stated in words, with the rank interval per unit.
    assert run["robustness"]["winner"] == "HT-SMALL"
    assert "dragningar" in run["robustness"]["statement"]
    assert "draws" in run["robustness"]["statement_en"]
    assert top["sensitivity"]["rank_p05"] == "1.0"
    assert run["sensitivity"]["draws"] == 400


async def test_replaying_a_run_from_its_snapshot_gives_identical_results(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    awards = await setup(client, make_key)
    run = await run_scheme(awards, data.home_care_scheme(mode="mix"))
    replay = await awards.post(f"/v1/runs/{run['id']}/replay")
    assert replay.status_code == 200, replay.text
    assert replay.json()["identical"] is True
    assert replay.json()["spec_hash_matches"] is True
    again = await awards.post("/v1/runs", json={"scheme_id": run["scheme_id"]})
    assert again.json()["spec_hash"] == run["spec_hash"]
    assert again.json()["ranking"] == run["ranking"]  # same data, same seed, same result
    inputs = await awards.get(f"/v1/runs/{run['id']}/inputs")
    assert inputs.json()["inputs"]["criteria"]["nojdhet"]["current"]["HT-A"]["n"] == 100

    with pytest.raises(DBAPIError, match="immutable"):
        async with session.begin_nested():
            await session.execute(
                text("UPDATE award_run SET results = '{}' WHERE id = :id"), {"id": run["id"]}
            )


async def test_a_unit_of_eight_answers_cannot_win_most_improved_on_luck(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = await setup(client, make_key)
    survey_only = {
        "group_weights": {"survey": 1},
        "criteria": [
            {
                "code": "nojdhet",
                "title": "Nöjdhet",
                "group": "survey",
                "indicator_code": "andel_nojda",
                "kind": "share",
            }
        ],
        "mode": "improvement",
    }
    default = await run_scheme(awards, data.home_care_scheme(**survey_only))
    reasons = {i["unit_code"]: i["reason"] for i in default["ineligible"]}
    # 75 % → 100 % on 8 answers: too few answers to measure change at all (default 20).
    assert "HT-SMALL" in reasons
    assert default["ranking"][0]["unit_code"] == "HT-A"  # +20 points on 100 answers

    lenient = data.home_care_scheme(**survey_only, improvement_min_respondents=7)
    lenient["code"] = "lenient"
    run = await run_scheme(awards, lenient)
    by_unit = {r["unit_code"]: r for r in run["ranking"]}
    small = by_unit["HT-SMALL"]["criteria"][0]
    large = by_unit["HT-B"]["criteria"][0]
    # The raw change favours the small unit (+25 vs +15) but its uncertainty is far larger,
    # so the improvement it is credited with (lower bound) is below the large unit's.
    assert Decimal(small["change"]) > Decimal(large["change"])
    assert Decimal(small["standard_error"]) > 4 * Decimal(large["standard_error"])
    assert Decimal(small["credited"]) < 0 < Decimal(large["credited"])
    assert by_unit["HT-SMALL"]["rank"] > by_unit["HT-B"]["rank"]


async def test_says_plainly_when_the_winner_is_not_robust(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = await setup(client, make_key, goals=data.GOALS | {"HT-SMALL": 10})
    # Two criteria pulling opposite ways: HT-A best on goals, HT-SMALL/HT-B on continuity.
    contested = {
        "group_weights": {"goals": 1, "special": 1},
        "criteria": [
            {"code": "mal", "title": "Mål", "group": "goals", "source": "goal_status"},
            {
                "code": "kontinuitet",
                "title": "Kontinuitet",
                "group": "special",
                "indicator_code": "personalkontinuitet",
            },
        ],
        "unit_types": ["hemtjanst"],
    }
    scheme = data.home_care_scheme(**contested)
    run = await run_scheme(awards, scheme)
    assert run["robustness"]["robust"] is False
    assert "INTE robust" in run["robustness"]["statement"]
    assert "NOT robust" in run["robustness"]["statement_en"]
    firsts = [Decimal(r["sensitivity"]["p_first"]) for r in run["ranking"]]
    assert abs(sum(firsts, Decimal(0)) - 1) <= Decimal("0.005")  # p_first is rounded to 3 places
    assert max(firsts) < Decimal("0.75")
    # Leaving out either criterion hands the prize to someone else.
    changes = {loo["left_out"]: loo["winner"] for loo in run["leave_one_out"]}
    assert changes == {"mal": "HT-SMALL", "kontinuitet": "HT-A"}


async def test_a_scheme_without_any_available_criterion_is_refused_and_stores_nothing(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = await setup(client, make_key)
    scheme = data.home_care_scheme(
        group_weights={"kkik": 1},
        criteria=[
            {"code": "kkik", "title": "KKiK", "group": "kkik", "indicator_code": "U21468"},
        ],
    )
    created = await awards.post("/v1/schemes", json=scheme)
    refused = await awards.post("/v1/runs", json={"scheme_id": created.json()["id"]})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["errors"][0]["code"] == "criterion_unavailable"
    listed = await awards.get("/v1/runs")
    assert listed.json()["total"] == 0


async def test_invalid_scheme_is_refused_with_located_errors(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = client("awards", await make_key(municipality=data.MUNI))
    scheme = data.home_care_scheme(group_weights={"survey": 1})
    bad = await awards.post("/v1/schemes", json=scheme)
    assert bad.status_code == 422
    assert "group_weights saknar vikt" in bad.text
    finer_than_ore = data.home_care_scheme() | {"prize_amount": "25000.001"}
    refused = await awards.post("/v1/schemes", json=finer_than_ore)
    assert refused.status_code == 422
    assert "finare än ett öre" in refused.text
    duplicate = data.home_care_scheme()
    assert (await awards.post("/v1/schemes", json=duplicate)).status_code == 201
    again = await awards.post("/v1/schemes", json=duplicate)
    assert again.status_code == 409


async def test_another_municipality_cannot_see_a_run(client: MakeClient, make_key: MakeKey) -> None:
    awards = await setup(client, make_key)
    run = await run_scheme(awards, data.home_care_scheme())
    other = client("awards", await make_key(municipality="0880"))
    assert (await other.get(f"/v1/runs/{run['id']}")).status_code == 404


@pytest.mark.parametrize(
    "method",
    [
        {"aggregation": "geometric", "normalisation": "z_score"},
        # Only the survey has a 2023 value: one criterion in three, hence the lower share.
        {
            "normalisation": "rank",
            "missing_policy": "worst",
            "mode": "improvement",
            "min_data_share": "0.3",
        },
        {
            "normalisation": "distance_to_target",
            "missing_policy": "mean",
            "sensitivity": {"draws": 200, "normalisations": ["distance_to_target", "rank"]},
        },
    ],
)
async def test_every_method_choice_gives_a_complete_explained_ranking(
    client: MakeClient, make_key: MakeKey, method: dict[str, Any]
) -> None:
    awards = await setup(client, make_key)
    scheme = data.home_care_scheme(**method)
    scheme["specification"]["criteria"][2]["target"] = "10"  # continuity: at most 10 staff
    run = await run_scheme(awards, scheme)
    assert run["ranking"]
    for key, value in method.items():
        if key in {"normalisation", "aggregation", "missing_policy", "mode"}:
            assert run["method"][key] == value
    for unit in run["ranking"]:
        assert unit["score"] is not None
        sens = unit["sensitivity"]
        assert Decimal(sens["rank_p05"]) <= Decimal(sens["rank_p50"]) <= Decimal(sens["rank_p95"])
