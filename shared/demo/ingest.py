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
from shared.models import DataVersion, IngestBatch, Measure, Observation
from shared.periods import Period
from shared.privacy import SUPPRESSION_THRESHOLD

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


# Seed 002 (Ludvika kommun, Vård- och omsorgsförvaltningen, 2014): the staff survey values the
# transcript of the slides keeps, as (measure, gender) → %. How the slides were read:
# - Slide 12 ("Kvinnor i personalen skattar högre kvalitet 2014 än män gör"): the first pair
#   after the target line, 63 % and 61 %, are women's and men's "Brukarna är nöjda med vad vi
#   utför" (the scorecard's "personalen tror att brukarna är nöjda"). The other six bars of
#   the slide lost their order in the transcript (seven numbers for six bars and a target
#   line); they are not entered.
# - Slide 14 (the whole administration, "låter brukarens behov och önskemål styra"): 79 % is
#   read as the women's bar and 78 % as the total beside the 80 % target line; the men's bar
#   has no number in the transcript.
# - Slide 11 (user survey 2013: helheten, trygghet, hänsyn, bemötande for women and men)
#   keeps only its axis in the transcript: no user-survey value is entered, so those measures
#   stay without data rather than carry invented figures.
LUDVIKA_2014 = {
    ("staff_view_users_satisfied", "K"): 63,
    ("staff_view_users_satisfied", "M"): 61,
    ("staff_view_needs_steer", "K"): 79,
    ("staff_view_needs_steer", "T"): 78,
}

_INCIDENT_TYPES = {"lex_sarah": "lex Sarah", "lex_maria": "lex Maria (vårdskada)"}
_INCIDENT_CATEGORIES = {
    "fall": "fall",
    "lakemedel": "läkemedel",
    "bemotande": "bemötande",
    "omsorg": "omsorg och vård",
    "ovrigt": "övrigt",
}
_INCIDENT_SEVERITIES = {"lag": "låg", "medel": "medel", "hog": "hög"}


def _count(code: str, title: str) -> dict[str, Any]:
    return {"code": code, "title": title, "source": "local", "unit": "antal", "value_kind": "count"}


def _share(code: str, title: str) -> dict[str, Any]:
    return {"code": code, "title": title, "source": "local", "unit": "%", "value_kind": "share"}


# The local measures the upload kinds need (services/ingest/upload/kinds.py); survey_respondents
# and survey_satisfied come with the indicators' definitions.
LOCAL_MEASURES: list[dict[str, Any]] = [
    _count("survey_safe", "Brukarundersökning: antal som känner sig trygga"),
    _count("survey_treatment", "Brukarundersökning: antal med alltid bra bemötande"),
    _count("survey_influence", "Brukarundersökning: antal vars åsikter och önskemål beaktas"),
    {
        "code": "staff_continuity",
        "title": "Personalkontinuitet: antal personal en hemtjänsttagare möter på 14 dagar",
        "source": "local",
        "unit": "antal",
        "value_kind": "average",
        "min_value": Decimal(0),
        "max_value": Decimal(200),
    },
    _count("continuity_users", "Personalkontinuitet: antal brukare i mätningen"),
    _share("sick_leave_share", "Sjukfrånvaro, andel av arbetad tid"),
    _share(
        "staff_view_users_satisfied",
        "Medarbetarenkät: andel som tror att brukarna är nöjda med omsorgen i sin helhet",
    ),
    _share(
        "staff_view_needs_steer",
        "Medarbetarenkät: andel som tycker att brukarens behov och önskemål styr",
    ),
    _share("short_sick_leave_share", "Korttidssjukfrånvaro (dag 1–14), andel av arbetad tid"),
    _count("case_applications", "Antal ansökningar"),
    _count("case_reports", "Antal anmälningar (orosanmälningar)"),
    _count("case_investigations", "Antal inledda utredningar"),
    _count("case_placements", "Antal placeringar"),
    *(
        _count(
            f"incidents_{t}_{c}_{s}",
            f"Avvikelser {tt}: {ct}, allvarlighetsgrad {st} (antal)",
        )
        for t, tt in _INCIDENT_TYPES.items()
        for c, ct in _INCIDENT_CATEGORIES.items()
        for s, st in _INCIDENT_SEVERITIES.items()
    ),
]


async def load_measures(session: AsyncSession) -> None:
    """The local measures uploads validate against (idempotent)."""
    rows = [{"min_value": None, "max_value": None, **m} for m in LOCAL_MEASURES]
    await session.execute(pg_insert(Measure).on_conflict_do_nothing(), rows)


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


SeriesRow = tuple[
    str, str, str, str, Decimal, int | None
]  # unit, measure, period, gender, value, n


