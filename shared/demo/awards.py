"""Demo prize schemes (seed 000: Kalmar's three quality prizes from 2021), the same schemes
for Exempelstad (9990, synthetic data 2019–2024) so the demo evaluates end to end, one
synthetic improvement project in Exempelstad, and an illustrative performance-grant rule set
in the areas of seed 004.

Criteria name indicator codes of the indicators service's catalogue (the Kolada KPIs under
their own indicators, the KPI id in the title). Kalmar's schemes use Kolada's unit values and
Kalmar's local staff continuity, which the demo does not hold (a Kolada sync and Kalmar's own
upload bring them): on a fresh demo its runs are refused naming each criterion and why.
Exempelstad has no Kolada values (it is fictional), so its schemes use its own survey and
scheduling data in the KKiK criteria's place and leave the cooperation with municipal health
care to the jury's overall judgement (no local measure). Both keep the document's particularly
important indicators as required: staff continuity in home care, social content in residential
care. Eligibility, before ranking: at least 7 respondents on every survey criterion and at least
2 judged targets behind the goal fulfilment.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.demo.common import DEMO_MUNICIPALITY
from shared.models import AwardScheme, GrantRuleSet, ImprovementProject

KALMAR = "0880"
KR = 100  # öre per kr
SENSITIVITY = {"draws": 1000, "weight_spread": "0.5", "leave_one_out_share": "0.25"}
GROUP_WEIGHTS = {"goals": 2, "kkik": 1, "survey": 2, "cooperation": 1, "special": 2}


def _criterion(code: str, title: str, group: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "title": title, "group": group, "weight": "1", **extra}


GOALS = _criterion("namndens_mal", "Måluppfyllelse av nämndens mål", "goals", source="goal_status")
SURVEY = _criterion(
    "brukarundersokning_helhet",
    "Socialstyrelsens brukarundersökning: nöjd med helheten",
    "survey",
    indicator_code="andel_nojda",
    kind="share",
)

CONTINUITY = _criterion(
    "personalkontinuitet",
    "Genomsnittlig personalkontinuitet under helåret (som U21401; färre är bättre)",
    "special",
    indicator_code="personalkontinuitet",
    direction="lower",
    weight="2",
    required=True,
)
ELIGIBILITY = {"min_respondents": 7, "min_judged_targets": 2}
HOME_CARE: dict[str, Any] = {
    "unit_types": ["hemtjanst"],
    "group_weights": GROUP_WEIGHTS,
    "criteria": [
        GOALS,
        _criterion(
            "kkik_helhet",
            "KKiK: helhetssyn hemtjänst (U21468)",
            "kkik",
            indicator_code="kolada_nojd_hemtjanst",
        ),
        _criterion(
            "kkik_trygghet",
            "KKiK: trygghet hemtjänst (U21467)",
            "kkik",
            indicator_code="kolada_trygg_hemtjanst",
        ),
        SURVEY,
        _criterion(
            "samverkan_hsl",
            "Samverkan med kommunal hälso- och sjukvård vid vårdplanering (U21571)",
            "cooperation",
            indicator_code="kolada_samverkan_hemtjanst",
        ),
        CONTINUITY,
    ],
    **ELIGIBILITY,
    "normalisation": "min_max",
    "missing_policy": "reweight",
    "aggregation": "arithmetic",
    "mode": "mix",
    "level_share": "0.7",
    "min_data_share": "0.5",
    "sensitivity": SENSITIVITY,
}
RESIDENTIAL: dict[str, Any] = HOME_CARE | {
    "unit_types": ["sarskilt_boende"],
    "criteria": [
        GOALS,
        _criterion(
            "kkik_helhet",
            "KKiK: helhetssyn särskilt boende (U23471)",
            "kkik",
            indicator_code="kolada_nojd_sabo",
        ),
        SURVEY,
        _criterion(
            "samverkan_hsl",
            "Samverkan med kommunal hälso- och sjukvård vid vårdplanering (U23571)",
            "cooperation",
            indicator_code="kolada_samverkan_sabo",
        ),
        _criterion(
            "socialt_innehall_enkat",
            "Socialt innehåll i brukarundersökningen: sociala aktiviteter (U23470)",
            "special",
            indicator_code="kolada_sociala_aktiviteter_sabo",
            required=True,
        ),
        _criterion(
            "socialt_innehall_kkik",
            "Socialt innehåll i KKiK: aktiviteter och känsla av ensamhet (U23591)",
            "special",
            indicator_code="kolada_aktiviteter_ensamhet_sabo",
            required=True,
        ),
    ],
}


def _survey(code: str, title: str, group: str, indicator: str) -> dict[str, Any]:
    return _criterion(code, title, group, indicator_code=indicator, kind="share")


# Exempelstad (fictional, no Kolada values): its own survey in the KKiK criteria's place.
HOME_CARE_LOCAL: dict[str, Any] = HOME_CARE | {
    "criteria": [
        GOALS,
        _survey(
            "kkik_trygghet",
            "Trygghet i hemtjänsten (egen brukarundersökning, i stället för KKiK U21467)",
            "kkik",
            "andel_trygga",
        ),
        _survey(
            "kkik_bemotande",
            "Bemötande i hemtjänsten (egen brukarundersökning, i KKiK:s ställe)",
            "kkik",
            "andel_bemotande",
        ),
        SURVEY,
        _survey(
            "brukarundersokning_hansyn",
            "Socialstyrelsens brukarundersökning: hänsyn till åsikter och önskemål",
            "survey",
            "andel_hansyn",
        ),
        CONTINUITY,
    ],
}
RESIDENTIAL_LOCAL: dict[str, Any] = RESIDENTIAL | {
    "criteria": [
        GOALS,
        _survey(
            "kkik_trygghet",
            "Trygghet på boendet (egen brukarundersökning, i stället för KKiK)",
            "kkik",
            "andel_trygga",
        ),
        SURVEY,
        _survey(
            "brukarundersokning_bemotande",
            "Socialstyrelsens brukarundersökning: bemötande",
            "survey",
            "andel_bemotande",
        ),
        _survey(
            "socialt_innehall_enkat",
            "Socialt innehåll: hänsyn till åsikter och önskemål (egen brukarundersökning)",
            "special",
            "andel_hansyn",
        ),
    ],
}
IMPROVEMENT: dict[str, Any] = {
    "group_weights": {"project": 1},
    "criteria": [
        _criterion(
            "okad_nojdhet",
            "Synligt ökad nöjdhet kopplad till förbättringsarbetet",
            "project",
            source="project_effect",
            indicator_code="andel_nojda",
            kind="share",
            weight="2",
        ),
        _criterion(
            "spridning",
            "Spridning till fler delar av förvaltningen (antal enheter som tagit efter)",
            "project",
            source="project_spread",
        ),
    ],
    "min_data_share": "0.5",
    "sensitivity": SENSITIVITY,
}
PRIZES = [
    ("arets_hemtjanstenhet", "Årets hemtjänstenhet", "units", 25_000),
    ("arets_boendeenhet", "Årets boendeenhet", "units", 25_000),
    ("arets_forbattringsarbete", "Årets förbättringsarbete", "projects", 20_000),
]
SPECIFICATIONS: dict[str, list[dict[str, Any]]] = {
    KALMAR: [HOME_CARE, RESIDENTIAL, IMPROVEMENT],
    DEMO_MUNICIPALITY: [HOME_CARE_LOCAL, RESIDENTIAL_LOCAL, IMPROVEMENT],
}

# Seed 004: the five areas and the 915 MSEK pot of the year. The article gives neither the
# criteria nor the split, so both are ILLUSTRATIVE: one criterion per area, the pot split
# evenly (5 × 183 MSEK) and each area's share paid to a municipality or region that meets it
# in proportion to its population (what is not earned is not paid out, as the year before
# when "nästan en tredjedel av pengarna inte betalades ut").
GRANT_POT_KR = 915_000_000
POT_PER_AREA = {"kind": "population_share", "pot": str(GRANT_POT_KR // 5), "unit": "kr"}
GRANT_RULES: list[dict[str, Any]] = [
    {
        "code": "senior_alert",
        "area": "Preventivt arbetssätt",
        "title": "Andel brukare riskbedömda i Senior Alert",
        "comparator": "at_least",
        "threshold": "85",
        "value_unit": "%",
        "amount": POT_PER_AREA,
    },
    {
        "code": "demens_svedem",
        "area": "God vård vid demenssjukdom",
        "title": "Andel personer med demenssjukdom registrerade i Svenska demensregistret",
        "comparator": "at_least",
        "threshold": "70",
        "value_unit": "%",
        "amount": POT_PER_AREA,
    },
    {
        "code": "olampliga_lakemedel",
        "area": "God läkemedelsbehandling för äldre",
        "title": "Andel äldre med olämpliga läkemedel",
        "comparator": "at_most",
        "threshold": "10",
        "value_unit": "%",
        "amount": POT_PER_AREA,
    },
    {
        "code": "palliativregistret",
        "area": "God vård i livets slut",
        "title": "Andel avlidna registrerade i Svenska palliativregistret",
        "comparator": "at_least",
        "threshold": "97",
        "value_unit": "%",
        "amount": POT_PER_AREA,
    },
    {
        "code": "aterinskrivning_30",
        "area": "Sammanhållen vård och omsorg",
        "title": "Återinskrivning inom 30 dagar, andel",
        "indicator_code": "kolada_aterinskrivning_30",
        "comparator": "at_most",
        "threshold": "17.5",
        "value_unit": "%",
        "amount": POT_PER_AREA,
    },
]


async def load(session: AsyncSession) -> None:
    rows = [
        {
            "municipality_code": municipality,
            "year": year,
            "code": code,
            "title": title,
            "candidates": candidates,
            "prize_amount_ore": amount * KR,
            "specification": spec,
        }
        for municipality, year in ((KALMAR, 2021), (DEMO_MUNICIPALITY, 2024))
        for (code, title, candidates, amount), spec in zip(
            PRIZES, SPECIFICATIONS[municipality], strict=True
        )
    ]
    await session.execute(pg_insert(AwardScheme).on_conflict_do_nothing(), rows)
    session.add(
        ImprovementProject(
            municipality_code=DEMO_MUNICIPALITY,
            title="Välkomstsamtal och fast omsorgskontakt (syntetiskt exempel)",
            description="Varje ny brukare får ett välkomstsamtal och en fast omsorgskontakt; "
            "uppföljning i brukarundersökningen.",
            unit_codes=["HT-NORR"],
            adopted_by=["HT-SODER"],
            target_indicators=["andel_nojda"],
            started_on=date(2023, 2, 1),
        )
    )
    session.add(
        GrantRuleSet(
            municipality_code=None,
            code="prestationsersattning_aldre",
            year=2013,
            title="Prestationsersättning äldre 2013: fem områden, 915 Mkr (illustrativa "
            "gränsvärden och fördelning)",
            national_population=9_600_000,
            criteria=GRANT_RULES,
        )
    )
    await session.flush()
