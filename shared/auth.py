"""API keys, scopes and tenants.

A key is `kvn_<prefix>_<secret>`; only its SHA-256 is stored (the secret has 256 bits of
entropy, so a slow hash adds nothing). A key belongs to one municipality, or to none for a
national operator, and carries scopes. Services call each other with the caller's key or,
for scheduled jobs, with SERVICE_API_KEY (a national key registered by `kvn migrate --ensure-service-key`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import math
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import psycopg
from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shared.db import get_database
from shared.errors import (
    FieldError,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthorized,
    Unprocessable,
)
from shared.i18n import message
from shared.metrics import cache_lookup
from shared.models.auth import ApiKey

Scope = Literal[
    "ingest:read",
    "ingest:write",
    "indicators:read",
    "indicators:write",
    "awards:read",
    "awards:write",
    "awards:decide",
    "budget:read",
    "budget:write",
    "admin",
    "awards:decide",
    "webhooks:manage",
]
ALL_SCOPES: tuple[Scope, ...] = (
    "ingest:read",
    "ingest:write",
    "indicators:read",
    "indicators:write",
    "awards:read",
    "awards:write",
    "awards:decide",
    "budget:read",
    "budget:write",
    "admin",
    "awards:decide",
    "webhooks:manage",
)
NATIONAL = "0000"
_CACHE_SECONDS = 10.0
# Every process LISTENs here; revoke_api_key NOTIFYs the key's id when its transaction commits.
REVOKED_CHANNEL = "kvn_api_key_revoked"
log = logging.getLogger(__name__)


def _invalid_token(description: str) -> dict[str, str]:
    """RFC 6750: a credential was sent but is not accepted (a missing one gets the bare
    challenge)."""
    return {
        "WWW-Authenticate": 'Bearer realm="kvalitetsnavet", error="invalid_token", '
        f'error_description="{description}"'
    }


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key, its municipality (None = all) and its scopes.

    A person signed in with an OIDC token is a Principal too (`subject` set, `key_id` a
    stable UUID derived from issuer and subject). A municipal cooperation's key or person
    also carries `municipalities`, the set it may act on (including `municipality_code`,
    its home); a unit manager carries `unit_codes`, the only units it may write for.
    """

    key_id: uuid.UUID
    name: str
    municipality_code: str | None
    scopes: frozenset[str]
    token: str = field(repr=False)
    # --- identity: optional; the defaults keep API keys exactly as they were ---
    municipalities: frozenset[str] | None = None
    unit_codes: frozenset[str] | None = None
    roles: frozenset[str] = frozenset()
    subject: str | None = None

    @property
    def is_national(self) -> bool:
        return self.municipality_code is None

    @property
    def is_person(self) -> bool:
        return self.subject is not None

    @property
    def visible_municipalities(self) -> frozenset[str] | None:
        """Every municipality this principal may see; None for a national one (all)."""
        if self.municipality_code is None:
            return None
        return self.municipalities or frozenset({self.municipality_code})

    def may_write_unit(self, unit_code: str) -> bool:
        """A unit manager may write local data only for its own units ('' = the
        municipality as a whole, which is not a unit it manages)."""
        return self.unit_codes is None or unit_code in self.unit_codes

    def require_units(self, unit_codes: Iterable[str]) -> None:
        foreign = sorted({u for u in unit_codes if not self.may_write_unit(u)})
        if foreign:
            raise Forbidden(
                message(
                    "problem.shared.not_own_units",
                    units=[u or message("problem.shared.the_municipality") for u in foreign],
                )
            )

    def can_see(self, municipality_code: str) -> bool:
        if self.municipality_code is None:
            return True
        if self.municipalities is not None:
            return municipality_code in self.municipalities
        return self.municipality_code == municipality_code

    def require_municipality(self, municipality_code: str) -> None:
        """Another tenant's data is reported as absent, never as forbidden."""
        if not self.can_see(municipality_code):
            raise NotFound(
                message(
                    "problem.shared.no_municipality_visible_key",
                    municipality_code=municipality_code,
                )
            )

    def tenant(self, requested: str | None) -> str:
        """The municipality a request acts on: the key's own, or the one asked for."""
        if requested is None:
            if self.municipality_code is None:
                raise Unprocessable(
                    message("problem.shared.national_key_name_municipality"),
                    errors=[
                        FieldError(
                            loc=["query", "municipality_code"],
                            field="municipality_code",
                            message=message("problem.shared.required_national_key"),
                        )
                    ],
                )
            if self.municipalities is not None and len(self.municipalities) > 1:
                names = ", ".join(sorted(self.municipalities))
                raise Unprocessable(
                    message("problem.shared.caller_acts_several_municipalities_name", names=names),
                    errors=[
                        FieldError(
                            loc=["query", "municipality_code"],
                            field="municipality_code",
                            message=message("problem.shared.required_one", names=names),
                        )
                    ],
                )
            return self.municipality_code
        self.require_municipality(requested)
        return requested


