"""Demo budget data from seed 001 (Lilla Edets kommun, Socialnämnden, MRP 2021, tkr)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import BudgetFrame, FrameChange

TKR = 100_000  # öre per tkr
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


async def load(session: AsyncSession) -> None:
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
