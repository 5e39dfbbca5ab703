"""Demo budget data.

- Seed 001 (Lilla Edets kommun 0482, Socialnämnden, Mål och resursplan 2021, tkr): the frame
  ledger, the operating budget per activity 2021 vs 2020 (Driftredovisning), the Ekonomi
  table's outcome 2019, the investment plan 2021–2023 and the earmarked state grants.
- Seed 000 (Kalmar 0880, 2021): 600 000 kr for local improvement projects and 70 000 kr of
  prize money; the same two pots for the fictional demo municipality 9990.

Where the seed's printed figures disagree with themselves, what is consistent is stored
(net = revenue + costs; totals = sum of lines); tests/services/budget reproduce the printed
tables and the warnings and errors their import reports.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shared.demo.common import DEMO_MUNICIPALITY
from shared.models import BudgetFrame, FrameChange, Fund

TKR = 100_000  # öre per tkr
KR = 100
# Seed 001 §6: Budgetram 2020 317 348 − 15 091 = Budgetram 2021 302 257 (tkr).
BOARD, YEAR, PREVIOUS_TKR, AMOUNT_TKR = "Socialnämnden", 2021, 317_348, 302_257
CHANGES_TKR: list[tuple[int, str, str]] = [
    (7_008, "index_compensation", "Kompensation för index"),
    (-5_420, "transfer_out", "Borträkning av löneindex till lönepott"),
    (-6_875, "transfer_out", "Omfördelning av budget till Samhällsnämnden för kostverksamhet"),
    (
        -7_154,
        "transfer_out",
        "Omfördelning av budget till Bildningsnämnden för Vuxenutbildning och SFI",
    ),
    (-2_650, "efficiency_demand", "Effektiviseringskrav"),
]


# (municipality, code, title, year, kind, amount in öre, unit, source)
FUNDS: list[tuple[str, str, str, int, str, int, str, str]] = [
    (
        "0880",
        "forbattringsprojekt",
        "Lokala utvecklings- och förbättringsprojekt",
        2021,
        "improvement_projects",
        600_000 * KR,
        "kr",
        "Kalmar kommun, omsorgsförvaltningen: nya kvalitetspriser (publicerad 2021-01-05)",
    ),
    (
        "0880",
        "kvalitetspris",
        "Kvalitetspriser i äldreomsorgen (hemtjänst 25 000, boende 25 000, förbättring 20 000)",
        2021,
        "prize_money",
        70_000 * KR,
        "kr",
        "Kalmar kommun, omsorgsförvaltningen: nya kvalitetspriser (publicerad 2021-01-05)",
    ),
    (
        "0482",
        "aldreomsorgslyftet",
        "Äldreomsorgslyftet (statsbidrag)",
        2021,
        "state_grant",
        2_050 * TKR,
        "tkr",
        "Lilla Edets kommun, Socialnämnden: Mål och resursplan 2021, avsnitt 3",
    ),
    (
        "0482",
        "aldreomsorgssatsningen",
        "Äldreomsorgssatsningen (statsbidrag)",
        2021,
        "state_grant",
        5_204 * TKR,
        "tkr",
        "Lilla Edets kommun, Socialnämnden: Mål och resursplan 2021, avsnitt 3",
    ),
] + [
    (
        DEMO_MUNICIPALITY,
        code,
        title,
        year,
        kind,
        amount * KR,
        "kr",
        "Exempelstad (fiktiv): samma pottar som Kalmar 2021",
    )
    for year in (2024, 2025)
    for code, title, kind, amount in (
        (
            "forbattringsprojekt",
            "Lokala utvecklings- och förbättringsprojekt",
            "improvement_projects",
            600_000,
        ),
        ("kvalitetspris", "Kvalitetspriser i äldreomsorgen", "prize_money", 70_000),
    )
]


async def load(session: AsyncSession) -> None:
    for municipality, code, title, year, kind, amount, unit, source in FUNDS:
        session.add(
            Fund(
                municipality_code=municipality,
                code=code,
                title=title,
                year=year,
                kind=kind,
                amount_ore=amount,
                display_unit=unit,
                source=source,
                version=1,
            )
        )
    frame = BudgetFrame(
        municipality_code="0482",
        board=BOARD,
        year=YEAR,
        amount_ore=AMOUNT_TKR * TKR,
        previous_amount_ore=PREVIOUS_TKR * TKR,
        display_unit="tkr",
    )
    session.add(frame)
    await session.flush()
    for position, (amount, category, reason) in enumerate(CHANGES_TKR):
        session.add(
            FrameChange(
                frame_id=frame.id,
                position=position,
                amount_ore=amount * TKR,
                category=category,
                reason=reason,
                decision_body="Kommunfullmäktige",
                decision_ref="Mål och resursplan 2021, SON 2020/2",
            )
        )
    await session.flush()
