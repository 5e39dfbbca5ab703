"""The demo holds the real Kolada values of the offline sample, so comparisons show on a fresh
machine without network access, attributed to Kolada with the snapshot's date."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.demo import kolada_sample
from shared.models import Observation
from tests.conftest import MakeClient, MakeKey


async def test_the_samples_values_are_stored_as_kolada_publishes_them(
    session: AsyncSession,
) -> None:
    found = await session.execute(
        select(Observation.measure_code, func.count(), func.min(Observation.arrived_at))
        .where(Observation.source == "kolada", Observation.kolada_job_id.is_(None))
        .where(Observation.measure_code.in_(["N00945", "N03702", "N03703"]))
        .group_by(Observation.measure_code)
        .order_by(Observation.measure_code)
    )
    rows = found.all()
    # N00945 from 2010 (the store's first partition) to 2020 for three cities.
    assert [(kpi, n) for kpi, n, _ in rows] == [("N00945", 33), ("N03702", 120), ("N03703", 120)]
    assert {arrived for _, _, arrived in rows} == {kolada_sample.SNAPSHOT}


async def test_malmo_is_compared_with_the_other_municipalities_of_the_sample_offline(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key(municipality="1280"))
    response = await indicators.get(
        "/v1/analytics",
        params={
            "indicators": "kolada_brp_invanare",
            "period": "2019",
            "level": "municipality",
            "gender": "T",
            "include": "comparison",
        },
    )
    assert response.status_code == 200, response.text
    (cell,) = response.json()["items"]
    assert cell["value"] is not None
    assert (cell["attribution"], cell["source_note"], cell["basis"]) == (
        "kolada",
        "Källa: Kolada",
        "kolada",
    )
    comparison = cell["comparison"]
    # Ranked among the sample's 11, out of Sweden's 290: a sample, never national.
    assert (comparison["of"], comparison["population"], comparison["scope"]) == (11, 290, "sample")
    assert comparison["colour"] in {"green", "yellow", "red"}
