"""Each period rolls up over the organisation valid in it; `as_of` re-states every period in
the organisation of one date (README "The organisation over time")."""

from __future__ import annotations

import httpx

from tests.conftest import MakeClient, MakeKey
from tests.services.indicators.helpers import ingest

INDICATOR = "ifo_insatser"  # sum over units of case_interventions


async def _unit(indicators: httpx.AsyncClient, code: str, area: str, **dates: str) -> None:
    body = {"code": code, "title": code, "unit_type": "ifo", "area": area, **dates}
    created = await indicators.post("/v1/units", json=body)
    assert created.status_code == 201, created.text


async def _history(client: MakeClient, key: str) -> httpx.AsyncClient:
    """A and B in ifo; OLD closed 2031-12-31 and its successor NEW from 2032-01-01; A moved
    to socialpsykiatri from 2032-01-01."""
    indicators = client("indicators", key)
    await _unit(indicators, "T17-A", "ifo", opened_on="2020-01-01")
    await _unit(indicators, "T17-B", "ifo", opened_on="2020-01-01")
    await _unit(indicators, "T17-OLD", "ifo", opened_on="2020-01-01", closed_on="2031-12-31")
    await _unit(indicators, "T17-NEW", "ifo", opened_on="2032-01-01")
    moved = await indicators.post(
        "/v1/units/T17-A/moves", json={"area": "socialpsykiatri", "on": "2032-01-01"}
    )
    assert moved.status_code == 200, moved.text
    values = {
        "2031": {"T17-A": 10, "T17-B": 5, "T17-OLD": 100},
        "2032": {"T17-A": 20, "T17-B": 7, "T17-NEW": 200},
    }
    await ingest(
        client("ingest", key),
        [
            {
                "measure_code": "case_interventions",
                "unit_code": unit,
                "period": period,
                "gender": "T",
                "value": value,
            }
            for period, by_unit in values.items()
            for unit, value in by_unit.items()
        ],
    )
    return indicators


async def _areas(indicators: httpx.AsyncClient, **params: str) -> dict[tuple[str, str], str]:
    response = await indicators.get(
        "/v1/analytics",
        params={"indicators": INDICATOR, "level": "area", "gender": "T", **params},
    )
    assert response.status_code == 200, response.text
    return {
        (c["period"], c["unit_code"]): c["value"]
        for c in response.json()["items"]
        if c["value"] is not None and c["unit_code"] in ("ifo", "socialpsykiatri")
    }


async def test_each_period_of_a_trend_rolls_up_over_its_own_organisation(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = await _history(client, await make_key())
    alone_2031 = await _areas(indicators, period="2031")
    alone_2032 = await _areas(indicators, period="2032")
    assert alone_2031 == {("2031", "ifo"): "115"}
    assert alone_2032 == {("2032", "ifo"): "207", ("2032", "socialpsykiatri"): "20"}
    both = await _areas(indicators, period="2031,2032")
    assert both == {**alone_2031, **alone_2032}
    assert await _areas(indicators, **{"from": "2031", "to": "2032"}) == both


async def test_as_of_restates_every_period_in_the_organisation_of_that_date(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = await _history(client, await make_key())
    restated = await _areas(indicators, period="2031,2032", as_of="2032-06-30")
    # A counts where it is on that date; OLD, closed by then, in the last area it had.
    assert restated == {
        ("2031", "ifo"): "105",
        ("2031", "socialpsykiatri"): "10",
        ("2032", "ifo"): "207",
        ("2032", "socialpsykiatri"): "20",
    }
    before_the_move = await _areas(indicators, period="2031,2032", as_of="2031-06-30")
    assert before_the_move == {("2031", "ifo"): "115", ("2032", "ifo"): "227"}


async def test_a_value_stored_before_its_unit_was_closed_counts_nowhere_after_the_closing(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    indicators = await _history(client, key)
    await _unit(indicators, "T17-LATE", "ifo", opened_on="2020-01-01")
    await ingest(
        client("ingest", key),
        [
            {
                "measure_code": "case_interventions",
                "unit_code": "T17-LATE",
                "period": "2032",
                "gender": "T",
                "value": 50,
            }
        ],
    )

    async def totals() -> dict[str, str]:
        response = await indicators.get(
            "/v1/analytics",
            params={"indicators": INDICATOR, "level": "municipality,area", "period": "2032"},
        )
        assert response.status_code == 200, response.text
        return {
            c["unit_code"]: c["value"]
            for c in response.json()["items"]
            if c["gender"] == "T" and c["unit_code"] in ("", "ifo")
        }

    before = await totals()
    assert before["ifo"] == "257"
    current = await indicators.get("/v1/units/T17-LATE")
    change = {k: current.json()[k] for k in ("title", "unit_type", "area", "kolada_ou_id")}
    change.update(opened_on="2020-01-01", closed_on="2031-12-31")
    closed = await indicators.put(
        "/v1/units/T17-LATE", json=change, headers={"If-Match": current.headers["etag"]}
    )
    assert closed.status_code == 200, closed.text
    after = await totals()
    assert after["ifo"] == "207"
    assert int(after[""]) == int(before[""]) - 50
