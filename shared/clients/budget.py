"""Client for the budget service's funds."""

from __future__ import annotations

import uuid

import httpx
from pydantic import ValidationError

from shared.clients.base import ServiceClient
from shared.contracts.budget import AllocationIn, AllocationOut, FundOut
from shared.errors import Upstream
from shared.i18n import message
from shared.pagination import Page
from shared.settings import ServiceName

FundPage = Page[FundOut]


class BudgetClient(ServiceClient):
    service: ServiceName = "budget"

    async def get_fund(self, fund_id: uuid.UUID, *, token: str) -> FundOut:
        return await self.get_model(f"/v1/funds/{fund_id}", FundOut, token=token)

    async def allocate(
        self, fund_id: uuid.UUID, allocation: AllocationIn, *, token: str
    ) -> AllocationOut:
        """Draw from a fund; the budget service refuses (409) what the fund cannot cover, and
        returns the first allocation when the reference was used before."""
        response = await self.request(
            "POST",
            f"/v1/funds/{fund_id}/allocations",
            token=token,
            json=allocation.model_dump(mode="json"),
        )
        return self._allocation(response)

    async def list_funds(
        self,
        *,
        token: str,
        year: int | None = None,
        kind: str | None = None,
        municipality_code: str | None = None,
    ) -> list[FundOut]:
        """Funds visible to the key (first 500), optionally for one year and kind."""
        params: dict[str, str | int] = {"limit": 500}
        if year is not None:
            params["year"] = year
        if kind is not None:
            params["kind"] = kind
        if municipality_code is not None:
            params["municipality_code"] = municipality_code
        page = await self.get_model("/v1/funds", FundPage, token=token, params=params)
        return page.items

    async def pay_out(
        self, fund_id: uuid.UUID, allocation_id: uuid.UUID, *, token: str
    ) -> AllocationOut:
        """Mark an allocation paid (idempotent)."""
        response = await self.request(
            "POST", f"/v1/funds/{fund_id}/allocations/{allocation_id}/payout", token=token, json={}
        )
        return self._allocation(response)

    async def reverse(
        self, fund_id: uuid.UUID, allocation_id: uuid.UUID, *, reason: str, token: str
    ) -> AllocationOut:
        """Give an allocation back to its fund (idempotent)."""
        response = await self.request(
            "POST",
            f"/v1/funds/{fund_id}/allocations/{allocation_id}/reversal",
            token=token,
            json={"reason": reason},
        )
        return self._allocation(response)

    @staticmethod
    def _allocation(response: httpx.Response) -> AllocationOut:
        try:
            return AllocationOut.model_validate_json(response.content)
        except ValidationError as exc:
            raise Upstream(message("problem.shared.budget_service_sent_allocation_wrong")) from exc
