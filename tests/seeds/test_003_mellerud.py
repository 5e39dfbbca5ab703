"""Seed 003 (Melleruds kommun, 1461, published 2022-09-01): the share of quality factors
answered positively in Öppna jämförelser, 2021 → 2022, per area, read back over HTTP; and the
shared social-services leadership with Bengtsfors (1460)."""

from __future__ import annotations

from decimal import Decimal

import httpx

from tests.conftest import MakeClient, MakeKey

MELLERUD = "1461"
# indicator → (2021, 2022) as the article prints them (%).
PRINTED = {
    "oj_aldreomsorg": (28, 50),
    "oj_hsl": (23, 38),
    "oj_lss": (37, 75),
    "oj_ekonomiskt_bistand": (41, 75),
    "oj_missbruk": (27, 32),
    "oj_barn_unga": (27, 67),
}


async def _value(indicators: httpx.AsyncClient, code: str, year: int) -> Decimal:
    response = await indicators.get(
        f"/v1/indicators/{code}/values",
        params={"municipality_code": MELLERUD, "period": str(year), "level": "municipality"},
    )
    assert response.status_code == 200, response.text
    [total] = [v for v in response.json()["values"] if v["gender"] == "T"]
    return Decimal(total["value"])


async def test_every_area_improves_from_2021_to_2022_by_the_printed_shares(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key(municipality=MELLERUD))
    for code, (y2021, y2022) in PRINTED.items():
        assert await _value(indicators, code, 2021) == y2021, code
        assert await _value(indicators, code, 2022) == y2022, code
    # "förbättrar sig förvaltningen inom samtliga områden från föregående år"
    assert all(y2022 > y2021 for y2021, y2022 in PRINTED.values())


async def test_marks_code_1463_no_longer_carries_melleruds_figures(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key(municipality="1463"))
    response = await indicators.get(
        "/v1/indicators/oj_lss/values",
        params={"municipality_code": "1463", "period": "2022", "level": "municipality"},
    )
    assert response.status_code == 200, response.text
    assert [v["value"] for v in response.json()["values"] if v["value"] is not None] == []
