"""The demo's prize schemes: valid, and Exempelstad's evaluate end to end."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.awards.scheme.schemas import SchemeIn
from shared.demo.common import DEMO_MUNICIPALITY
from shared.models import AwardScheme
from tests.conftest import MakeClient, MakeKey


async def test_kalmar_and_exempelstad_have_the_three_prizes_of_seed_000(
    session: AsyncSession,
) -> None:
    schemes = (await session.execute(select(AwardScheme))).scalars().all()
    found = {(s.municipality_code, s.code): s for s in schemes}
    for municipality in ("0880", DEMO_MUNICIPALITY):
        prizes = {
            code: found[(municipality, code)].prize_amount_ore // 100
            for code in ("arets_hemtjanstenhet", "arets_boendeenhet", "arets_forbattringsarbete")
        }
        assert prizes == {
            "arets_hemtjanstenhet": 25_000,
            "arets_boendeenhet": 25_000,
            "arets_forbattringsarbete": 20_000,
        }
    for s in schemes:  # every stored scheme passes the API's own validation
        SchemeIn.model_validate(
            {
                "year": s.year,
                "code": s.code,
                "title": s.title,
                "candidates": s.candidates,
                "prize_amount": s.prize_amount_ore // 100,
                "specification": s.specification,
            }
        )


async def test_exempelstad_home_care_prize_evaluates_end_to_end(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = client("awards", await make_key())
    schemes = await awards.get("/v1/schemes", params={"year": 2024})
    by_code: dict[str, Any] = {s["code"]: s for s in schemes.json()["items"]}
    for code in ("arets_hemtjanstenhet", "arets_boendeenhet", "arets_forbattringsarbete"):
        run = await awards.post("/v1/runs", json={"scheme_id": by_code[code]["id"]})
        assert run.status_code == 201, run.text
        body = run.json()
        assert body["ranking"], body["ineligible"]
        assert body["robustness"]["statement"]
    home = await awards.post(
        "/v1/runs", json={"scheme_id": by_code["arets_hemtjanstenhet"]["id"], "seed": 7}
    )
    body = home.json()
    assert body["seed"] == 7
    ranked = {r["unit_code"] for r in body["ranking"]}
    assert ranked <= {"HT-NORR", "HT-SODER", "HT-VASTER", "HT-OSTER"}
    # All six criteria have data for every ranked unit, staff continuity (required) included.
    assert body["unavailable_criteria"] == []
    coverage = {c["criterion"]: c for c in body["coverage"]}
    assert len(coverage) == 6
    assert coverage["personalkontinuitet"]["required"] is True
    for c in coverage.values():
        assert c["candidates_with_data"] == c["eligible_candidates"] == len(ranked), c
    # The board's goals are judged by the indicators service against Exempelstad's targets;
    # the run uses each unit's fulfilment share exactly as the scorecard status states it.
    indicators = client("indicators", await make_key())
    status = await indicators.get(
        "/v1/scorecards/status", params={"municipality_code": DEMO_MUNICIPALITY, "period": "2024"}
    )
    assert status.status_code == 200, status.text
    shares = {u["unit_code"]: u["fulfilment_share"] for u in status.json()["units"]}
    for unit in body["ranking"]:
        goal = next(c for c in unit["criteria"] if c["criterion"] == "namndens_mal")
        assert goal["value"] is not None
        assert Decimal(goal["value"]) == Decimal(shares[unit["unit_code"]])


async def _decide_and_publish(awards: httpx.AsyncClient, scheme_id: str) -> str:
    run = await awards.post("/v1/runs", json={"scheme_id": scheme_id})
    assert run.status_code == 201, run.text
    decided = await awards.post(
        f"/v1/runs/{run.json()['id']}/decision",
        json={
            "winner_code": run.json()["ranking"][0]["unit_code"],
            "reason": "Bäst i helhetsbedömningen.",
        },
    )
    assert decided.status_code == 201, decided.text
    decision_id: str = decided.json()["id"]
    published = await awards.post(f"/v1/decisions/{decision_id}/publish")
    assert published.status_code == 200, published.text
    return decision_id


async def test_exempelstad_prize_is_paid_from_its_prize_fund_until_the_fund_runs_dry(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    awards, budget = client("awards", key), client("budget", key)
    schemes = await awards.get("/v1/schemes", params={"year": 2024})
    by_code: dict[str, Any] = {s["code"]: s for s in schemes.json()["items"]}
    funds = await budget.get("/v1/funds", params={"year": 2024, "kind": "prize_money"})
    (pot,) = [f for f in funds.json()["items"] if f["code"] == "kvalitetspris"]
    assert pot["municipality_code"] == DEMO_MUNICIPALITY
    assert Decimal(pot["remaining"]) == 70_000

    home_care = await _decide_and_publish(awards, by_code["arets_hemtjanstenhet"]["id"])
    paid = await awards.post(f"/v1/decisions/{home_care}/payout", json={"fund_id": pot["id"]})
    assert paid.status_code == 200, paid.text
    after = (await budget.get(f"/v1/funds/{pot['id']}")).json()
    assert Decimal(after["remaining"]) == 45_000  # 70 000 − the prize of 25 000
    assert Decimal(after["allocated"]) == 25_000
    assert Decimal(after["paid"]) == 25_000  # the payout books the prize as paid
    booked = (await budget.get(f"/v1/funds/{pot['id']}/allocations")).json()["items"]
    assert [(a["reference"], a["state"]) for a in booked] == [
        (f"award-decision:{home_care}", "paid")
    ]
    again = await awards.post(f"/v1/decisions/{home_care}/payout", json={"fund_id": pot["id"]})
    assert again.status_code == 200, again.text  # a retry books nothing more
    assert (await budget.get(f"/v1/funds/{pot['id']}")).json()["paid"] == after["paid"]

    # Something else is booked on the pot in the budget service: 5 000 kr are left.
    other = await budget.post(
        f"/v1/funds/{pot['id']}/allocations",
        json={"amount": "40000", "purpose": "Utbildningsdag", "reference": "test:utbildning"},
    )
    assert other.status_code == 201, other.text
    residential = await _decide_and_publish(awards, by_code["arets_boendeenhet"]["id"])
    refused = await awards.post(f"/v1/decisions/{residential}/payout", json={"fund_id": pot["id"]})
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    detail = refused.json()["detail"]
    assert "räcker inte till priset på 25\u00a0000 kr" in detail
    assert "5\u00a0000" in detail  # the budget service's own words: what remains
    assert Decimal((await budget.get(f"/v1/funds/{pot['id']}")).json()["remaining"]) == 5_000
    current = await awards.get(f"/v1/decisions/{residential}")
    assert current.json()["allocation_id"] is None
    assert current.json()["state"] == "published"
