"""A generated history of openings, moves, closures and successors: whatever periods are asked
together, every cell is the one the period gives when asked alone (with or without `as_of`),
complementary suppression included. Runs on the real database: the units, memberships and
observations are stored, and the computation reads them as a route does."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import count
from typing import Any, TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.computation import service as computation
from services.indicators.indicator import repository as indicator_repository
from shared import tenancy
from shared.models import Indicator, Observation, OrgUnit, UnitMembership
from shared.periods import Period

AREAS = ("aldreomsorg", "ifo", "socialpsykiatri")
YEARS = (2030, 2031, 2032)
PERIODS = [Period.parse(f"{y}{t}") for y in YEARS for t in ("", "T1", "T2", "T3")]
TERTIAL_STARTS = [p.start for p in PERIODS if p.type.name == "TERTIAL"]
INDICATORS = ("andel_nojda", "ifo_insatser")  # weighted with suppression; sum
_codes = count(0)
T = TypeVar("T")


@dataclass(frozen=True)
class UnitHistory:
    opened: date | None
    closed: date | None
    areas: tuple[tuple[date, str], ...]  # (first day, area), the first from its opening


@dataclass(frozen=True)
class History:
    units: tuple[UnitHistory, ...]
    # (unit index, tertial or year, women's and men's (respondents, satisfied), interventions)
    values: tuple[tuple[int, Period, tuple[int, int], tuple[int, int], int], ...]
    asked: tuple[Period, ...]
    as_of: date | None


@st.composite
def unit_histories(draw: st.DrawFn) -> UnitHistory:
    opened = draw(st.sampled_from([None, *TERTIAL_STARTS[:6]]))
    first = opened or date(2020, 1, 1)
    closed = draw(
        st.one_of(
            st.none(),
            st.sampled_from([s - timedelta(days=1) for s in TERTIAL_STARTS if s > first]),
        )
    )
    moves = draw(
        st.lists(
            st.tuples(
                st.sampled_from([s for s in TERTIAL_STARTS if s > first]), st.sampled_from(AREAS)
            ),
            max_size=2,
            unique_by=lambda m: m[0],
        )
    )
    areas = ((first, draw(st.sampled_from(AREAS))), *sorted(moves))
    return UnitHistory(opened, closed, areas)


def _open_in(unit: UnitHistory, period: Period) -> bool:
    return (unit.opened is None or unit.opened <= period.start) and (
        unit.closed is None or period.end <= unit.closed
    )


@st.composite
def histories(draw: st.DrawFn) -> History:
    units = draw(st.lists(unit_histories(), min_size=1, max_size=4))
    values = []
    for i, unit in enumerate(units):
        # Each unit reports per tertial or per year, only while it is open.
        yearly = draw(st.booleans())
        for p in PERIODS:
            if (p.type.name == "YEAR") != yearly or not _open_in(unit, p) or draw(st.booleans()):
                continue
            answered = st.integers(min_value=0, max_value=30)
            women, men = draw(answered), draw(answered)
            values.append(
                (
                    i,
                    p,
                    (women, draw(st.integers(0, women))),
                    (men, draw(st.integers(0, men))),
                    draw(st.integers(0, 50)),
                )
            )
    asked = draw(st.lists(st.sampled_from(PERIODS), min_size=2, max_size=4, unique=True))
    as_of = draw(st.one_of(st.none(), st.sampled_from([date(2030, 6, 30), date(2032, 6, 30)])))
    return History(tuple(units), tuple(values), tuple(asked), as_of)


def _observations(municipality: str, history: History) -> list[Observation]:
    rows = []
    for i, p, women, men, interventions in history.values:
        both = (women[0] + men[0], women[1] + men[1])
        for gender, (n, yes) in (("K", women), ("M", men), ("T", both)):
            measures = [("survey_respondents", n), ("survey_satisfied", yes)]
            if gender == "T":
                measures.append(("case_interventions", interventions))
            for measure, value in measures:
                rows.append(
                    Observation(
                        source="local",
                        municipality_code=municipality,
                        unit_code=f"U{i}",
                        measure_code=measure,
                        period=str(p),
                        period_start=p.start,
                        period_end=p.end,
                        gender=gender,
                        value=Decimal(value),
                        respondents=n if measure.startswith("survey") else None,
                        status="final",
                    )
                )
    return rows


async def _store(session: AsyncSession, municipality: str, history: History) -> None:
    for i, unit in enumerate(history.units):
        code = f"U{i}"
        session.add(
            OrgUnit(
                municipality_code=municipality,
                code=code,
                title=code,
                unit_type="other",
                area=unit.areas[-1][1],
                opened_on=unit.opened,
                closed_on=unit.closed,
            )
        )
        for n, (first, area) in enumerate(unit.areas):
            last = unit.areas[n + 1][0] - timedelta(days=1) if n + 1 < len(unit.areas) else None
            session.add(
                UnitMembership(
                    municipality_code=municipality,
                    unit_code=code,
                    area=area,
                    valid_from=first,
                    valid_to=last,
                )
            )
    session.add_all(_observations(municipality, history))
    await session.flush()


Key = tuple[str, str, str, str, str]
Shown = tuple[Decimal | None, int | None, str | None, Decimal | None, Decimal | None, int]


async def _cells(
    session: AsyncSession,
    municipality: str,
    periods: list[Period],
    as_of: date | None,
    versions: dict[str, list[Indicator]],
) -> dict[Key, Shown]:
    """Every cell with data, as the analytics route computes it for these periods."""
    organisation = await computation.hierarchy(session, municipality, periods, as_of)
    loaded = await computation.load_many(
        session,
        computation.plan(
            versions,
            municipality=municipality,
            periods=periods,
            genders=["T", "K", "M"],
            levels=["unit", "area", "municipality"],
            units=organisation,
        ),
    )
    out: dict[Key, Shown] = {}
    for code, one in loaded.items():
        for c in computation.compute_loaded(one).cells:
            if c.has_data:
                shown = (c.value, c.n, c.suppression, c.numerator, c.denominator, c.units)
                out[(code, c.period, c.level, c.code, c.gender)] = shown
    return out


def _on(loop: asyncio.AbstractEventLoop, work: Coroutine[Any, Any, T]) -> T:
    return asyncio.run_coroutine_threadsafe(work, loop).result()


async def test_periods_asked_together_give_the_cells_each_gives_alone(
    session: AsyncSession,
) -> None:
    versions = await indicator_repository.versions_of(
        session, list(INDICATORS), visible=tenancy.visible_to(["9990"], Indicator)
    )
    session.expunge_all()  # the definitions outlive the rollbacks between examples
    loop = asyncio.get_running_loop()
    covered: dict[str, int] = {"moves": 0, "closures": 0, "openings": 0, "suppressed": 0}

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(histories())
    def check(history: History) -> None:
        # A fictional code per example (9910–9989: no real municipality's, nor the demo's), so
        # examples never meet.
        municipality = f"99{next(_codes) % 80 + 10:02d}"
        _on(loop, _clear(session, municipality))  # also after a failed example
        _on(loop, _store(session, municipality, history))
        asked = sorted(history.asked)
        together = _on(loop, _cells(session, municipality, asked, history.as_of, versions))
        alone: dict[Key, Shown] = {}
        for p in asked:
            alone.update(_on(loop, _cells(session, municipality, [p], history.as_of, versions)))
        assert together == alone
        covered["moves"] += sum(len(u.areas) > 1 for u in history.units)
        covered["closures"] += sum(u.closed is not None for u in history.units)
        covered["openings"] += sum(u.opened is not None for u in history.units)
        covered["suppressed"] += sum(1 for c in together.values() if c[2] is not None)

    await asyncio.to_thread(check)
    # The generated histories did move, close and open units, and hid cells.
    assert all(covered.values()), covered
    print("covered", covered)


async def _clear(session: AsyncSession, municipality: str) -> None:
    await session.rollback()  # a failed flush leaves the session to be rolled back first
    for model in (Observation, UnitMembership, OrgUnit):
        await session.execute(delete(model).where(model.municipality_code == municipality))
    session.expunge_all()
