"""Lilla Edet's (1462) tertial follow-up as its board reads it: seed 001's "Bilaga uppföljning
av grunduppdraget" — five sections, 34 rows under STRUKTUR / PROCESS / EFFEKT, 27 distinct
indicators (the deviations, sick leave and the applications, reports and placements of
individual and family care stand in more than one section).

The appendix names the indicators and nothing else: the measures here are definitions, with
no figures. Kolada's own KPIs are named where one answers the row (Källa: Kolada)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.demo.common import DEMO_MUNICIPALITY, DEMO_MUNICIPALITY_TITLE
from shared.demo.indicators import _indicator, _measure
from shared.models import Indicator, Measure, ReportLayout

LILLA_EDET = "1462"
BOARD = "Socialnämnden"

MEASURES: list[dict[str, Any]] = [
    _measure("case_interventions", "IFO: antal insatser", "local", "antal", "count"),
    _measure(
        "survey_guardians_satisfied",
        "IFO barn och unga: andel nöjda vårdnadshavare",
        "local",
        "%",
        "share",
    ),
    _measure(
        "survey_children_satisfied", "IFO barn och unga: andel nöjda barn", "local", "%", "share"
    ),
    _measure(
        "survey_adults_satisfied",
        "IFO vuxna: andel nöjda (missbruk, VIN, socialpsykiatri, ekonomiskt bistånd)",
        "local",
        "%",
        "share",
    ),
    _measure(
        "survey_adults_improved",
        "IFO vuxna: andel med positivt förändrad situation efter kontakt",
        "local",
        "%",
        "share",
    ),
    _measure(
        "lss_residents", "LSS: antal i bostad med särskild service", "local", "antal", "count"
    ),
    _measure("lss_daily_activity", "LSS: antal med daglig verksamhet", "local", "antal", "count"),
    _measure("lss_external_places", "LSS: antal externa platser", "local", "antal", "count"),
    _measure(
        "home_health_users_elderly",
        "Äldreomsorg: antal brukare inskrivna i hemsjukvård",
        "local",
        "antal",
        "count",
    ),
    _measure("sick_leave_share", "Sjukfrånvaro bland anställda, andel", "local", "%", "share"),
    _measure("home_health_enrolled", "Antal inskrivna i hemsjukvård", "local", "antal", "count"),
    _measure(
        "incidents_health_care",
        "Avvikelser: hälso- och sjukvårdsavvikelser",
        "local",
        "antal",
        "count",
    ),
    _measure("N28018", "Nettokostnadsavvikelse LSS (%)", "kolada", "%", "share"),
    _measure("N20900", "Nettokostnadsavvikelse äldreomsorg, (%)", "kolada", "%", "share"),
    _measure(
        "U23521",
        "Brukarbedömning särskilt boende äldreomsorg - mycket eller ganska trygga, andel (%)",
        "kolada",
        "%",
        "share",
    ),
    _measure(
        "U21505",
        "Brukarbedömning hemtjänst äldreomsorg - mycket eller ganska trygga, andel (%)",
        "kolada",
        "%",
        "share",
    ),
]

# The indicators the appendix needs beyond the demo catalogue's (shared/demo/indicators.py).
INDICATORS: list[dict[str, Any]] = [
    _indicator(
        "ifo_insatser",
        "Antal insatser",
        "ifo",
        "process",
        "verksamhet",
        "antal",
        "lower",
        "case_interventions",
        rollup="sum",
        decimals=0,
        description="Beviljade insatser inom barn, unga och familj under perioden.",
    ),
    _indicator(
        "ifo_nojdhet_vardnadshavare",
        "Sammantagen nöjdhet, med stödet som erbjudits: vårdnadshavare",
        "ifo",
        "effekt",
        "malgrupp",
        "%",
        "higher",
        "survey_guardians_satisfied",
        rollup="mean",
        decimals=0,
        description="Andel vårdnadshavare som sammantaget är nöjda med stödet de erbjudits.",
    ),
    _indicator(
        "ifo_nojdhet_barn",
        "Sammantagen nöjdhet, med stödet som erbjudits: barn",
        "ifo",
        "effekt",
        "malgrupp",
        "%",
        "higher",
        "survey_children_satisfied",
        rollup="mean",
        decimals=0,
        description="Andel barn som sammantaget är nöjda med stödet de erbjudits.",
    ),
    _indicator(
        "vuxna_nojdhet",
        "Sammantagen nöjdhet, inom missbruk, VIN, socialpsykiatri och ekonomiskt bistånd",
        "ifo",
        "effekt",
        "malgrupp",
        "%",
        "higher",
        "survey_adults_satisfied",
        rollup="mean",
        decimals=0,
        description="Andel vuxna klienter som sammantaget är nöjda med stödet.",
    ),
    _indicator(
        "vuxna_forandrad_situation",
        "Upplevelse av positivt förändrad situation efter kontakt med socialtjänst, inom "
        "missbruk, VIN, socialpsykiatri och ekonomiskt bistånd",
        "ifo",
        "effekt",
        "malgrupp",
        "%",
        "higher",
        "survey_adults_improved",
        rollup="mean",
        decimals=0,
        description="Andel vuxna klienter som upplever att deras situation blivit bättre.",
    ),
    _indicator(
        "lss_bostad_ss",
        "Antal i bostad med särskild service",
        "lss",
        "struktur",
        "malgrupp",
        "antal",
        "higher",
        "lss_residents",
        rollup="sum",
        decimals=0,
        description="Personer med beslut om bostad med särskild service enligt LSS.",
    ),
    _indicator(
        "lss_daglig_verksamhet",
        "Antal med daglig verksamhet",
        "lss",
        "struktur",
        "malgrupp",
        "antal",
        "higher",
        "lss_daily_activity",
        rollup="sum",
        decimals=0,
        description="Personer med beslut om daglig verksamhet enligt LSS.",
    ),
    _indicator(
        "lss_externa_platser",
        "Externa platser",
        "lss",
        "struktur",
        "verksamhet",
        "antal",
        "lower",
        "lss_external_places",
        rollup="sum",
        decimals=0,
        description="Platser som köps av andra utförare än kommunen.",
    ),
    _indicator(
        "lss_standardkostnad",
        "Avvikelse mot standardkostnad (jmf med riket)",
        "lss",
        "process",
        "ekonomi",
        "%",
        "lower",
        "N28018",
        rollup="mean",
        kolada_kpi="N28018",
        description="Nettokostnadsavvikelse LSS i procent av standardkostnaden (Kolada N28018).",
    ),
    _indicator(
        "ao_hemsjukvard_brukare",
        "Antal brukare inskrivna i hemsjukvård",
        "aldreomsorg",
        "struktur",
        "malgrupp",
        "antal",
        "higher",
        "home_health_users_elderly",
        rollup="sum",
        decimals=0,
        description="Brukare inom äldreomsorgen som är inskrivna i kommunal hemsjukvård.",
    ),
    _indicator(
        "sjukfranvaro",
        "Sjukfrånvaro",
        "overgripande",
        "process",
        "medarbetare",
        "%",
        "lower",
        "sick_leave_share",
        rollup="mean",
        description="Sjukfrånvaro i procent av ordinarie arbetstid bland anställda.",
    ),
    _indicator(
        "ao_standardkostnad",
        "Avvikelse mot standardkostnad för äldreomsorg (jmf med riket)",
        "aldreomsorg",
        "process",
        "ekonomi",
        "%",
        "lower",
        "N20900",
        rollup="mean",
        kolada_kpi="N20900",
        description="Nettokostnadsavvikelse äldreomsorg i procent (Kolada N20900).",
    ),
    _indicator(
        "kolada_trygg_sabo",
        "Upplevd trygghet öppna jämförelser, särskilt boende för äldre",
        "aldreomsorg",
        "effekt",
        "malgrupp",
        "%",
        "higher",
        "U23521",
        rollup="mean",
        kolada_kpi="U23521",
        decimals=0,
        description="Andel mycket eller ganska trygga i särskilt boende (Kolada U23521).",
    ),
    _indicator(
        "kolada_trygg_hemtjanst_oj",
        "Upplevd trygghet öppna jämförelser, hemtjänst",
        "aldreomsorg",
        "effekt",
        "malgrupp",
        "%",
        "higher",
        "U21505",
        rollup="mean",
        kolada_kpi="U21505",
        decimals=0,
        description="Andel mycket eller ganska trygga i hemtjänsten (Kolada U21505).",
    ),
    _indicator(
        "hsl_inskrivna",
        "Antal inskrivna i hemsjukvård",
        "hsl",
        "struktur",
        "malgrupp",
        "antal",
        "higher",
        "home_health_enrolled",
        rollup="sum",
        decimals=0,
        description="Alla personer inskrivna i kommunal hemsjukvård, oavsett ålder.",
    ),
    _indicator(
        "hsl_avvikelser",
        "Avvikelser: hälso- och sjukvårdsavvikelser; antal, kategori, allvarlighetsgrad",
        "hsl",
        "effekt",
        "verksamhet",
        "antal",
        "lower",
        "incidents_health_care",
        rollup="sum",
        decimals=0,
        description="Rapporterade avvikelser i hälso- och sjukvården.",
    ),
]

DEVIATIONS = "avvikelser_lex_sarah"


def _rows(*rows: tuple[str, str]) -> list[dict[str, str]]:
    return [{"indicator_code": code, "classification": cls} for cls, code in rows]


# (key, Swedish title, English title, area, rows) in the appendix's order.
SECTIONS: list[dict[str, Any]] = [
    {
        "key": "barn_unga_familj",
        "title": "Stöd till barn, unga och familj",
        "title_en": "Support for children, young people and families",
        "area": "ifo",
        "rows": _rows(
            ("struktur", "ifo_ansokningar"),
            ("struktur", "ifo_anmalningar"),
            ("process", "ifo_utredningar"),
            ("process", "ifo_insatser"),
            ("process", "ifo_placeringar"),
            ("effekt", "ifo_nojdhet_vardnadshavare"),
            ("effekt", "ifo_nojdhet_barn"),
            ("effekt", DEVIATIONS),
        ),
    },
    {
        "key": "vuxna",
        "title": "Stöd till vuxna",
        "title_en": "Support for adults",
        "area": "ifo",
        "rows": _rows(
            ("struktur", "ifo_ansokningar"),
            ("struktur", "ifo_anmalningar"),
            ("process", "ifo_placeringar"),
            ("effekt", "vuxna_nojdhet"),
            ("effekt", "vuxna_forandrad_situation"),
            ("effekt", DEVIATIONS),
        ),
    },
    {
        "key": "funktionshinder",
        "title": "Stöd till personer med funktionshinder",
        "title_en": "Support for people with disabilities",
        "area": "lss",
        "rows": _rows(
            ("struktur", "lss_bostad_ss"),
            ("struktur", "lss_daglig_verksamhet"),
            ("struktur", "lss_externa_platser"),
            ("process", "lss_standardkostnad"),
            ("effekt", "oj_lss"),
            ("effekt", DEVIATIONS),
        ),
    },
    {
        "key": "aldre",
        "title": "Stöd till äldre",
        "title_en": "Support for older people",
        "area": "aldreomsorg",
        "rows": _rows(
            ("struktur", "ao_hemtjanst_brukare"),
            ("struktur", "ao_hemsjukvard_brukare"),
            ("struktur", "ao_sabo_platser"),
            ("process", "sjukfranvaro"),
            ("process", "ao_vantetid_sabo"),
            ("process", "ao_standardkostnad"),
            ("effekt", "kolada_nojd_sabo"),
            ("effekt", "kolada_nojd_hemtjanst"),
            ("effekt", "kolada_trygg_sabo"),
            ("effekt", "kolada_trygg_hemtjanst_oj"),
            ("effekt", DEVIATIONS),
        ),
    },
    {
        "key": "halso_sjukvard",
        "title": "Hälso- och sjukvård",
        "title_en": "Health and medical care",
        "area": "hsl",
        "rows": _rows(
            ("struktur", "hsl_inskrivna"),
            ("process", "sjukfranvaro"),
            ("effekt", "hsl_avvikelser"),
        ),
    },
]

# The appendix's own wording of the rows whose indicator the catalogue titles otherwise.
TITLES = {
    "ao_hemtjanst_brukare": "Antal brukare med hemtjänstinsatser samt antal timmar",
    "ao_sabo_platser": "Antal platser på särskilt boende för äldre samt på korttidsboende",
    "kolada_nojd_sabo": "Sammantagen nöjdhet öppna jämförelser, särskilt boende för äldre",
    "kolada_nojd_hemtjanst": "Sammantagen nöjdhet öppna jämförelser, hemtjänst",
    "oj_lss": "Sammantagen nöjdhet i öppna jämförelser",
    DEVIATIONS: "Avvikelser: SoL, LSS (missförhållanden, lex Sarah) och vårdskada",
}
for _section in SECTIONS:
    for _row in _section["rows"]:
        if _row["indicator_code"] in TITLES:
            _row["title"] = TITLES[_row["indicator_code"]]


# Definitions of the demo catalogue's indicators the appendix reuses (where they have none).
DESCRIPTIONS = {
    "ifo_ansokningar": "Ansökningar om bistånd som inkommit under perioden.",
    "ifo_anmalningar": "Anmälningar och orosanmälningar som inkommit under perioden.",
    "ifo_utredningar": "Utredningar som inletts under perioden.",
    "ifo_placeringar": "Placeringar i familjehem, HVB eller motsvarande under perioden.",
    "oj_lss": "Andel positiva svar i Öppna jämförelser LSS.",
    "ao_hemtjanst_brukare": "Brukare med beviljade hemtjänstinsatser och antal beviljade timmar.",
    "ao_sabo_platser": "Platser på särskilt boende för äldre och på korttidsboende.",
    "ao_vantetid_sabo": "Dagar från ansökan till erbjudet inflyttningsdatum (Kolada U23401).",
    "kolada_nojd_sabo": "Andel nöjda med särskilt boende som helhet (Kolada U23471).",
    "kolada_nojd_hemtjanst": "Andel nöjda med hemtjänsten som helhet (Kolada U21468).",
    DEVIATIONS: "Rapporter om missförhållanden och risker (lex Sarah) och vårdskador.",
}


async def load_definitions(session: AsyncSession) -> None:
    """The appendix's measures, indicators and Lilla Edet's layout (idempotent: an existing
    database gets them on its next start)."""
    await session.execute(pg_insert(Measure).on_conflict_do_nothing(), MEASURES)
    for spec in INDICATORS:
        exists = await session.execute(select(Indicator.id).where(Indicator.code == spec["code"]))
        if exists.first() is None:
            session.add(Indicator(valid_from=date(2000, 1, 1), **spec))
    for code, description in DESCRIPTIONS.items():
        await session.execute(
            update(Indicator)
            .where(Indicator.code == code, Indicator.description.is_(None))
            .values(description=description)
        )
    await session.flush()
    # Exempelstad's board follows up every indicator, one section per area (no sections).
    for municipality, title, board, sections in (
        (LILLA_EDET, None, BOARD, SECTIONS),
        (DEMO_MUNICIPALITY, DEMO_MUNICIPALITY_TITLE, "Vård- och omsorgsnämnden", []),
    ):
        values = {"municipality_title": title, "board": board, "sections": sections}
        await session.execute(
            pg_insert(ReportLayout)
            .values(municipality_code=municipality, **values)
            .on_conflict_do_update(index_elements=["municipality_code"], set_=values)
        )
