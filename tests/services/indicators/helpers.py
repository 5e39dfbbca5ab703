"""Test data for the indicators service: observations go in through the ingest API (its
owner); Kolada rows of other municipalities are written directly, as ingest's Kolada job
would, since the fake is only the upstream."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import DataVersion, Observation
from shared.periods import Period


def survey_rows(
    unit: str, period: str, k: tuple[int, int], m: tuple[int, int], *, extra: str | None = None
) -> list[dict[str, object]]:
    """Respondents and satisfied for K, M and T = K + M (and optionally another count)."""
    rows: list[dict[str, object]] = []
    for gender, (n, yes) in (("K", k), ("M", m), ("T", (k[0] + m[0], k[1] + m[1]))):
        measures = [("survey_respondents", n), ("survey_satisfied", yes)]
        if extra:
            measures.append((extra, yes))
        for measure, value in measures:
            rows.append(
                {
                    "measure_code": measure,
                    "unit_code": unit,
                    "period": period,
                    "gender": gender,
                    "value": value,
                    "respondents": n,
                }
            )
    return rows


async def ingest(
    client: httpx.AsyncClient, rows: list[dict[str, object]], *, mode: str | None = None
) -> None:
    body: dict[str, object] = {"observations": rows}
    if mode is not None:
        body["mode"] = mode
    response = await client.post("/v1/batches", json=body)
    assert response.status_code == 201, response.text


async def kolada(session: AsyncSession, kpi: str, period: str, values: dict[str, float]) -> None:
    """Municipality-level Kolada values (gender T) for several municipalities."""
    p = Period.parse(period)
    for code, value in values.items():
        await session.execute(
            pg_insert(Observation).values(
                source="kolada",
                municipality_code=code,
                unit_code="",
                measure_code=kpi,
                period=str(p),
                period_start=p.start,
                period_end=p.end,
                gender="T",
                value=Decimal(str(value)),
                status="final",
                source_url="https://api.kolada.se/v3/data/kpi/" + kpi,
            )
        )
        await session.execute(
            pg_insert(DataVersion)
            .values(municipality_code=code, version=1)
            .on_conflict_do_update(
                index_elements=["municipality_code"],
                set_={"version": DataVersion.version + 1},
            )
        )
    await session.commit()