def synthetic_series(seed: int = SEED + 1) -> list[SeriesRow]:
    """The other series Exempelstad's follow-up needs, so every demo indicator has data:
    more survey questions (same respondents as the satisfaction series), staff continuity and
    sick leave per month, volumes per year, IFO case counts per tertial."""
    rng = random.Random(seed)
    rows: list[SeriesRow] = []
    respondents = {(u, y, g): n for u, y, g, n, _ in synthetic_survey()}
    for (unit, year, gender), n in sorted(respondents.items()):
        if gender == "T":
            continue
        for measure, level in (
            ("survey_safe", 0.85),
            ("survey_treatment", 0.93),
            ("survey_influence", 0.8),
        ):
            answered = min(n, max(0, round(n * rng.uniform(level - 0.1, level + 0.05))))
            rows.append((unit, measure, str(year), gender, Decimal(answered), n))
    totals: dict[tuple[str, str, str], Decimal] = {}
    for unit, measure, period, _gender, value, _n in rows:
        key = (unit, measure, period)
        totals[key] = totals.get(key, Decimal(0)) + value
    for (unit, measure, period), value in sorted(totals.items()):
        rows.append((unit, measure, period, "T", value, respondents[(unit, int(period), "T")]))
    for code, _title, unit_type, _area in DEMO_UNITS:
        continuity = rng.uniform(9, 15)
        sick, short = rng.uniform(5, 9), rng.uniform(1.8, 3.6)
        for year in DEMO_YEARS:
            for month in range(1, 13):
                period = f"{year}-{month:02d}"
                if unit_type == "hemtjanst":
                    value = Decimal(str(round(continuity + rng.gauss(0, 0.8), 1)))
                    rows.append((code, "staff_continuity", period, "T", value, None))
                    users = Decimal(rng.randint(35, 70))
                    rows.append((code, "continuity_users", period, "T", users, None))
                sick_month = Decimal(str(round(max(1.0, sick + rng.gauss(0, 1.2)), 1)))
                short_month = Decimal(str(round(max(0.3, short + rng.gauss(0, 0.5)), 1)))
                rows.append((code, "sick_leave_share", period, "T", sick_month, None))
                rows.append((code, "short_sick_leave_share", period, "T", short_month, None))
            if unit_type == "hemtjanst":
                users = Decimal(rng.randint(60, 120))
                rows.append((code, "home_care_users", str(year), "T", users, None))
            if unit_type == "sarskilt_boende":
                places = Decimal(rng.choice((32, 40, 48)))
                rows.append((code, "sabo_places", str(year), "T", places, None))
    for year in DEMO_YEARS:
        for tertial in (1, 2, 3):
            period = f"{year}T{tertial}"
            for measure, low, high in (
                ("case_applications", 90, 140),
                ("case_reports", 60, 110),
                ("case_investigations", 40, 80),
                ("case_placements", 2, 9),
            ):
                rows.append(("", measure, period, "T", Decimal(rng.randint(low, high)), None))
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
    offset = len(rows)
    for i, (unit, measure, period, gender, value, answered) in enumerate(synthetic_series()):
        suppressed = answered is not None and answered < SUPPRESSION_THRESHOLD
        rows.append(
            _observation(
                synthetic_batch,
                DEMO_MUNICIPALITY,
                unit,
                measure,
                period,
                gender,
                value,
                offset + i,
                respondents=answered,
                status="suppressed" if suppressed else "final",
            )
        )
    await session.execute(insert(Observation), rows)

    seed_batch = uuid.uuid4()
    session.add(
        IngestBatch(
            id=seed_batch,
            municipality_code="1461",
            kind="seed",
            filename="seed 003: Melleruds kommun, Öppna jämförelser 2022 (published 2022-09-01)",
            state="completed",
        )
    )
    await session.flush()
    oj: list[dict[str, Any]] = []
    for measure, (y2021, y2022) in MELLERUD_OJ.items():
        oj.append(
            _observation(seed_batch, "1461", "", measure, "2021", "T", Decimal(y2021), len(oj))
        )
        oj.append(
            _observation(seed_batch, "1461", "", measure, "2022", "T", Decimal(y2022), len(oj))
        )
    await session.execute(insert(Observation), oj)

    ludvika_batch = uuid.uuid4()
    session.add(
        IngestBatch(
            id=ludvika_batch,
            municipality_code="2085",
            kind="seed",
            filename="seed 002: Ludvika kommun, Vi vill följa upp kvalitet och mål inom "
            "socialtjänst på kvinnor och män (styrkort 2014)",
            state="completed",
        )
    )
    await session.flush()
    ludvika = [
        _observation(ludvika_batch, "2085", "", measure, "2014", gender, Decimal(value), i)
        for i, ((measure, gender), value) in enumerate(LUDVIKA_2014.items())
    ]
    await session.execute(insert(Observation), ludvika)

    for code in (DEMO_MUNICIPALITY, "1461", "2085"):
        await session.execute(
            pg_insert(DataVersion)
            .values(municipality_code=code, version=1)
            .on_conflict_do_nothing()
        )
    await session.flush()
