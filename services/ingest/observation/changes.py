"""What a write changed, per municipality, and the `observation.values_changed` event saying so.

Every path that stores values (JSON batches, uploads, each Kolada chunk) collects the keys it
created or revised here and calls `emit_changes` in its own transaction, so the event exists
exactly when the change does. Nothing changed (a replay, an all-unchanged batch): no event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import ValuesChanged, emit
from shared.periods import Period, PeriodError


@dataclass
class Change:
    """The keys one write created or revised in one municipality."""

    periods: set[str] = field(default_factory=set)
    measure_codes: set[str] = field(default_factory=set)
    unit_codes: set[str] = field(default_factory=set)
    created: int = 0
    revised: int = 0

    def add(
        self, *, unit_code: str, measure_code: str, period: str, created: int, revised: int
    ) -> None:
        self.unit_codes.add(unit_code)
        self.measure_codes.add(measure_code)
        self.periods.add(period)
        self.created += created
        self.revised += revised


Changes = dict[str, Change]  # municipality code → what changed there


def record(
    changes: Changes,
    municipality_code: str,
    *,
    unit_code: str,
    measure_code: str,
    period: str,
    created: int = 0,
    revised: int = 0,
) -> None:
    changes.setdefault(municipality_code, Change()).add(
        unit_code=unit_code,
        measure_code=measure_code,
        period=period,
        created=created,
        revised=revised,
    )


def merge_change(changes: Changes, municipality_code: str, change: Change) -> None:
    found = changes.get(municipality_code)
    if found is None:
        changes[municipality_code] = change
        return
    found.periods |= change.periods
    found.measure_codes |= change.measure_codes
    found.unit_codes |= change.unit_codes
    found.created += change.created
    found.revised += change.revised


def from_groups(groups: Iterable[Sequence[Any]]) -> Changes:
    """Changes from (municipality, unit, measure, period, created, revised) rows."""
    changes: Changes = {}
    for municipality, unit, measure, period, created, revised in groups:
        record(
            changes,
            str(municipality),
            unit_code=str(unit),
            measure_code=str(measure),
            period=str(period),
            created=int(created),
            revised=int(revised),
        )
    return changes


def _period_order(text: str) -> tuple[int, str]:
    try:
        return (Period.parse(text).start.toordinal(), text)
    except PeriodError:
        return (0, text)


async def emit_changes(
    session: AsyncSession,
    changes: Changes,
    *,
    source: Literal["local", "kolada"],
    batch_id: str | None = None,
) -> int:
    """One `observation.values_changed` event per municipality where something changed, in
    the caller's transaction. Returns how many were emitted."""
    emitted = 0
    for code in sorted(changes):
        change = changes[code]
        if not (change.created or change.revised):
            continue
        await emit(
            session,
            municipality_code=code,
            type="observation.values_changed",
            payload=ValuesChanged(
                source=source,
                batch_id=batch_id,
                periods=sorted(change.periods, key=_period_order),
                measure_codes=sorted(change.measure_codes),
                unit_codes=sorted(change.unit_codes),
                created=change.created,
                revised=change.revised,
            ),
        )
        emitted += 1
    return emitted
