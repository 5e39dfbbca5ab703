"""Webhooks: subscriptions (a router one service mounts), signed deliveries, the delivery worker.

Signing follows Standard Webhooks (standardwebhooks.com). Every delivery is a POST with
a JSON body `{"id", "type", "timestamp", "municipality_code", "data"}` and three headers:

    webhook-id:        the event id (the same on every retry: receivers dedupe on it)
    webhook-timestamp: Unix seconds when this attempt was signed
    webhook-signature: "v1,<base64 HMAC-SHA256(key, f'{id}.{timestamp}.{body}')>"

where `key` is the base64-decoded part of the subscription's secret after `whsec_`. A
receiver recomputes the HMAC over the raw body, compares in constant time, and refuses a
timestamp more than five minutes from its clock (`verify_signature` here does all three),
so a captured delivery cannot be replayed later.

Delivery never happens in the request that caused the event: `shared.events.emit` writes
to the outbox in that request's transaction, and `deliver_pending` (run every
WEBHOOK_POLL_S by the scheduler's leader) fans new events out to matching subscriptions,
claims due deliveries with SELECT … FOR UPDATE SKIP LOCKED (so several workers never send
the same one), sends them, and records each attempt. Failures are retried with backoff
(10 s, 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, 24 h) up to WEBHOOK_MAX_ATTEMPTS, then the
delivery is `failed`. Delivery is at least once.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

import httpx
from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared import __version__
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import Database, SessionDep
from shared.errors import FieldError, NotFound, Unprocessable
from shared.events import EVENT_TYPES, PAYLOADS, EventType
from shared.i18n import Message, message
from shared.metrics import WEBHOOK_OUTCOMES
from shared.models.events import OutboxEvent, WebhookDelivery, WebhookSubscription
from shared.pagination import Page, PageDep
from shared.schemas import InputModel
from shared.settings import Settings

logger = logging.getLogger("kvn.webhooks")

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
TOLERANCE_S = 300
BACKOFF_S: tuple[int, ...] = (10, 60, 300, 1800, 7200, 21600, 43200, 86400)

Resolver = Callable[[str], Awaitable[list[str]]]


# --- signing ---------------------------------------------------------------------------


class WebhookVerificationError(Exception):
    """A delivery that must be refused: unsigned, tampered, or too old (a replay)."""


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    return base64.b64decode(secret[len(SECRET_PREFIX) :])


def sign(secret: str, *, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_headers(
    secret: str, *, message_id: str, body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": sign(secret, message_id=message_id, timestamp=ts, body=body),
    }


def verify_signature(
    secret: str,
    *,
    headers: Mapping[str, str],
    body: bytes,
    tolerance_s: int = TOLERANCE_S,
    now: float | None = None,
) -> None:
    """What a receiver does with a delivery: raise WebhookVerificationError unless it is
    signed with `secret` and its timestamp is within `tolerance_s` of now."""
    lowered = {k.lower(): v for k, v in headers.items()}
    message_id = lowered.get("webhook-id")
    stamp = lowered.get("webhook-timestamp")
    signatures = lowered.get("webhook-signature")
    if not message_id or not stamp or not signatures:
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        timestamp = int(stamp)
    except ValueError as exc:
        raise WebhookVerificationError("webhook-timestamp is not an integer") from exc
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_s:
        raise WebhookVerificationError("webhook-timestamp is too old or in the future")
    expected = sign(secret, message_id=message_id, timestamp=timestamp, body=body)
    for candidate in signatures.split():
        if hmac.compare_digest(candidate, expected):
            return
    raise WebhookVerificationError("no signature matches")


# --- URLs ------------------------------------------------------------------------------


def _host_allowed(host: str, allowed: list[str]) -> bool:
    for pattern in allowed:
        pattern = pattern.lower()
        if pattern.startswith("*.") and host.endswith(pattern[1:]) and host != pattern[2:]:
            return True
        if host == pattern:
            return True
    return False


def _public(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_global
    except ValueError:
        return False


def url_problem(url: str, settings: Settings) -> Message | None:
    """Why this URL may not receive webhooks, or None when it may."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return message("problem.webhook.invalid_url")
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        return message("problem.webhook.not_https")
    if not host:
        return message("problem.webhook.no_host")
    if parts.username or parts.password:
        return message("problem.webhook.credentials")
    if parts.fragment:
        return message("problem.webhook.fragment")
    if port is not None and not 1 <= port <= 65535:
        return message("problem.webhook.port")
    literal = True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        literal = False
    if not settings.WEBHOOK_ALLOW_PRIVATE and (
        host == "localhost" or host.endswith(".localhost") or (literal and not _public(host))
    ):
        return message("problem.webhook.private")
    if not _host_allowed(host, settings.WEBHOOK_ALLOWED_HOSTS):
        return message("problem.webhook.host_not_allowed", host=host)
    return None


