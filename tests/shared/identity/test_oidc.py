"""Access tokens from the municipality's identity provider: what is accepted and what is not."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from tests.conftest import MakeClient, MakeKey
from tests.documents.english import found_english
from tests.shared.identity.conftest import PersonClient
from tests.shared.identity.issuer import AUDIENCE, ISSUER, TestIssuer


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def assert_invalid_token(response: object, fragment: str) -> None:
    import httpx

    assert isinstance(response, httpx.Response)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    assert 'error="invalid_token"' in challenge
    assert "error_description=" in challenge
    # What is wrong: for the developer in the challenge (English), for the reader in the
    # detail (Swedish without Accept-Language).
    assert fragment in challenge
    detail = response.json()["detail"]
    assert detail.startswith("Åtkomsttoken godtas inte: "), detail
    assert not found_english(detail), detail


async def test_person_with_valid_token_is_signed_in_with_mapped_roles(
    person: PersonClient, issuer: TestIssuer
) -> None:
    token = issuer.token(roles=["controller"], sub="anna", name="Anna Controller")
    response = await person("probe", token).get("/probe/whoami")
    assert response.status_code == 200, response.text
    me = response.json()
    assert me["name"] == "Anna Controller"
    assert me["municipality_code"] == "9990"
    assert me["roles"] == ["controller"]
    assert "budget:write" in me["scopes"]
    assert "indicators:write" not in me["scopes"]
    assert me["is_person"] is True
    # The same person keeps the same id across tokens (idempotency keys stay theirs).
    again = await person("probe", issuer.token(roles=["reader"], sub="anna")).get("/probe/whoami")
    assert again.json()["key_id"] == me["key_id"]


async def test_ec_signed_token_is_accepted(person: PersonClient, issuer: TestIssuer) -> None:
    response = await person("probe", issuer.token(kid="ec-1")).get("/probe/whoami")
    assert response.status_code == 200, response.text


async def test_missing_token_is_401_with_bearer_challenge(person: PersonClient) -> None:
    response = await person("probe").get("/probe/whoami")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer ")
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("claims", "fragment"),
    [
        # Times are offsets from the moment the test runs (a value fixed at collection goes
        # stale when the suite takes longer than the offset to get here).
        ({"exp": -120}, "expired"),
        ({"nbf": 600}, "not valid yet"),
        ({"aud": "another-api"}, "audience"),
        ({"sub": None}, "'sub' is missing"),
    ],
)
async def test_token_with_bad_claims_is_refused(
    person: PersonClient, issuer: TestIssuer, claims: dict[str, Any], fragment: str
) -> None:
    now = int(time.time())
    claims = {k: now + v if k in ("exp", "nbf") else v for k, v in claims.items()}
    response = await person("probe", issuer.token(**claims)).get("/probe/whoami")
    assert_invalid_token(response, fragment)


async def test_small_clock_skew_is_tolerated(person: PersonClient, issuer: TestIssuer) -> None:
    token = issuer.token(exp=int(time.time()) - 5, nbf=int(time.time()) + 5)
    assert (await person("probe", token).get("/probe/whoami")).status_code == 200


async def test_token_of_unconfigured_issuer_is_refused(
    person: PersonClient, issuer: TestIssuer
) -> None:
    token = issuer.token(iss="https://evil.test/realm")
    assert_invalid_token(await person("probe", token).get("/probe/whoami"), "issuer")


async def test_alg_none_is_refused(person: PersonClient, issuer: TestIssuer) -> None:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "exp": now + 60, "roles": ["admin"]}
    token = f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': 'rsa-1'})}.{_b64(claims)}."
    response = await person("probe", token).get("/probe/whoami")
    assert_invalid_token(response, "algorithm")


async def test_hs256_signed_with_the_public_key_is_refused(
    person: PersonClient, issuer: TestIssuer
) -> None:
    """The classic RS/HS confusion: the public key used as an HMAC secret."""
    public_pem = (
        issuer.keys["rsa-1"]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "exp": now + 60, "roles": ["admin"]}
    header = _b64({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"})
    import hashlib
    import hmac

    signing_input = f"{header}.{_b64(claims)}".encode()
    signature = base64.urlsafe_b64encode(
        hmac.new(public_pem, signing_input, hashlib.sha256).digest()
    ).rstrip(b"=")
    token = f"{signing_input.decode()}.{signature.decode()}"
    assert_invalid_token(await person("probe", token).get("/probe/whoami"), "algorithm")


async def test_alg_that_does_not_match_the_key_is_refused(
    person: PersonClient, issuer: TestIssuer
) -> None:
    # Signed with the EC key but claiming the RSA key's kid: ES256 does not fit an RSA JWK.
    token = issuer.token(kid="rsa-1", key=issuer.keys["ec-1"], alg="ES256")
    assert_invalid_token(await person("probe", token).get("/probe/whoami"), "does not match")


async def test_tampered_token_is_refused(person: PersonClient, issuer: TestIssuer) -> None:
    header, _, signature = issuer.token(roles=["reader"]).split(".")
    forged = _b64(
        {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "x",
            "exp": int(time.time()) + 60,
            "roles": ["admin"],
            "municipality": "9990",
        }
    )
    token = f"{header}.{forged}.{signature}"
    assert_invalid_token(await person("probe", token).get("/probe/whoami"), "signature")


async def test_signed_by_an_unpublished_key_is_refused(
    person: PersonClient, issuer: TestIssuer
) -> None:
    from tests.shared.identity.issuer import rsa_key

    token = issuer.token(kid="rsa-1", key=rsa_key())
    assert_invalid_token(await person("probe", token).get("/probe/whoami"), "signature")


async def test_garbage_is_refused(person: PersonClient) -> None:
    assert_invalid_token(await person("probe", "not-a-jwt").get("/probe/whoami"), "well-formed")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


async def test_rotated_key_is_picked_up_with_one_refetch(
    person: PersonClient, issuer: TestIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    monkeypatch.setattr("shared.oidc.time", clock)
    assert (await person("probe", issuer.token()).get("/probe/whoami")).status_code == 200
    assert issuer.fetches == 1
    issuer.rotate_in("rsa-2")
    clock.now += 31  # past the refetch interval, well within the cache lifetime
    response = await person("probe", issuer.token(kid="rsa-2")).get("/probe/whoami")
    assert response.status_code == 200, response.text
    assert issuer.fetches == 2
    # Known keys come from the cache.
    await person("probe", issuer.token(kid="rsa-2")).get("/probe/whoami")
    assert issuer.fetches == 2


async def test_unknown_kids_refetch_at_most_once_per_interval(
    person: PersonClient, issuer: TestIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    monkeypatch.setattr("shared.oidc.time", clock)
    assert (await person("probe", issuer.token()).get("/probe/whoami")).status_code == 200
    for n in range(5):
        token = issuer.token(kid=f"made-up-{n}", key=issuer.keys["rsa-1"])
        assert_invalid_token(await person("probe", token).get("/probe/whoami"), "kid")
    assert issuer.fetches == 1  # the first fetch was just now: no refetch within 30 s
    clock.now += 31
    for n in range(5):
        token = issuer.token(kid=f"other-{n}", key=issuer.keys["rsa-1"])
        assert_invalid_token(await person("probe", token).get("/probe/whoami"), "kid")
    assert issuer.fetches == 2  # one refetch for the whole burst


async def test_municipality_the_issuer_does_not_serve_is_refused(
    person: PersonClient, issuer: TestIssuer
) -> None:
    token = issuer.token(municipality="0880")
    assert_invalid_token(await person("probe", token).get("/probe/whoami"), "0880")


async def test_token_without_municipality_is_refused_for_multi_municipality_issuer(
    person: PersonClient, issuer: TestIssuer
) -> None:
    assert_invalid_token(
        await person("probe", issuer.token(municipality=None)).get("/probe/whoami"), "municipality"
    )


async def test_api_keys_keep_working_next_to_tokens(
    person: PersonClient, make_key: MakeKey
) -> None:
    key = await make_key("budget:read")
    assert (await person("probe", key).get("/probe/scope/budget:read")).status_code == 200
    refused = await person("probe", key).get("/probe/scope/budget:write")
    assert refused.status_code == 403
    unknown = await person("probe", "kvn_abcdef123456_nope").get("/probe/whoami")
    assert unknown.status_code == 401
    assert 'error="invalid_token"' in unknown.headers["www-authenticate"]


async def test_tokens_are_refused_when_no_issuer_is_configured(
    client: MakeClient, issuer: TestIssuer
) -> None:
    response = await client("budget", issuer.token(roles=["admin"])).get("/v1/frames")
    assert response.status_code == 401
    assert "ingen identitetsleverantör är konfigurerad" in response.json()["detail"]


def test_issuer_config_refuses_symmetric_algorithms(issuer: TestIssuer) -> None:
    with pytest.raises(ValueError, match="HS256"):
        issuer.config(algorithms=["HS256"])


def test_pyjwt_would_verify_what_we_mint(issuer: TestIssuer) -> None:
    """Guards the test issuer itself: its tokens are real, verifiable JWTs."""
    token = issuer.token()
    claims = jwt.decode(
        token, issuer.keys["rsa-1"].public_key(), algorithms=["RS256"], audience=AUDIENCE
    )
    assert claims["iss"] == ISSUER


async def test_unreachable_identity_provider_is_503_not_401(
    person: PersonClient, issuer: TestIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    monkeypatch.setattr("shared.oidc.time", clock)
    issuer.down = True
    down = await person("probe", issuer.token()).get("/probe/whoami")
    assert down.status_code == 503
    assert down.headers["retry-after"] == "30"
    issuer.down = False
    clock.now += 31
    assert (await person("probe", issuer.token()).get("/probe/whoami")).status_code == 200
