"""People's roles, what each may do (as the suite's scopes), and how an issuer's claims map to them.

Pure data: imported by settings (the issuer configuration), auth and oidc alike.

| role              | scopes                                                              |
|-------------------|---------------------------------------------------------------------|
| reader            | ingest:read indicators:read awards:read budget:read                 |
| unit_manager      | reader's + ingest:write, limited to the units in the units claim    |
| controller        | reader's + budget:write                                             |
| quality_developer | reader's + indicators:write ingest:write                            |
| jury              | reader's + awards:write awards:decide                               |
| admin             | admin (every scope, still only within the person's municipalities)  |
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Role = Literal["reader", "unit_manager", "controller", "quality_developer", "jury", "admin"]
ROLES: tuple[Role, ...] = (
    "reader",
    "unit_manager",
    "controller",
    "quality_developer",
    "jury",
    "admin",
)

READ_SCOPES: frozenset[str] = frozenset(
    {"ingest:read", "indicators:read", "awards:read", "budget:read"}
)
ROLE_SCOPES: dict[Role, frozenset[str]] = {
    "reader": READ_SCOPES,
    "unit_manager": READ_SCOPES | {"ingest:write"},
    "controller": READ_SCOPES | {"budget:write"},
    "quality_developer": READ_SCOPES | {"indicators:write", "ingest:write"},
    "jury": READ_SCOPES | {"awards:write", "awards:decide"},
    "admin": frozenset({"admin"}),
}


def scopes_for(roles: Iterable[str]) -> frozenset[str]:
    result: set[str] = set()
    for role in roles:
        result |= ROLE_SCOPES.get(role, frozenset())  # type: ignore[call-overload]
    return frozenset(result)


def unit_restricted(roles: Iterable[str]) -> bool:
    """True when local data may be written only for the person's own units: the right to
    write comes from unit_manager alone, not from a wider role."""
    held = set(roles)
    return "unit_manager" in held and not held & {"quality_developer", "admin"}


class OidcIssuer(BaseModel):
    """One municipality's (or cooperation's) identity provider, as OIDC_ISSUERS lists it."""

    model_config = ConfigDict(extra="forbid")

    issuer: str = Field(description="the exact `iss` of its tokens")
    jwks_uri: str = Field(description="where its signing keys are published (JWKS)")
    audience: str = Field(description="the `aud` its tokens must carry for this suite")
    municipality_codes: list[str] = Field(
        min_length=1, description="the municipalities this issuer may speak for"
    )
    roles_claim: str = Field(default="roles", description="claim with the roles; dots walk objects")
    municipality_claim: str = Field(
        default="municipality", description="claim naming the municipality (or a list of them)"
    )
    units_claim: str = Field(default="units", description="claim with a unit manager's unit codes")
    name_claim: str = Field(default="name", description="claim with a display name (else sub)")
    role_map: dict[str, Role] = Field(
        default_factory=dict,
        description="the issuer's role names → the suite's roles; unmapped names that are "
        "already the suite's role names count as themselves",
    )
    algorithms: list[str] = Field(
        default_factory=lambda: ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]
    )

    @field_validator("municipality_codes")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        for code in value:
            if len(code) != 4 or not code.isdigit():
                raise ValueError(f"municipality code {code!r} must be 4 digits")
        return value

    @field_validator("algorithms")
    @classmethod
    def _asymmetric_only(cls, value: list[str]) -> list[str]:
        for alg in value:
            if alg not in ASYMMETRIC_ALGORITHMS:
                raise ValueError(f"algorithm {alg!r} is not an allowed asymmetric algorithm")
        return value


# alg → the JWK key type it needs; anything else (none, HS*) is refused outright.
ASYMMETRIC_ALGORITHMS: dict[str, str] = {
    "RS256": "RSA",
    "RS384": "RSA",
    "RS512": "RSA",
    "PS256": "RSA",
    "PS384": "RSA",
    "PS512": "RSA",
    "ES256": "EC",
    "ES384": "EC",
    "ES512": "EC",
    "EdDSA": "OKP",
}