async def resolve_host(host: str) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


# --- subscriptions (the router) --------------------------------------------------------


class SubscriptionIn(InputModel):
    url: str = Field(max_length=2048, description="https URL on an allow-listed host")
    event_types: list[EventType] = Field(min_length=1)
    description: str = Field(default="", max_length=500)
    municipality_code: str | None = Field(
        default=None, pattern=r"^\d{4}$", description="required for national/cooperation keys"
    )


class SubscriptionPatch(InputModel):
    url: str | None = Field(default=None, max_length=2048)
    event_types: list[EventType] | None = Field(default=None, min_length=1)
    description: str | None = Field(default=None, max_length=500)
    active: bool | None = None


class SubscriptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    municipality_code: str
    url: str
    event_types: list[str]
    description: str
    active: bool
    created_at: datetime


class SubscriptionWithSecret(SubscriptionOut):
    secret: str = Field(description="shown once: store it to verify webhook-signature")


class DeliveryOut(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    occurred_at: datetime
    state: str = Field(description="pending, delivered or failed")
    attempts: int
    last_status: int | None = Field(description="the receiver's last HTTP status")
    last_error: str | None
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None = Field(description="when pending: the next try")
    delivered_at: datetime | None


class EventTypeOut(BaseModel):
    type: str
    description: str
    payload_schema: dict[str, Any]


def _check_url(url: str, settings: Settings) -> None:
    problem = url_problem(url, settings)
    if problem is not None:
        raise Unprocessable(
            message("problem.shared.webhook_url", problem=problem),
            errors=[FieldError(loc=["body", "url"], field="url", value=url, message=problem)],
        )


async def _visible(
    session: AsyncSession, subscription_id: uuid.UUID, principal: Principal
) -> WebhookSubscription:
    found = await session.get(WebhookSubscription, subscription_id)
    if found is None or not principal.can_see(found.municipality_code):
        raise NotFound(
            message("problem.shared.no_webhook_subscription", subscription_id=subscription_id)
        )
    return found


async def create_subscription(
    session: AsyncSession, payload: SubscriptionIn, *, principal: Principal, settings: Settings
) -> SubscriptionWithSecret:
    municipality = principal.tenant(payload.municipality_code)
    _check_url(payload.url, settings)
    subscription = WebhookSubscription(
        municipality_code=municipality,
        url=payload.url,
        event_types=sorted(set(payload.event_types)),
        description=payload.description,
        secret=new_secret(),
        active=True,
        created_by=principal.key_id,
    )
    session.add(subscription)
    await session.flush()
    await session.refresh(subscription)
    return SubscriptionWithSecret.model_validate(
        {**SubscriptionOut.model_validate(subscription).model_dump(), "secret": subscription.secret}
    )


def _settings_of(request: Request) -> Settings:
    found: Settings = request.app.state.settings
    return found


Manager = Annotated[Principal, Depends(require("webhooks:manage"))]
SettingsDep = Annotated[Settings, Depends(_settings_of)]


def webhook_router() -> APIRouter:
    """The subscription routes under /v1/webhooks; mounted by exactly one service."""
    router = service_router(prefix="/v1/webhooks", tags=["webhooks"])

    @router.get("/event-types", response_model=list[EventTypeOut])
    async def list_event_types(_: Manager) -> list[EventTypeOut]:
        """The event types a subscription can ask for, with their payload (`data`) schema."""
        return [
            EventTypeOut(
                type=name,
                description=(model.__doc__ or "").strip(),
                payload_schema=model.model_json_schema(),
            )
            for name, model in PAYLOADS.items()
        ]

    @router.post(
        "/subscriptions",
        status_code=status.HTTP_201_CREATED,
        response_model=SubscriptionWithSecret,
    )
    async def create_webhook_subscription(
        payload: SubscriptionIn,
        session: SessionDep,
        principal: Manager,
        settings: SettingsDep,
        response: Response,
    ) -> SubscriptionWithSecret:
        """Register an endpoint; the response shows the signing secret once."""
        created = await create_subscription(
            session, payload, principal=principal, settings=settings
        )
        response.headers["Location"] = f"/v1/webhooks/subscriptions/{created.id}"
        return created

    @router.get("/subscriptions", response_model=Page[SubscriptionOut])
    async def list_webhook_subscriptions(
        session: SessionDep,
        principal: Manager,
        page: PageDep,
        municipality_code: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    ) -> Page[SubscriptionOut]:
        """The municipality's webhook subscriptions (without their secrets)."""
        municipality = principal.tenant(municipality_code)
        where = WebhookSubscription.municipality_code == municipality
        total = (
            await session.execute(
                select(func.count()).select_from(WebhookSubscription).where(where)
            )
        ).scalar_one()
        rows = (
            await session.execute(
                select(WebhookSubscription)
                .where(where)
                .order_by(WebhookSubscription.created_at, WebhookSubscription.id)
                .limit(page.limit)
                .offset(page.offset)
            )
        ).scalars()
        return Page[SubscriptionOut](
            items=[SubscriptionOut.model_validate(r) for r in rows],
            total=total,
            limit=page.limit,
            offset=page.offset,
        )

    @router.get("/subscriptions/{subscription_id}", response_model=SubscriptionOut)
    async def get_webhook_subscription(
        subscription_id: uuid.UUID, session: SessionDep, principal: Manager
    ) -> SubscriptionOut:
        """One webhook subscription (without its secret)."""
        return SubscriptionOut.model_validate(await _visible(session, subscription_id, principal))

    @router.patch("/subscriptions/{subscription_id}", response_model=SubscriptionOut)
    async def update_webhook_subscription(
        subscription_id: uuid.UUID,
        payload: SubscriptionPatch,
        session: SessionDep,
        principal: Manager,
        settings: SettingsDep,
    ) -> SubscriptionOut:
        """Change the URL, event types, description, or pause (active=false)."""
        found = await _visible(session, subscription_id, principal)
        if payload.url is not None:
            _check_url(payload.url, settings)
            found.url = payload.url
        if payload.event_types is not None:
            found.event_types = sorted(set(payload.event_types))
        if payload.description is not None:
            found.description = payload.description
        if payload.active is not None:
            found.active = payload.active
        await session.flush()
        return SubscriptionOut.model_validate(found)

    @router.post("/subscriptions/{subscription_id}/secret", response_model=SubscriptionWithSecret)
    async def rotate_webhook_secret(
        subscription_id: uuid.UUID, session: SessionDep, principal: Manager
    ) -> SubscriptionWithSecret:
        """A new signing secret, shown once; the old one stops signing at once."""
        found = await _visible(session, subscription_id, principal)
        found.secret = new_secret()
        await session.flush()
        return SubscriptionWithSecret.model_validate(
            {**SubscriptionOut.model_validate(found).model_dump(), "secret": found.secret}
        )

    @router.delete("/subscriptions/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT)
    async def delete_webhook_subscription(
        subscription_id: uuid.UUID, session: SessionDep, principal: Manager
    ) -> Response:
        """Stop deliveries to an endpoint and forget the subscription."""
        found = await _visible(session, subscription_id, principal)
        await session.delete(found)
        await session.flush()
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.get("/subscriptions/{subscription_id}/deliveries", response_model=Page[DeliveryOut])
    async def list_webhook_deliveries(
        subscription_id: uuid.UUID,
        session: SessionDep,
        principal: Manager,
        page: PageDep,
        state: Annotated[str | None, Query(pattern="^(pending|delivered|failed)$")] = None,
    ) -> Page[DeliveryOut]:
        """What was sent: newest first, with attempts and the receiver's last answer."""
        await _visible(session, subscription_id, principal)
        where = [WebhookDelivery.subscription_id == subscription_id]
        if state is not None:
            where.append(WebhookDelivery.state == state)
        total = (
            await session.execute(select(func.count()).select_from(WebhookDelivery).where(*where))
        ).scalar_one()
        rows = await session.execute(
            select(WebhookDelivery, OutboxEvent.type, OutboxEvent.occurred_at)
            .join(OutboxEvent, OutboxEvent.id == WebhookDelivery.event_id)
            .where(*where)
            .order_by(OutboxEvent.occurred_at.desc(), WebhookDelivery.id)
            .limit(page.limit)
            .offset(page.offset)
        )
        items = [
            DeliveryOut(
                id=d.id,
                event_id=d.event_id,
                event_type=event_type,
                occurred_at=occurred_at,
                state=d.state,
                attempts=d.attempts,
                last_status=d.last_status,
                last_error=d.last_error,
                last_attempt_at=d.last_attempt_at,
                next_attempt_at=d.next_attempt_at if d.state == "pending" else None,
                delivered_at=d.delivered_at,
            )
            for d, event_type, occurred_at in rows
        ]
        return Page[DeliveryOut](items=items, total=total, limit=page.limit, offset=page.offset)

    return router


# --- the delivery worker ---------------------------------------------------------------


@dataclass
class DeliveryReport:
    fanned_out: int = 0
    attempted: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


@dataclass(frozen=True)
class _Claimed:
    delivery_id: uuid.UUID
    attempts: int
    url: str
    secret: str
    event_id: uuid.UUID
    event_type: str
    municipality_code: str
    payload: dict[str, Any]
    occurred_at: datetime


_FAN_OUT = text(
    """
    WITH picked AS (
        SELECT id, municipality_code, type FROM event_outbox
        WHERE dispatched_at IS NULL
        ORDER BY occurred_at
        LIMIT :limit
        FOR UPDATE SKIP LOCKED
    ), fanned AS (
        INSERT INTO webhook_delivery (id, subscription_id, event_id, state, attempts, next_attempt_at)
        SELECT gen_random_uuid(), s.id, p.id, 'pending', 0, :now
        FROM picked p
        JOIN webhook_subscription s
          ON s.municipality_code = p.municipality_code AND p.type = ANY(s.event_types)
        ON CONFLICT (subscription_id, event_id) DO NOTHING
        RETURNING 1
    ), marked AS (
        UPDATE event_outbox SET dispatched_at = :now WHERE id IN (SELECT id FROM picked)
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM marked) AS events, (SELECT count(*) FROM fanned) AS deliveries
    """
)

# Settled events (no delivery pending) leave after the retention period, their log with them.
_PRUNE = text(
    """
    DELETE FROM event_outbox e
    WHERE e.dispatched_at < :cutoff
      AND NOT EXISTS (
        SELECT 1 FROM webhook_delivery d WHERE d.event_id = e.id AND d.state = 'pending'
      )
    """
)

# Claimed rows get a lease (next_attempt_at in the future) and their attempt counted before
# anything is sent, so a worker that dies mid-send leaves them to be retried, never lost.
_CLAIM = text(
    """
    WITH due AS (
        SELECT d.id FROM webhook_delivery d
        JOIN webhook_subscription s ON s.id = d.subscription_id AND s.active
        WHERE d.state = 'pending' AND d.next_attempt_at <= :now
        ORDER BY d.next_attempt_at
        LIMIT :limit
        FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE webhook_delivery d
    SET attempts = d.attempts + 1, last_attempt_at = :now, next_attempt_at = :lease
    FROM due, webhook_subscription s, event_outbox e
    WHERE d.id = due.id AND s.id = d.subscription_id AND e.id = d.event_id
    RETURNING d.id, d.attempts, s.url, s.secret, e.id, e.type, e.municipality_code, e.payload,
              e.occurred_at
    """
)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=BACKOFF_S[min(attempts, len(BACKOFF_S)) - 1])


def event_body(claimed: _Claimed) -> bytes:
    document = {
        "id": str(claimed.event_id),
        "type": claimed.event_type,
        "timestamp": claimed.occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "municipality_code": claimed.municipality_code,
        "data": claimed.payload,
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


async def _send(
    http: httpx.AsyncClient,
    claimed: _Claimed,
    *,
    settings: Settings,
    resolve: Resolver,
) -> tuple[int | None, str | None]:
    """(HTTP status, error) of one attempt; never raises for the receiver's failures."""
    problem = url_problem(claimed.url, settings)
    if problem is not None:
        return None, f"URL refused: {problem.render('en')}"
    host = urlsplit(claimed.url).hostname or ""
    if not settings.WEBHOOK_ALLOW_PRIVATE:
        try:
            addresses = await resolve(host)
        except OSError as exc:
            return None, f"cannot resolve {host}: {exc}"
        if not addresses or not all(_public(a) for a in addresses):
            return None, f"{host} resolves to a non-public address"
    body = event_body(claimed)
    headers = {
        "content-type": "application/json",
        "user-agent": f"Kvalitetsnavet-Webhooks/{__version__}",
        **signature_headers(claimed.secret, message_id=str(claimed.event_id), body=body),
    }
    try:
        response = await http.post(
            claimed.url,
            content=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_S,
            follow_redirects=False,
        )
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"the receiver answered {response.status_code}"


async def deliver_pending(
    database: Database,
    http: httpx.AsyncClient,
    *,
    settings: Settings,
    now: datetime | None = None,
    resolve: Resolver = resolve_host,
) -> DeliveryReport:
    """One round of the worker: fan out new events, send what is due, record the outcomes."""
    report = DeliveryReport()
    moment = now or datetime.now(UTC)
    limit = settings.WEBHOOK_BATCH_SIZE
    async with database.unit_of_work() as session:
        row = (await session.execute(_FAN_OUT, {"limit": limit, "now": moment})).one()
        report.fanned_out = int(row.deliveries)
    lease = moment + timedelta(seconds=2 * settings.WEBHOOK_TIMEOUT_S + 30)
    async with database.unit_of_work() as session:
        rows = (
            await session.execute(_CLAIM, {"limit": limit, "now": moment, "lease": lease})
        ).all()
    claimed = [_Claimed(*r) for r in rows]
    if not claimed:
        return report
    outcomes = await asyncio.gather(
        *(_send(http, c, settings=settings, resolve=resolve) for c in claimed)
    )
    settled = datetime.now(UTC)
    changes: list[dict[str, Any]] = []
    for item, (status_code, error) in zip(claimed, outcomes, strict=True):
        report.attempted += 1
        change: dict[str, Any] = {
            "id": item.delivery_id,
            "last_status": status_code,
            "last_error": error,
            "state": "pending",
            "delivered_at": None,
            "next_attempt_at": moment + backoff(item.attempts),
        }
        if error is None:
            change.update(state="delivered", delivered_at=settled, next_attempt_at=settled)
            report.delivered += 1
            WEBHOOK_OUTCOMES.labels("delivered").inc()
        elif item.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            change.update(state="failed", next_attempt_at=settled)
            report.failed += 1
            WEBHOOK_OUTCOMES.labels("failed").inc()
        else:
            report.retrying += 1
            WEBHOOK_OUTCOMES.labels("retrying").inc()
            logger.info(
                "webhook delivery failed",
                extra={"delivery": str(item.delivery_id), "attempt": item.attempts, "error": error},
            )
        changes.append(change)
    async with database.unit_of_work() as session:
        # Rows whose subscription was deleted meanwhile are gone; the rest update in one go.
        existing = set(
            (
                await session.execute(
                    select(WebhookDelivery.id).where(
                        WebhookDelivery.id.in_([c["id"] for c in changes])
                    )
                )
            ).scalars()
        )
        still_there = [c for c in changes if c["id"] in existing]
        if still_there:
            await session.execute(update(WebhookDelivery), still_there)
    return report


async def prune_settled(
    database: Database, *, settings: Settings, now: datetime | None = None
) -> int:
    """Delete events settled longer than WEBHOOK_RETENTION_DAYS ago (their log goes with
    them); an event with a delivery still pending stays. Returns how many were deleted."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=settings.WEBHOOK_RETENTION_DAYS)
    async with database.unit_of_work() as session:
        result = await session.execute(_PRUNE, {"cutoff": cutoff})
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


PRUNE_EVERY_S = 3600.0


async def delivery_loop(database: Database, http: httpx.AsyncClient, *, settings: Settings) -> None:
    """Run deliver_pending every WEBHOOK_POLL_S, and prune_settled hourly, until cancelled
    (the scheduler's leader)."""
    last_prune = float("-inf")
    while True:
        try:
            report = await deliver_pending(database, http, settings=settings)
            if report.attempted:
                logger.info("webhook round", extra=report.__dict__)
            if time.monotonic() - last_prune >= PRUNE_EVERY_S:
                last_prune = time.monotonic()
                pruned = await prune_settled(database, settings=settings)
                if pruned:
                    logger.info("pruned settled webhook events", extra={"events": pruned})
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("webhook round failed")
        await asyncio.sleep(settings.WEBHOOK_POLL_S)


__all__ = [
    "EVENT_TYPES",
    "DeliveryReport",
    "WebhookVerificationError",
    "deliver_pending",
    "delivery_loop",
    "prune_settled",
    "sign",
    "signature_headers",
    "verify_signature",
    "webhook_router",
]
