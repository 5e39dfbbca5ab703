"""Jury decisions, publication, prize money booked against the real budget service."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import OutboxEvent
from tests.conftest import MakeClient, MakeKey
from tests.services.awards import data
from tests.services.awards.run.test_runs import peer, run_scheme, setup


async def test_jury_picks_rank_two_with_a_reason_publishes_and_books_the_prize_once(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    awards = await setup(client, make_key)
    budget = peer(client, awards, "budget")
    run = await run_scheme(awards, data.home_care_scheme())
    second = run["ranking"][1]["unit_code"]

    decided = await awards.post(
        f"/v1/runs/{run['id']}/decision",
        json={
            "winner_code": second,
            "reason": "Juryn väger in det långsiktiga förbättringsarbetet under hela året.",
            "decided_by": "Omsorgsnämndens jury",
        },
    )
    assert decided.status_code == 201, decided.text
    decision = decided.json()
    assert decision["differs_from_rank_one"] is True
    assert decision["winner_rank"] == 2
    assert decision["rank_one_code"] == run["ranking"][0]["unit_code"]
    assert decision["state"] == "decided"
    assert decision["decided_by"] == "Omsorgsnämndens jury"
    assert decision["prize_amount"] == "25000"

    early = await awards.post(
        f"/v1/decisions/{decision['id']}/payout",
        json={"fund_id": str(await data.add_fund(budget, "70000"))},
    )
    assert early.status_code == 409  # not published yet

    published = await awards.post(f"/v1/decisions/{decision['id']}/publish")
    assert published.json()["state"] == "published"
    events = (
        (
            await session.execute(
                select(OutboxEvent).where(OutboxEvent.type == "award.decision_published")
            )
        )
        .scalars()
        .all()
    )
    assert [(e.payload["decision_id"], e.payload["unit_codes"]) for e in events] == [
        (decision["id"], [second])
    ]
    assert (await awards.post(f"/v1/decisions/{decision['id']}/publish")).status_code == 409

    fund = await data.add_fund(budget, "70000", code="pris2")
    paid = await awards.post(f"/v1/decisions/{decision['id']}/payout", json={"fund_id": str(fund)})
    assert paid.status_code == 200, paid.text
    assert paid.json()["allocation_id"] is not None
    again = await awards.post(f"/v1/decisions/{decision['id']}/payout", json={"fund_id": str(fund)})
    assert again.json()["allocation_id"] == paid.json()["allocation_id"]
    allocations = await data.allocations(budget, fund)
    assert len(allocations) == 1
    assert Decimal(allocations[0]["amount"]) == Decimal(25000)
    assert allocations[0]["reference"] == f"award-decision:{decision['id']}"
    assert Decimal((await data.fund(budget, fund))["remaining"]) == Decimal(45000)

    trail = await awards.get("/v1/audit", params={"entity_id": decision["id"]})
    assert [e["action"] for e in trail.json()["items"]] == ["decided", "published", "paid_out"]
    assert trail.json()["items"][0]["details"]["differs_from_rank_one"] is True
    second_decision = await awards.post(
        f"/v1/runs/{run['id']}/decision",
        json={"winner_code": run["ranking"][0]["unit_code"], "reason": "Ändrat sig i efterhand."},
    )
    assert second_decision.status_code == 409


async def test_payout_a_fund_cannot_cover_is_refused_clearly_and_books_nothing(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = await setup(client, make_key)
    run = await run_scheme(awards, data.home_care_scheme())
    decided = await awards.post(
        f"/v1/runs/{run['id']}/decision",
        json={
            "winner_code": run["ranking"][0]["unit_code"],
            "reason": "Bäst i helhetsbedömningen.",
        },
    )
    decision_id = decided.json()["id"]
    await awards.post(f"/v1/decisions/{decision_id}/publish")
    budget = peer(client, awards, "budget")
    short = await data.add_fund(budget, "20000")
    refused = await awards.post(f"/v1/decisions/{decision_id}/payout", json={"fund_id": str(short)})
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "räcker inte till priset på 25\u00a0000 kr" in refused.json()["detail"]
    assert "20\u00a0000" in refused.json()["detail"]  # the budget service's own words passed on
    assert await data.allocations(budget, short) == []
    assert Decimal((await data.fund(budget, short))["remaining"]) == Decimal(20000)
    current = await awards.get(f"/v1/decisions/{decision_id}")
    assert current.json()["allocation_id"] is None


async def test_deciding_needs_the_decide_scope_and_an_eligible_winner(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = await setup(client, make_key)
    run = await run_scheme(awards, data.home_care_scheme())
    writer = client("awards", await make_key("awards:read", "awards:write", municipality=data.MUNI))
    forbidden = await writer.post(
        f"/v1/runs/{run['id']}/decision",
        json={"winner_code": "HT-A", "reason": "Utan rätt behörighet."},
    )
    assert forbidden.status_code == 403
    ineligible = await awards.post(
        f"/v1/runs/{run['id']}/decision",
        json={"winner_code": "HT-NEW", "reason": "Ny enhet med goda resultat."},
    )
    assert ineligible.status_code == 422
    assert ineligible.json()["detail"] == (
        "HT-NEW var inte behörig: öppnade 2024-03-01 och var inte i drift hela 2024"
    )
    assert ineligible.json()["errors"][0]["field"] == "winner_code"
    personal = await awards.post(
        f"/v1/runs/{run['id']}/decision",
        json={"winner_code": "HT-A", "reason": "Tack till 19121212-1212 för insatsen."},
    )
    assert personal.status_code == 422
    assert (await awards.get(f"/v1/runs/{run['id']}/decision")).status_code == 404