@dataclass(frozen=True)
class NewKey:
    id: uuid.UUID
    token: str


def hash_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def generate_key() -> tuple[str, str]:
    """A fresh (prefix, token) pair."""
    prefix = secrets.token_hex(6)
    return prefix, f"kvn_{prefix}_{secrets.token_urlsafe(32)}"


def _split(token: str) -> str | None:
    parts = token.split("_")
    if len(parts) < 3 or parts[0] != "kvn" or not parts[1]:
        return None
    return parts[1]


async def create_api_key(
    session: AsyncSession,
    *,
    name: str,
    municipality_code: str | None,
    scopes: Iterable[str],
    token: str | None = None,
    cooperation: Iterable[str] | None = None,
) -> NewKey:
    """Store a new key and return it; the token is never retrievable again."""
    wanted = sorted(set(scopes))
    unknown = [s for s in wanted if s not in ALL_SCOPES]
    if unknown:
        raise ValueError(f"unknown scope(s): {', '.join(unknown)}")
    if municipality_code is not None and (
        len(municipality_code) != 4 or not municipality_code.isdigit()
    ):
        raise ValueError("municipality code must be 4 digits")
    cooperation_codes = _cooperation_codes(municipality_code, cooperation)
    if token is None:
        prefix, token = generate_key()
    else:
        found = _split(token)
        if found is None:
            raise ValueError("a given key must look like kvn_<prefix>_<secret>")
        prefix = found
    key = ApiKey(
        prefix=prefix,
        key_hash=hash_key(token),
        name=name,
        municipality_code=municipality_code,
        scopes=wanted,
        cooperation_codes=cooperation_codes,
    )
    session.add(key)
    await session.flush()
    return NewKey(id=key.id, token=token)


async def key_status(
    session: AsyncSession, token: str
) -> Literal["valid", "revoked", "unknown", "malformed"]:
    """What this database knows of a key: valid, revoked (or its prefix taken by another
    key), unknown, or not a key at all."""
    prefix = _split(token)
    if prefix is None:
        return "malformed"
    key = (
        await session.execute(select(ApiKey).where(ApiKey.prefix == prefix))
    ).scalar_one_or_none()
    if key is None:
        return "unknown"
    if key.revoked_at is not None or not hmac.compare_digest(key.key_hash, hash_key(token)):
        return "revoked"
    return "valid"


def _cooperation_codes(
    municipality_code: str | None, cooperation: Iterable[str] | None
) -> list[str] | None:
    """A cooperation key sees its own municipality and the named others."""
    if cooperation is None:
        return None
    codes = set(cooperation)
    if municipality_code is None:
        raise ValueError("a cooperation key needs its own municipality code")
    for code in codes:
        if len(code) != 4 or not code.isdigit() or code == NATIONAL:
            raise ValueError(f"cooperation municipality {code!r} must be a 4-digit municipality")
    codes.add(municipality_code)
    return sorted(codes) if len(codes) > 1 else None


async def revoke_api_key(session: AsyncSession, key_id: uuid.UUID) -> bool:
    """Revoke a key; every serving process forgets it the moment this transaction commits."""
    result = await session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
        .returning(ApiKey.id)
    )
    if result.first() is None:
        return False
    await session.execute(
        text("SELECT pg_notify(:channel, :key_id)"),
        {"channel": REVOKED_CHANNEL, "key_id": str(key_id)},
    )
    return True


class KeyCache:
    """A short-lived cache of verified keys, so a hot endpoint is not one query per call."""

    def __init__(self, ttl: float = _CACHE_SECONDS) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, Principal]] = {}

    def get(self, token_hash: str) -> Principal | None:
        entry = self._entries.get(token_hash)
        hit = entry is not None and entry[0] >= time.monotonic()
        cache_lookup("api_keys", hit)
        return entry[1] if entry is not None and hit else None

    def put(self, token_hash: str, principal: Principal) -> None:
        if len(self._entries) > 10_000:
            self._entries.clear()
        self._entries[token_hash] = (time.monotonic() + self.ttl, principal)

    def forget(self, key_id: uuid.UUID) -> None:
        for token_hash, (_, principal) in list(self._entries.items()):
            if principal.key_id == key_id:
                self._entries.pop(token_hash, None)

    def clear(self) -> None:
        self._entries.clear()


