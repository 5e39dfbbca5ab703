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
