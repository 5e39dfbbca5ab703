"""Awards tests: the real apps, plus CONTRACT FAKES for the two peer routes that do not exist
in this branch yet — GET /v1/scorecards/status (indicators) and /v1/funds… (budget). Each fake
is a small FastAPI app serving exactly the shared contract models (GoalStatusSummary, FundOut,
AllocationIn → AllocationOut), routed by path prefix ahead of the real peer app."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI, Query, Response
from fastapi.responses import JSONResponse

from shared.contracts.budget import AllocationIn, AllocationOut, FundOut
from shared.contracts.indicators import GoalStatusSummary, UnitGoalStatus
from shared.db import Database
from shared.errors import PROBLEM_MEDIA_TYPE
from shared.settings import SERVICES, Settings
from tests.helpers import HostRouter, running


class ContractRouter(HostRouter):
    """HostRouter that sends some path prefixes of a peer to a contract fake instead."""

    def __init__(self) -> None:
        super().__init__()
        self.overrides: list[tuple[str, str, httpx.ASGITransport]] = []

    def override(self, service: str, prefix: str, app: FastAPI) -> None:
        self.overrides.append((f"{service}.test", prefix, httpx.ASGITransport(app=app)))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        for host, prefix, transport in self.overrides:
            if request.url.host == host and request.url.path.startswith(prefix):
                return await transport.handle_async_request(request)
        return await super().handle_async_request(request)


@dataclass
class FakeFund:
    id: uuid.UUID
    municipality_code: str
    amount: Decimal
    allocations: dict[str, AllocationOut] = field(default_factory=dict)

    def out(self) -> FundOut:
        allocated = sum((a.amount for a in self.allocations.values()), Decimal(0))
        return FundOut(
            id=self.id,
            municipality_code=self.municipality_code,
            code="F",
            title="Fake fund",
            year=2024,
            kind="prize_money",
            unit="kr",
            amount=self.amount,
            allocated=allocated,
            paid=Decimal(0),
            remaining=max(Decimal(0), self.amount - allocated),
            version=1 + len(self.allocations),
        )


@dataclass
class Fakes:
    """CONTRACT FAKES: state behind the fake goal-status and funds routes."""

    goal_status: dict[tuple[str, str], list[UnitGoalStatus]] = field(default_factory=dict)
    funds: dict[uuid.UUID, FakeFund] = field(default_factory=dict)
    goal_calls: int = 0

    def add_fund(self, amount: str, municipality_code: str = "9971") -> uuid.UUID:
        fund = FakeFund(uuid.uuid4(), municipality_code, Decimal(amount))
        self.funds[fund.id] = fund
        return fund.id

    def goals_app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/v1/scorecards/status", response_model=GoalStatusSummary)
        async def status(
            municipality_code: str, period: str, level: str = Query("unit")
        ) -> GoalStatusSummary | JSONResponse:
            self.goal_calls += 1
            units = self.goal_status.get((municipality_code, period))
            if units is None:
                return _problem(404, f"No scorecard for {municipality_code} {period}")
            return GoalStatusSummary(
                municipality_code=municipality_code, period=period, units=units
            )

        return app

    def budget_app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/v1/funds/{fund_id}", response_model=FundOut)
        async def get_fund(fund_id: uuid.UUID) -> FundOut | JSONResponse:
            fund = self.funds.get(fund_id)
            return _problem(404, f"No fund {fund_id}") if fund is None else fund.out()

        @app.post("/v1/funds/{fund_id}/allocations", response_model=AllocationOut)
        async def allocate(
            fund_id: uuid.UUID, body: AllocationIn, response: Response
        ) -> AllocationOut | JSONResponse:
            fund = self.funds.get(fund_id)
            if fund is None:
                return _problem(404, f"No fund {fund_id}")
            if body.reference in fund.allocations:
                return fund.allocations[body.reference]
            remaining = fund.out().remaining
            if body.amount > remaining:
                return _problem(409, f"The fund has {remaining} kr left; {body.amount} kr refused")
            allocation = AllocationOut(
                id=uuid.uuid4(),
                fund_id=fund.id,
                amount=body.amount,
                unit=body.unit,
                purpose=body.purpose,
                reference=body.reference,
                state="allocated",
                created_at=datetime.now(UTC),
            )
            fund.allocations[body.reference] = allocation
            response.status_code = 201
            return allocation

        return app


def _problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse(
        {"type": "about:blank", "title": "Problem", "status": status, "detail": detail},
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
    )


@pytest.fixture
def fakes() -> Fakes:
    return Fakes()


@pytest.fixture
async def apps(
    settings: Settings, database: Database, fakes: Fakes
) -> AsyncIterator[dict[str, FastAPI]]:
    """The four real apps wired in process, with the contract fakes in front of them."""
    router = ContractRouter()
    router.override("indicators", "/v1/scorecards/", fakes.goals_app())
    router.override("budget", "/v1/funds", fakes.budget_app())
    built: dict[str, FastAPI] = {}
    async with AsyncExitStack() as stack:
        for service in SERVICES:
            module = importlib.import_module(f"services.{service}.app")
            app = module.create_app(settings, database=database, transport=router)
            router.add(service, app)
            built[service] = await stack.enter_async_context(running(app))
        yield built
