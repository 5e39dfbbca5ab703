"""A municipal cooperation's key reads the units of the partner it names, not its own."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import create_api_key
from tests.conftest import MakeClient, MakeKey


async def test_a_cooperation_key_lists_the_units_of_the_partner_it_names(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    for code, unit in (("1461", "HT-MELLERUD"), ("1460", "HT-BENGTSFORS")):
        own = client("indicators", await make_key("indicators:write", municipality=code))
        created = await own.post(
            "/v1/units",
            json={
                "code": unit,
                "title": f"Hemtjänsten {unit}",
                "unit_type": "hemtjanst",
                "area": "aldreomsorg",
                "opened_on": "2025-01-01",
            },
        )
        assert created.status_code == 201, created.text
    key = await create_api_key(
        session,
        name="samverkan",
        municipality_code="1461",
        scopes=["indicators:read"],
        cooperation=["1460"],
    )
    await session.commit()
    indicators = client("indicators", key.token)

    partner = await indicators.get("/v1/units", params={"municipality_code": "1460"})
    assert partner.status_code == 200, partner.text
    assert [(u["municipality_code"], u["code"]) for u in partner.json()["items"]] == [
        ("1460", "HT-BENGTSFORS")
    ]
    home = await indicators.get("/v1/units", params={"municipality_code": "1461"})
    assert [u["code"] for u in home.json()["items"]] == ["HT-MELLERUD"]
    unnamed = await indicators.get("/v1/units")
    assert unnamed.status_code == 422
    assert unnamed.json()["errors"][0]["field"] == "municipality_code"
    hidden = await indicators.get("/v1/units", params={"municipality_code": "9990"})
    assert hidden.status_code == 404
    one = await indicators.get("/v1/units/HT-BENGTSFORS", params={"municipality_code": "1460"})
    assert one.status_code == 200
