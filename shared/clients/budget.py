"""Client for the budget service's funds."""

from __future__ import annotations

import uuid

from pydantic import ValidationError

from shared.clients.base import ServiceClient
from shared.contracts.budget import AllocationIn, AllocationOut, FundOut
from shared.errors import Upstream
from shared.settings import ServiceName


class BudgetClient(ServiceClient):
    service: ServiceName = "budget"

    async def get_fund(self, fund_id: uuid.UUID, *, token: str) -> FundOut:
        return await self.get_model(f"/v1/funds/{fund_id}", FundOut, token=token)

    async def allocate(
        self, fund_id: uuid.UUID, allocation: AllocationIn, *, token: str
    ) -> AllocationOut:
        """Draw from a fund; the budget service refuses (409) what the fund cannot cover."""
        response = await self.request(
            "POST",
            f"/v1/funds/{fund_id}/allocations",
            token=token,
            json=allocation.model_dump(mode="json"),
        )
        try:
            return AllocationOut.model_validate_json(response.content)
        except ValidationError as exc:
            raise Upstream("The budget service sent an allocation of the wrong shape") from exc
