"""A municipal cooperation's key (seed 003: Mellerud 1461 with Bengtsfors 1460) reads the
partner it names, must name one when it lists, and sees nothing of anyone else."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import create_api_key
from tests.conftest import MakeClient, MakeKey
from tests.services.budget.test_frames import frame


async def test_a_cooperation_key_lists_the_partner_it_names(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    for code, board in (("1461", "Socialnämnden"), ("1460", "Omsorgsnämnden")):
        own = client("budget", await make_key("budget:write", municipality=code))
        created = await own.post("/v1/frames", json=frame(board=board))
        assert created.status_code == 201, created.text
    outsider = client("budget", await make_key("budget:write", municipality="9990"))
    assert (await outsider.post("/v1/frames", json=frame())).status_code == 201
    key = await create_api_key(
        session,
        name="samverkan",
        municipality_code="1461",
        scopes=["budget:read"],
        cooperation=["1460"],
    )
    await session.commit()
    budget = client("budget", key.token)

    partner = await budget.get("/v1/frames", params={"municipality_code": "1460"})
    assert partner.status_code == 200, partner.text
    assert [(f["municipality_code"], f["board"]) for f in partner.json()["items"]] == [
        ("1460", "Omsorgsnämnden")
    ]
    home = await budget.get("/v1/frames", params={"municipality_code": "1461"})
    assert [f["board"] for f in home.json()["items"]] == ["Socialnämnden"]
    unnamed = await budget.get("/v1/frames")
    assert unnamed.status_code == 422
    assert unnamed.json()["errors"][0]["field"] == "municipality_code"
    assert (await budget.get("/v1/frames", params={"municipality_code": "9990"})).status_code == 404
    one = await budget.get(f"/v1/frames/{partner.json()['items'][0]['id']}")
    assert one.status_code == 200
    assert one.json()["municipality_code"] == "1460"
