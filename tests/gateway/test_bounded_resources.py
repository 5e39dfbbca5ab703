"""Every resource a caller can ask for is capped, and the cap is a clear 4xx problem, never a
500 nor a server busy for minutes: the largest page, batch and upload, the longest and
deepest formula, the org tree's depth and the most sensitivity draws."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.app import create_app as create_ingest
from shared.db import Database
from shared.settings import Settings
from tests import helpers
from tests.conftest import MakeClient, MakeKey
from tests.services.awards import data

PROBLEM = "application/problem+json"
INDICATOR = {
    "code": "cap_test",
    "title": "Cap test",
    "area": "aldreomsorg",
    "classification": "effekt",
    "perspective": "malgrupp",
    "unit": "%",
    "direction": "higher",
    "numerator": "survey_satisfied",
    "denominator": "survey_respondents",
}


def refused(response: httpx.Response, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    return body


async def test_a_page_larger_than_500_is_refused(client: MakeClient, make_key: MakeKey) -> None:
    indicators = client("indicators", await make_key())
    assert (await indicators.get("/v1/targets", params={"limit": 500})).status_code == 200
    body = refused(await indicators.get("/v1/targets", params={"limit": 501}))
    assert body["errors"][0]["field"] == "limit"
    analytics = await indicators.get(
        "/v1/analytics", params={"indicators": "andel_nojda", "limit": 501}
    )
    refused(analytics)


async def test_a_batch_over_50000_rows_is_refused_and_stores_nothing(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    row = {"measure_code": "survey_respondents", "unit_code": "HT-NORR", "period": "1999"}
    rows = [{**row, "gender": "T", "value": i} for i in range(50_001)]
    body = refused(
        await client("ingest", await make_key()).post("/v1/batches", json={"observations": rows})
    )
    assert "observations" in str(body["errors"][0]["loc"])
    stored = await session.execute(text("SELECT count(*) FROM observation WHERE period = '1999'"))
    assert stored.scalar_one() == 0


async def test_an_upload_over_the_limit_is_413_and_stores_nothing(
    settings: Settings, database: Database, make_key: MakeKey, session: AsyncSession
) -> None:
    small = helpers.test_settings(str(settings.DATABASE_URL), MAX_UPLOAD_BYTES=4096)
    app = create_ingest(small, database=database)
    before = (await session.execute(text("SELECT count(*) FROM ingest_batch"))).scalar_one()
    async with (
        helpers.running(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://ingest.test",
            headers={"Authorization": f"Bearer {await make_key()}"},
        ) as http,
    ):
        csv = (
            "measure_code,unit_code,period,gender,value\n"
            + "survey_respondents,HT-NORR,2024,T,1\n" * 200
        )
        response = await http.post(
            "/v1/uploads",
            params={"kind": "observations"},
            content=csv.encode(),
            headers={"Content-Type": "text/csv"},
        )
    refused(response, 413)
    after = (await session.execute(text("SELECT count(*) FROM ingest_batch"))).scalar_one()
    assert after == before


async def test_a_formula_too_long_or_too_deep_is_refused(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key())
    long = " + ".join(["survey_satisfied"] * 60)  # over 1000 characters
    assert len(long) > 1000
    refused(await indicators.post("/v1/indicators", json={**INDICATOR, "numerator": long}))
    deep = "(" * 60 + "survey_satisfied" + ")" * 60  # 60 levels, the cap is 50
    body = refused(await indicators.post("/v1/indicators", json={**INDICATOR, "numerator": deep}))
    assert any(e["field"] == "numerator" for e in body["errors"])
    listed = await indicators.get("/v1/indicators", params={"limit": 500})
    assert "cap_test" not in {i["code"] for i in listed.json()["items"]}


async def test_the_org_tree_is_three_levels_and_a_unit_cannot_nest(
    client: MakeClient, make_key: MakeKey
) -> None:
    """municipality → area (a fixed list) → unit: a unit has no parent unit, so no tree can
    grow deep; asking for one is refused."""
    indicators = client("indicators", await make_key())
    unit = {"code": "CAP-1", "title": "Cap", "unit_type": "hemtjanst", "area": "aldreomsorg"}
    body = refused(await indicators.post("/v1/units", json={**unit, "parent_code": "HT-NORR"}))
    assert body["errors"][0]["field"] == "parent_code"
    refused(await indicators.post("/v1/units", json={**unit, "area": "HT-NORR"}))


async def test_more_than_20000_sensitivity_draws_are_refused(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = client("awards", await make_key(municipality=data.MUNI))
    scheme = data.home_care_scheme(sensitivity={"draws": 20_001})
    body = refused(await awards.post("/v1/schemes", json=scheme))
    assert any("draws" in str(e["loc"]) for e in body["errors"])
