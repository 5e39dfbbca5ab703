"""A test identity provider: its own RSA and EC keys, a JWKS served through MockTransport."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from shared.roles import OidcIssuer

ISSUER = "https://idp.test/realms/exempelstad"
JWKS_URI = "https://idp.test/realms/exempelstad/jwks"
AUDIENCE = "kvalitetsnavet-api"


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class TestIssuer:
    """Mints tokens; serves the JWKS of its published keys and counts fetches."""

    __test__ = False

    def __init__(self) -> None:
        self.keys: dict[str, Any] = {
            "rsa-1": rsa_key(),
            "ec-1": ec.generate_private_key(ec.SECP256R1()),
        }
        self.published = ["rsa-1", "ec-1"]
        self.fetches = 0
        self.down = False

    def config(self, **overrides: Any) -> OidcIssuer:
        values: dict[str, Any] = {
            "issuer": ISSUER,
            "jwks_uri": JWKS_URI,
            "audience": AUDIENCE,
            "municipality_codes": ["9990", "1461", "1460"],
            **overrides,
        }
        return OidcIssuer(**values)

    def jwk(self, kid: str) -> dict[str, Any]:
        key = self.keys[kid]
        if isinstance(key, rsa.RSAPrivateKey):
            data: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
            data["alg"] = "RS256"
        else:
            data = json.loads(ECAlgorithm.to_jwk(key.public_key()))
            data["alg"] = "ES256"
        data.update({"kid": kid, "use": "sig"})
        return data

    def handle(self, request: httpx.Request) -> httpx.Response:
        if str(request.url) != JWKS_URI:
            return httpx.Response(404)
        self.fetches += 1
        if self.down:
            return httpx.Response(502)
        return httpx.Response(200, json={"keys": [self.jwk(k) for k in self.published]})

    def rotate_in(self, kid: str) -> None:
        self.keys[kid] = rsa_key()
        self.published.append(kid)

    def token(
        self,
        *,
        roles: list[str] | None = None,
        municipality: str | list[str] | None = "9990",
        kid: str = "rsa-1",
        alg: str | None = None,
        key: Any = None,
        **claims: Any,
    ) -> str:
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "person-1",
            "name": "Test Person",
            "iat": now,
            "nbf": now,
            "exp": now + 600,
            "roles": roles if roles is not None else ["reader"],
        }
        if municipality is not None:
            body["municipality"] = municipality
        body.update(claims)
        body = {k: v for k, v in body.items() if v is not None}
        signing_key = key if key is not None else self.keys[kid]
        algorithm = alg or ("RS256" if isinstance(signing_key, rsa.RSAPrivateKey) else "ES256")
        return jwt.encode(body, signing_key, algorithm=algorithm, headers={"kid": kid})
