"""API keys, scopes and tenants.

A key is `kvn_<prefix>_<secret>`; only its SHA-256 is stored (the secret has 256 bits of
entropy, so a slow hash adds nothing). A key belongs to one municipality, or to none for a
national operator, and carries scopes. Services call each other with the caller's key or,
for scheduled jobs, with SERVICE_API_KEY (a national key created by `kvn bootstrap`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import get_database
from shared.errors import FieldError, Forbidden, NotFound, Unauthorized, Unprocessable
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
)
NATIONAL = "0000"
_CACHE_SECONDS = 10.0


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key, its municipality (None = all) and its scopes."""

    key_id: uuid.UUID
    name: str
    municipality_code: str | None
    scopes: frozenset[str]
    token: str = field(repr=False)

    @property
    def is_national(self) -> bool:
        return self.municipality_code is None

    def can_see(self, municipality_code: str) -> bool:
        return self.municipality_code is None or self.municipality_code == municipality_code

    def require_municipality(self, municipality_code: str) -> None:
        """Another tenant's data is reported as absent, never as forbidden."""
        if not self.can_see(municipality_code):
            raise NotFound(f"No municipality {municipality_code} visible to this key")

    def tenant(self, requested: str | None) -> str:
        """The municipality a request acts on: the key's own, or the one asked for."""
        if requested is None:
            if self.municipality_code is None:
                raise Unprocessable(
                    "A national key must name the municipality",
                    errors=[
                        FieldError(
                            loc=["query", "municipality_code"],
                            field="municipality_code",
                            message="required for a national key",
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
    )
    session.add(key)
    await session.flush()
    return NewKey(id=key.id, token=token)


async def revoke_api_key(session: AsyncSession, key_id: uuid.UUID) -> bool:
    result = await session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
        .returning(ApiKey.id)
    )
    return result.first() is not None


class KeyCache:
    """A short-lived cache of verified keys, so a hot endpoint is not one query per call."""

    def __init__(self, ttl: float = _CACHE_SECONDS) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, Principal]] = {}

    def get(self, token_hash: str) -> Principal | None:
        entry = self._entries.get(token_hash)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, token_hash: str, principal: Principal) -> None:
        if len(self._entries) > 10_000:
            self._entries.clear()
        self._entries[token_hash] = (time.monotonic() + self.ttl, principal)


async def authenticate(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send an API key as 'Authorization: Bearer <key>'")
    token = token.strip()
    prefix = _split(token)
    if prefix is None:
        raise Unauthorized("The API key is malformed")
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
            raise Unauthorized("The API key is unknown or revoked")
        principal = Principal(
            key_id=key.id,
            name=key.name,
            municipality_code=key.municipality_code,
            scopes=frozenset(key.scopes),
            token=token,
        )
        cache.put(token_hash, principal)
    request.state.principal = principal
    return principal


bearer_scheme = HTTPBearer(
    auto_error=False, scheme_name="ApiKey", description="An API key: kvn_<prefix>_<secret>"
)


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
                raise Forbidden(f"This key lacks the scope(s): {', '.join(missing)}")
        return principal

    dependency.__name__ = "require_" + "_".join(s.replace(":", "_") for s in scopes)
    return dependency
