"""The analytics page is assembled as plain JSON values, not as AnalyticsPage objects (they
would cost more than computing the cells), and without include=provenance from the engine's
columns, a unit cell made only when it is shown: every answer must still be exactly what the
model would write and what the per-cell path computes, for every part a query can include,
at every level, in both languages, suppressed cells and comparisons among them."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.analytics.schemas import INCLUDES, AnalyticsCell, AnalyticsPage
from tests.conftest import MakeClient, MakeKey
from tests.services.indicators.helpers import ingest, kolada, survey_rows

ALWAYS = [
    name
    for name in AnalyticsCell.model_fields
    if name not in {"numerator", "denominator", "observation_ids", *INCLUDES, "gender_gap"}
]


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_every_answer_is_the_models_own_json(
    client: MakeClient, make_key: MakeKey, session: AsyncSession, language: str
) -> None:
    await kolada(session, "U21468", "2030", {"0000": 86.0, "9990": 84.0, "1461": 60.0})
    key = await make_key()
    rows = []
    for year in ("2027", "2029", "2030"):
        rows += survey_rows("", year, k=(60, 48), m=(60, 40))  # the municipality's own figure
        rows += survey_rows("HT-NORR", year, k=(30, 24), m=(30, 21))
        rows += survey_rows("SABO-EKEN", year, k=(20, 16), m=(4, 3))  # men: too few
    await ingest(client("ingest", key), rows)
    indicators = client("indicators", key)
    queries: list[dict[str, str | int]] = [
        {"indicators": "andel_nojda", "level": "unit,area,municipality"},
        {"indicators": "kolada_nojd_hemtjanst", "level": "municipality"},
        {"indicators": "andel_nojda,kolada_nojd_hemtjanst", "level": "area,unit", "limit": 5},
    ]
    includes = [
        ",".join(INCLUDES),
        "",
        "target,status",
        "trend,gender_gap",
        "comparison",
        "target,status,trend,gender_gap,numerator,denominator",
    ]
    seen: set[str] = set()
    for query, include in itertools.product(queries, includes):
        response = await indicators.get(
            "/v1/analytics",
            params={**query, "period": "2030", "gender": "T,K,M", "include": include},
            headers={"Accept-Language": language, "Accept-Encoding": "identity"},
        )
        assert response.status_code == 200, response.text
        body = response.content
        assert (
            AnalyticsPage.model_validate_json(body).model_dump_json(exclude_unset=True).encode()
            == body
        )
        if "provenance" not in include:
            # Computed on columns, a cell made only for the page: the very cells the per-cell
            # path computes (asked for their observation ids), less those ids.
            explained = await indicators.get(
                "/v1/analytics",
                params={
                    **query,
                    "period": "2030",
                    "gender": "T,K,M",
                    "include": include + ",provenance",
                },
                headers={"Accept-Language": language},
            )
            for item in (items := explained.json()["items"]):
                del item["observation_ids"]
            assert items == response.json()["items"]
        for item in response.json()["items"]:
            # Every item names every figure and code, a null where there is none.
            assert list(item)[: len(ALWAYS)] == ALWAYS
            seen.update(k for k, v in item.items() if v is not None)
            seen.update(f"suppression:{item['suppression']}" for _ in [0] if item["suppressed"])
    # The answers held every part, a hidden cell among them.
    assert {
        "unit_title", "unit_rollup", "numerator", "observation_ids", "target", "status",
        "trend", "comparison", "gender_gap", "source_note", "suppression:primary",
        "suppression:secondary",
    } <= seen  # fmt: skip
