"""The follow-up of the basic mission (uppföljning av grunduppdraget, seed 001's appendix):
per area, STRUKTUR / PROCESS / EFFEKT indicators with value, target, status, trend, gender."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.computation import engine
from services.indicators.computation import repository as computation_repository
from services.indicators.computation import service as computation
from services.indicators.indicator import repository as indicator_repository
from services.indicators.report import repository
from services.indicators.report.schemas import (
    NoData,
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
from shared.i18n import Message, message
from shared.lru import Lru
from shared.models import Indicator, ReportLayout, Target
from shared.periods import Period, PeriodType

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


@dataclass(frozen=True)
class _Row:
    code: str
    classification: str
    title: str | None = None


@dataclass(frozen=True)
class _Section:
    key: str
    title: str
    title_en: str | None
    area: str
    rows: list[_Row]


def _sections(layout: ReportLayout | None, indicators: list[Indicator]) -> list[_Section]:
    """The board's own sections (seed 001's appendix), else one per area in catalogue order."""
    if layout is not None and layout.sections:
        return [
            _Section(
                key=s["key"],
                title=s["title"],
                title_en=s.get("title_en"),
                area=s["area"],
                rows=[
                    _Row(r["indicator_code"], r["classification"], r.get("title"))
                    for r in s["rows"]
                ],
            )
            for s in layout.sections
        ]
    return [
        _Section(
            key=code,
            title=title,
            title_en=SECTIONS_EN[code],
            area=code,
            rows=[_Row(i.code, i.classification) for i in indicators if i.area == code],
        )
        for code, title in SECTIONS
    ]


async def _compute_report(
    session: AsyncSession, municipality: str, p: Period, area: str | None
) -> TertialReport:
    series_periods = [p]
    while len(series_periods) < SERIES_LENGTH:
        series_periods.insert(0, series_periods[0].previous())
    last_year = p.same_period_last_year()
    # A yearly measure has no tertial values: it is shown with its latest year.
    years = [Period(p.year - back, PeriodType.YEAR) for back in range(SERIES_LENGTH - 1, -1, -1)]
    wanted = sorted({*series_periods, last_year, *years})
    units = await computation.hierarchy(session, municipality, wanted, None)
    targets = await target_repository.for_municipality(session, municipality)
    visible = tenancy.visible_to([municipality], Indicator)
    indicators = await indicator_repository.all_current(session, visible=visible)
    layout = await repository.layout(session, municipality)
    sections_spec = [s for s in _sections(layout, indicators) if area is None or s.area == area]
    current = {i.code: i for i in indicators}
    shown = sorted({r.code for s in sections_spec for r in s.rows if r.code in current})
    versions = await indicator_repository.versions_of(session, shown, visible=visible)
    planned = computation.plan(
        {code: versions[code] for code in shown},
        municipality=municipality,
        periods=wanted,
        genders=["T", "K", "M"],
        levels=["municipality"],
        units=units,
        provenance=False,  # the report shows values
    )
    computed = await computation.compute_many(session, planned, computation.values_only)
    # An area is not applicable to a municipality that has units, none of them in the area,
    # and no value of the area's indicators at all.
    with_data = {
        spec.area
        for spec in sections_spec
        for r in spec.rows
        if r.code in computed and any(c.has_data for c in computed[r.code].cells)
    }
    units_in = {u.area for u in units}
    not_applicable = {s.area for s in sections_spec if units and s.area not in units_in | with_data}
    context = _Context(p, series_periods, last_year, years, targets, not_applicable)
    sections = []
    for spec in sections_spec:
        rows: dict[str, list[ReportIndicator]] = {"struktur": [], "process": [], "effekt": []}
        counts = {"met": 0, "partly_met": 0, "not_met": 0, "no_data": 0}
        for row in spec.rows:
            if row.code not in current:
                continue
            item = _indicator_row(context, versions[row.code], computed[row.code], row, spec)
            # A row without a value counts as 'no data' whether or not it has a target.
            if item.status is not None:
                counts[item.status.status] += 1
            elif item.value is None:
                counts["no_data"] += 1
            rows[row.classification].append(item)
        if any(rows.values()):
            sections.append(
                ReportSection(
                    key=spec.key,
                    area=spec.area,
                    title=spec.title,
                    title_sv=spec.title,
                    title_en=spec.title_en,
                    **rows,
                    **counts,
                )
            )
    title = message("report.title", period=str(p))
    return TertialReport(
        title=title.render("sv"),
        title_sv=title.render("sv"),
        title_en=title.render("en"),
        municipality_code=municipality,
        municipality_title=(
            await computation_repository.municipality_title(session, municipality)
            or (layout.municipality_title if layout is not None else None)
        ),
        board=layout.board if layout is not None else None,
        synthetic=await repository.has_synthetic_units(session, municipality),
        period=str(p),
        data_version=await computation_repository.data_version(session, municipality),
        sections=sections,
    )


@dataclass(frozen=True)
class _Context:
    period: Period
    series: list[Period]
    last_year: Period
    years: list[Period]
    targets: list[Target]
    not_applicable: set[str]


def _indicator_row(
    ctx: _Context,
    versions: list[Indicator],
    computed: computation.Computed,
    row: _Row,
    section: _Section,
) -> ReportIndicator:
    p = ctx.period
    cells = {(c.period, c.gender): c for c in computed.cells}

    def has(period: Period) -> bool:
        cell = cells.get((str(period), "T"))
        return cell is not None and cell.has_data

    yearly = p.type is not PeriodType.YEAR and not any(has(s) for s in [*ctx.series, ctx.last_year])
    yearly = yearly and any(has(y) for y in ctx.years)
    if yearly:
        # The latest year with a value, at most the report's own year.
        shown_period = next(y for y in reversed(ctx.years) if has(y))
        series = ctx.years
        previous_period = shown_period.previous()
        last_year = previous_period
    else:
        shown_period, series, previous_period, last_year = (
            p,
            ctx.series,
            p.previous(),
            ctx.last_year,
        )
    indicator = computation.version_for(versions, shown_period.end)
    d = indicator.decimals
    cell = cells.get((str(shown_period), "T"))
    target = target_service.applicable(
        ctx.targets,
        indicator_code=indicator.code,
        level="municipality",
        code="",
        unit=None,
        period=shown_period,
        gender="T",
    )
    status = None
    if target is not None:
        status = arithmetic(target_service.judge_cell(cell, target, indicator))
    value = _shown(cell, d)
    previous = _shown(cells.get((str(previous_period), "T")), d)
    by_gender = [cells.get((str(shown_period), g)) for g in ("K", "M")]
    women, men = (_shown(c, d) for c in by_gender)
    kolada = cell is not None and cell.attribution == "kolada"
    reason = _no_data(ctx, cell, cells, section, p)
    title = row.title or indicator.title
    return ReportIndicator(
        code=indicator.code,
        version=indicator.version,
        title=title,
        title_sv=title,
        title_en=indicator.title_en if row.title is None else None,
        classification=row.classification,
        unit=indicator.unit,
        direction=indicator.direction,
        value=value,
        value_period=str(shown_period),
        yearly=yearly,
        n=cell.n if cell is not None and not cell.suppressed else None,
        suppressed=cell is not None and cell.suppressed,
        suppression=None if cell is None else cell.suppression,
        no_data=reason[0] if reason else None,
        **(reason[1].both("reason") if reason else {}),
        attribution="kolada" if kolada else "derived",
        source_note="Källa: Kolada" if kolada else None,
        target=target.value if target is not None else None,
        target_label=target.label if target is not None else None,
        status=status,
        previous_period=str(previous_period),
        previous_value=previous,
        change=None if value is None or previous is None else value - previous,
        last_year_period=str(last_year),
        last_year_value=_shown(cells.get((str(last_year), "T")), d),
        women=women,
        men=men,
        gender_suppressed=any(c is not None and c.suppressed for c in by_gender),
        gender_gap=None if women is None or men is None else women - men,
        series=[
            SeriesPoint(period=str(s), value=_shown(cells.get((str(s), "T")), d)) for s in series
        ],
    )


def _no_data(
    ctx: _Context,
    cell: engine.Cell | None,
    cells: dict[tuple[str, str], engine.Cell],
    section: _Section,
    p: Period,
) -> tuple[NoData, Message] | None:
    """Why a row has no value: suppressed, not reported yet, or not applicable."""
    if cell is not None and cell.suppressed:
        key = (
            "report.no_data.suppressed_complementary"
            if cell.suppression_reason == "complementary"
            else "report.no_data.suppressed"
        )
        return "suppressed", message(key)
    if cell is not None and cell.value is not None:
        return None
    if section.area in ctx.not_applicable:
        return "not_applicable", message("report.no_data.not_applicable", area=section.title)
    earlier = sorted(
        (
            Period.parse(period)
            for (period, gender), c in cells.items()
            if gender == "T" and c.value is not None
        ),
    )
    if earlier:
        return "not_reported", message(
            "report.no_data.not_reported_latest", period=str(p), latest=str(earlier[-1])
        )
    return "not_reported", message("report.no_data.not_reported", period=str(p))
