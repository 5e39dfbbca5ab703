"""The admin check: the disclosure auditor over every table a municipality publishes."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.computation import disclosure, engine
from services.indicators.computation import service as computation
from services.indicators.indicator import repository as indicator_repository
from services.indicators.privacy.schemas import (
    AuditedCell,
    AuditedTable,
    FeasibleInterval,
    PrivacyAudit,
)
from shared import tenancy
from shared.auth import Principal
from shared.models import Indicator
from shared.privacy import SUPPRESSION_THRESHOLD


def _bound(x: float) -> Decimal | None:
    return None if math.isinf(x) or math.isnan(x) else Decimal(str(round(x, 6)))


def audit_table(
    published: engine.Published, indicator: Indicator, period: str
) -> AuditedTable | None:
    """The auditor's report on one protected table; None when nothing in it is hidden."""
    cells, table = engine.disclosure_table(published)
    hidden = np.array([c.suppressed for c in cells], dtype=bool)
    if not hidden.any():
        return None
    by_cell: dict[int, list[FeasibleInterval]] = {}
    for iv in disclosure.audit(table, hidden):
        by_cell.setdefault(iv.cell, []).append(
            FeasibleInterval(
                quantity=disclosure.QUANTITIES[iv.quantity],
                low=_bound(iv.low),
                high=_bound(iv.high),
                required_width=None if iv.required is None else _bound(iv.required),
                violated=iv.violated,
            )
        )
    suppressed = [
        AuditedCell(
            level=c.level,
            unit_code=c.code,
            gender=c.gender,
            suppression=c.suppression,
            intervals=by_cell.get(i, []),
        )
        for i, c in enumerate(cells)
        if c.suppression is not None
    ]
    return AuditedTable(
        indicator_code=indicator.code,
        indicator_version=indicator.version,
        period=period,
        cells=len(cells),
        relations=len(table.rows),
        suppressed=suppressed,
        violations=sum(iv.violated for ivs in by_cell.values() for iv in ivs),
    )


async def audit_municipality(
    session: AsyncSession, *, principal: Principal, municipality_code: str | None, period: str
) -> PrivacyAudit:
    municipality = principal.tenant(municipality_code)
    p = computation.parse_period(period)
    visible = tenancy.visible_to([municipality], Indicator)
    codes = list(
        (await session.execute(select(Indicator.code).where(visible).distinct())).scalars()
    )
    versions = await indicator_repository.versions_of(session, codes, visible=visible)
    units = await computation.hierarchy(session, municipality, [p], None)
    loaded = await computation.load_many(
        session,
        computation.plan(
            versions,
            municipality=municipality,
            periods=[p],
            genders=list(engine.GENDERS),
            levels=list(engine.LEVELS),
            units=units,
        ),
    )
    await session.commit()  # read-only: releases the connection before the LPs
    tables = []
    for code in sorted(loaded):
        indicator = computation.version_for(versions[code], p.end)
        published = engine.whole_table(
            loaded[code].index,
            computation.definition(indicator),
            units=units.at(p),
            period=p,
            registered=units.registered,
        )
        audited = audit_table(published, indicator, str(p))
        if audited is not None:
            tables.append(audited)
    return PrivacyAudit(
        municipality_code=municipality,
        period=str(p),
        threshold=SUPPRESSION_THRESHOLD,
        tables_checked=len(loaded),
        tables=tables,
        violations=sum(t.violations for t in tables),
    )
