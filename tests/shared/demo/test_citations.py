"""Every code the demo cites resolves: a prize criterion, a scorecard measure, a target or a
grant rule names an indicator the indicators service answers for, and every Kolada KPI behind
an indicator or a measure is in the catalogue copy (shared/demo/data/kolada_kpi.json)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.demo.catalogue import page
from shared.models import (
    AwardScheme,
    GrantRuleSet,
    Indicator,
    KoladaKpi,
    Measure,
    Scorecard,
    Target,
)
from tests.conftest import MakeClient, MakeKey


async def _cited(session: AsyncSession) -> dict[str, set[str]]:
    """Indicator code → where the demo cites it."""
    cited: dict[str, set[str]] = {}

    def cite(code: str | None, where: str) -> None:
        if code:
            cited.setdefault(code, set()).add(where)

    for scheme in (await session.execute(select(AwardScheme))).scalars():
        for c in scheme.specification["criteria"]:
            cite(c.get("indicator_code"), f"scheme {scheme.municipality_code}/{scheme.code}")
    for card in (await session.execute(select(Scorecard))).scalars():
        for goal in card.goals:
            for factor in goal["factors"]:
                for m in factor["measures"]:
                    cite(m.get("indicator_code"), f"scorecard {card.municipality_code}")
    for target in (await session.execute(select(Target))).scalars():
        cite(target.indicator_code, f"target {target.municipality_code}")
    for rules in (await session.execute(select(GrantRuleSet))).scalars():
        criteria: list[dict[str, Any]] = rules.criteria
        for c in criteria:
            cite(c.get("indicator_code"), f"grant rules {rules.code}")
    return cited


async def test_every_indicator_the_demo_cites_is_answered_by_the_indicators_service(
    session: AsyncSession, client: MakeClient, make_key: MakeKey
) -> None:
    cited = await _cited(session)
    assert {"kolada_nojd_hemtjanst", "kolada_trygg_hemtjanst", "personalkontinuitet"} <= set(cited)
    indicators = client("indicators", await make_key(municipality=None))
    unresolved = {}
    for code, where in sorted(cited.items()):
        found = await indicators.get(f"/v1/indicators/{code}")
        if found.status_code != 200:
            unresolved[code] = (found.status_code, sorted(where))
    assert unresolved == {}


async def test_every_kolada_kpi_behind_the_demo_is_in_the_catalogue(session: AsyncSession) -> None:
    copy = {k["id"] for k in page("kolada_kpi.json")}
    stored = set((await session.execute(select(KoladaKpi.id))).scalars())
    kpis = {
        i.kolada_kpi
        for i in (await session.execute(select(Indicator))).scalars()
        if i.kolada_kpi is not None
    } | set(
        (await session.execute(select(Measure.code).where(Measure.source == "kolada"))).scalars()
    )
    # The four seed 000 names in the issue, among the rest.
    assert {"U21468", "U21467", "U21571", "U21401"} <= kpis
    assert kpis - copy == set()
    assert kpis - stored == set()
