"""Every value says what it is (a unit's own, the municipality's stored figure, Kolada's, or a
roll-up over units with how many), and a stored municipality figure that differs from its
units' roll-up by more than the tolerance is flagged."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import MakeClient, MakeKey
from tests.services.indicators.computation.test_organisation_over_time import _history
from tests.services.indicators.helpers import ingest, survey_rows


def _municipality_row(period: str, value: int) -> dict[str, object]:
    return {"measure_code": "case_interventions", "period": period, "gender": "T", "value": value}


async def _cells(indicators: httpx.AsyncClient, level: str) -> dict[str, dict[str, Any]]:
    response = await indicators.get(
        "/v1/analytics",
        params={"indicators": "ifo_insatser", "level": level, "gender": "T", "period": "2031"},
    )
    assert response.status_code == 200, response.text
    return {c["unit_code"]: c for c in response.json()["items"] if c["value"] is not None}


async def test_a_stored_total_unlike_its_units_is_told_apart_and_flagged(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    indicators = await _history(client, key)
    before = (await _cells(indicators, "municipality"))[""]
    assert before["basis"] == "sum_of_units"
    assert before["unit_rollup"] is None
    units_total = int(str(before["value"]))

    await ingest(client("ingest", key), [_municipality_row("2031", units_total + 122)])
    municipality = (await _cells(indicators, "municipality"))[""]
    assert municipality["value"] == str(units_total + 122)
    assert municipality["basis"] == "stored"
    assert municipality["unit_rollup"] == {
        "value": str(units_total),
        "units": before["units"],
        "basis": "sum_of_units",
        "difference": "122",
        "tolerance": str((units_total + 122) / 100),  # 1 % of the stored figure
        "flagged": True,
    }
    area = (await _cells(indicators, "area"))["ifo"]
    assert (area["basis"], area["units"], area["value"]) == ("sum_of_units", 3, "115")

    # Within 1 %: told apart, not flagged.
    revised = [_municipality_row("2031", units_total + 1)]
    await ingest(client("ingest", key), revised, mode="revise")
    close = (await _cells(indicators, "municipality"))[""]
    assert close["unit_rollup"]["flagged"] is False

    values = await indicators.get(
        "/v1/indicators/ifo_insatser/values",
        params={"period": "2031", "level": "municipality", "gender": "T"},
    )
    assert values.status_code == 200, values.text
    (value,) = values.json()["values"]
    assert (value["basis"], value["unit_rollup"]["value"]) == ("stored", str(units_total))


async def test_a_roll_up_over_a_hidden_unit_is_not_shown_beside_a_stored_figure(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    indicators = client("indicators", key)
    rows = [
        *survey_rows("HT-NORR", "2031", k=(20, 18), m=(10, 9)),
        *survey_rows("HT-SODER", "2031", k=(2, 1), m=(1, 1)),  # fewer than 7: hidden
        *survey_rows("", "2031", k=(40, 30), m=(20, 15)),  # the municipality's own figure
    ]
    for row in rows:
        if not row["unit_code"]:
            del row["unit_code"]
    await ingest(client("ingest", key), rows)
    response = await indicators.get(
        "/v1/analytics",
        params={"indicators": "andel_nojda", "level": "municipality", "period": "2031"},
    )
    assert response.status_code == 200, response.text
    (total,) = [c for c in response.json()["items"] if c["gender"] == "T"]
    assert total["basis"] == "stored"
    assert total["value"] == "75.0"
    assert total["unit_rollup"] is None
