"""The demo's prize schemes: valid, and Exempelstad's evaluate end to end."""

from __future__ import annotations

from typing import Any

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
    unavailable = {u["criterion"] for u in body["unavailable_criteria"]}
    assert "namndens_mal" in unavailable  # no scorecard for Exempelstad in the fake
    assert "brukarundersokning_helhet" not in unavailable
