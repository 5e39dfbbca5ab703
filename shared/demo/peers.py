"""Synthetic peers of Exempelstad (shared.demo.common.SYNTHETIC_PEERS): fictional
municipalities with generated survey results, so Exempelstad's group mean, rank and colour show
on a fresh machine. Labelled synthetic everywhere; never a real municipality's code or value."""

from __future__ import annotations

import random
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.demo.common import DEMO_YEARS, SEED, SYNTHETIC_PEERS
from shared.models import IngestBatch, Observation
from shared.periods import Period


def survey(seed: int = SEED + 7) -> list[tuple[str, int, str, int, int]]:
    """(peer, year, gender, respondents, satisfied) at municipality level; T = K + M."""
    rng = random.Random(seed)
    out = []
    for code in SYNTHETIC_PEERS:
        level = rng.uniform(0.72, 0.94)
        for year in DEMO_YEARS:
            parts = []
            for gender in ("K", "M"):
                n = rng.randint(60, 220)
                parts.append((gender, n, round(n * min(0.99, level + rng.uniform(-0.04, 0.04)))))
            for gender, n, yes in parts:
                out.append((code, year, gender, n, yes))
            out.append((code, year, "T", sum(p[1] for p in parts), sum(p[2] for p in parts)))
    return out


async def load(session: AsyncSession) -> None:
    batches: dict[str, uuid.UUID] = {}
    for code in SYNTHETIC_PEERS:
        batches[code] = uuid.uuid4()
        session.add(
            IngestBatch(
                id=batches[code],
                municipality_code=code,
                kind="demo",
                filename="synthetic peer of Exempelstad: shared/demo/peers.py (seeded generator)",
                state="completed",
            )
        )
    await session.flush()
    rows: list[dict[str, Any]] = []
    for i, (code, year, gender, n, yes) in enumerate(survey()):
        p = Period.parse(str(year))
        for measure, value in (("survey_respondents", n), ("survey_satisfied", yes)):
            rows.append(
                {
                    "source": "local",
                    "municipality_code": code,
                    "unit_code": "",
                    "measure_code": measure,
                    "period": str(p),
                    "period_start": p.start,
                    "period_end": p.end,
                    "gender": gender,
                    "value": Decimal(value),
                    "respondents": n,
                    "batch_id": batches[code],
                    "source_row": i,
                    "status": "final",
                }
            )
    await session.execute(insert(Observation), rows)
