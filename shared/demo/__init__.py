"""Deterministic demo data, loaded once by `make run` and usable by tests.

- The Kolada catalogue copy in data/ (Källa: Kolada).
- Figures published in the seed documents: Lilla Edet's frame ledger 2021 (seed 001 §6),
  Mellerud's Öppna jämförelser shares 2021–2022 (seed 003).
- Exempelstad (code 9990, fictional): units and survey series from a seeded generator,
  labelled synthetic.

Seed data is written straight through the models in one unit of work (like a migration's
data step); it is not a service's business logic.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import (
    BudgetFrame,
    DataVersion,
    FrameChange,
    Indicator,
    IngestBatch,
    KoladaKpi,
    Measure,
    Municipality,
    MunicipalityGroup,
    Observation,
    OrgUnit,
)
from shared.periods import Period

DATA = Path(__file__).resolve().parent / "data"
DEMO_MUNICIPALITY = "9990"
DEMO_MUNICIPALITY_TITLE = "Exempelstad (fiktiv kommun, syntetiska data)"
DEMO_YEARS = range(2019, 2025)
SEED = 2021

MEASURES: list[dict[str, Any]] = [
    {"code": "survey_respondents", "title": "Brukarundersökning: antal svarande", "source": "local",
     "unit": "antal", "value_kind": "count"},
    {"code": "survey_satisfied", "title": "Brukarundersökning: antal nöjda med helheten",
     "source": "local", "unit": "antal", "value_kind": "count"},
    {"code": "oj_positive_share_aldreomsorg", "title": "Öppna jämförelser äldreomsorg: andel positiva svar",
     "source": "local", "unit": "%", "value_kind": "share"},
    {"code": "oj_positive_share_hsl", "title": "Öppna jämförelser kommunal hälso- och sjukvård: andel positiva svar",
     "source": "local", "unit": "%", "value_kind": "share"},
    {"code": "oj_positive_share_lss", "title": "Öppna jämförelser LSS: andel positiva svar",
     "source": "local", "unit": "%", "value_kind": "share"},
    {"code": "oj_positive_share_ekonomiskt_bistand", "title": "Öppna jämförelser ekonomiskt bistånd: andel positiva svar",
     "source": "local", "unit": "%", "value_kind": "share"},
    {"code": "oj_positive_share_missbruk", "title": "Öppna jämförelser missbruks- och beroendevård: andel positiva svar",
     "source": "local", "unit": "%", "value_kind": "share"},
    {"code": "oj_positive_share_barn_unga", "title": "Öppna jämförelser social barn- och ungdomsvård: andel positiva svar",
     "source": "local", "unit": "%", "value_kind": "share"},
    {"code": "U21468", "title": "Brukarbedömning hemtjänst äldreomsorg - helhetssyn, andel (%)",
     "source": "kolada", "unit": "%", "value_kind": "share"},
    {"code": "U23471", "title": "Brukarbedömning särskilt boende äldreomsorg - helhetssyn, andel (%)",
     "source": "kolada", "unit": "%", "value_kind": "share"},
]

INDICATORS: list[dict[str, Any]] = [
    {"code": "andel_nojda", "title": "Andel nöjda brukare (helhetssyn)",
     "description": "Andel svarande som är mycket eller ganska nöjda med omsorgen i sin helhet: "
     "nöjda ÷ svarande × 100.", "area": "aldreomsorg", "classification": "effekt",
     "perspective": "malgrupp", "unit": "%", "direction": "higher", "decimals": 1,
     "rollup": "weighted", "numerator_measure": "survey_satisfied",
     "denominator_measure": "survey_respondents", "factor": Decimal(100)},
]

# Seed 003 (Melleruds kommun, published 2022-09-01): share of quality factors answered
# positively in Öppna jämförelser, 2021 → 2022.
MELLERUD_OJ = {
    "oj_positive_share_aldreomsorg": (28, 50),
    "oj_positive_share_hsl": (23, 38),
    "oj_positive_share_lss": (37, 75),
    "oj_positive_share_ekonomiskt_bistand": (41, 75),
    "oj_positive_share_missbruk": (27, 32),
    "oj_positive_share_barn_unga": (27, 67),
}

# Seed 001 §6 (Lilla Edets kommun, Socialnämnden, Mål och resursplan 2021, tkr).
LILLA_EDET_FRAME = {
    "board": "Socialnämnden", "year": 2021, "previous": 317_348, "amount": 302_257,
    "changes": [
        (7_008, "index_compensation", "Kompensation för index"),
        (-5_420, "transfer_out", "Borträkning av löneindex till lönepott"),
        (-6_875, "transfer_out", "Omfördelning av budget till Samhällsnämnden för kostverksamhet"),
        (-7_154, "transfer_out", "Omfördelning av budget till Bildningsnämnden för Vuxenutbildning och SFI"),
        (-2_650, "efficiency_demand", "Effektiviseringskrav"),
    ],
}

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


def _page(name: str) -> list[dict[str, Any]]:
    values: list[dict[str, Any]] = json.loads((DATA / name).read_text(encoding="utf-8"))["values"]
    return values


async def is_loaded(session: AsyncSession) -> bool:
    found = await session.execute(select(IngestBatch.id).where(IngestBatch.kind == "demo").limit(1))
    return found.first() is not None


async def load_catalogue(session: AsyncSession) -> None:
    """The Kolada catalogue copy (idempotent)."""
    munis = [{"code": m["id"], "title": m["title"], "type": m["type"]} for m in _page("kolada_municipality.json")]
    await session.execute(pg_insert(Municipality).on_conflict_do_nothing(), munis)
    groups = [{"id": g["id"], "title": g["title"], "members": [m["member_id"] for m in g["members"]]}
              for g in _page("kolada_municipality_groups.json")]
    await session.execute(pg_insert(MunicipalityGroup).on_conflict_do_nothing(), groups)
    kpis = [{"id": k["id"], "title": k["title"], "description": k["description"],
             "is_divided_by_gender": bool(k["is_divided_by_gender"]),
             "municipality_type": k["municipality_type"], "operating_area": k["operating_area"],
             "perspective": k["perspective"], "has_ou_data": bool(k["has_ou_data"]),
             "publ_period": k["publ_period"]} for k in _page("kolada_kpi.json")]
    await session.execute(pg_insert(KoladaKpi).on_conflict_do_nothing(), kpis)


async def load_definitions(session: AsyncSession) -> None:
    await session.execute(pg_insert(Measure).on_conflict_do_nothing(), MEASURES)
    for spec in INDICATORS:
        exists = await session.execute(select(Indicator.id).where(Indicator.code == spec["code"]))
        if exists.first() is None:
            session.add(Indicator(valid_from=date(2000, 1, 1), **spec))
    await session.flush()


def _observation(batch_id: uuid.UUID, municipality: str, unit: str, measure: str, period: str,
                 gender: str, value: Decimal, row: int, **extra: Any) -> dict[str, Any]:
    p = Period.parse(period)
    return {"source": "local", "municipality_code": municipality, "unit_code": unit,
            "measure_code": measure, "period": str(p), "period_start": p.start, "period_end": p.end,
            "gender": gender, "value": value, "batch_id": batch_id, "source_row": row,
            "status": "final", **extra}


def synthetic_survey(seed: int = SEED) -> list[tuple[str, int, str, int, int]]:
    """(unit, year, gender, respondents, satisfied) for the elderly-care units; T = K + M."""
    rng = random.Random(seed)
    rows = []
    for code, _title, unit_type, _area in DEMO_UNITS:
        if unit_type not in {"hemtjanst", "sarskilt_boende"}:
            continue
        base = rng.uniform(0.72, 0.9)
        trend = rng.uniform(-0.015, 0.02)
        size = rng.randint(5, 40)
        for year in DEMO_YEARS:
            share = min(0.99, max(0.4, base + trend * (year - DEMO_YEARS[0]) + rng.gauss(0, 0.03)))
            k_n = max(2, int(size * 0.63 + rng.randint(-3, 3)))
            m_n = max(1, int(size * 0.37 + rng.randint(-2, 2)))
            k_s = min(k_n, round(k_n * share + rng.gauss(0, 0.7)))
            m_s = min(m_n, round(m_n * (share - 0.02) + rng.gauss(0, 0.7)))
            rows.append((code, year, "K", k_n, max(0, k_s)))
            rows.append((code, year, "M", m_n, max(0, m_s)))
            rows.append((code, year, "T", k_n + m_n, max(0, k_s) + max(0, m_s)))
    return rows


async def load_demo(session: AsyncSession) -> bool:
    """Load everything once; returns False when it was already there."""
    await load_catalogue(session)
    await load_definitions(session)
    if await is_loaded(session):
        return False
    synthetic_batch = uuid.uuid4()
    session.add(IngestBatch(id=synthetic_batch, municipality_code=DEMO_MUNICIPALITY, kind="demo",
                            filename="synthetic: shared/demo (seeded generator)", state="completed"))
    for code, title, unit_type, area in DEMO_UNITS:
        session.add(OrgUnit(municipality_code=DEMO_MUNICIPALITY, code=code, title=title,
                            unit_type=unit_type, area=area, opened_on=date(2015, 1, 1), synthetic=True))
    await session.flush()
    rows: list[dict[str, Any]] = []
    for i, (unit, year, gender, n, satisfied) in enumerate(synthetic_survey()):
        status = "suppressed" if n < 7 else "final"
        rows.append(_observation(synthetic_batch, DEMO_MUNICIPALITY, unit, "survey_respondents",
                                 str(year), gender, Decimal(n), i, respondents=n, status=status))
        rows.append(_observation(synthetic_batch, DEMO_MUNICIPALITY, unit, "survey_satisfied",
                                 str(year), gender, Decimal(satisfied), i, respondents=n, status=status))
    await session.execute(insert(Observation), rows)

    seed_batch = uuid.uuid4()
    session.add(IngestBatch(id=seed_batch, municipality_code="1463", kind="seed",
                            filename="seed 003: Melleruds kommun, Öppna jämförelser 2022 (published 2022-09-01)",
                            state="completed"))
    await session.flush()
    oj = []
    for measure, (y2021, y2022) in MELLERUD_OJ.items():
        oj.append(_observation(seed_batch, "1463", "", measure, "2021", "T", Decimal(y2021), len(oj)))
        oj.append(_observation(seed_batch, "1463", "", measure, "2022", "T", Decimal(y2022), len(oj)))
    await session.execute(insert(Observation), oj)

    frame = LILLA_EDET_FRAME
    tkr = 100_000
    budget = BudgetFrame(municipality_code="0482", board=frame["board"], year=frame["year"],
                         amount_ore=frame["amount"] * tkr, previous_amount_ore=frame["previous"] * tkr,
                         display_unit="tkr")
    session.add(budget)
    await session.flush()
    for position, (amount, category, reason) in enumerate(frame["changes"]):
        session.add(FrameChange(frame_id=budget.id, position=position, amount_ore=amount * tkr,
                                category=category, reason=reason, decision_body="Kommunfullmäktige",
                                decision_ref="Mål och resursplan 2021, SON 2020/2"))
    for code in (DEMO_MUNICIPALITY, "1463"):
        await session.execute(pg_insert(DataVersion).values(municipality_code=code, version=1)
                              .on_conflict_do_nothing())
    await session.flush()
    return True
