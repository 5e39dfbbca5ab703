"""Events leave through the outbox: only when committed, signed, retried with backoff, recorded."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from shared.auth import Principal
from shared.db import Database
from shared.events import emit
from shared.models.events import WebhookDelivery
from shared.settings import Settings
from shared.webhooks import (
    SubscriptionIn,
    SubscriptionWithSecret,
    create_subscription,
    deliver_pending,
    prune_settled,
    verify_signature,
)
from tests.shared.webhooks.conftest import Receiver, public_resolver

FRAME_SAVED: dict[str, Any] = {
    "frame_id": str(uuid.uuid4()),
    "board": "Socialnämnden",
    "year": 2021,
    "version": 1,
    "amount": "302257",
    "unit": "tkr",
}


def municipal_key(code: str = "9990") -> Principal:
    return Principal(
        key_id=uuid.uuid4(),
        name="municipal system",
        municipality_code=code,
        scopes=frozenset({"webhooks:manage"}),
        token="t",
    )


async def subscribe(
    database: Database,
    settings: Settings,
    *,
    url: str = "https://hooks.example.se/kvn",
    types: list[str] | None = None,
    code: str = "9990",
) -> SubscriptionWithSecret:
    async with database.unit_of_work() as session:
        return await create_subscription(
            session,
            SubscriptionIn.model_validate(
                {"url": url, "event_types": types or ["budget.frame_saved"]}
            ),
            principal=municipal_key(code),
            settings=settings,
        )


async def run(
    database: Database,
    http: httpx.AsyncClient,
    settings: Settings,
    now: datetime | None = None,
    **kwargs: Any,
) -> Any:
    kwargs.setdefault("resolve", public_resolver)
    return await deliver_pending(database, http, settings=settings, now=now, **kwargs)


async def test_event_of_a_rolled_back_transaction_is_never_delivered(
    database: Database,
    webhook_settings: Settings,
    receiver: Receiver,
    receiver_http: httpx.AsyncClient,
) -> None:
    await subscribe(database, webhook_settings)

    async def save_then_fail() -> None:
        async with database.unit_of_work() as session:
            await emit(
                session, municipality_code="9990", type="budget.frame_saved", payload=FRAME_SAVED
            )
            raise RuntimeError("the frame could not be saved")

    with pytest.raises(RuntimeError):
        await save_then_fail()
    report = await run(database, receiver_http, webhook_settings)
    assert report.attempted == 0
    assert receiver.requests == []


async def test_committed_event_is_delivered_once_with_a_valid_signature(
    database: Database,
    webhook_settings: Settings,
    receiver: Receiver,
    receiver_http: httpx.AsyncClient,
) -> None:
    subscription = await subscribe(database, webhook_settings)
    async with database.unit_of_work() as session:
        event = await emit(
            session, municipality_code="9990", type="budget.frame_saved", payload=FRAME_SAVED
        )
    report = await run(database, receiver_http, webhook_settings)
    assert (report.fanned_out, report.delivered) == (1, 1)
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert str(request.url) == "https://hooks.example.se/kvn"
    verify_signature(subscription.secret, headers=dict(request.headers), body=request.content)
    assert request.headers["webhook-id"] == str(event.id)
    body = receiver.bodies()[0]
    assert body["type"] == "budget.frame_saved"
    assert body["municipality_code"] == "9990"
    assert body["data"]["amount"] == "302257"
    assert body["data"]["unit"] == "tkr"
    # Nothing is sent twice.
    again = await run(database, receiver_http, webhook_settings)
    assert again.attempted == 0
    assert len(receiver.requests) == 1


async def test_only_matching_subscriptions_receive_the_event(
    database: Database,
    webhook_settings: Settings,
    receiver: Receiver,
    receiver_http: httpx.AsyncClient,
) -> None:
    await subscribe(database, webhook_settings, url="https://a.kommun.example/hook")
    await subscribe(database, webhook_settings, url="https://b.kommun.example/hook", code="1461")
    await subscribe(
        database,
        webhook_settings,
        url="https://c.kommun.example/hook",
        types=["target.status_changed"],
    )
    async with database.unit_of_work() as session:
        await emit(
            session, municipality_code="9990", type="budget.frame_saved", payload=FRAME_SAVED
        )
    await run(database, receiver_http, webhook_settings)
    assert [r.url.host for r in receiver.requests] == ["a.kommun.example"]


async def test_failing_receiver_is_retried_with_backoff_and_attempts_are_recorded(
    database: Database,
    webhook_settings: Settings,
    receiver: Receiver,
    receiver_http: httpx.AsyncClient,
) -> None:
    subscription = await subscribe(database, webhook_settings)
    async with database.unit_of_work() as session:
        await emit(
            session, municipality_code="9990", type="budget.frame_saved", payload=FRAME_SAVED
        )
    receiver.statuses = [500, 503]
    start = datetime.now(UTC)

    first = await run(database, receiver_http, webhook_settings, now=start)
    assert (first.attempted, first.retrying) == (1, 1)
    async with database.sessionmaker() as session:
        delivery = (
            await session.execute(
                select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id)
            )
        ).scalar_one()
        assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
        assert delivery.next_attempt_at == start + timedelta(seconds=10)

    early = await run(database, receiver_http, webhook_settings, now=start + timedelta(seconds=5))
    assert early.attempted == 0  # not due yet

    second = await run(database, receiver_http, webhook_settings, now=start + timedelta(seconds=11))
    assert second.retrying == 1
    third = await run(database, receiver_http, webhook_settings, now=start + timedelta(seconds=80))
    assert third.delivered == 1
    assert len(receiver.requests) == 3
    # Every retry carries the same event id and a fresh, valid signature.
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    for request in receiver.requests:
        verify_signature(subscription.secret, headers=dict(request.headers), body=request.content)
    async with database.sessionmaker() as session:
        done = (
            await session.execute(
                select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id)
            )
        ).scalar_one()
        assert (done.state, done.attempts, done.last_status, done.last_error) == (
            "delivered",
            3,
            204,
            None,
        )


async def test_delivery_gives_up_after_the_maximum_attempts(
    database: Database,
    webhook_settings: Settings,
    receiver: Receiver,
    receiver_http: httpx.AsyncClient,
) -> None:
    await subscribe(database, webhook_settings)
    async with database.unit_of_work() as session:
        await emit(
            session, municipality_code="9990", type="budget.frame_saved", payload=FRAME_SAVED
        )
    receiver.statuses = [500] * 10
    moment = datetime.now(UTC)
    for _ in range(5):
        await run(database, receiver_http, webhook_settings, now=moment)
        moment += timedelta(days=2)
    assert len(receiver.requests) == webhook_settings.WEBHOOK_MAX_ATTEMPTS
    async with database.sessionmaker() as session:
        states = (await session.execute(select(WebhookDelivery.state))).scalars().all()
    assert "failed" in states


async def test_unreachable_receiver_is_recorded_as_an_error(
    database: Database, webhook_settings: Settings
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    await subscribe(database, webhook_settings)
    async with database.unit_of_work() as session:
        await emit(
            session, municipality_code="9990", type="budget.frame_saved", payload=FRAME_SAVED
        )
    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as http:
        report = await run(database, http, webhook_settings)
    assert report.retrying == 1
    async with database.sessionmaker() as session:
        delivery = (await session.execute(select(WebhookDelivery))).scalar_one()
    assert delivery.last_status is None
    assert delivery.last_error is not None
    assert "ConnectError" in delivery.last_error


async def test_host_resolving_to_a_private_address_is_not_called(
    database: Database,
    webhook_settings: Settings,
    receiver: Receiver,
    receiver_http: httpx.AsyncClient,
) -> None:
    async def rebinding(host: str) -> list[str]:
        return ["10.0.0.5"]

    await subscribe(database, webhook_settings)
    async with database.unit_of_work() as session:
        await emit(
            session, municipality_code="9990", type="budget.frame_saved", payload=FRAME_SAVED
        )
    report = await run(database, receiver_http, webhook_settings, resolve=rebinding)
    assert report.retrying == 1
    assert receiver.requests == []
    async with database.sessionmaker() as session:
        delivery = (await session.execute(select(WebhookDelivery))).scalar_one()
    assert delivery.last_error is not None
    assert "non-public" in delivery.last_error


async def test_paused_subscription_keeps_its_deliveries_until_resumed(
    database: Database,
    webhook_settings: Settings,
    receiver: Receiver,
    receiver_http: httpx.AsyncClient,
) -> None:
    from shared.models.events import WebhookSubscription

    subscription = await subscribe(database, webhook_settings)
    async with database.unit_of_work() as session:
        await emit(
            session, municipality_code="9990", type="budget.frame_saved", payload=FRAME_SAVED
        )
    await run(database, receiver_http, webhook_settings, now=datetime.now(UTC) - timedelta(hours=1))
    assert len(receiver.requests) == 1
    async with database.unit_of_work() as session:
        found = await session.get(WebhookSubscription, subscription.id)
        assert found is not None
        found.active = False
        await emit(
            session, municipality_code="9990", type="budget.frame_saved", payload=FRAME_SAVED
        )
    await run(database, receiver_http, webhook_settings)
    assert len(receiver.requests) == 1
    async with database.unit_of_work() as session:
        found = await session.get(WebhookSubscription, subscription.id)
        assert found is not None
        found.active = True
    report = await run(database, receiver_http, webhook_settings)
    assert report.delivered == 1
    assert len(receiver.requests) == 2


async def test_emit_refuses_unknown_types_and_incomplete_payloads(database: Database) -> None:
    async with database.sessionmaker() as session:
        with pytest.raises(ValueError, match="unknown event type"):
            await emit(session, municipality_code="9990", type="budget.deleted", payload={})  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="frame_id"):
            await emit(
                session, municipality_code="9990", type="budget.frame_saved", payload={"board": "x"}
            )
        with pytest.raises(ValueError, match="4 digits"):
            await emit(
                session, municipality_code="99", type="budget.frame_saved", payload=FRAME_SAVED
            )


async def test_settled_events_are_pruned_after_the_retention_period(
    database: Database,
    webhook_settings: Settings,
    receiver: Receiver,
    receiver_http: httpx.AsyncClient,
) -> None:
    from shared.models.events import OutboxEvent

    await subscribe(database, webhook_settings)
    async with database.unit_of_work() as session:
        await emit(
            session, municipality_code="9990", type="budget.frame_saved", payload=FRAME_SAVED
        )
        await emit(
            session, municipality_code="9990", type="budget.frame_saved", payload=FRAME_SAVED
        )
    start = datetime.now(UTC)
    receiver.statuses = [204, 500]
    await run(database, receiver_http, webhook_settings, now=start)
    later = start + timedelta(days=webhook_settings.WEBHOOK_RETENTION_DAYS + 1)
    # The failed delivery is still pending (its retry is due later): only the settled event goes.
    assert await prune_settled(database, settings=webhook_settings, now=later) == 1
    async with database.sessionmaker() as session:
        left = (await session.execute(select(OutboxEvent))).scalars().all()
        deliveries = (await session.execute(select(WebhookDelivery))).scalars().all()
    assert len(left) == 1
    assert [d.state for d in deliveries] == ["pending"]
