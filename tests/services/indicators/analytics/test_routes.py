from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import MakeClient, MakeKey
from tests.services.indicators.helpers import ingest, kolada, survey_rows


async def test_etag_gives_304_until_ingest_reports_a_change(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    indicators = client("indicators", key)
    await ingest(client("ingest", key), survey_rows("HT-NORR", "2030", k=(20, 18), m=(10, 7)))
    params = {"indicators": "andel_nojda", "period": "2030", "units": "HT-NORR"}
    first = await indicators.get("/v1/analytics", params=params)
    assert first.status_code == 200
    assert first.json()["items"][0]["value"] == "83.3"
    etag = first.headers["etag"]
    assert first.headers["content-encoding"] == "gzip"  # httpx asks for it, as browsers do
    plain = await indicators.get(
        "/v1/analytics", params=params, headers={"Accept-Encoding": "identity"}
    )
    assert "content-encoding" not in plain.headers
    assert plain.json() == first.json()
    assert plain.headers["etag"] == etag
    again = await indicators.get("/v1/analytics", params=params, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    await ingest(
        client("ingest", key),
        survey_rows("HT-NORR", "2030", k=(20, 20), m=(10, 10)),
        mode="revise",
    )
    changed = await indicators.get("/v1/analytics", params=params, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert changed.json()["items"][0]["value"] == "100.0"


async def test_one_response_holds_value_target_status_trend_and_gender_gap(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    rows = (
        survey_rows("HT-NORR", "2027", k=(30, 24), m=(30, 24))
        + survey_rows("HT-NORR", "2029", k=(30, 27), m=(30, 21))
        + survey_rows("HT-NORR", "2030", k=(30, 29), m=(30, 22))
    )
    await ingest(client("ingest", key), rows)
    response = await client("indicators", key).get(
        "/v1/analytics",
        params={
            "indicators": "andel_nojda",
            "period": "2030",
            "units": "HT-NORR",
            "gender": "T,K,M",
            "include": "target,status,trend,gender_gap,numerator,denominator,provenance",
        },
    )
    cells = {c["gender"]: c for c in response.json()["items"]}
    total = cells["T"]
    assert (total["value"], total["numerator"], total["denominator"]) == ("85.0", "51", "60")
    assert total["target"]["value"] == "88"
    assert total["status"]["status"] == "partly_met"
    assert total["trend"] == {
        "previous_period": "2029",
        "previous_value": "80.0",
        "change": "5.0",
        "three_years_ago_period": "2027",
        "three_years_ago_value": "80.0",
        "change_three_years": "5.0",
    }
    gap = total["gender_gap"]
    assert (gap["women"], gap["men"], gap["gap"]) == ("96.7", "73.3", "23.4")
    assert gap["flagged"] is True  # 23.4 > 5 and both groups have 30 respondents
    assert len(total["observation_ids"]) == 2
    assert cells["K"]["status"]["target"] == "85"


async def test_area_level_and_paging(client: MakeClient, make_key: MakeKey) -> None:
    key = await make_key()
    await ingest(
        client("ingest", key),
        survey_rows("HT-NORR", "2030", k=(20, 18), m=(10, 7))
        + survey_rows("SABO-EKEN", "2030", k=(20, 16), m=(10, 8)),
    )
    indicators = client("indicators", key)
    response = await indicators.get(
        "/v1/analytics",
        params={
            "indicators": "andel_nojda",
            "period": "2030",
            "level": "area,unit",
            "limit": 2,
            "offset": 0,
        },
    )
    body = response.json()
    assert body["total"] == 11  # two areas + nine units
    assert [(i["level"], i["unit_code"]) for i in body["items"]] == [
        ("area", "aldreomsorg"),
        ("area", "lss"),
    ]
    area, lss = body["items"]
    assert (area["value"], area["n"], area["units"]) == ("81.7", 60, 2)  # 49 / 60
    assert lss["value"] is None
    assert lss["units"] == 0
    rest = await indicators.get(
        "/v1/analytics",
        params={
            "indicators": "andel_nojda",
            "period": "2030",
            "level": "area,unit",
            "limit": 500,
            "offset": 2,
        },
    )
    assert [i["level"] for i in rest.json()["items"]] == ["unit"] * 9


async def test_comparison_with_riket_similar_municipalities_and_rank(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    # Ludvika (2085) in Kolada's "Liknande kommuner äldreomsorg, Ludvika, 2024" group.
    group = await session.execute(
        text(
            "SELECT members FROM municipality_group "
            "WHERE title LIKE 'Liknande kommuner äldreomsorg, Ludvika,%'"
        )
    )
    members = list(group.scalar_one())
    values = {
        "0000": 86.0,
        "2085": 84.0,
        members[0]: 90.0,
        members[1]: 80.0,
        "0180": 70.0,
        "1462": 95.0,
        "1461": 60.0,
        "2480": 88.0,
    }
    await kolada(session, "U21468", "2030", values)
    indicators = client("indicators", await make_key(municipality="2085"))
    response = await indicators.get(
        "/v1/analytics",
        params={
            "indicators": "kolada_nojd_hemtjanst",
            "period": "2030",
            "level": "municipality",
            "include": "comparison",
        },
    )
    (cell,) = response.json()["items"]
    assert cell["value"] == "84"
    assert cell["attribution"] == "kolada"
    assert cell["source_note"] == "Källa: Kolada"
    comparison = cell["comparison"]
    assert comparison["riket"] == "86.0"  # one decimal more than the indicator's 0
    assert comparison["group_title"].startswith("Liknande kommuner äldreomsorg, Ludvika")
    assert (comparison["group_mean"], comparison["group_members_with_data"]) == ("85.0", 2)
    # Among 7 municipalities: 95, 90, 88, 84, 80, 70, 60 → Ludvika 4th, the middle half.
    assert (comparison["rank"], comparison["of"], comparison["colour"]) == (4, 7, "yellow")
    # …of Sweden's 290: a sample's rank and colour, never to be read as national.
    assert (comparison["population"], comparison["scope"]) == (290, "sample")


async def test_oppna_jamforelser_year_over_year_for_mellerud(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key(municipality="1461"))
    response = await indicators.get(
        "/v1/analytics",
        params={
            "indicators": "oj_aldreomsorg,oj_lss,oj_hsl,oj_ekonomiskt_bistand,oj_missbruk,"
            "oj_barn_unga",
            "period": "2022",
            "level": "municipality",
            "include": "trend",
        },
    )
    got = {
        c["indicator_code"]: (c["trend"]["previous_value"], c["value"], c["trend"]["change"])
        for c in response.json()["items"]
    }
    assert got == {
        "oj_aldreomsorg": ("28", "50", "22"),
        "oj_lss": ("37", "75", "38"),
        "oj_hsl": ("23", "38", "15"),
        "oj_ekonomiskt_bistand": ("41", "75", "34"),
        "oj_missbruk": ("27", "32", "5"),
        "oj_barn_unga": ("27", "67", "40"),
    }


async def test_bad_queries_are_located(client: MakeClient, make_key: MakeKey) -> None:
    indicators = client("indicators", await make_key())
    cases = [
        ({"indicators": "nosuch", "period": "2030"}, "indicators"),
        ({"indicators": "andel_nojda", "period": "2030T5"}, "period"),
        ({"indicators": "andel_nojda", "from": "2030", "to": "2020T1"}, "to"),
        ({"indicators": "andel_nojda", "period": "2030", "include": "everything"}, "include"),
        ({"indicators": "andel_nojda", "period": "2030", "units": "HT-NOWHERE"}, "units"),
        ({"indicators": "andel_nojda", "period": "2030", "gender": "X"}, "gender"),
    ]
    for params, field in cases:
        response = await indicators.get("/v1/analytics", params=params)
        assert response.status_code == 422, (params, response.text)
        assert response.json()["errors"][0]["field"] == field


async def test_a_period_range_expands_to_every_period_in_it(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key())
    response = await indicators.get(
        "/v1/analytics",
        params={"indicators": "andel_nojda", "from": "2023T3", "to": "2024T2", "level": "area"},
    )
    assert response.json()["periods"] == ["2023T3", "2024T1", "2024T2"]


async def test_an_area_total_never_reveals_a_suppressed_unit(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    await ingest(
        client("ingest", key),
        survey_rows("HT-NORR", "2030", k=(20, 18), m=(10, 7))
        + survey_rows("HT-SODER", "2030", k=(15, 12), m=(9, 8))
        + survey_rows("HT-VASTER", "2030", k=(4, 4), m=(2, 2)),  # 6 respondents: hidden
    )
    response = await client("indicators", key).get(
        "/v1/analytics",
        params={"indicators": "andel_nojda", "period": "2030", "level": "unit,area"},
    )
    cells = {(c["level"], c["unit_code"]): c for c in response.json()["items"]}
    assert cells[("unit", "HT-VASTER")]["value"] is None
    assert cells[("unit", "HT-NORR")]["value"] == "83.3"
    assert cells[("unit", "HT-VASTER")]["suppression"] == "primary"
    # 45/54 shown beside 25/30 and 20/24 would give Väster's 6/6 by subtraction: the smaller
    # sibling is hidden instead (secondary), and the area total stays shown.
    soder = cells[("unit", "HT-SODER")]
    assert soder["suppression"] == "secondary"
    assert soder["suppression_reason"] == "complementary"
    assert soder["value"] is None
    assert soder["n"] is None
    area = cells[("area", "aldreomsorg")]
    assert area["suppressed"] is False
    assert area["n"] == 60
