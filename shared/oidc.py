"""People sign in with their municipality's identity provider: OIDC access tokens (JWT).

A token is accepted when its issuer is configured (OIDC_ISSUERS), its signature verifies
against a key of that issuer's JWKS (fetched with the app's HTTP client and cached; an
unknown `kid` refetches once, at most every OIDC_JWKS_REFETCH_S per issuer, so rotated keys
are picked up and a flood of made-up kids costs nothing), and `iss`, `aud`, `exp` and
`nbf` hold (with OIDC_LEEWAY_S of clock skew). Only asymmetric algorithms are allowed and
the header's `alg` must fit the key's type (and the key's own `alg`, when it names one):
`alg=none` and HS256-with-the-public-key confusion are refused before any verification.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from hashlib import sha256
from time import time as wall_clock
from typing import Annotated, Any

import httpx
import jwt
from fastapi import APIRouter, Depends, Request
from jwt import PyJWK
from pydantic import BaseModel, Field

from shared.auth import Principal, require
from shared.errors import Unauthorized, Unavailable
from shared.i18n import Message, message
from shared.roles import ASYMMETRIC_ALGORITHMS, ROLES, OidcIssuer, scopes_for, unit_restricted
from shared.settings import Settings

logger = logging.getLogger("kvn.oidc")
PERSON_NAMESPACE = uuid.UUID("6f1c8a2e-7a53-4c8e-9d0b-2b2f3e0c7a41")


def invalid_token(description: Message) -> Unauthorized:
    """401 with the RFC 6750 challenge naming what is wrong with the token: the problem's
    detail in the reader's language, the challenge's error_description (for developers, RFC
    6750 §3) in English."""
    safe = description.render("en").replace('"', "'")
    return Unauthorized(
        message("problem.shared.access_token_accepted", description=description),
        headers={
            "WWW-Authenticate": (
                f'Bearer realm="kvalitetsnavet", error="invalid_token", error_description="{safe}"'
            )
        },
    )


@dataclass
class _KeySet:
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    fetched_at: float = float("-inf")
    failed: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class JwksCache:
    """Signing keys per JWKS URI, fetched with the given client and kept for `ttl` seconds."""

    def __init__(self, http: httpx.AsyncClient, *, ttl: float, min_refetch: float) -> None:
        self.http = http
        self.ttl = ttl
        self.min_refetch = min_refetch
        self._sets: dict[str, _KeySet] = {}
        self._parsed: dict[tuple[str, str], PyJWK] = {}
        self.fetches = 0

    async def key(self, uri: str, kid: str | None) -> dict[str, Any]:
        entry = self._sets.setdefault(uri, _KeySet())
        now = time.monotonic()
        if now - entry.fetched_at > self.ttl:
            await self._refresh(uri, entry, stale_before=now)
        found = self._pick(entry, kid)
        if found is None and time.monotonic() - entry.fetched_at >= self.min_refetch:
            # An unknown kid may be a freshly rotated key: look once more (rate-limited).
            await self._refresh(uri, entry, stale_before=time.monotonic() - self.min_refetch)
            found = self._pick(entry, kid)
        if found is None and entry.failed and not entry.keys:
            # The identity provider is down, not the caller's token bad: try again later.
            raise Unavailable(
                message("problem.shared.identity_provider_s_signing_keys"),
                headers={"Retry-After": str(max(1, int(self.min_refetch)))},
            )
        if found is None:
            raise invalid_token(message("problem.oidc.unknown_kid"))
        return found

    def parsed(self, jwk: dict[str, Any], alg: str) -> PyJWK:
        """The JWK as a key object, parsed once (parsing an RSA key costs more than verifying)."""
        cache_key = (json.dumps(jwk, sort_keys=True), alg)
        found = self._parsed.get(cache_key)
        if found is None:
            if len(self._parsed) > 256:
                self._parsed.clear()
            found = self._parsed[cache_key] = PyJWK(jwk, algorithm=alg)
        return found

    @staticmethod
    def _pick(entry: _KeySet, kid: str | None) -> dict[str, Any] | None:
        if kid is not None:
            return entry.keys.get(kid)
        return next(iter(entry.keys.values())) if len(entry.keys) == 1 else None

    async def _refresh(self, uri: str, entry: _KeySet, *, stale_before: float) -> None:
        async with entry.lock:
            if entry.fetched_at > stale_before and entry.keys:
                return  # another request refreshed it meanwhile
            # Counted as a fetch even when it fails, so a broken issuer is not hammered.
            entry.fetched_at = time.monotonic()
            self.fetches += 1
            try:
                response = await self.http.get(uri, headers={"Accept": "application/json"})
                response.raise_for_status()
                document = response.json()
            except (httpx.HTTPError, json.JSONDecodeError) as exc:
                # Keys already known stay in use; with none, key() answers 503.
                logger.warning("JWKS fetch failed", extra={"uri": uri, "error": str(exc)})
                entry.failed = True
                return
            entry.failed = False
            keys: dict[str, dict[str, Any]] = {}
            for number, jwk in enumerate(
                document.get("keys", []) if isinstance(document, dict) else []
            ):
                if isinstance(jwk, dict) and jwk.get("use", "sig") == "sig":
                    keys[str(jwk.get("kid", f"#{number}"))] = jwk
            entry.keys = keys


@dataclass(frozen=True)
class VerifiedToken:
    issuer: OidcIssuer
    claims: dict[str, Any]


class OidcVerifier:
    """Verifies tokens; a verified token is remembered for at most `remember` seconds (and
    never past its `exp`), since a browser sends the same token with every request."""

    def __init__(
        self, issuers: list[OidcIssuer], jwks: JwksCache, *, leeway: int, remember: float = 60.0
    ) -> None:
        self.issuers = {i.issuer: i for i in issuers}
        self.jwks = jwks
        self.leeway = leeway
        self.remember = remember
        self._verified: dict[str, tuple[float, VerifiedToken]] = {}

    async def verify(self, token: str) -> VerifiedToken:
        digest = sha256(token.encode()).hexdigest()
        cached = self._verified.get(digest)
        if cached is not None and cached[0] > wall_clock():
            return cached[1]
        verified = await self._verify(token)
        until = min(wall_clock() + self.remember, float(verified.claims["exp"]))
        if len(self._verified) > 10_000:
            self._verified.clear()
        self._verified[digest] = (until, verified)
        return verified

    async def _verify(self, token: str) -> VerifiedToken:
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise invalid_token(message("problem.oidc.malformed")) from exc
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in ASYMMETRIC_ALGORITHMS:
            raise invalid_token(message("problem.oidc.algorithm", alg=repr(alg)))
        issuer = self.issuers.get(str(unverified.get("iss", "")))
        if issuer is None:
            raise invalid_token(message("problem.oidc.unknown_issuer"))
        if alg not in issuer.algorithms:
            raise invalid_token(message("problem.oidc.algorithm_for_issuer", alg=alg))
        kid = header.get("kid")
        jwk = await self.jwks.key(issuer.jwks_uri, kid if isinstance(kid, str) else None)
        if jwk.get("kty") != ASYMMETRIC_ALGORITHMS[alg] or jwk.get("alg", alg) != alg:
            raise invalid_token(message("problem.oidc.algorithm_key"))
        try:
            key = self.jwks.parsed(jwk, alg)
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=[alg],
                audience=issuer.audience,
                issuer=issuer.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise invalid_token(message("problem.oidc.expired")) from exc
        except jwt.ImmatureSignatureError as exc:
            raise invalid_token(message("problem.oidc.not_yet_valid")) from exc
        except jwt.InvalidAudienceError as exc:
            raise invalid_token(message("problem.oidc.audience")) from exc
        except jwt.InvalidSignatureError as exc:
            raise invalid_token(message("problem.oidc.signature")) from exc
        except jwt.MissingRequiredClaimError as exc:
            raise invalid_token(
                message("problem.oidc.claim_missing", claim=repr(exc.claim))
            ) from exc
        except jwt.PyJWTError as exc:
            raise invalid_token(message("problem.oidc.invalid", error=type(exc).__name__)) from exc
        return VerifiedToken(issuer=issuer, claims=claims)


def _claim(claims: dict[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in value.replace(",", " ").split() if v]
    if isinstance(value, list | tuple):
        return [str(v) for v in value if isinstance(v, str | int)]
    return []


def principal_from_claims(verified: VerifiedToken, token: str) -> Principal:
    """Map a verified token to a Principal: municipality, roles → scopes, own units."""
    issuer, claims = verified.issuer, verified.claims
    named = _strings(_claim(claims, issuer.municipality_claim))
    codes = named or (issuer.municipality_codes if len(issuer.municipality_codes) == 1 else [])
    if not codes:
        raise invalid_token(
            message("problem.oidc.no_municipality", claim=repr(issuer.municipality_claim))
        )
    foreign = [c for c in codes if c not in issuer.municipality_codes]
    if foreign:
        raise invalid_token(message("problem.oidc.foreign_municipality", codes=", ".join(foreign)))
    roles: set[str] = set()
    for name in _strings(_claim(claims, issuer.roles_claim)):
        mapped = issuer.role_map.get(name) or (name if name in ROLES else None)
        if mapped is not None:
            roles.add(mapped)
    unit_codes = None
    if unit_restricted(roles):
        unit_codes = frozenset(_strings(_claim(claims, issuer.units_claim)))
    subject = str(claims["sub"])
    name = _claim(claims, issuer.name_claim)
    return Principal(
        key_id=uuid.uuid5(PERSON_NAMESPACE, f"{issuer.issuer}#{subject}"),
        name=str(name) if isinstance(name, str) and name else subject,
        municipality_code=codes[0],
        scopes=scopes_for(roles),
        token=token,
        municipalities=frozenset(codes) if len(set(codes)) > 1 else None,
        unit_codes=unit_codes,
        roles=frozenset(roles),
        subject=subject,
    )


def issuers_of(settings: Settings) -> list[OidcIssuer]:
    return list(settings.OIDC_ISSUERS)


def get_verifier(request: Request) -> OidcVerifier | None:
    """The app's verifier, made on first use from its settings and HTTP client."""
    state = request.app.state
    verifier: OidcVerifier | None = getattr(state, "oidc_verifier", None)
    if verifier is None:
        settings: Settings = state.settings
        issuers = issuers_of(settings)
        if not issuers:
            return None
        cache = JwksCache(
            state.http, ttl=settings.OIDC_JWKS_CACHE_S, min_refetch=settings.OIDC_JWKS_REFETCH_S
        )
        verifier = OidcVerifier(issuers, cache, leeway=settings.OIDC_LEEWAY_S)
        state.oidc_verifier = verifier
    return verifier


