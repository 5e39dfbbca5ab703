"""Real Kolada values available offline (data/kolada_data_sample.json, Källa: Kolada, the
snapshot of 2026-03-23): N00945 for Stockholm, Göteborg and Malmö 2000–2020 (loaded from 2010), N03702/N03703
for 11 municipalities 2012–2023. Stored as a Kolada sync stores them (source 'kolada',
municipality level, the v3 URL that answers each value, arrived on the snapshot's date), so
comparisons — riket aside, which the sample lacks — can be seen without network access.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.demo.catalogue import page
from shared.models import Indicator, Measure, Observation
from shared.periods import Period

SNAPSHOT = datetime(2026, 3, 23, tzinfo=UTC)
"""The day the sample was read (shared/kolada/README.md)."""
V3 = "https://api.kolada.se/v3/data/kpi/{kpi}/municipality/{municipality}/year/{year}"

MEASURES: list[dict[str, Any]] = [
    {
        "code": "N00945",
        "title": "Tillfälliga föräldrapenningdagar (VAB) som tas ut av män, andel av antal "
        "dagar (%)",
        "title_en": "Temporary parental benefit days (VAB) taken by men, share of days (%)",
        "source": "kolada",
        "unit": "%",
        "value_kind": "share",
    },
    {
        "code": "N03702",
        "title": "Bruttoregionprodukt, kommun (BRP), 1000 kr/invånare",
        "title_en": "Gross regional product, municipality (GRP), SEK 1000 per inhabitant",
        "source": "kolada",
        "unit": "tkr",
        "value_kind": "amount",
    },
    {
        "code": "N03703",
        "title": "Bruttoregionprodukt, kommun (BRP), 1000 kr/sysselsatt",
        "title_en": "Gross regional product, municipality (GRP), SEK 1000 per employed person",
        "source": "kolada",
        "unit": "tkr",
        "value_kind": "amount",
    },
]


def _indicator(code: str, measure: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": code,
        "title": measure["title"] + " (Kolada)",
        "title_en": measure["title_en"] + " (Kolada)",
        "description": "Kolada-nyckeltal " + measure["code"] + ", visat som Kolada publicerar det.",
        "area": "overgripande",
        "classification": "struktur",
        "perspective": "verksamhet" if measure["value_kind"] == "share" else "ekonomi",
        "unit": measure["unit"],
        "direction": "higher",
        "decimals": 1,
        "rollup": "mean",
        "numerator_formula": measure["code"],
        "numerator_measure": measure["code"],
        "factor": Decimal(1),
        "suppression": "none",
        "kolada_kpi": measure["code"],
    }


INDICATORS = [
    _indicator(code, measure)
    for code, measure in zip(
        ("kolada_vab_man", "kolada_brp_invanare", "kolada_brp_sysselsatt"), MEASURES, strict=True
    )
]


async def load_definitions(session: AsyncSession) -> None:
    """The sample's measures and indicators (idempotent)."""
    await session.execute(pg_insert(Measure).on_conflict_do_nothing(), MEASURES)
    for spec in INDICATORS:
        exists = await session.execute(select(Indicator.id).where(Indicator.code == spec["code"]))
        if exists.first() is None:
            session.add(Indicator(valid_from=date(2000, 1, 1), **spec))
    await session.flush()


FIRST_YEAR = 2010
"""The store's yearly partitions begin in 2010 (scale_observation_partitions); the sample's
earlier N00945 values (2000–2009) are left out rather than parked in the default partition."""


def observations() -> list[dict[str, Any]]:
    """The sample's values from 2010 on as Kolada observations (deleted or empty values left
    out)."""
    rows = []
    for item in page("kolada_data_sample.json"):
        if int(item["period"]) < FIRST_YEAR:
            continue
        p = Period.parse(str(item["period"]))
        for v in item["values"]:
            if v.get("isdeleted") or v.get("value") is None:
                continue
            url = V3.format(kpi=item["kpi"], municipality=item["municipality"], year=p.year)
            rows.append(
                {
                    "source": "kolada",
                    "municipality_code": item["municipality"],
                    "unit_code": "",
                    "measure_code": item["kpi"],
                    "period": str(p),
                    "period_start": p.start,
                    "period_end": p.end,
                    "gender": v["gender"],
                    "value": Decimal(str(v["value"])),
                    "status": "final",
                    "source_url": url,
                    "arrived_at": SNAPSHOT,
                }
            )
    return rows


async def load(session: AsyncSession) -> None:
    await session.execute(insert(Observation), observations())
