"""POST /v1/evaluations: indicator codes are checked before they reach the indicators service,
and the client percent-encodes whatever code it is given."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from shared.clients.base import PeerError
from shared.clients.indicators import IndicatorsClient
from shared.settings import Settings
from tests.conftest import MakeClient, MakeKey
from tests.helpers import HostRouter


@pytest.mark.parametrize("code", ["\u0003", "andel/nojda", "a b", "andel_nöjda", "x" * 65])
async def test_an_indicator_code_outside_the_catalogue_pattern_is_a_located_422(
    client: MakeClient, make_key: MakeKey, code: str
) -> None:
    awards = client("awards", await make_key())
    refused = await awards.post(
        "/v1/evaluations", json={"title": "x", "indicator_code": code, "period": "2024"}
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    (error,) = refused.json()["errors"]
    assert error["loc"] == ["body", "indicator_code"]


async def test_the_scheme_and_grant_criteria_check_indicator_codes_too(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = client("awards", await make_key())
    scheme = {
        "year": 2024,
        "code": "pris",
        "title": "Pris",
        "prize_amount": "1000",
        "specification": {
            "group_weights": {"survey": 1},
            "criteria": [
                {"code": "c", "title": "C", "group": "survey", "indicator_code": "a\u0003"}
            ],
        },
    }
    refused = await awards.post("/v1/schemes", json=scheme)
    assert refused.status_code == 422, refused.text
    assert "indicator_code" in refused.json()["errors"][0]["loc"]


@pytest.mark.parametrize("code", ["\u0003", "andel_nojda/../../units", "a?b=c", "%2F"])
async def test_the_client_sends_a_code_as_one_encoded_path_segment(
    apps: dict[str, FastAPI], settings: Settings, make_key: MakeKey, code: str
) -> None:
    router = HostRouter()
    router.add("indicators", apps["indicators"])
    seen: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        seen.append(request)

    async with httpx.AsyncClient(transport=router, event_hooks={"request": [record]}) as http:
        indicators = IndicatorsClient(http, settings)
        with pytest.raises(PeerError) as raised:
            await indicators.indicator_values(
                code, token=await make_key(), municipality_code="9990", period="2024"
            )
    # No such indicator: the indicators service's own 404, not a malformed URL or another route.
    assert raised.value.status == 404
    (request,) = seen
    assert request.url.raw_path.split(b"?")[0].count(b"/") == 4  # /v1/indicators/<code>/values
    assert request.url.params["municipality_code"] == "9990"
