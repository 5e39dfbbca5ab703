"""Demo budget data.

- Seed 001 (Lilla Edets kommun 1462, Socialnämnden, Mål och resursplan 2021, tkr): the frame
  ledger, the operating budget per activity 2021 vs 2020 (Driftredovisning), the Ekonomi
  table's outcome 2019, the investment plan 2021–2023 and the earmarked state grants.
- Seed 000 (Kalmar 0880, 2021): 600 000 kr for local improvement projects and 70 000 kr of
  prize money; the same two pots for the fictional demo municipality 9990.

Where the seed's printed figures disagree with themselves, what is consistent is stored
(net = revenue + costs; totals = sum of lines); tests/services/budget reproduce the printed
tables and the warnings and errors their import reports.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.demo.common import DEMO_MUNICIPALITY
from shared.i18n import message
from shared.models import (
    BudgetFrame,
    FrameChange,
    Fund,
    InvestmentAmount,
    InvestmentProject,
    Measure,
    OperatingBudget,
    OperatingLine,
)

TKR = 100_000  # öre per tkr
KR = 100
# Seed 001 §6: Budgetram 2020 317 348 − 15 091 = Budgetram 2021 302 257 (tkr).
BOARD, YEAR, PREVIOUS_TKR, AMOUNT_TKR = "Socialnämnden", 2021, 317_348, 302_257
CHANGES_TKR: list[tuple[int, str, str, str | None]] = [
    (7_008, "index_compensation", "Kompensation för index", None),
    (-5_420, "transfer_out", "Borträkning av löneindex till lönepott", None),
    (
        -6_875,
        "transfer_out",
        "Omfördelning av budget till Samhällsnämnden för kostverksamhet",
        "Samhällsnämnden",
    ),
    (
        -7_154,
        "transfer_out",
        "Omfördelning av budget till Bildningsnämnden för Vuxenutbildning och SFI",
        "Bildningsnämnden",
    ),
    (-2_650, "efficiency_demand", "Effektiviseringskrav", None),
]


# Seed 001 §6 Driftredovisning (tkr): (code, title, revenue, costs, printed net) per year.
DRIFT: dict[int, list[tuple[str, str, int, int, int]]] = {
    2021: [
        ("overgripande", "Övergripande", 3_246, -12_135, -8_889),
        ("vard_och_omsorg", "Vård och Omsorg", 25_542, -165_160, -139_618),
        ("funktionshinder", "Funktionshinder", 17_200, -88_139, -70_938),
        ("ifo", "Individ- och familjeomsorg", 11_016, -93_829, -82_813),
    ],
    2020: [
        ("overgripande", "Övergripande", 2_067, -14_053, -11_986),
        ("vard_och_omsorg", "Vård och Omsorg", 20_759, -170_001, -149_242),
        ("funktionshinder", "Funktionshinder", 16_968, -80_387, -63_419),
        ("ifo", "Individ- och familjeomsorg", 11_523, -104_224, -92_701),
    ],
}
# The printed Summa rows: (revenue, costs, net).
DRIFT_TOTALS = {2021: (57_004, -359_261, -302_257), 2020: (51_317, -368_665, -317_348)}
# Seed 001 §6 Ekonomi table: Utfall 2019 (board totals only; the Budget 2020 and 2021 columns
# are the Driftredovisning's totals, printed once more — 2021's net without its minus sign).
OUTCOME_2019 = (65_708, -396_299, -330_591)
SOURCE_001 = "Lilla Edets kommun, Socialnämnden: Mål och resursplan 2021, avsnitt 6"


def _warning(
    loc: list[str | int], activity: str, field: str, printed: int, computed: int, what: str
) -> dict[str, object]:
    """A stored rounding warning, in the shape the import reports (Finding)."""
    difference = printed - computed
    return {
        "severity": "warning",
        "code": "rounding_difference",
        "loc": loc,
        "activity": activity,
        "field": field,
        "printed": str(printed),
        "computed": str(computed),
        "difference": str(difference),
        # The import's own text (shared/i18n_catalogue.py), kept as a message as warnings are
        # stored, shown in the reader's language.
        "message": message(
            "budget.check.rounding",
            where=message(
                "budget.check.where",
                activity=activity,
                field=message(f"budget.check.field.{field}"),
            ),
            printed=printed,
            what=message(what),
            computed=computed,
            difference=difference,
            tolerance=2,
            unit="tkr",
        ).stored(),
    }


# What importing the printed 2021 table reports (tests/services/budget checks they agree).
DRIFT_WARNINGS_2021 = [
    _warning(
        ["body", "activities", 2, "net"],
        "Funktionshinder",
        "net",
        -70_938,
        -70_939,
        "budget.check.revenue_plus_costs",
    ),
    _warning(
        ["body", "totals", "costs"],
        "Summa",
        "costs",
        -359_261,
        -359_263,
        "budget.check.sum_of_activities",
    ),
    _warning(
        ["body", "totals", "net"],
        "Summa",
        "net",
        -302_257,
        -302_259,
        "budget.check.activities_net",
    ),
]

DRIFT_WARNINGS_2021.append(
    {
        "severity": "warning",
        "code": "frame_difference",
        "loc": ["body", "totals", "net"],
        "activity": "Summa",
        "field": "net",
        "printed": "302259",
        "computed": "302257",
        "difference": "2",
        "message": message(
            "budget.check.frame_difference",
            net_cost=302259,
            unit="tkr",
            board="Socialnämnden",
            year=2021,
            frame=302257,
            difference=2,
            what=message("budget.check.frame_within", tolerance=2, unit="tkr"),
        ).stored(),
    }
)

# Seed 001 §7 Investeringar (tkr): the lines; the printed Summa for 2022 and 2023 (45, 27)
# leaves out Inventarier AME, so only the lines are stored.
INVESTMENTS: list[tuple[str, str, str, dict[int, int]]] = [
    ("inventarier_voo_fh", "Inventarier VoO/FH", "inventarier", {2021: 470, 2022: 45, 2023: 27}),
    ("inventarier_ame", "Inventarier AME", "inventarier", {2021: 70, 2022: 60, 2023: 60}),
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
        "1462",
        "aldreomsorgslyftet",
        "Äldreomsorgslyftet (statsbidrag)",
        2021,
        "state_grant",
        2_050 * TKR,
        "tkr",
        "Lilla Edets kommun, Socialnämnden: Mål och resursplan 2021, avsnitt 3",
    ),
    (
        "1462",
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


async def _operating(session: AsyncSession) -> None:
    for year, rows in DRIFT.items():
        budget = OperatingBudget(
            municipality_code="1462",
            board=BOARD,
            year=year,
            phase="approved",
            tertial=0,
            display_unit="tkr",
            revenue_ore=sum(r[2] for r in rows) * TKR,
            costs_ore=sum(r[3] for r in rows) * TKR,
            source=SOURCE_001 + " (Driftredovisning)",
            warnings=DRIFT_WARNINGS_2021 if year == 2021 else [],
            version=1,
        )
        session.add(budget)
        await session.flush()
        for position, (code, title, revenue, costs, _net) in enumerate(rows):
            session.add(
                OperatingLine(
                    budget_id=budget.id,
                    position=position,
                    activity_code=code,
                    activity_title=title,
                    parent_code=None,
                    revenue_ore=revenue * TKR,
                    costs_ore=costs * TKR,
                )
            )
    revenue, costs, _net = OUTCOME_2019
    session.add(
        OperatingBudget(
            municipality_code="1462",
            board=BOARD,
            year=2019,
            phase="outcome",
            tertial=0,
            display_unit="tkr",
            revenue_ore=revenue * TKR,
            costs_ore=costs * TKR,
            source=SOURCE_001 + " (Ekonomi: Utfall 2019)",
            warnings=[],
            version=1,
        )
    )
    for code, title, category, amounts in INVESTMENTS:
        project = InvestmentProject(
            municipality_code="1462",
            board=BOARD,
            code=code,
            title=title,
            category=category,
            display_unit="tkr",
            version=1,
        )
        session.add(project)
        await session.flush()
        for year, amount in amounts.items():
            session.add(InvestmentAmount(project_id=project.id, year=year, amount_ore=amount * TKR))
    await session.flush()


async def load(session: AsyncSession) -> None:
    await _operating(session)
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
        municipality_code="1462",
        board=BOARD,
        year=YEAR,
        amount_ore=AMOUNT_TKR * TKR,
        previous_amount_ore=PREVIOUS_TKR * TKR,
        display_unit="tkr",
    )
    session.add(frame)
    await session.flush()
    for position, (amount, category, reason, counterpart) in enumerate(CHANGES_TKR):
        session.add(
            FrameChange(
                frame_id=frame.id,
                position=position,
                amount_ore=amount * TKR,
                category=category,
                reason=reason,
                decision_body="Kommunfullmäktige",
                decision_ref="Mål och resursplan 2021, SON 2020/2",
                counterpart_board=counterpart,
            )
        )
    await session.flush()


# Local measures the budget service publishes through ingest (derived values: never Kolada's).
EFFICIENCY_MEASURES: list[dict[str, Any]] = [
    {
        "code": "budget_cost_per_home_care_hour",
        "title": "Kostnad per hemtjänsttimme (nettokostnad ÷ utförda timmar), härledd",
        "source": "local",
        "unit": "kr/timme",
        "value_kind": "money",
        "min_value": Decimal(0),
        "description": "Derived by the budget service from the net cost and delivered hours.",
    },
    {
        "code": "budget_cost_per_residential_day",
        "title": "Kostnad per dygn i särskilt boende (nettokostnad ÷ belagda dygn), härledd",
        "source": "local",
        "unit": "kr/dygn",
        "value_kind": "money",
        "min_value": Decimal(0),
        "description": "Derived by the budget service from the net cost and occupied days.",
    },
    {
        "code": "budget_cost_per_assistance_hour",
        "title": "Kostnad per timme personlig assistans (nettokostnad ÷ timmar), härledd",
        "source": "local",
        "unit": "kr/timme",
        "value_kind": "money",
        "min_value": Decimal(0),
        "description": "Derived by the budget service from the net cost and assistance hours.",
    },
    {
        "code": "budget_standard_cost_deviation",
        "title": "Avvikelse från standardkostnad äldreomsorg i kronor, härledd",
        "source": "local",
        "unit": "kr",
        "value_kind": "money",
        "min_value": None,
        "description": "Derived by the budget service: net cost − net cost ÷ (1 + deviation "
        "% / 100), the percentage being Kolada's N20900 for the year. The kronor figure is "
        "not Kolada's.",
    },
]


async def load_definitions(session: AsyncSession) -> None:
    """The efficiency measures (idempotent; they belong with the other measure rows)."""
    await session.execute(pg_insert(Measure).on_conflict_do_nothing(), EFFICIENCY_MEASURES)
