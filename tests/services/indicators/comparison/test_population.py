"""A rank and a KKiK colour carry their population: n municipalities with a value out of
Sweden's N; national only when n covers nearly all of them."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import MakeClient, MakeKey
from tests.services.indicators.helpers import kolada


async def _comparison(client: MakeClient, key: str) -> dict[str, object]:
    response = await client("indicators", key).get(
        "/v1/analytics",
        params={
            "indicators": "kolada_nojd_hemtjanst",
            "period": "2030",
            "level": "municipality",
            "include": "comparison",
        },
    )
    assert response.status_code == 200, response.text
    (cell,) = response.json()["items"]
    comparison: dict[str, object] = cell["comparison"]
    return comparison


async def test_a_rank_among_every_municipality_is_national_and_says_n_of_n(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    found = await session.execute(
        text("SELECT code FROM municipality WHERE type = 'K' AND code NOT LIKE '99%' ORDER BY code")
    )
    codes = list(found.scalars())
    assert len(codes) == 290
    # Ludvika (2085) the worst of all but the 10 without a value: red, nationally.
    values = {code: 90.0 + i % 7 for i, code in enumerate(codes[10:])}
    values["2085"] = 10.0
    await kolada(session, "U21468", "2030", values)
    comparison = await _comparison(client, await make_key(municipality="2085"))
    assert (comparison["rank"], comparison["of"], comparison["population"]) == (280, 280, 290)
    assert (comparison["scope"], comparison["colour"]) == ("national", "red")


async def test_a_rank_among_a_few_municipalities_is_a_sample(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    await kolada(session, "U21468", "2030", {"2085": 50.0, "1462": 60.0, "1461": 40.0})
    comparison = await _comparison(client, await make_key(municipality="2085"))
    assert (comparison["rank"], comparison["of"], comparison["population"]) == (2, 3, 290)
    assert (comparison["scope"], comparison["colour"]) == ("sample", None)
