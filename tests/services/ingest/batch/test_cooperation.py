"""A municipal cooperation's key (Mellerud 1461 and Bengtsfors 1460 share social services,
seed 003) writes for the municipality it names and lists the batches and Kolada jobs of both;
a single municipality's key sees neither."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import create_api_key

MakeKey = Callable[..., Any]


def _batch(municipality: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "observations": [{"measure_code": "oj_positive_share_lss", "period": "2026", "value": 55}]
    }
    if municipality is not None:
        body["municipality_code"] = municipality
    return body


async def test_a_cooperation_key_lists_both_municipalities_batches_and_jobs(
    client: Any, make_key: MakeKey, session: AsyncSession
) -> None:
    key = await create_api_key(
        session,
        name="Mellerud–Bengtsfors socialtjänst",
        municipality_code="1461",
        scopes=["ingest:write", "ingest:read"],
        cooperation=["1460"],
    )
    http = client("ingest", key.token)

    unnamed = await http.post("/v1/batches", json=_batch(None))
    assert unnamed.status_code == 422
    assert unnamed.json()["errors"][0]["field"] == "municipality_code"
    stored = {}
    for code in ("1461", "1460"):
        created = await http.post("/v1/batches", json=_batch(code))
        assert created.status_code == 201, created.text
        stored[code] = created.json()["id"]
        queued = await http.post(
            "/v1/kolada/syncs", json={"municipality_code": code, "include_ous": False}
        )
        assert queued.status_code == 202, queued.text
    assert (await http.post("/v1/batches", json=_batch("9990"))).status_code == 404

    batches = (await http.get("/v1/batches")).json()
    assert {b["id"] for b in batches["items"]} >= set(stored.values())
    assert {b["municipality_code"] for b in batches["items"]} == {"1460", "1461"}
    only = (await http.get("/v1/batches", params={"municipality_code": "1460"})).json()
    assert [b["id"] for b in only["items"]] == [stored["1460"]]
    for batch_id in stored.values():
        assert (await http.get(f"/v1/batches/{batch_id}")).status_code == 200
    jobs = (await http.get("/v1/kolada/syncs")).json()
    assert {j["municipality_code"] for j in jobs["items"]} == {"1460", "1461"}
    assert jobs["total"] == 2
    outside = await http.get("/v1/kolada/syncs", params={"municipality_code": "9990"})
    assert outside.status_code == 404

    single = client("ingest", await make_key("ingest:read", municipality="9990"))
    theirs = (await single.get("/v1/batches")).json()
    assert not {b["municipality_code"] for b in theirs["items"]} & {"1460", "1461"}
    assert (await single.get(f"/v1/batches/{stored['1460']}")).status_code == 404
    assert (await single.get("/v1/kolada/syncs")).json()["items"] == []
