"""Exempelstad (fictional) is compared with six fictional peers on a fresh machine: group mean,
rank and colour show, labelled synthetic; a real municipality never meets their values."""

from __future__ import annotations

from typing import Any

from shared.demo.common import SYNTHETIC_PEERS
from tests.conftest import MakeClient, MakeKey


async def _comparison(client: MakeClient, key: str) -> dict[str, Any]:
    response = await client("indicators", key).get(
        "/v1/analytics",
        params={
            "indicators": "andel_nojda",
            "period": "2024",
            "level": "municipality",
            "gender": "T",
            "include": "comparison",
        },
    )
    assert response.status_code == 200, response.text
    (cell,) = response.json()["items"]
    comparison: dict[str, Any] = cell["comparison"]
    return comparison


async def test_exempelstad_is_ranked_among_its_synthetic_peers_and_says_so(
    client: MakeClient, make_key: MakeKey
) -> None:
    comparison = await _comparison(client, await make_key())
    assert "syntetiska data" in comparison["group_title"]
    assert comparison["group_members_with_data"] == len(SYNTHETIC_PEERS) == 6
    assert comparison["group_mean"] is not None
    assert (comparison["of"], comparison["scope"], comparison["synthetic"]) == (7, "sample", True)
    assert comparison["rank"] in range(1, 8)
    assert comparison["colour"] in {"green", "yellow", "red"}


async def test_a_real_municipality_is_never_compared_with_the_synthetic_peers(
    client: MakeClient, make_key: MakeKey
) -> None:
    comparison = await _comparison(client, await make_key(municipality="1462"))
    assert comparison["synthetic"] is False
    assert comparison["group_members_with_data"] == 0
    assert comparison["of"] is None
