"""Definitions belong to someone: national ones are written by national keys, a
municipality's own by that municipality alone, and are invisible to others unless shared."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import Indicator, Measure
from tests.conftest import MakeClient, MakeKey

LILLA_EDET, KALMAR, UPPLANDS_VASBY = "1462", "0880", "0114"

MEASURE = {
    "code": "le_hembesok",
    "title": "Antal hembesök",
    "source": "local",
    "unit": "antal",
    "value_kind": "count",
}
INDICATOR: dict[str, Any] = {
    "code": "le_hembesok_andel",
    "title": "Hembesök per svarande",
    "area": "aldreomsorg",
    "classification": "process",
    "perspective": "verksamhet",
    "unit": "%",
    "direction": "higher",
    "numerator": "100 * le_hembesok",
    "denominator": "survey_respondents",
}


def _version(flip: str = "lower") -> dict[str, Any]:
    body = {k: v for k, v in INDICATOR.items() if k != "code"}
    return {
        **body,
        "direction": flip,
        "numerator": "survey_respondents",
        "valid_from": "2031-01-01",
    }


async def _count(session: AsyncSession, model: Any) -> int:
    return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_a_municipal_admin_cannot_version_a_national_indicator(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    national = client("indicators", await make_key(municipality=None))
    created = await national.post("/v1/indicators", json={**INDICATOR, "numerator": "100"})
    assert created.status_code == 201, created.text
    assert created.json()["owner_municipality_code"] is None
    before = await _count(session, Indicator)

    admin = client("indicators", await make_key("admin", municipality=UPPLANDS_VASBY))
    refused = await admin.post(
        f"/v1/indicators/{INDICATOR['code']}/versions",
        json=_version(),
        headers={"If-Match": created.headers["ETag"]},
    )
    assert refused.status_code == 404
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert await _count(session, Indicator) == before

    reader = client("indicators", await make_key(municipality="9990"))
    seen = (await reader.get(f"/v1/indicators/{INDICATOR['code']}")).json()
    assert (seen["version"], seen["direction"]) == (1, "higher")


async def test_public_apis_refuse_source_kolada_and_store_nothing(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    before = await _count(session, Measure)
    for municipality in (LILLA_EDET, None):
        measures = client("indicators", await make_key(municipality=municipality))
        response = await measures.post(
            "/v1/measures", json={**MEASURE, "code": "N99999", "source": "kolada"}
        )
        assert response.status_code == 422
        (error,) = response.json()["errors"]
        assert (error["field"], error["code"]) == ("source", "kolada_source")
    assert await _count(session, Measure) == before


async def test_a_municipalitys_own_definitions_are_its_own_until_shared(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    lilla_edet = client("indicators", await make_key(municipality=LILLA_EDET))
    kalmar = client("indicators", await make_key(municipality=KALMAR))
    assert (await lilla_edet.post("/v1/measures", json=MEASURE)).status_code == 201
    created = await lilla_edet.post("/v1/indicators", json=INDICATOR)
    assert created.status_code == 201, created.text
    assert created.json()["owner_municipality_code"] == LILLA_EDET
    etag = created.headers["ETag"]
    code = INDICATOR["code"]

    # Private: Kalmar sees neither the measure nor the indicator, nor can it build on them.
    for path in (f"/v1/measures/{MEASURE['code']}", f"/v1/indicators/{code}"):
        assert (await kalmar.get(path)).status_code == 404
    listed = await kalmar.get("/v1/indicators", params={"limit": 500})
    assert code not in {i["code"] for i in listed.json()["items"]}
    listed = await kalmar.get("/v1/measures", params={"limit": 500})
    assert MEASURE["code"] not in {m["code"] for m in listed.json()["items"]}
    borrowed = await kalmar.post("/v1/indicators", json={**INDICATOR, "code": "kalmar_kopia"})
    assert borrowed.status_code == 422
    assert borrowed.json()["errors"][0]["code"] == "unknown_measure"

    before = await _count(session, Indicator)
    refused = await kalmar.post(
        f"/v1/indicators/{code}/versions", json=_version(), headers={"If-Match": etag}
    )
    assert refused.status_code == 404
    assert await _count(session, Indicator) == before

    # Published as shared: Kalmar reads it, and still cannot change it.
    shared = await lilla_edet.post(
        f"/v1/indicators/{code}/versions",
        json={**_version("higher"), "shared": True},
        headers={"If-Match": etag},
    )
    assert shared.status_code == 201, shared.text
    seen = await kalmar.get(f"/v1/indicators/{code}")
    assert seen.status_code == 200
    assert (seen.json()["shared"], seen.json()["owner_municipality_code"]) == (True, LILLA_EDET)
    again = await kalmar.post(
        f"/v1/indicators/{code}/versions",
        json={**_version(), "valid_from": "2032-01-01"},
        headers={"If-Match": shared.headers["ETag"]},
    )
    assert again.status_code == 404
    assert (await lilla_edet.get(f"/v1/indicators/{code}")).json()["direction"] == "higher"
    # A later version without `shared` keeps it published.
    kept = await lilla_edet.post(
        f"/v1/indicators/{code}/versions",
        json={**_version(), "valid_from": "2032-01-01"},
        headers={"If-Match": shared.headers["ETag"]},
    )
    assert kept.status_code == 201
    assert kept.json()["shared"] is True
