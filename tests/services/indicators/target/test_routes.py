from __future__ import annotations

from tests.conftest import MakeClient, MakeKey
from tests.services.indicators.helpers import ingest, survey_rows


async def test_create_update_with_if_match_and_delete(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key())
    created = await indicators.post(
        "/v1/targets",
        json={
            "indicator_code": "andel_nojda",
            "scope_type": "area",
            "scope_value": "aldreomsorg",
            "period": "2030",
            "comparator": "at_least",
            "value": "90",
            "tolerance": "3",
            "decision": "VON 2030-01-15 § 4",
        },
    )
    assert created.status_code == 201, created.text
    target_id, etag = created.json()["id"], created.headers["etag"]
    change = {**created.json(), "value": "92"}
    for key in ("id", "municipality_code", "scorecard_id", "version", "updated_at"):
        change.pop(key)
    assert (await indicators.put(f"/v1/targets/{target_id}", json=change)).status_code == 428
    updated = await indicators.put(
        f"/v1/targets/{target_id}", json=change, headers={"If-Match": etag}
    )
    assert updated.status_code == 200
    assert updated.json()["value"] == "92"
    stale = await indicators.put(
        f"/v1/targets/{target_id}", json=change, headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    gone = await indicators.delete(
        f"/v1/targets/{target_id}", headers={"If-Match": updated.headers["etag"]}
    )
    assert gone.status_code == 204
    assert (await indicators.get(f"/v1/targets/{target_id}")).status_code == 404


async def test_refuses_a_target_with_every_problem_located(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key())
    response = await indicators.post(
        "/v1/targets",
        json={
            "indicator_code": "nosuch",
            "scope_type": "unit",
            "scope_value": "HT-NOWHERE",
            "period": "2030T4",
            "comparator": "at_least",
            "value": "90",
        },
    )
    assert response.status_code == 422
    fields = {(e["field"], e["value"]) for e in response.json()["errors"]}
    assert fields == {
        ("indicator_code", "nosuch"),
        ("scope_value", "HT-NOWHERE"),
        ("period", "2030T4"),
    }
    between = await indicators.post(
        "/v1/targets",
        json={"indicator_code": "andel_nojda", "comparator": "between", "value": "1"},
    )
    assert between.status_code == 422


async def test_another_municipalitys_target_is_not_found(
    client: MakeClient, make_key: MakeKey
) -> None:
    mine = client("indicators", await make_key())
    created = await mine.post(
        "/v1/targets",
        json={"indicator_code": "andel_nojda", "comparator": "at_least", "value": "90"},
    )
    theirs = client("indicators", await make_key(municipality="1462"))
    assert (await theirs.get(f"/v1/targets/{created.json()['id']}")).status_code == 404


async def test_a_units_own_target_overrides_the_boards(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    indicators = client("indicators", key)
    await ingest(
        client("ingest", key),
        survey_rows("HT-NORR", "2030", k=(20, 17), m=(10, 8))  # 25 / 30 = 83.3
        + survey_rows("HT-SODER", "2030", k=(20, 17), m=(10, 8)),
    )
    for body in (
        {
            "indicator_code": "andel_nojda",
            "comparator": "at_least",
            "value": "95",
            "period": "2030",
        },
        {
            "indicator_code": "andel_nojda",
            "scope_type": "unit",
            "scope_value": "HT-NORR",
            "comparator": "at_least",
            "value": "80",
            "period": "2030",
        },
    ):
        assert (await indicators.post("/v1/targets", json=body)).status_code == 201
    response = await indicators.get(
        "/v1/analytics",
        params={
            "indicators": "andel_nojda",
            "period": "2030",
            "include": "target,status",
            "units": "HT-NORR,HT-SODER",
        },
    )
    cells = {c["unit_code"]: c for c in response.json()["items"]}
    assert cells["HT-NORR"]["target"]["value"] == "80"
    assert cells["HT-NORR"]["status"]["status"] == "met"
    assert cells["HT-NORR"]["status"]["difference"] == "3.3"
    # The demo's home-care target (unit type) is more specific than the board's 95 %.
    assert cells["HT-SODER"]["target"]["value"] == "88"
    assert cells["HT-SODER"]["status"]["status"] == "partly_met"
    assert cells["HT-SODER"]["status"]["explanation"] == (
        "83,3 % ≥ 88 %: skillnad -4,7 %, inom toleransen 5 % → delvis uppfyllt"
    )
    assert cells["HT-SODER"]["status"]["explanation_en"] == (
        "83.3 % ≥ 88 %: difference -4.7 %, within the tolerance 5 % → partly met"
    )
    board = await indicators.get(
        "/v1/analytics",
        params={
            "indicators": "andel_nojda",
            "period": "2030",
            "include": "target,status",
            "level": "municipality",
        },
    )
    (whole,) = board.json()["items"]
    assert whole["target"]["value"] == "95"
    assert whole["status"]["status"] == "not_met"
