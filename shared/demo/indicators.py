"""Demo definitions owned by the indicators service: measures, indicators, Exempelstad's units,
Ludvika's scorecard (seed 002), Lilla Edet's prioritised goals (seed 001 §4), and targets for
Exempelstad (9990) so its units get goal statuses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.demo.common import DEMO_MUNICIPALITY
from shared.models import (
    Indicator,
    Measure,
    OrgUnit,
    PrioritisedGoal,
    Scorecard,
    Target,
    UnitMembership,
)
from shared.models.base import new_id

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


def _measure(code: str, title: str, source: str, unit: str, kind: str) -> dict[str, Any]:
    return {"code": code, "title": title, "source": source, "unit": unit, "value_kind": kind}


# Measures behind seed 002's scorecard and seed 001's follow-up of the basic mission.
MEASURES += [
    _measure("survey_safe", "Brukarundersökning: antal trygga", "local", "antal", "count"),
    _measure(
        "survey_treatment", "Brukarundersökning: bra bemötande, antal", "local", "antal", "count"
    ),
    _measure("economic_result", "Ekonomiskt resultat mot budget, tkr", "local", "tkr", "amount"),
    _measure(
        "senior_alert_assessed",
        "Brukare riskbedömda i Senior Alert, antal",
        "local",
        "antal",
        "count",
    ),
    _measure("residents", "Brukare i särskilt boende, antal", "local", "antal", "count"),
    _measure("home_care_users", "Antal brukare med hemtjänstinsatser", "local", "antal", "count"),
    _measure("sabo_places", "Antal platser på särskilt boende", "local", "antal", "count"),
    _measure(
        "incidents_lex_sarah", "Avvikelser: missförhållanden (lex Sarah)", "local", "antal", "count"
    ),
    *(
        _measure(code, title, "kolada", unit, kind)
        for code, title, unit, kind in (
            ("U21467", "Brukarbedömning hemtjänst äldreomsorg - trygghet, andel (%)", "%", "share"),
            ("U21571", "Rutin för samverkan vid vårdplanering, hemtjänst, andel (%)", "%", "share"),
            ("U23571", "Rutin för vårdplanering i samverkan, SÄBO, andel (%)", "%", "share"),
            ("U23470", "Brukarbedömning SÄBO - sociala aktiviteter, andel (%)", "%", "share"),
            (
                "U23591",
                "Brukarbedömning SÄBO - aktiviteter och ensamhet, medelvärde",
                "index",
                "mean",
            ),
        )
    ),
    _measure(
        "U23401",
        "Väntetid i antal dagar från ansökningsdatum till erbjudet inflyttningsdatum till SÄBO, medelvärde",
        "kolada",
        "dagar",
        "duration",
    ),
]


def _indicator(
    code: str,
    title: str,
    area: str,
    classification: str,
    perspective: str,
    unit: str,
    direction: str,
    numerator: str,
    denominator: str | None = None,
    factor: int = 1,
    rollup: str = "weighted",
    decimals: int = 1,
    suppression: str = "none",
    kolada_kpi: str | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    return {
        "code": code,
        "title": title,
        "description": description,
        "area": area,
        "classification": classification,
        "perspective": perspective,
        "unit": unit,
        "direction": direction,
        "decimals": decimals,
        "rollup": rollup,
        "numerator_formula": numerator,
        "denominator_formula": denominator,
        "numerator_measure": numerator,
        "denominator_measure": denominator,
        "factor": Decimal(factor),
        "suppression": suppression,
        "kolada_kpi": kolada_kpi,
        "threshold_gender_gap": Decimal(5) if unit == "%" else None,
    }


INDICATORS: list[dict[str, Any]] = [
    {
        **_indicator(
            "andel_nojda",
            "Andel nöjda brukare (helhetssyn)",
            "aldreomsorg",
            "effekt",
            "malgrupp",
            "%",
            "higher",
            "survey_satisfied",
            "survey_respondents",
            factor=100,
            suppression="respondents",
            kolada_kpi="U21468",
        ),
        "description": "Andel svarande som är mycket eller ganska nöjda med omsorgen i sin "
        "helhet: nöjda ÷ svarande × 100.",
    },
    _indicator(
        "andel_trygga",
        "Andel brukare som känner trygghet",
        "aldreomsorg",
        "effekt",
        "malgrupp",
        "%",
        "higher",
        "survey_safe",
        "survey_respondents",
        factor=100,
        suppression="respondents",
        kolada_kpi="U21467",
    ),
    _indicator(
        "andel_hansyn",
        "Andel brukare som tycker att personalen tar hänsyn till åsikter och önskemål",
        "aldreomsorg",
        "effekt",
        "malgrupp",
        "%",
        "higher",
        "survey_influence",
        "survey_respondents",
        factor=100,
        suppression="respondents",
    ),
    _indicator(
        "andel_bemotande",
        "Andel brukare som tycker att personalens bemötande är bra",
        "aldreomsorg",
        "effekt",
        "malgrupp",
        "%",
        "higher",
        "survey_treatment",
        "survey_respondents",
        factor=100,
        suppression="respondents",
    ),
    _indicator(
        "korttidssjukfranvaro",
        "Korttidssjukfrånvaro",
        "overgripande",
        "process",
        "medarbetare",
        "%",
        "lower",
        "short_sick_leave_share",
        rollup="mean",
    ),
    # What the budget service publishes (POST /v1/efficiency, kind home_care_hour_cost):
    # net cost ÷ delivered hours per unit, and for the whole municipality when it is sent
    # without a unit (a stored municipality value wins over the mean of the units).
    _indicator(
        "kostnad_per_hemtjansttimme",
        "Kostnad per hemtjänsttimme",
        "aldreomsorg",
        "process",
        "ekonomi",
        "kr",
        "lower",
        "budget_cost_per_home_care_hour",
        rollup="mean",
        decimals=0,
        description="Nettokostnad ÷ utförda hemtjänsttimmar, härledd av budgettjänsten "
        "(mått budget_cost_per_home_care_hour); aldrig ett Kolada-värde.",
    ),
    _indicator(
        "ekonomiskt_resultat",
        "Ekonomiskt resultat",
        "overgripande",
        "effekt",
        "ekonomi",
        "tkr",
        "higher",
        "economic_result",
        rollup="sum",
        decimals=0,
    ),
    _indicator(
        "andel_riskbedomda",
        "Andel brukare riskbedömda i Senior Alert",
        "aldreomsorg",
        "process",
        "verksamhet",
        "%",
        "higher",
        "senior_alert_assessed",
        "residents",
        factor=100,
    ),
    _indicator(
        "ifo_ansokningar",
        "Antal ansökningar",
        "ifo",
        "struktur",
        "malgrupp",
        "antal",
        "lower",
        "case_applications",
        rollup="sum",
        decimals=0,
    ),
    _indicator(
        "ifo_anmalningar",
        "Antal anmälningar",
        "ifo",
        "struktur",
        "malgrupp",
        "antal",
        "lower",
        "case_reports",
        rollup="sum",
        decimals=0,
    ),
    _indicator(
        "ifo_utredningar",
        "Antal utredningar",
        "ifo",
        "process",
        "verksamhet",
        "antal",
        "lower",
        "case_investigations",
        rollup="sum",
        decimals=0,
    ),
    _indicator(
        "ifo_placeringar",
        "Placeringar",
        "ifo",
        "process",
        "verksamhet",
        "antal",
        "lower",
        "case_placements",
        rollup="sum",
        decimals=0,
    ),
    _indicator(
        "ao_hemtjanst_brukare",
        "Antal brukare med hemtjänstinsatser",
        "aldreomsorg",
        "struktur",
        "malgrupp",
        "antal",
        "higher",
        "home_care_users",
        rollup="sum",
        decimals=0,
    ),
    _indicator(
        "ao_sabo_platser",
        "Antal platser på särskilt boende",
        "aldreomsorg",
        "struktur",
        "verksamhet",
        "antal",
        "higher",
        "sabo_places",
        rollup="sum",
        decimals=0,
    ),
    _indicator(
        "ao_vantetid_sabo",
        "Väntetid på särskilt boende, antal dagar",
        "aldreomsorg",
        "process",
        "malgrupp",
        "dagar",
        "lower",
        "U23401",
        rollup="mean",
        decimals=0,
        kolada_kpi="U23401",
    ),
    _indicator(
        "avvikelser_lex_sarah",
        "Avvikelser: SoL, LSS (missförhållanden, lex Sarah)",
        "overgripande",
        "effekt",
        "verksamhet",
        "antal",
        "lower",
        "incidents_lex_sarah",
        rollup="sum",
        decimals=0,
    ),
    _indicator(
        "kolada_nojd_hemtjanst",
        "Brukarbedömning hemtjänst – helhetssyn (Kolada)",
        "aldreomsorg",
        "effekt",
        "malgrupp",
        "%",
        "higher",
        "U21468",
        rollup="mean",
        kolada_kpi="U21468",
        decimals=0,
    ),
    _indicator(
        "kolada_nojd_sabo",
        "Brukarbedömning särskilt boende – helhetssyn (Kolada)",
        "aldreomsorg",
        "effekt",
        "malgrupp",
        "%",
        "higher",
        "U23471",
        rollup="mean",
        kolada_kpi="U23471",
        decimals=0,
    ),
    # The KPIs the Kalmar prize schemes cite (seed 000): KKiK and the national survey per
    # unit (Kolada OU values), and staff continuity measured locally per unit (Kolada's U21401
    # has no unit values; the municipality's scheduling system has).
    _indicator(
        "kolada_trygg_hemtjanst",
        "Brukarbedömning hemtjänst – trygghet (Kolada)",
        "aldreomsorg",
        "effekt",
        "malgrupp",
        "%",
        "higher",
        "U21467",
        rollup="mean",
        kolada_kpi="U21467",
        decimals=0,
    ),
    _indicator(
        "kolada_samverkan_hemtjanst",
        "Rutin för samverkan vid vårdplanering med hälso- och sjukvården, hemtjänst (Kolada)",
        "aldreomsorg",
        "struktur",
        "verksamhet",
        "%",
        "higher",
        "U21571",
        rollup="mean",
        kolada_kpi="U21571",
        decimals=0,
    ),
    _indicator(
        "kolada_samverkan_sabo",
        "Rutin för vårdplanering i samverkan, särskilt boende (Kolada)",
        "aldreomsorg",
        "struktur",
        "verksamhet",
        "%",
        "higher",
        "U23571",
        rollup="mean",
        kolada_kpi="U23571",
        decimals=0,
    ),
    _indicator(
        "kolada_sociala_aktiviteter_sabo",
        "Brukarbedömning särskilt boende – sociala aktiviteter (Kolada)",
        "aldreomsorg",
        "effekt",
        "malgrupp",
        "%",
        "higher",
        "U23470",
        rollup="mean",
        kolada_kpi="U23470",
        decimals=0,
    ),
    _indicator(
        "kolada_aktiviteter_ensamhet_sabo",
        "Brukarbedömning särskilt boende – aktiviteter och känsla av ensamhet, medelvärde (Kolada)",
        "aldreomsorg",
        "effekt",
        "malgrupp",
        "index",
        "higher",
        "U23591",
        rollup="mean",
        kolada_kpi="U23591",
    ),
    _indicator(
        "kolada_aterinskrivning_30",
        "Oplanerade återinskrivningar inom 30 dagar bland äldre, andel (Kolada)",
        "hsl",
        "effekt",
        "malgrupp",
        "%",
        "lower",
        "N20506",
        rollup="mean",
        kolada_kpi="N20506",
    ),
    # Seed 002's staff survey measures (Ludvika's scorecard, perspective medarbetare).
    _indicator(
        "personal_tror_nojda",
        "Andel av personalen som tror att brukarna är nöjda med omsorgen i sin helhet",
        "overgripande",
        "effekt",
        "medarbetare",
        "%",
        "higher",
        "staff_view_users_satisfied",
        rollup="mean",
        decimals=0,
    ),
    _indicator(
        "personal_behov_styr",
        "Andel av personalen som tycker att man låter brukarens behov och önskemål styra",
        "overgripande",
        "process",
        "medarbetare",
        "%",
        "higher",
        "staff_view_needs_steer",
        rollup="mean",
        decimals=0,
    ),
    _indicator(
        "personalkontinuitet",
        "Personalkontinuitet: antal personal en hemtjänsttagare möter på 14 dagar",
        "aldreomsorg",
        "process",
        "malgrupp",
        "antal",
        "lower",
        "staff_continuity",
        rollup="mean",
        kolada_kpi="U21401",
        description="Medelvärde per enhet ur verksamhetens planeringssystem (lokalt mått "
        "staff_continuity), samma definition som Koladas U21401; färre är bättre.",
    ),
] + [
    _indicator(
        f"oj_{area}",
        f"Öppna jämförelser {title}: andel positiva svar",
        area_code,
        "struktur",
        "verksamhet",
        "%",
        "higher",
        f"oj_positive_share_{area}",
        rollup="mean",
        decimals=0,
    )
    for area, title, area_code in [
        ("aldreomsorg", "äldreomsorg", "aldreomsorg"),
        ("hsl", "kommunal hälso- och sjukvård", "hsl"),
        ("lss", "LSS", "lss"),
        ("ekonomiskt_bistand", "ekonomiskt bistånd", "ifo"),
        ("missbruk", "missbruks- och beroendevård", "ifo"),
        ("barn_unga", "social barn- och ungdomsvård", "ifo"),
    ]
]

# English titles shown under Accept-Language: en; a code left out falls back to Swedish.
ENGLISH_TITLES: dict[str, str] = {
    # measures
    "survey_respondents": "User survey: respondents",
    "survey_satisfied": "User survey: satisfied with care as a whole",
    "survey_safe": "User survey: feeling safe",
    "survey_treatment": "User survey: well treated by staff",
    "economic_result": "Financial result against budget, SEK thousands",
    "senior_alert_assessed": "Residents risk-assessed in Senior Alert",
    "residents": "Residents in nursing homes",
    "home_care_users": "Users of home care",
    "sabo_places": "Nursing home places",
    "incidents_lex_sarah": "Incidents: serious shortcomings (lex Sarah)",
    "U21468": "User assessment home care, elderly – overall, share (%)",
    "U23471": "User assessment nursing home, elderly – overall, share (%)",
    "U23401": "Waiting time in days from application to offered nursing home place, mean",
    # indicators
    "andel_nojda": "Share of satisfied users (overall)",
    "andel_trygga": "Share of users who feel safe",
    "andel_hansyn": "Share of users who find that staff respect their views and wishes",
    "andel_bemotande": "Share of users who find that staff treat them well",
    "korttidssjukfranvaro": "Short-term sick leave",
    "kostnad_per_hemtjansttimme": "Cost per home-care hour",
    "ekonomiskt_resultat": "Financial result",
    "andel_riskbedomda": "Share of residents risk-assessed in Senior Alert",
    "ifo_ansokningar": "Applications",
    "ifo_anmalningar": "Reports of concern",
    "ifo_utredningar": "Investigations",
    "ifo_placeringar": "Placements",
    "ao_hemtjanst_brukare": "Users of home care",
    "ao_sabo_platser": "Nursing home places",
    "ao_vantetid_sabo": "Waiting time for a nursing home place, days",
    "avvikelser_lex_sarah": "Incidents under SoL and LSS (serious shortcomings, lex Sarah)",
    "kolada_nojd_hemtjanst": "User assessment home care – overall (Kolada)",
    "kolada_nojd_sabo": "User assessment nursing home – overall (Kolada)",
    "kolada_trygg_hemtjanst": "User assessment home care – feeling safe (Kolada)",
    "kolada_samverkan_hemtjanst": "Routine for care planning with health care, home care (Kolada)",
    "kolada_samverkan_sabo": "Routine for care planning in cooperation, nursing home (Kolada)",
    "kolada_sociala_aktiviteter_sabo": "User assessment nursing home – social activities (Kolada)",
    "kolada_aktiviteter_ensamhet_sabo": "User assessment nursing home – activities and "
    "loneliness, mean (Kolada)",
    "personalkontinuitet": "Staff continuity: staff a home-care user meets in 14 days",
    "personal_tror_nojda": "Share of staff who believe users are satisfied with care overall",
    "personal_behov_styr": "Share of staff who find that users' needs and wishes steer the work",
    "kolada_aterinskrivning_30": "Unplanned readmissions within 30 days among the elderly, "
    "share (Kolada)",
}
ENGLISH_DESCRIPTIONS: dict[str, str] = {
    "andel_nojda": "Share of respondents very or fairly satisfied with their care as a whole: "
    "satisfied ÷ respondents × 100.",
    "kostnad_per_hemtjansttimme": "Net cost ÷ delivered home-care hours, derived by the budget "
    "service (measure budget_cost_per_home_care_hour); never a Kolada value.",
}
for _spec in MEASURES:
    _spec["title_en"] = ENGLISH_TITLES.get(_spec["code"])
for _spec in INDICATORS:
    _spec["title_en"] = ENGLISH_TITLES.get(_spec["code"])
    _spec["description_en"] = ENGLISH_DESCRIPTIONS.get(_spec["code"])

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
UNIT_TITLES_EN = {
    "HT-NORR": "Home care North",
    "HT-SODER": "Home care South",
    "HT-VASTER": "Home care West",
    "HT-OSTER": "Home care East",
    "SABO-LINDEN": "Linden nursing home",
    "SABO-EKEN": "Eken nursing home",
    "SABO-BJORKEN": "Björken nursing home",
}


async def load_definitions(session: AsyncSession) -> None:
    """Measures and indicators (idempotent)."""
    await session.execute(pg_insert(Measure).on_conflict_do_nothing(), MEASURES)
    for spec in INDICATORS:
        exists = await session.execute(select(Indicator.id).where(Indicator.code == spec["code"]))
        if exists.first() is None:
            session.add(Indicator(valid_from=date(2000, 1, 1), **spec))
    await session.flush()


def _m(
    text: str,
    indicator: str | None = None,
    comparator: str | None = None,
    value: str | None = None,
    *,
    by_gender: bool = False,
) -> dict[str, Any]:
    target = None
    if comparator is not None and value is not None:
        target = {"comparator": comparator, "value": value}
    return {"text": text, "indicator_code": indicator, "target": target, "by_gender": by_gender}


# Seed 002: Ludvika kommun, Vård- och omsorgsnämndens balanserade styrkort, målvärden 2014.
# Measures whose target value is blank in the source ("Högst kr per dygn…") carry no target.
LUDVIKA_VISION = "En trygg vardag med egen makt för kvinnor och män"
LUDVIKA_GOALS: list[dict[str, Any]] = [
    {
        "perspective": "Brukare och allmänhet",
        "title": "Trygg allmänhet",
        "factors": [
            {
                "title": "Aktuell information och aktiv kommunikation",
                "measures": [_m("Minst 45 pressmeddelanden och/eller nyheter på webben")],
            }
        ],
    },
    {
        "perspective": "Brukare och allmänhet",
        "title": "Nöjda brukare",
        "factors": [
            {
                "title": "God upplevd kvalitet",
                "measures": [
                    _m(
                        "Minst 90% av brukarna nöjda med omsorgen i sin helhet (ÄO)",
                        "andel_nojda",
                        "at_least",
                        "90",
                        by_gender=True,
                    ),
                    _m(
                        "Minst 60% av personalen tror att brukarna är nöjda med omsorgen i sin helhet",
                        "personal_tror_nojda",
                        "at_least",
                        "60",
                        by_gender=True,
                    ),
                    _m(
                        "Minst 90% av brukarna känner trygghet (ÄO)",
                        "andel_trygga",
                        "at_least",
                        "90",
                        by_gender=True,
                    ),
                ],
            }
        ],
    },
    {
        "perspective": "Process och medarbetare",
        "title": "Brukarens behov och önskemål styr",
        "factors": [
            {
                "title": "Individanpassad verksamhet",
                "measures": [
                    _m("Minst 85% av brukarna delaktiga i att upprätta sin genomförandeplan"),
                    _m("Minst 87% av brukarna har utsedd kontaktpersonal"),
                    _m(
                        "Minst 90% av brukarna tycker att personalen tar hänsyn till åsikter och "
                        "önskemål (ÄO)",
                        "andel_hansyn",
                        "at_least",
                        "90",
                        by_gender=True,
                    ),
                    _m(
                        "Minst 80% av personalen tycker att man låter brukarens behov och "
                        "önskemål styra",
                        "personal_behov_styr",
                        "at_least",
                        "80",
                        by_gender=True,
                    ),
                ],
            }
        ],
    },
    {
        "perspective": "Process och medarbetare",
        "title": "Gemensam värdegrund",
        "factors": [
            {
                "title": "Värdegrund känd och förankrad",
                "measures": [
                    _m("Minst 17 timmar per årsarbetare i avsatt tid för värdegrundsarbete"),
                    _m(
                        "Minst 97% av brukarna tycker att personalens bemötande är bra (ÄO)",
                        "andel_bemotande",
                        "at_least",
                        "97",
                        by_gender=True,
                    ),
                ],
            }
        ],
    },
    {
        "perspective": "Process och medarbetare",
        "title": "Motiverade medarbetare med rätt kompetens",
        "factors": [
            {
                "title": "Medarbetare som trivs och mår bra",
                "measures": [
                    _m("Högst 2,5% korttidssjukfrånvaro", "korttidssjukfranvaro", "at_most", "2.5")
                ],
            },
            {
                "title": "Kvalifikationskrav och kompetensutveckling",
                "measures": [
                    _m("Minst 90% av nyrekryterad omvårdnadspersonal har efterfrågad utbildning")
                ],
            },
        ],
    },
    {
        "perspective": "Process och medarbetare",
        "title": "Effektiva arbetssätt & verksamhetsstöd",
        "factors": [
            {
                "title": "Aktiv användning av nationella kvalitetsregister",
                "measures": [
                    _m(
                        "Minst 85% av brukarna riskbedömda i Senior Alert (ÄO SÄBO)",
                        "andel_riskbedomda",
                        "at_least",
                        "85",
                    ),
                    _m("Minst 97% av avlidna personer registrerade i Palliativregistret (ÄO SÄBO)"),
                ],
            }
        ],
    },
    {
        "perspective": "Utveckling",
        "title": "Stark utvecklingskraft",
        "factors": [
            {
                "title": "Nära kontakt med utbildning och forskning",
                "measures": [
                    _m("Minst 15 anställda har behörighet att ta emot studenter på högskolenivå")
                ],
            },
            {
                "title": "Ta tillvara alla medarbetares initiativkraft",
                "measures": [
                    _m(
                        "Minst 60% av personalen tycker att man tillsammans utvecklar o "
                        "förbättrar arbetet"
                    )
                ],
            },
        ],
    },
    {
        "perspective": "Ekonomi",
        "title": "God ekonomisk hushållning",
        "factors": [
            {
                "title": "Kontroll över ekonomin",
                "measures": [_m("Ekonomiskt resultat = 0", "ekonomiskt_resultat", "equal", "0")],
            },
            {
                "title": "Effektiv användning av resurserna",
                "measures": [
                    _m(
                        "Högst 442 kr per hemtjänsttimme (ÄO)",
                        "kostnad_per_hemtjansttimme",
                        "at_most",
                        "442",
                    ),
                    _m("Högst kr per dygn i särskilt boende (ÄO)"),
                    _m("Högst kr per dygn i särskilt boende (psykiatri)"),
                    _m("Högst kr per dygn i gruppbostad vuxna (LSS)"),
                    _m("Högst 60 kr per SFB-timme personlig assistans (LSS)"),
                ],
            },
        ],
    },
]

# Seed 001 §4: Lilla Edets kommun, Socialnämnden, Mål och resursplan 2021 (SON 2020/2).
LILLA_EDET_GOALS: list[dict[str, Any]] = [
    {
        "number": 1,
        "title": "Kompetensförsörjning",
        "why": "Vi behöver rätt och kompetent personal för att bedriva en effektiv äldreomsorg "
        "med god kvalitet inom given ram.",
        "problem": "Det är konkurrens om medarbetare till äldreomsorgen och det har varit svårt "
        "att rekrytera och behålla rätt medarbetare.",
        "desired_results": [
            "Attraktiv arbetsgivare som kan rekrytera och behålla rätt medarbetare",
            "Låg personalomsättning",
            "Låg sjukfrånvaro",
        ],
        "strategies": [
            "Fortsatt arbete med heltidsresan, bemanning och schemaplanering",
            "Kompetensutveckling",
            "Arbetsmiljöförbättrande åtgärder för personalen som arbetar inom äldreomsorgen",
        ],
        "actions": [
            "Genomföra kompetensutveckling enligt plan",
            "Arbetsmiljöarbete enligt årshjul",
            "Samplanering inom funktionshinderverksamheten",
            "Arbete med planerad frånvaro och resurspass för att möjliggöra högre "
            "sysselsättningsgrad och minska behovet av timanställda",
            "Delta i GR:s branschråd",
        ],
        "indicator_codes": ["korttidssjukfranvaro"],
    },
    {
        "number": 2,
        "title": "Förebyggande arbete barn och unga",
        "why": "Förebyggande tidiga insatser till föräldrar och barn kan innebära att personer "
        "söker hjälp innan problemen blir allt för stora eller till och med förhindra att "
        "problem uppstår.",
        "problem": "Allt för många barn upplever våld i hemmet.",
        "desired_results": [
            "Att barn inte utsätts för eller bevittnar våld",
            "Fler barn ska slippa placeras utanför föräldrahemmet",
        ],
        "strategies": [
            "Samverkan med andra aktörer som kommer i kontakt med barn och ungdomar för att nå ut "
            "brett. Samverkanspartner är tex ungdomsmottagning, skola, primärvård, och BVC.",
            "Fokus ligger under året inom områdena våldsprevention samt att stärka psykiska "
            "hälsan hos våra barn och ungdomar.",
        ],
        "actions": [
            "Tidiga hembesök till föräldrar med nyfödda barn samt då barnet är 8 månader",
            "Föräldrautbildning ABC",
            "Föräldracafé",
            "Lokal handlingsplan psykisk hälsa",
            'Utbildning i "Första hjälpen till psykisk hälsa"',
            'Utveckla hemsida för att ha fler "kanaler" att nå ut till ungdomar samt att '
            "ungdomar kan nå oss",
        ],
        "indicator_codes": ["ifo_placeringar", "ifo_anmalningar"],
    },
    {
        "number": 3,
        "title": "Förebyggande arbete äldre",
        "why": "Personal och ekonomiska resurser kommer inte att räcka till i framtiden om inte "
        "arbetssätt förändras. Behovet av kostsamma insatser behöver förebyggas eller i alla "
        "fall skjutas upp. Äldre ska ges möjlighet att leva ett tryggt och självständigt liv "
        "och kunna bo kvar hemma.",
        "problem": "Socialstyrelsens Öppna jämförelser visar att många äldre i Lilla Edet "
        "upplever ensamhet. I jämförelse med liknande kommuner har framkommit att Lilla Edets "
        "kommun har fler antal platser på särskilt boende.",
        "desired_results": [
            "Äldre ska ges möjlighet att leva ett självständigt liv och kunna bo kvar hemma",
            "Rätt insatser i rätt tid för rätt personer",
            "Behov av kostsamma insatser ska skjutas upp",
        ],
        "strategies": [
            "Ta reda på vad äldre upplever som ensamhet och vad de behöver",
            "Satsning på insatser i ordinärt boende",
        ],
        "actions": [
            "Skapa fokusgrupp för att ta reda på vilka åtgärder som behövs för att förebygga "
            "ensamhet hos äldre",
            "Utveckla träffpunktsverksamheten",
            "Rehabilitering i ordinärt boende",
        ],
        "indicator_codes": ["ao_sabo_platser", "ao_hemtjanst_brukare"],
    },
]

# Exempelstad (9990, synthetic): board-level targets that apply to every unit, a stricter one
# for home care, and one unit's own target (it overrides the board's for that unit).
DEMO_TARGETS: list[dict[str, Any]] = [
    {
        "indicator_code": "andel_nojda",
        "scope_type": "municipality",
        "scope_value": "",
        "comparator": "at_least",
        "value": Decimal(85),
        "tolerance": Decimal(5),
        "label": "Minst 85 % av brukarna nöjda med omsorgen i sin helhet",
    },
    {
        "indicator_code": "andel_nojda",
        "scope_type": "unit_type",
        "scope_value": "hemtjanst",
        "comparator": "at_least",
        "value": Decimal(88),
        "tolerance": Decimal(5),
        "label": "Minst 88 % nöjda i hemtjänsten",
    },
    {
        "indicator_code": "andel_nojda",
        "scope_type": "unit",
        "scope_value": "SABO-EKEN",
        "comparator": "at_least",
        "value": Decimal(80),
        "tolerance": Decimal(4),
        "label": "Ekens eget mål: minst 80 % nöjda",
    },
    {
        "indicator_code": "andel_nojda",
        "scope_type": "municipality",
        "scope_value": "",
        "gender": "K",
        "comparator": "at_least",
        "value": Decimal(85),
        "tolerance": Decimal(5),
        "label": "Minst 85 % av kvinnorna nöjda",
    },
    {
        "indicator_code": "andel_nojda",
        "scope_type": "municipality",
        "scope_value": "",
        "gender": "M",
        "comparator": "at_least",
        "value": Decimal(85),
        "tolerance": Decimal(5),
        "label": "Minst 85 % av männen nöjda",
    },
]


def _scorecard_targets(
    scorecard: Scorecard, goals: list[dict[str, Any]], decision: str
) -> tuple[list[dict[str, Any]], list[Target]]:
    out_goals = []
    targets = []
    for g in goals:
        factors = []
        for f in g["factors"]:
            measures = []
            for m in f["measures"]:
                m = dict(m)
                spec = m["target"]
                if spec is not None:
                    target = Target(
                        id=new_id(),
                        municipality_code=scorecard.municipality_code,
                        indicator_code=m["indicator_code"],
                        scope_type="municipality",
                        scope_value="",
                        period=str(scorecard.year),
                        gender="T",
                        comparator=spec["comparator"],
                        value=Decimal(spec["value"]),
                        tolerance=Decimal(0),
                        label=m["text"],
                        decision=decision,
                        scorecard_id=scorecard.id,
                    )
                    targets.append(target)
                    m["target"] = {
                        "comparator": spec["comparator"],
                        "value": spec["value"],
                        "upper_value": None,
                        "tolerance": "0",
                        "gender": "T",
                        "scope_type": "municipality",
                        "scope_value": "",
                        "period": str(scorecard.year),
                    }
                    m["target_id"] = str(target.id)
                measures.append(m)
            factors.append({"title": f["title"], "measures": measures})
        out_goals.append({"perspective": g["perspective"], "title": g["title"], "factors": factors})
    return out_goals, targets


async def _scorecard(
    session: AsyncSession, municipality: str, board: str, title: str, year: int
) -> None:
    scorecard = Scorecard(
        id=new_id(),
        municipality_code=municipality,
        board=board,
        title=title,
        vision=LUDVIKA_VISION,
        year=year,
        goals=[],
    )
    goals, targets = _scorecard_targets(scorecard, LUDVIKA_GOALS, f"{board}: {title} ({year})")
    scorecard.goals = goals
    session.add(scorecard)
    await session.flush()
    session.add_all(targets)
    await session.flush()


async def load(session: AsyncSession) -> None:
    """Exempelstad's units (synthetic), the seed scorecards, goals and demo targets."""
    for code, title, unit_type, area in DEMO_UNITS:
        session.add(
            OrgUnit(
                municipality_code=DEMO_MUNICIPALITY,
                code=code,
                title=title,
                title_en=UNIT_TITLES_EN.get(code),
                unit_type=unit_type,
                area=area,
                opened_on=date(2015, 1, 1),
                synthetic=True,
            )
        )
        session.add(
            UnitMembership(
                municipality_code=DEMO_MUNICIPALITY,
                unit_code=code,
                area=area,
                valid_from=date(2015, 1, 1),
            )
        )
    await session.flush()
    await _scorecard(
        session, "2085", "Vård- och omsorgsnämnden", "Balanserat styrkort, målvärden 2014", 2014
    )
    await _scorecard(
        session,
        DEMO_MUNICIPALITY,
        "Vård- och omsorgsnämnden",
        "Styrkort 2024 (efter Ludvikas modell; syntetiskt exempel)",
        2024,
    )
    for spec in DEMO_TARGETS:
        session.add(
            Target(
                municipality_code=DEMO_MUNICIPALITY,
                decision="Vård- och omsorgsnämnden (syntetiskt exempel)",
                **{"gender": "T", **spec},
            )
        )
    for goal in LILLA_EDET_GOALS:
        session.add(
            PrioritisedGoal(municipality_code="1462", board="Socialnämnden", year=2021, **goal)
        )
    await session.flush()
