"""The observation index is built column by column (in C) when no two rows share a key and
none is deleted, row by row otherwise: both ways give the same index, whatever the rows."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.indicators.computation.engine import Obs, ObservationIndex
from tests.services.indicators.computation.test_unit_cells_fast import observation_of

CODES = ("A", "B", "C", "V1", "")
PERIODS = ("2030", "2030T1", "2030T2", "2031", "2031-05", "2031Q2")


def _row_by_row(rows: list[Obs], aliases: dict[str, str]) -> ObservationIndex:
    index = ObservationIndex.__new__(ObservationIndex)
    index._bounds = {}
    index._by_key = None
    index._choose(rows, aliases)
    return index


def _figures(index: ObservationIndex) -> tuple[object, ...]:
    return (
        list(index.exact.items()),
        dict(index.extents),
        index.units,
        dict(index.spans),
        index.flagged,
        {m: repr(v) for m, v in index.least.items()},  # the same Decimal, exponent and all
        list(index.by_key.items()),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(observation_of(CODES, PERIODS), max_size=40),
    aliases=st.sampled_from(({}, {"V1": "C"})),
    unique=st.booleans(),
)
def test_column_by_column_is_row_by_row(
    rows: list[Obs], aliases: dict[str, str], unique: bool
) -> None:
    if unique:  # the common case: the column-by-column way
        keys = set()
        kept = []
        for row in rows:
            key = (aliases.get(row.unit_code, row.unit_code), row.measure_code, row.gender,
                   row.period)  # fmt: skip
            if key not in keys and row.status != "deleted":
                keys.add(key)
                kept.append(row)
        rows = kept
    assert _figures(ObservationIndex(rows, aliases)) == _figures(_row_by_row(rows, aliases))
