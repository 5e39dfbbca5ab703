"""The identity settings as operators write them: JSON in environment variables."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from shared.settings import Settings


def test_issuers_cors_and_webhook_hosts_parse_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    issuers = [
        {
            "issuer": "https://login.mellerud.se/realms/social",
            "jwks_uri": "https://login.mellerud.se/realms/social/protocol/openid-connect/certs",
            "audience": "kvalitetsnavet",
            "municipality_codes": ["1461", "1460"],
            "roles_claim": "realm_access.roles",
            "role_map": {"Nämndledamot": "reader"},
        }
    ]
    monkeypatch.setenv("OIDC_ISSUERS", json.dumps(issuers))
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", '["https://kvalitet.mellerud.se"]')
    monkeypatch.setenv("WEBHOOK_ALLOWED_HOSTS", '["*.mellerud.se"]')
    settings = Settings()
    assert settings.OIDC_ISSUERS[0].municipality_codes == ["1461", "1460"]
    assert settings.OIDC_ISSUERS[0].role_map == {"Nämndledamot": "reader"}
    assert settings.CORS_ALLOW_ORIGINS == ["https://kvalitet.mellerud.se"]
    assert settings.WEBHOOK_ALLOWED_HOSTS == ["*.mellerud.se"]


def test_issuer_with_an_unknown_role_or_bad_code_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = {"issuer": "https://i", "jwks_uri": "https://i/jwks", "audience": "a"}
    monkeypatch.setenv("OIDC_ISSUERS", json.dumps([{**base, "municipality_codes": ["146"]}]))
    with pytest.raises(ValidationError, match="4 digits"):
        Settings()
    monkeypatch.setenv(
        "OIDC_ISSUERS",
        json.dumps([{**base, "municipality_codes": ["1461"], "role_map": {"x": "mayor"}}]),
    )
    with pytest.raises(ValidationError, match="role_map"):
        Settings()
