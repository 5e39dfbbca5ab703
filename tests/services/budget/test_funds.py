"""Earmarked funds: allocations, idempotent references, payouts, reversals, no over-allocation."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import create_async_engine

from services.budget.app import create_app
from shared.auth import create_api_key
from shared.db import Database
from shared.models import ApiKey, BudgetAudit, Fund
from tests import helpers
from tests.conftest import MakeClient, MakeKey


async def _fund(budget: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    body = {
        "code": "forbattring",
        "title": "Lokala utvecklings- och förbättringsprojekt",
        "year": 2030,
        "kind": "improvement_projects",
        "unit": "kr",
        "amount": "600000",
        **overrides,
    }
    created = await budget.post("/v1/funds", json=body)
    assert created.status_code == 201, created.text
    return dict(created.json())


async def test_allocation_reduces_remaining_and_a_repeated_reference_returns_the_first(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    fund = await _fund(budget)
    body = {"amount": "25000", "purpose": "Årets hemtjänstenhet", "reference": "award:1"}

    first = await budget.post(f"/v1/funds/{fund['id']}/allocations", json=body)
    again = await budget.post(f"/v1/funds/{fund['id']}/allocations", json=body)
    reused = await budget.post(
        f"/v1/funds/{fund['id']}/allocations", json=body | {"amount": "30000"}
    )

    assert first.status_code == 201, first.text
    located = await budget.get(first.headers["Location"])
    assert located.json() == first.json()
    assert again.status_code == 200
    assert again.json() == first.json()
    assert reused.status_code == 422
    assert reused.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert reused.json()["errors"][0]["loc"] == ["body", "reference"]
    after = (await budget.get(f"/v1/funds/{fund['id']}")).json()
    assert (after["allocated"], after["remaining"], after["paid"]) == ("25000", "575000", "0")


async def test_refuses_what_the_fund_cannot_cover_stating_remaining_and_requested(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    fund = await _fund(budget, code="prize", kind="prize_money", amount="70000")
    ok = await budget.post(
        f"/v1/funds/{fund['id']}/allocations",
        json={"amount": "50000", "purpose": "two prizes", "reference": "r1"},
    )
    assert ok.status_code == 201

    refused = await budget.post(
        f"/v1/funds/{fund['id']}/allocations",
        json={"amount": "25000", "purpose": "third prize", "reference": "r2"},
    )

    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert (problem["remaining"], problem["requested"], problem["unit"]) == ("20000", "25000", "kr")
    assert "20\u00a0000" in problem["detail"]
    allocations = (await budget.get(f"/v1/funds/{fund['id']}/allocations")).json()["items"]
    assert [a["reference"] for a in allocations] == ["r1"]


async def test_payout_and_reversal_move_the_balance_and_are_audited(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    fund = await _fund(budget, amount="100")
    a = (
        await budget.post(
            f"/v1/funds/{fund['id']}/allocations",
            json={"amount": "60", "purpose": "material", "reference": "p1"},
        )
    ).json()
    paid = await budget.post(f"/v1/funds/{fund['id']}/allocations/{a['id']}/payout", json={})
    assert paid.status_code == 200
    assert paid.json()["state"] == "paid"
    view = (await budget.get(f"/v1/funds/{fund['id']}")).json()
    assert (view["allocated"], view["paid"], view["remaining"]) == ("60", "60", "40")

    reversed_ = await budget.post(
        f"/v1/funds/{fund['id']}/allocations/{a['id']}/reversal", json={"reason": "cancelled"}
    )
    assert reversed_.json()["state"] == "reversed"
    view = (await budget.get(f"/v1/funds/{fund['id']}")).json()
    assert (view["allocated"], view["paid"], view["remaining"]) == ("0", "0", "100")
    again = await budget.post(f"/v1/funds/{fund['id']}/allocations/{a['id']}/payout", json={})
    assert again.status_code == 409

    trail = (await budget.get("/v1/audit", params={"entity_id": a["id"]})).json()["items"]
    assert [e["action"] for e in trail] == ["reversal", "payout", "allocate"]
    assert trail[0]["before"]["state"] == "paid"
    assert trail[0]["after"]["state"] == "reversed"
    assert all(e["actor_key_id"] for e in trail)


async def test_fund_update_needs_a_current_if_match(client: MakeClient, make_key: MakeKey) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    fund = await _fund(budget, amount="1000")
    read = await budget.get(f"/v1/funds/{fund['id']}")
    tag = read.headers["ETag"]

    missing = await budget.patch(f"/v1/funds/{fund['id']}", json={"amount": "900"})
    ok = await budget.patch(
        f"/v1/funds/{fund['id']}", json={"amount": "900"}, headers={"If-Match": tag}
    )
    stale = await budget.patch(
        f"/v1/funds/{fund['id']}", json={"amount": "800"}, headers={"If-Match": tag}
    )

    assert missing.status_code == 428
    assert ok.status_code == 200
    assert ok.json()["amount"] == "900"
    assert stale.status_code == 412
    assert (await budget.get(f"/v1/funds/{fund['id']}")).json()["amount"] == "900"


async def test_cannot_lower_a_fund_below_what_is_allocated(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    fund = await _fund(budget, amount="1000")
    await budget.post(
        f"/v1/funds/{fund['id']}/allocations",
        json={"amount": "700", "purpose": "x", "reference": "x"},
    )
    tag = (await budget.get(f"/v1/funds/{fund['id']}")).headers["ETag"]
    lowered = await budget.patch(
        f"/v1/funds/{fund['id']}", json={"amount": "500"}, headers={"If-Match": tag}
    )
    assert lowered.status_code == 409
    assert lowered.json()["allocated"] == "700"


async def test_lists_funds_by_year_and_kind_and_hides_other_municipalities(
    client: MakeClient, make_key: MakeKey
) -> None:
    kalmar = client("budget", await make_key("budget:read", municipality="0880"))
    listed = (await kalmar.get("/v1/funds", params={"kind": "prize_money"})).json()
    assert listed["total"] >= 1
    assert {f["municipality_code"] for f in listed["items"]} == {"0880"}
    prize = listed["items"][0]
    assert prize["amount"] == "70000"
    assert prize["unit"] == "kr"

    other = client("budget", await make_key("budget:read", municipality="1462"))
    assert (await other.get(f"/v1/funds/{prize['id']}")).status_code == 404


async def test_an_amount_finer_than_one_ore_is_refused(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    fund = await _fund(budget, amount="100")
    refused = await budget.post(
        f"/v1/funds/{fund['id']}/allocations",
        json={"amount": "0.001", "purpose": "x", "reference": "fine"},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "amount"


async def test_parallel_allocations_on_separate_connections_never_over_allocate(
    database_url: str,
) -> None:
    """Twenty requests for 10 000 kr each race for a 50 000 kr fund on real connections with
    committed data: exactly five succeed, the rest get 409, and the fund is never overdrawn.
    Ten racing retries of one reference on another fund store it once."""
    engine = create_async_engine(database_url, pool_size=10, max_overflow=10)
    db = Database(engine)
    settings = helpers.test_settings(database_url)
    fund_id, retry_fund_id = uuid.uuid4(), uuid.uuid4()
    async with db.unit_of_work() as session:
        key = await create_api_key(
            session, name="race", municipality_code="9990", scopes=["budget:write", "budget:read"]
        )
        session.add(
            Fund(
                id=fund_id,
                municipality_code="9990",
                code=f"race-{fund_id.hex[:8]}",
                title="race",
                year=2031,
                kind="other",
                amount_ore=5_000_000,
                display_unit="kr",
                version=1,
            )
        )
        session.add(
            Fund(
                id=retry_fund_id,
                municipality_code="9990",
                code=f"race-{retry_fund_id.hex[:8]}",
                title="retries",
                year=2031,
                kind="other",
                amount_ore=5_000_000,
                display_unit="kr",
                version=1,
            )
        )
    try:
        app = create_app(settings, database=Database(engine))
        async with (
            helpers.running(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://budget.test",
                headers={"Authorization": f"Bearer {key.token}"},
            ) as budget,
        ):
            responses = await asyncio.gather(
                *(
                    budget.post(
                        f"/v1/funds/{fund_id}/allocations",
                        json={"amount": "10000", "purpose": "race", "reference": f"r{i}"},
                    )
                    for i in range(20)
                )
            )
            view = (await budget.get(f"/v1/funds/{fund_id}")).json()
            retries = await asyncio.gather(
                *(
                    budget.post(
                        f"/v1/funds/{retry_fund_id}/allocations",
                        json={"amount": "10000", "purpose": "retry", "reference": "same"},
                    )
                    for _ in range(10)
                )
            )
            retry_view = (await budget.get(f"/v1/funds/{retry_fund_id}")).json()
        assert sorted(r.status_code for r in retries) == [200] * 9 + [201]
        assert len({r.json()["id"] for r in retries}) == 1
        assert retry_view["allocated"] == "10000"
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] * 5 + [409] * 15
        assert (view["allocated"], view["remaining"]) == ("50000", "0")
    finally:
        async with db.unit_of_work() as session:
            await session.execute(delete(Fund).where(Fund.id.in_([fund_id, retry_fund_id])))
            await session.execute(delete(BudgetAudit).where(BudgetAudit.actor_key_id == key.id))
            await session.execute(delete(ApiKey).where(ApiKey.id == key.id))
        await engine.dispose()
