"""Riket, the similar-municipalities group, rank among all municipalities, KKiK colour.

Values of other municipalities come from their public Kolada observations only
(source='kolada', municipality level); a municipality's local data is never used here — except
the demo's fictional peers (99xx, synthetic), compared only with a fictional municipality and
marked `synthetic`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.comparison.rules import (
    GROUP_AREA,
    GROUP_DEFAULT,
    Colour,
    Scope,
    colour,
    mean,
    rank,
    scope,
)
from services.indicators.computation import engine
from services.indicators.computation import repository as computation_repository
from services.indicators.computation.engine import Definition, ObservationIndex
from shared.auth import NATIONAL
from shared.demo.common import SYNTHETIC_GROUP_TITLE, SYNTHETIC_PEERS, is_fictional
from shared.periods import Period


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    members: list[str]


@dataclass(frozen=True)
class Comparison:
    riket: Decimal | None
    group_id: str | None
    group_title: str | None
    group_mean: Decimal | None
    group_members: int
    group_members_with_data: int
    rank: int | None
    of: int | None
    colour: Colour | None
    population: int | None = None  # every municipality of Sweden (Kolada's catalogue)
    scope: Scope | None = None
    synthetic: bool = False  # fictional peers' synthetic values are among those compared


async def similar_group(session: AsyncSession, municipality: str, area: str) -> Group | None:
    if is_fictional(municipality):
        return Group(f"synthetic-{municipality}", SYNTHETIC_GROUP_TITLE, list(SYNTHETIC_PEERS))
    title = await computation_repository.municipality_title(session, municipality)
    if title is None:
        return None
    prefix = GROUP_AREA.get(area, GROUP_DEFAULT) + title + ","
    found = await computation_repository.similar_group(session, title_prefix=prefix)
    return None if found is None else Group(*found)


async def national_values(
    session: AsyncSession,
    definition: Definition,
    period: Period,
    genders: Sequence[str],
    *,
    municipality: str = "",
) -> dict[str, dict[str, Decimal]]:
    """gender → municipality → value, computed with the same formula from Kolada rows (and,
    for a fictional municipality, its synthetic peers' rows)."""
    rows = await computation_repository.national_observations(
        session,
        measures=engine.definition_measures(definition),
        period=str(period),
        synthetic=is_fictional(municipality),
    )
    per_municipality: dict[str, list[engine.Obs]] = defaultdict(list)
    for code, row in rows:
        per_municipality[code].append(row)
    out: dict[str, dict[str, Decimal]] = {g: {} for g in genders}
    for code, obs in per_municipality.items():
        index = ObservationIndex(obs)
        for g in genders:
            cell = engine.unit_cell(
                index, definition, unit="", level="municipality", period=period, gender=g
            )
            if cell.value is not None and not cell.suppressed:
                out[g][code] = cell.value
    return out


def compare(
    values: dict[str, Decimal],
    *,
    municipality: str,
    own: Decimal | None,
    group: Group | None,
    direction: str,
    population: int | None = None,
) -> Comparison:
    """Riket, the group's mean, and the rank and colour among the municipalities with a value
    (`of`, n) out of all of Sweden's (`population`, N): a national rank only when n covers
    nearly all (`rules.NATIONAL_SHARE`), else a sample's."""
    everyone = {c: v for c, v in values.items() if c != NATIONAL and not c.startswith("00")}
    others = any(c != municipality for c in everyone)
    if own is not None:
        everyone[municipality] = own
    members = [m for m in (group.members if group else []) if m != municipality]
    member_values = [everyone[m] for m in members if m in everyone]
    position = rank(everyone, municipality, direction=direction) if others else None
    return Comparison(
        riket=values.get(NATIONAL),
        group_id=group.id if group else None,
        group_title=group.title if group else None,
        group_mean=mean(member_values),
        group_members=len(members),
        group_members_with_data=len(member_values),
        rank=position[0] if position else None,
        of=position[1] if position else None,
        colour=colour(*position) if position and position[1] >= 4 else None,
        population=population,
        scope=scope(position[1], population or position[1]) if position else None,
        synthetic=any(is_fictional(c) for c in everyone if c != municipality),
    )


async def population(session: AsyncSession) -> int:
    """Sweden's municipalities: the real ones of Kolada's catalogue (290)."""
    return await computation_repository.municipality_count(session)
