"""Deterministic demo data, loaded once by `make run` and usable by tests.

- The Kolada catalogue copy in data/ (Källa: Kolada).
- Figures published in the seed documents: Lilla Edet's budget (seed 001 §6–7) and the layout
  of its tertial follow-up (seed 001's appendix, appendix.py), Ludvika's scorecard and
  staff-survey values (seed 002), Mellerud's Öppna jämförelser shares 2021–2022 (seed 003),
  Kalmar's prizes and pots (seed 000), the grant areas (seed 004).
- Real Kolada values available offline (kolada_sample.py: N00945, N03702, N03703 for the
  municipalities of the sample, Källa: Kolada, snapshot 2026-03-23).
- Exempelstad (code 9990, fictional): units and survey series from a seeded generator,
  labelled synthetic, and six fictional peers (9991–9996, peers.py) with synthetic survey
  results, compared only with Exempelstad.

Seed data is written straight through the models in one unit of work (like a migration's
data step); it is not a service's business logic.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.demo import (
    appendix,
    awards,
    budget,
    catalogue,
    indicators,
    ingest,
    kolada_sample,
    peers,
)
from shared.demo.common import DEMO_MUNICIPALITY, DEMO_MUNICIPALITY_TITLE
from shared.models import IngestBatch

__all__ = ["DEMO_MUNICIPALITY", "DEMO_MUNICIPALITY_TITLE", "is_loaded", "load_demo"]


async def is_loaded(session: AsyncSession) -> bool:
    found = await session.execute(select(IngestBatch.id).where(IngestBatch.kind == "demo").limit(1))
    return found.first() is not None


async def load_demo(session: AsyncSession) -> bool:
    """Load everything once; returns False when it was already there. Order matters: units
    and measures before the observations that name them."""
    await catalogue.load(session)
    await indicators.load_definitions(session)
    await appendix.load_definitions(session)
    await budget.load_definitions(session)
    await ingest.load_measures(session)
    await kolada_sample.load_definitions(session)
    if await is_loaded(session):
        return False
    await indicators.load(session)
    await ingest.load(session)
    await kolada_sample.load(session)
    await peers.load(session)
    await budget.load(session)
    await awards.load(session)
    return True
