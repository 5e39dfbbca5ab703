"""Demo definitions owned by the indicators service: measures, indicators, Exempelstad's units."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.demo.common import DEMO_MUNICIPALITY
from shared.models import Indicator, Measure, OrgUnit

MEASURES: list[dict[str, Any]] = [
    {
        "code": "survey_respondents",
        "title": "Brukarundersökning: antal svarande",
        "source": "local",
        "unit": "antal",
        "value_kind": "count",
    },
    {
        "code": "survey_satisfied",
        "title": "Brukarundersökning: antal nöjda med helheten",
        "source": "local",
        "unit": "antal",
        "value_kind": "count",
    },
    {
        "code": "oj_positive_share_aldreomsorg",
        "title": "Öppna jämförelser äldreomsorg: andel positiva svar",
        "source": "local",
        "unit": "%",
        "value_kind": "share",
    },
    {
        "code": "oj_positive_share_hsl",
        "title": "Öppna jämförelser kommunal hälso- och sjukvård: andel positiva svar",
        "source": "local",
        "unit": "%",
        "value_kind": "share",
    },
    {
        "code": "oj_positive_share_lss",
        "title": "Öppna jämförelser LSS: andel positiva svar",
        "source": "local",
        "unit": "%",
        "value_kind": "share",
    },
    {
        "code": "oj_positive_share_ekonomiskt_bistand",
        "title": "Öppna jämförelser ekonomiskt bistånd: andel positiva svar",
        "source": "local",
        "unit": "%",
        "value_kind": "share",
    },
    {
        "code": "oj_positive_share_missbruk",
        "title": "Öppna jämförelser missbruks- och beroendevård: andel positiva svar",
        "source": "local",
        "unit": "%",
        "value_kind": "share",
    },
    {
        "code": "oj_positive_share_barn_unga",
        "title": "Öppna jämförelser social barn- och ungdomsvård: andel positiva svar",
        "source": "local",
        "unit": "%",
        "value_kind": "share",
    },
    {
        "code": "U21468",
        "title": "Brukarbedömning hemtjänst äldreomsorg - helhetssyn, andel (%)",
        "source": "kolada",
        "unit": "%",
        "value_kind": "share",
    },
    {
        "code": "U23471",
        "title": "Brukarbedömning särskilt boende äldreomsorg - helhetssyn, andel (%)",
        "source": "kolada",
        "unit": "%",
        "value_kind": "share",
    },
]

INDICATORS: list[dict[str, Any]] = [
    {
        "code": "andel_nojda",
        "title": "Andel nöjda brukare (helhetssyn)",
        "description": "Andel svarande som är mycket eller ganska nöjda med omsorgen i sin helhet: "
        "nöjda ÷ svarande × 100.",
        "area": "aldreomsorg",
        "classification": "effekt",
        "perspective": "malgrupp",
        "unit": "%",
        "direction": "higher",
        "decimals": 1,
        "rollup": "weighted",
        "numerator_measure": "survey_satisfied",
        "denominator_measure": "survey_respondents",
        "factor": Decimal(100),
    },
]

DEMO_UNITS = [
    ("HT-NORR", "Hemtjänst Norr", "hemtjanst", "aldreomsorg"),
    ("HT-SODER", "Hemtjänst Söder", "hemtjanst", "aldreomsorg"),
    ("HT-VASTER", "Hemtjänst Väster", "hemtjanst", "aldreomsorg"),
    ("HT-OSTER", "Hemtjänst Öster", "hemtjanst", "aldreomsorg"),
    ("SABO-LINDEN", "Lindens vård- och omsorgsboende", "sarskilt_boende", "aldreomsorg"),
    ("SABO-EKEN", "Ekens vård- och omsorgsboende", "sarskilt_boende", "aldreomsorg"),
    ("SABO-BJORKEN", "Björkens vård- och omsorgsboende", "sarskilt_boende", "aldreomsorg"),
    ("LSS-SOLROSEN", "Gruppbostad Solrosen", "gruppbostad", "lss"),
    ("LSS-VALLMON", "Gruppbostad Vallmon", "gruppbostad", "lss"),
]


async def load_definitions(session: AsyncSession) -> None:
    """Measures and indicators (idempotent)."""
    await session.execute(pg_insert(Measure).on_conflict_do_nothing(), MEASURES)
    for spec in INDICATORS:
        exists = await session.execute(select(Indicator.id).where(Indicator.code == spec["code"]))
        if exists.first() is None:
            session.add(Indicator(valid_from=date(2000, 1, 1), **spec))
    await session.flush()


async def load(session: AsyncSession) -> None:
    """Exempelstad's units (synthetic)."""
    for code, title, unit_type, area in DEMO_UNITS:
        session.add(
            OrgUnit(
                municipality_code=DEMO_MUNICIPALITY,
                code=code,
                title=title,
                unit_type=unit_type,
                area=area,
                opened_on=date(2015, 1, 1),
                synthetic=True,
            )
        )
    await session.flush()
