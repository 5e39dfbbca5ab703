from __future__ import annotations

from typing import Any

from tests.conftest import MakeClient, MakeKey
from tests.services.indicators.helpers import ingest, survey_rows

NEW = {
    "code": "andel_nojda_k",
    "title": "Andel nöjda kvinnor av alla svarande",
    "area": "aldreomsorg",
    "classification": "effekt",
    "perspective": "malgrupp",
    "unit": "%",
    "direction": "higher",
    "numerator": "100 * survey_satisfied[K]",
    "denominator": "survey_respondents",
}


async def test_creates_an_indicator_from_a_formula_and_computes_it(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    indicators = client("indicators", key)
    created = await indicators.post("/v1/indicators", json=NEW)
    assert created.status_code == 201, created.text
    assert created.json()["measures"] == ["survey_satisfied", "survey_respondents"]
    assert created.headers["etag"] == '"andel_nojda_k.v1"'
    await ingest(client("ingest", key), survey_rows("HT-NORR", "2030", k=(20, 18), m=(10, 7)))
    values = await indicators.get("/v1/indicators/andel_nojda_k/values", params={"period": "2030"})
    (norr,) = values.json()["values"]
    assert norr["value"] == "60.0"  # 100 × 18 women satisfied ÷ 30 respondents
    assert norr["attribution"] == "derived"


async def test_a_bad_formula_is_refused_with_field_and_position(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key())
    bad: dict[str, Any] = {**NEW, "numerator": "100 * (survey_satisfied", "denominator": "nosuch"}
    response = await indicators.post("/v1/indicators", json=bad)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert errors["numerator"]["position"] == 23
    assert "väntade ')'" in errors["numerator"]["message"]
    assert errors["denominator"]["value"] == "nosuch"
    assert errors["denominator"]["code"] == "unknown_measure"
    listed = await indicators.get("/v1/indicators", params={"limit": 500})
    assert "andel_nojda_k" not in {i["code"] for i in listed.json()["items"]}


async def test_a_new_version_needs_if_match_and_old_periods_keep_their_version(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    indicators = client("indicators", key)
    await indicators.post("/v1/indicators", json=NEW)
    version = {k: v for k, v in NEW.items() if k != "code"}
    version.update(numerator="survey_satisfied", factor="100", valid_from="2031-01-01")
    missing = await indicators.post("/v1/indicators/andel_nojda_k/versions", json=version)
    assert missing.status_code == 428
    stale = await indicators.post(
        "/v1/indicators/andel_nojda_k/versions", json=version, headers={"If-Match": '"x.v9"'}
    )
    assert stale.status_code == 412
    made = await indicators.post(
        "/v1/indicators/andel_nojda_k/versions",
        json=version,
        headers={"If-Match": '"andel_nojda_k.v1"'},
    )
    assert made.status_code == 201, made.text
    assert made.json()["version"] == 2
    rows = survey_rows("HT-NORR", "2030", k=(20, 18), m=(10, 7)) + survey_rows(
        "HT-NORR", "2031", k=(20, 18), m=(10, 7)
    )
    await ingest(client("ingest", key), rows)
    old = await indicators.get("/v1/indicators/andel_nojda_k/values", params={"period": "2030"})
    new = await indicators.get("/v1/indicators/andel_nojda_k/values", params={"period": "2031"})
    assert (old.json()["indicator_version"], old.json()["values"][0]["value"]) == (1, "60.0")
    assert (new.json()["indicator_version"], new.json()["values"][0]["value"]) == (2, "83.3")
    history = await indicators.get("/v1/indicators/andel_nojda_k/versions")
    assert [(v["version"], v["valid_to"]) for v in history.json()] == [
        (1, "2030-12-31"),
        (2, None),
    ]


async def test_values_contract_for_awards_is_unchanged(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    await ingest(client("ingest", key), survey_rows("HT-SODER", "2030", k=(15, 12), m=(9, 8)))
    response = await client("indicators", key).get(
        "/v1/indicators/andel_nojda/values",
        params={"period": "2030", "gender": "all", "level": "unit"},
    )
    body = response.json()
    assert set(body) == {
        "indicator_code",
        "indicator_version",
        "title",
        "unit",
        "direction",
        "decimals",
        "municipality_code",
        "period",
        "level",
        "values",
    }
    by_gender = {v["gender"]: v for v in body["values"] if v["unit_code"] == "HT-SODER"}
    assert by_gender["T"]["value"] == "83.3"
    assert by_gender["T"]["n"] == 24
    assert by_gender["T"]["unit_title"] == "Hemtjänst Söder"


async def test_another_municipalitys_values_are_absent_and_show_nothing_of_its_changes(
    client: MakeClient, make_key: MakeKey
) -> None:
    other = client("indicators", await make_key(municipality="1462"))
    params = {"period": "2030", "municipality_code": "9990"}
    before = await other.get("/v1/indicators/andel_nojda/values", params=params)
    own = await make_key()
    await ingest(client("ingest", own), survey_rows("HT-NORR", "2030", k=(20, 18), m=(10, 7)))
    after = await other.get("/v1/indicators/andel_nojda/values", params=params)
    for response in (before, after):
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "9990" in response.json()["detail"]
    # Nothing in the answer moves when 9990's data changes (no data_version, no ETag).
    assert after.json()["detail"] == before.json()["detail"]
    assert "etag" not in after.headers