@contextlib.asynccontextmanager
async def revocations_heard(engine: AsyncEngine, cache: KeyCache) -> AsyncIterator[None]:
    """While open: LISTEN for revocations on a connection of its own and drop each revoked
    key from `cache`. A lost connection is reopened; the cache is emptied then, since a
    revocation may have been missed meanwhile."""
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    connected = asyncio.Event()

    async def listen() -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {REVOKED_CHANNEL}")
                    cache.clear()
                    connected.set()
                    async for notice in conn.notifies():
                        with contextlib.suppress(ValueError):
                            cache.forget(uuid.UUID(notice.payload))
            except (OSError, psycopg.Error) as exc:
                cache.clear()
                log.warning("revocation listener lost its connection (%s); reconnecting", exc)
                await asyncio.sleep(1.0)

    task = asyncio.create_task(listen(), name="api-key-revocations")
    try:
        # Serve only once listening, so no revocation falls between start and LISTEN.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(connected.wait(), timeout=10)
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class FailureThrottle:
    """A token bucket per client address for failed authentications, in this process.

    Each failure (a credential that is malformed, unknown or revoked) takes a token; tokens
    come back at `per_minute`; an address with none left gets 429 with Retry-After before
    its key is even looked up. A request without credentials costs nothing and takes none.
    """

    def __init__(self, *, burst: int, per_minute: float) -> None:
        self.burst = burst
        self.rate = per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}

    def _tokens(self, address: str, now: float) -> float:
        tokens, at = self._buckets.get(address, (float(self.burst), now))
        return min(float(self.burst), tokens + (now - at) * self.rate)

    def check(self, address: str) -> None:
        if self.burst <= 0:
            return
        tokens = self._tokens(address, time.monotonic())
        if tokens < 1.0:
            wait = (1.0 - tokens) / self.rate if self.rate > 0 else 60.0
            raise TooManyRequests(
                message("problem.shared.too_many_failed_authentications_from"),
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )

    def failed(self, address: str) -> None:
        if self.burst <= 0:
            return
        now = time.monotonic()
        if len(self._buckets) > 50_000:
            self._buckets.clear()
        self._buckets[address] = (self._tokens(address, now) - 1.0, now)


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def authenticate(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(message("problem.shared.send_api_key_authorization_bearer"))
    throttle: FailureThrottle = request.app.state.auth_throttle
    address = _client_address(request)
    throttle.check(address)
    try:
        return await _verify(request, token.strip())
    except Unauthorized:
        throttle.failed(address)
        raise


async def _verify(request: Request, token: str) -> Principal:
    prefix = _split(token)
    if prefix is None:
        if not token.startswith("kvn_"):
            # --- identity: anything but an API key is tried as an OIDC access token ---
            from shared.oidc import authenticate_token

            person = await authenticate_token(request, token)
            if person is not None:
                request.state.principal = person
                return person
            raise Unauthorized(
                message("problem.shared.send_api_key_kvn_prefix"),
                headers=_invalid_token("not an API key"),
            )
        raise Unauthorized(
            message("problem.shared.api_key_malformed"), headers=_invalid_token("malformed key")
        )
    token_hash = hash_key(token)
    cache: KeyCache = request.app.state.key_cache
    principal = cache.get(token_hash)
    if principal is None:
        database = get_database(request)
        async with database.sessionmaker() as session:
            key = (
                await session.execute(select(ApiKey).where(ApiKey.prefix == prefix))
            ).scalar_one_or_none()
        if (
            key is None
            or key.revoked_at is not None
            or not hmac.compare_digest(key.key_hash, token_hash)
        ):
            raise Unauthorized(
                message("problem.shared.api_key_unknown_revoked"),
                headers=_invalid_token("unknown or revoked key"),
            )
        principal = Principal(
            key_id=key.id,
            name=key.name,
            municipality_code=key.municipality_code,
            scopes=frozenset(key.scopes),
            token=token,
            municipalities=frozenset(key.cooperation_codes) if key.cooperation_codes else None,
        )
        cache.put(token_hash, principal)
    request.state.principal = principal
    return principal


bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key (kvn_<prefix>_<secret>) for machines, or a person's OpenID Connect "
    "access token (JWT) from the municipality's identity provider",
)


# Each `require(...)` dependency and its scopes: shared.openapi says who may call a route.
REQUIRED_SCOPES: dict[Callable[..., Any], tuple[Scope, ...]] = {}


def require(*scopes: Scope) -> Callable[..., Awaitable[Principal]]:
    """A dependency: an authenticated caller holding every named scope (or `admin`)."""

    async def dependency(
        request: Request,
        _credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
    ) -> Principal:
        principal = await authenticate(request)
        if "admin" not in principal.scopes:
            missing = [s for s in scopes if s not in principal.scopes]
            if missing:
                raise Forbidden(
                    message("problem.shared.key_lacks_scope_s", missing=", ".join(missing))
                )
        return principal

    dependency.__name__ = "require_" + "_".join(s.replace(":", "_") for s in scopes)
    REQUIRED_SCOPES[dependency] = scopes
    return dependency
