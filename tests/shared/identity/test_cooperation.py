"""A municipal cooperation (Mellerud and Bengtsfors share a social services leadership, seed 003)
may act on a named set of municipalities; single and national callers behave as before."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal, create_api_key
from shared.errors import NotFound, Unprocessable
from tests.shared.identity.conftest import PersonClient
from tests.shared.identity.issuer import TestIssuer
from tests.shared.identity.test_roles import FRAME


def principal(code: str | None, municipalities: set[str] | None = None) -> Principal:
    return Principal(
        key_id=uuid.uuid4(),
        name="p",
        municipality_code=code,
        scopes=frozenset({"admin"}),
        token="t",
        municipalities=frozenset(municipalities) if municipalities else None,
    )


def test_single_and_national_principals_are_unchanged() -> None:
    single, national = principal("9990"), principal(None)
    assert single.tenant(None) == "9990"
    assert single.can_see("9990")
    assert not single.can_see("1461")
    with pytest.raises(NotFound):
        single.tenant("1461")
    assert national.is_national
    assert national.tenant("1461") == "1461"
    with pytest.raises(Unprocessable):
        national.tenant(None)
    assert single.visible_municipalities == frozenset({"9990"})
    assert national.visible_municipalities is None


def test_cooperation_principal_must_name_one_of_its_municipalities() -> None:
    cooperation = principal("1461", {"1461", "1460"})
    assert not cooperation.is_national
    assert cooperation.can_see("1460")
    assert cooperation.can_see("1461")
    assert not cooperation.can_see("9990")
    assert cooperation.tenant("1460") == "1460"
    with pytest.raises(Unprocessable) as raised:
        cooperation.tenant(None)
    assert "1460, 1461" in str(raised.value.detail)
    with pytest.raises(NotFound):
        cooperation.tenant("9990")
    assert cooperation.visible_municipalities == frozenset({"1461", "1460"})


async def test_cooperation_person_acts_on_the_named_municipality_only(
    person: PersonClient, issuer: TestIssuer
) -> None:
    budget = person("budget", issuer.token(roles=["controller"], municipality=["1461", "1460"]))
    unnamed = await budget.post("/v1/frames", json=FRAME)
    assert unnamed.status_code == 422
    assert unnamed.json()["errors"][0]["field"] == "municipality_code"
    for code in ("1460", "1461"):
        created = await budget.post("/v1/frames", json={**FRAME, "municipality_code": code})
        assert created.status_code == 201, created.text
        assert created.json()["municipality_code"] == code
    outside = await budget.post("/v1/frames", json={**FRAME, "municipality_code": "9990"})
    assert outside.status_code == 404


async def test_cooperation_api_key(session: AsyncSession, person: PersonClient) -> None:
    key = await create_api_key(
        session,
        name="samverkan",
        municipality_code="1461",
        scopes=["budget:write", "budget:read"],
        cooperation=["1460"],
    )
    await session.commit()
    budget = person("budget", key.token)
    assert (await budget.post("/v1/frames", json=FRAME)).status_code == 422
    created = await budget.post("/v1/frames", json={**FRAME, "municipality_code": "1460"})
    assert created.status_code == 201, created.text
    probe = await person("probe", key.token).get(
        "/probe/tenant", params={"municipality_code": "1461"}
    )
    assert probe.json() == {"municipality_code": "1461"}
    hidden = await person("probe", key.token).get(
        "/probe/tenant", params={"municipality_code": "9990"}
    )
    assert hidden.status_code == 404


async def test_cooperation_key_needs_a_home_municipality(session: AsyncSession) -> None:
    with pytest.raises(ValueError, match="own municipality"):
        await create_api_key(
            session, name="x", municipality_code=None, scopes=["admin"], cooperation=["1460"]
        )
    with pytest.raises(ValueError, match="4-digit"):
        await create_api_key(
            session, name="x", municipality_code="1461", scopes=["admin"], cooperation=["14"]
        )
