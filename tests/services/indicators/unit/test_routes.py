from __future__ import annotations

from tests.conftest import MakeClient, MakeKey
from tests.services.indicators.helpers import ingest, survey_rows


async def test_a_unit_moved_between_areas_is_counted_where_it_was_at_the_time(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    indicators = client("indicators", key)
    created = await indicators.post(
        "/v1/units",
        json={
            "code": "KORT-1",
            "title": "Korttidsboendet",
            "unit_type": "korttidsboende",
            "area": "aldreomsorg",
            "opened_on": "2025-01-01",
        },
    )
    assert created.status_code == 201, created.text
    moved = await indicators.post(
        "/v1/units/KORT-1/moves", json={"area": "lss", "on": "2030-07-01"}
    )
    assert moved.status_code == 200, moved.text
    assert [(m["area"], m["valid_from"], m["valid_to"]) for m in moved.json()] == [
        ("aldreomsorg", "2025-01-01", "2030-06-30"),
        ("lss", "2030-07-01", None),
    ]
    await ingest(client("ingest", key), survey_rows("KORT-1", "2030", k=(20, 18), m=(10, 9)))

    async def area_of_kort(as_of: str) -> dict[str, int]:
        response = await indicators.get(
            "/v1/analytics",
            params={"indicators": "andel_nojda", "period": "2030", "level": "area", "as_of": as_of},
        )
        return {c["unit_code"]: c["units"] for c in response.json()["items"] if c["units"]}

    assert await area_of_kort("2030-03-01") == {"aldreomsorg": 1}
    assert await area_of_kort("2030-09-01") == {"lss": 1}
    early = await indicators.post(
        "/v1/units/KORT-1/moves", json={"area": "ifo", "on": "2030-01-01"}
    )
    assert early.status_code == 422
    assert early.json()["errors"][0]["field"] == "on"


async def test_closing_a_unit_needs_if_match_and_leaves_it_out_afterwards(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key())
    current = await indicators.get("/v1/units/LSS-VALLMON")
    etag = current.headers["etag"]
    change = {k: current.json()[k] for k in ("title", "unit_type", "area", "kolada_ou_id")}
    change.update(opened_on="2015-01-01", closed_on="2029-12-31")
    assert (await indicators.put("/v1/units/LSS-VALLMON", json=change)).status_code == 428
    moved = {**change, "area": "ifo"}
    refused = await indicators.put("/v1/units/LSS-VALLMON", json=moved, headers={"If-Match": etag})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "area"
    closed = await indicators.put("/v1/units/LSS-VALLMON", json=change, headers={"If-Match": etag})
    assert closed.status_code == 200
    assert closed.json()["closed_on"] == "2029-12-31"
    stale = await indicators.put("/v1/units/LSS-VALLMON", json=change, headers={"If-Match": etag})
    assert stale.status_code == 412
    status = await indicators.get("/v1/scorecards/status", params={"period": "2030"})
    assert "LSS-VALLMON" not in {u["unit_code"] for u in status.json()["units"]}
    earlier = await indicators.get("/v1/scorecards/status", params={"period": "2029"})
    assert "LSS-VALLMON" in {u["unit_code"] for u in earlier.json()["units"]}
