"""DEVELOPMENT ONLY: a tiny OpenID Connect issuer that mints access tokens for the demo roles.

Off unless DEV_ISSUER_ENABLED (refused when ENVIRONMENT=production). `kvn run` mounts it at
/dev/issuer and adds it to the accepted issuers, so the frontend team can sign in as any demo
role without a real identity provider:

    curl 'http://127.0.0.1:8080/dev/issuer/token?role=controller&municipality=9990'

Its signing key (EC P-256) is kept in var/dev_issuer_key.pem so tokens survive a restart.
It authenticates nobody: whoever can reach it gets any role. Never expose it.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from pathlib import Path
from typing import Annotated, Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import APIRouter, Query
from jwt.algorithms import ECAlgorithm
from pydantic import BaseModel

from shared.errors import Unprocessable
from shared.i18n import message
from shared.roles import ROLES, OidcIssuer

DEV_AUDIENCE = "kvalitetsnavet"
# The demo municipalities: Exempelstad and the Mellerud–Bengtsfors cooperation (seed 003).
DEV_MUNICIPALITIES = ["9990", "1461", "1460"]


class DevToken(BaseModel):
    access_token: str
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int
    claims: dict[str, Any]
    warning: str = "development only: minted without authentication"


class DevIssuer:
    def __init__(self, private_key: ec.EllipticCurvePrivateKey, *, issuer: str) -> None:
        self.private_key = private_key
        self.issuer = issuer.rstrip("/")
        public = private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.kid = "dev-" + uuid.uuid5(uuid.NAMESPACE_OID, public.hex()).hex[:12]

    @classmethod
    def generate(cls, *, issuer: str) -> DevIssuer:
        return cls(ec.generate_private_key(ec.SECP256R1()), issuer=issuer)

    @classmethod
    def load_or_create(cls, path: Path, *, issuer: str) -> DevIssuer:
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if isinstance(key, ec.EllipticCurvePrivateKey):
                return cls(key, issuer=issuer)
        made = cls.generate(issuer=issuer)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            made.private_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        path.chmod(0o600)
        return made

    @property
    def jwks_uri(self) -> str:
        return f"{self.issuer}/jwks.json"

    def jwks(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(ECAlgorithm.to_jwk(self.private_key.public_key()))
        jwk.update({"kid": self.kid, "alg": "ES256", "use": "sig"})
        return {"keys": [jwk]}

    def config(self) -> OidcIssuer:
        return OidcIssuer(
            issuer=self.issuer,
            jwks_uri=self.jwks_uri,
            audience=DEV_AUDIENCE,
            municipality_codes=DEV_MUNICIPALITIES,
        )

    def mint(
        self,
        *,
        role: str,
        municipalities: list[str],
        units: list[str] | None = None,
        subject: str | None = None,
        lifetime: int = 3600,
    ) -> DevToken:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": DEV_AUDIENCE,
            "sub": subject or f"dev-{role}",
            "name": f"Demo {role.replace('_', ' ')}",
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "jti": secrets.token_hex(8),
            "roles": [role],
            "municipality": municipalities[0] if len(municipalities) == 1 else municipalities,
        }
        if units:
            claims["units"] = units
        token = jwt.encode(claims, self.private_key, algorithm="ES256", headers={"kid": self.kid})
        return DevToken(access_token=token, expires_in=lifetime, claims=claims)


def dev_issuer_router(issuer: DevIssuer) -> APIRouter:
    """Routes relative to the mount point /dev/issuer (not part of any service's API)."""
    router = APIRouter(tags=["development issuer"], include_in_schema=False)

    @router.get("/.well-known/openid-configuration")
    async def get_openid_configuration() -> dict[str, Any]:
        return {
            "issuer": issuer.issuer,
            "jwks_uri": issuer.jwks_uri,
            "token_endpoint": f"{issuer.issuer}/token",
            "id_token_signing_alg_values_supported": ["ES256"],
            "x-development-only": True,
        }

    @router.get("/jwks.json")
    async def get_jwks() -> dict[str, Any]:
        return issuer.jwks()

    @router.get("/token", response_model=DevToken)
    async def get_token(
        role: Annotated[str, Query(description=f"one of {', '.join(ROLES)}")],
        municipality: Annotated[list[str] | None, Query()] = None,
        unit: Annotated[list[str] | None, Query(description="unit codes (unit_manager)")] = None,
        sub: Annotated[str | None, Query(max_length=64)] = None,
    ) -> DevToken:
        if role not in ROLES:
            raise Unprocessable(
                message("problem.shared.unknown_role_one", role=repr(role), roles=", ".join(ROLES))
            )
        codes = municipality or [DEV_MUNICIPALITIES[0]]
        unknown = [c for c in codes if c not in DEV_MUNICIPALITIES]
        if unknown:
            raise Unprocessable(
                message(
                    "problem.shared.development_issuer_speaks",
                    municipalities=", ".join(DEV_MUNICIPALITIES),
                )
            )
        return issuer.mint(role=role, municipalities=codes, units=unit, subject=sub)

    return router
