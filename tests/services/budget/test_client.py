"""The typed client awards uses, against the real budget app in process."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI

from shared.clients.base import PeerError
from shared.clients.budget import BudgetClient
from shared.contracts.budget import AllocationIn
from shared.settings import Settings
from tests.conftest import MakeKey


async def test_client_reads_allocates_replays_and_passes_on_409(
    apps: dict[str, FastAPI], settings: Settings, make_key: MakeKey
) -> None:
    token = await make_key("budget:read", "budget:write", municipality="0880")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=apps["budget"])) as http:
        budget = BudgetClient(http, settings)
        [prize] = await budget.list_funds(token=token, year=2021, kind="prize_money")
        assert (prize.amount, prize.unit, prize.remaining) == (Decimal(70000), "kr", Decimal(70000))

        wanted = AllocationIn(
            amount=Decimal(25000), purpose="Årets hemtjänstenhet 2021", reference="award:ht-2021"
        )
        first = await budget.allocate(prize.id, wanted, token=token)
        again = await budget.allocate(prize.id, wanted, token=token)
        assert again.id == first.id
        assert (await budget.get_fund(prize.id, token=token)).remaining == Decimal(45000)

        with pytest.raises(PeerError) as refused:
            await budget.allocate(
                prize.id,
                AllocationIn(amount=Decimal(50000), purpose="too much", reference="award:x"),
                token=token,
            )
        assert refused.value.status == 409
        assert "45\u00a0000" in str(refused.value.detail)

        paid = await budget.pay_out(prize.id, first.id, token=token)
        assert paid.state == "paid"
        reversed_ = await budget.reverse(prize.id, first.id, reason="withdrawn", token=token)
        assert reversed_.state == "reversed"
        assert (await budget.get_fund(prize.id, token=token)).remaining == Decimal(70000)
