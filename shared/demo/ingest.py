"""Demo observations: Exempelstad's synthetic survey series and Mellerud's published OJ shares."""

from __future__ import annotations

import random
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.demo.common import DEMO_MUNICIPALITY, DEMO_YEARS, SEED
from shared.demo.indicators import DEMO_UNITS
from shared.models import DataVersion, IngestBatch, Observation
from shared.periods import Period

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


def _observation(
    batch_id: uuid.UUID,
    municipality: str,
    unit: str,
    measure: str,
    period: str,
    gender: str,
    value: Decimal,
    row: int,
    **extra: Any,
) -> dict[str, Any]:
    p = Period.parse(period)
    return {
        "source": "local",
        "municipality_code": municipality,
        "unit_code": unit,
        "measure_code": measure,
        "period": str(p),
        "period_start": p.start,
        "period_end": p.end,
        "gender": gender,
        "value": value,
        "batch_id": batch_id,
        "source_row": row,
        "status": "final",
        **extra,
    }


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


async def load(session: AsyncSession) -> None:
    synthetic_batch = uuid.uuid4()
    session.add(
        IngestBatch(
            id=synthetic_batch,
            municipality_code=DEMO_MUNICIPALITY,
            kind="demo",
            filename="synthetic: shared/demo (seeded generator)",
            state="completed",
        )
    )
    await session.flush()
    rows: list[dict[str, Any]] = []
    for i, (unit, year, gender, n, satisfied) in enumerate(synthetic_survey()):
        status = "suppressed" if n < 7 else "final"
        rows.append(
            _observation(
                synthetic_batch,
                DEMO_MUNICIPALITY,
                unit,
                "survey_respondents",
                str(year),
                gender,
                Decimal(n),
                i,
                respondents=n,
                status=status,
            )
        )
        rows.append(
            _observation(
                synthetic_batch,
                DEMO_MUNICIPALITY,
                unit,
                "survey_satisfied",
                str(year),
                gender,
                Decimal(satisfied),
                i,
                respondents=n,
                status=status,
            )
        )
    await session.execute(insert(Observation), rows)

    seed_batch = uuid.uuid4()
    session.add(
        IngestBatch(
            id=seed_batch,
            municipality_code="1463",
            kind="seed",
            filename="seed 003: Melleruds kommun, Öppna jämförelser 2022 (published 2022-09-01)",
            state="completed",
        )
    )
    await session.flush()
    oj: list[dict[str, Any]] = []
    for measure, (y2021, y2022) in MELLERUD_OJ.items():
        oj.append(
            _observation(seed_batch, "1463", "", measure, "2021", "T", Decimal(y2021), len(oj))
        )
        oj.append(
            _observation(seed_batch, "1463", "", measure, "2022", "T", Decimal(y2022), len(oj))
        )
    await session.execute(insert(Observation), oj)

    for code in (DEMO_MUNICIPALITY, "1463"):
        await session.execute(
            pg_insert(DataVersion)
            .values(municipality_code=code, version=1)
            .on_conflict_do_nothing()
        )
    await session.flush()