async def authenticate_token(request: Request, token: str) -> Principal | None:
    """A person's Principal from an access token; None when no issuer is configured."""
    verifier = get_verifier(request)
    if verifier is None:
        return None
    verified = await verifier.verify(token)
    return principal_from_claims(verified, token)


class Me(BaseModel):
    """Who the caller is and what it may do: what a user interface shows and hides by."""

    name: str
    kind: str = Field(description="'person' (OIDC token) or 'api_key'")
    municipality_code: str | None = Field(description="home municipality; null = national")
    municipalities: list[str] | None = Field(description="all it may act on; null = every one")
    roles: list[str]
    scopes: list[str]
    unit_codes: list[str] | None = Field(
        description="the only units it may write local data for; null = not limited to units"
    )


def me_router() -> APIRouter:
    """GET /v1/me; mounted by one service (with webhook_router)."""
    from shared.app import service_router

    router = service_router(prefix="/v1", tags=["identity"])

    @router.get("/me", response_model=Me)
    async def get_me(principal: Annotated[Principal, Depends(require())]) -> Me:
        """Who the caller is: name, municipalities, roles and scopes."""
        visible = principal.visible_municipalities
        return Me(
            name=principal.name,
            kind="person" if principal.is_person else "api_key",
            municipality_code=principal.municipality_code,
            municipalities=None if visible is None else sorted(visible),
            roles=sorted(principal.roles),
            scopes=sorted(principal.scopes),
            unit_codes=None if principal.unit_codes is None else sorted(principal.unit_codes),
        )

    return router
