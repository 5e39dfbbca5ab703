"""The follow-up of the basic mission (uppföljning av grunduppdraget, seed 001's appendix):
per area, STRUKTUR / PROCESS / EFFEKT indicators with value, target, status, trend, gender."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.computation import engine
from services.indicators.computation import repository as computation_repository
from services.indicators.computation import service as computation
from services.indicators.indicator import repository as indicator_repository
from services.indicators.report.schemas import (
    ReportIndicator,
    ReportSection,
    SeriesPoint,
    TertialReport,
)
from services.indicators.scorecard.service import arithmetic
from services.indicators.target import repository as target_repository
from services.indicators.target import service as target_service
from shared import tenancy
from shared.auth import Principal
from shared.cpu import run_cpu
from shared.lru import Lru
from shared.models import Indicator
from shared.periods import Period

SECTIONS = [
    ("ifo", "Stöd till barn, unga och familj samt vuxna (IFO)"),
    ("lss", "Stöd till personer med funktionshinder"),
    ("aldreomsorg", "Stöd till äldre"),
    ("hsl", "Hälso- och sjukvård"),
    ("socialpsykiatri", "Socialpsykiatri"),
    ("overgripande", "Övergripande (medarbetare och ekonomi)"),
]
SECTIONS_EN = {
    "ifo": "Support for children, young people, families and adults",
    "lss": "Support for people with disabilities",
    "aldreomsorg": "Support for older people",
    "hsl": "Health and medical care",
    "socialpsykiatri": "Social psychiatry",
    "overgripande": "Overall (staff and finances)",
}
SERIES_LENGTH = 6


def _shown(cell: engine.Cell | None, decimals: int) -> Decimal | None:
    if cell is None or cell.suppressed:
        return None
    return engine.quantize(cell.value, decimals)


# Tertial reports by municipality, period, area and the municipality's state token: a board
# opening the same report computes it once per state of the data, definitions, units and
# targets it reads (computation_repository.state_token). Only the municipality shapes a
# report, never the reader, so readers share it.
ReportCache = Lru[tuple[str, str, str | None, str], TertialReport]


async def tertial_report(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    period: str,
    area: str | None = None,
    cache: ReportCache | None = None,
) -> TertialReport:
    municipality = principal.tenant(municipality_code)
    p = computation.parse_period(period)
    key = None
    if cache is not None:
        state = await computation_repository.state_token(session, municipality)
        key = (municipality, str(p), area, state)
        if (found := cache.get(key)) is not None:
            return found
    report = await _compute_report(session, municipality, p, area)
    if cache is not None and key is not None:
        cache.put(key, report)
    return report


async def _compute_report(
    session: AsyncSession, municipality: str, p: Period, area: str | None
) -> TertialReport:
    series_periods = [p]
    while len(series_periods) < SERIES_LENGTH:
        series_periods.insert(0, series_periods[0].previous())
    last_year = p.same_period_last_year()
    wanted = sorted({*series_periods, last_year})
    units = await computation.hierarchy(session, municipality, wanted, None)
    targets = await target_repository.for_municipality(session, municipality)
    visible = tenancy.visible_to([municipality], Indicator)
    indicators = await indicator_repository.all_current(session, visible=visible)
    versions = await indicator_repository.versions_of(
        session, [i.code for i in indicators], visible=visible
    )
    shown = [i for i in indicators if area is None or i.area == area]
    loads = await computation.load_many(
        session,
        {i.code: versions[i.code] for i in shown},
        municipality=municipality,
        periods=wanted,
        genders=["T", "K", "M"],
        levels=["municipality"],
        units=units,
    )
    sections = []
    for area_code, title in SECTIONS:
        if area is not None and area != area_code:
            continue
        rows: dict[str, list[ReportIndicator]] = {"struktur": [], "process": [], "effekt": []}
        counts = {"met": 0, "partly_met": 0, "not_met": 0, "no_data": 0}
        for current in (i for i in indicators if i.area == area_code):
            computed = await run_cpu(computation.compute_loaded, loads[current.code])
            cells = {(c.period, c.gender): c for c in computed.cells}
            indicator = computation.version_for(versions[current.code], p.end)
            d = indicator.decimals
            cell = cells.get((str(p), "T"))
            target = target_service.applicable(
                targets,
                indicator_code=indicator.code,
                level="municipality",
                code="",
                unit=None,
                period=p,
                gender="T",
            )
            status = None
            if target is not None:
                judgement = target_service.judge_cell(cell, target, indicator)
                status = arithmetic(judgement)
                counts[judgement.status] += 1
            value = _shown(cell, d)
            previous = _shown(cells.get((str(p.previous()), "T")), d)
            women = _shown(cells.get((str(p), "K")), d)
            men = _shown(cells.get((str(p), "M")), d)
            kolada = cell is not None and cell.attribution == "kolada"
            rows[indicator.classification].append(
                ReportIndicator(
                    code=indicator.code,
                    version=indicator.version,
                    title=indicator.title,
                    title_sv=indicator.title,
                    title_en=indicator.title_en,
                    classification=indicator.classification,
                    unit=indicator.unit,
                    direction=indicator.direction,
                    value=value,
                    n=cell.n if cell is not None and not cell.suppressed else None,
                    suppressed=cell is not None and cell.suppressed,
                    suppression=None if cell is None else cell.suppression,
                    attribution="kolada" if kolada else "derived",
                    source_note="Källa: Kolada" if kolada else None,
                    target=target.value if target is not None else None,
                    target_label=target.label if target is not None else None,
                    status=status,
                    previous_period=str(p.previous()),
                    previous_value=previous,
                    change=None if value is None or previous is None else value - previous,
                    last_year_period=str(last_year),
                    last_year_value=_shown(cells.get((str(last_year), "T")), d),
                    women=women,
                    men=men,
                    gender_gap=None if women is None or men is None else women - men,
                    series=[
                        SeriesPoint(period=str(s), value=_shown(cells.get((str(s), "T")), d))
                        for s in series_periods
                    ],
                )
            )
        if any(rows.values()):
            sections.append(
                ReportSection(
                    area=area_code,
                    title=title,
                    title_sv=title,
                    title_en=SECTIONS_EN[area_code],
                    **rows,
                    **counts,
                )
            )
    return TertialReport(
        title=f"Uppföljning av grunduppdraget {p}",
        title_sv=f"Uppföljning av grunduppdraget {p}",
        title_en=f"Follow-up of the basic mission {p}",
        municipality_code=municipality,
        municipality_title=await computation_repository.municipality_title(session, municipality),
        period=str(p),
        data_version=await computation_repository.data_version(session, municipality),
        sections=sections,
    )
