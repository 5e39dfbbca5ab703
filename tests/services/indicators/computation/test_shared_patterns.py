"""Suppression patterns are solved once for every worker process and replica: a worker
stores each pattern it computes in `suppression_pattern`, and a process that has never seen
the table (another worker, one started after a deploy) reads it there instead of solving the
disclosure LP again, with the very same cells hidden."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import psycopg
import pytest

from services.indicators.computation import disclosure, engine, workers
from services.indicators.computation.engine import Definition, Obs, ObservationIndex, UnitRef
from shared.lru import Lru
from shared.periods import Period
from shared.settings import Settings

UNITS = tuple(UnitRef(code, code, "north", "hemtjanst") for code in ("A", "B", "C"))
DEFINITION = Definition("x", 1, "num", "den", Decimal(100), 1, "weighted", "sum", "respondents")


def _rows(year: int) -> list[Obs]:
    """Three units' answers; unit A's men are too few to show (a primary cell)."""
    p = Period.parse(str(year))
    rows = []
    for code, (k, m) in {"A": (20, 4), "B": (15, 12), "C": (30, 25)}.items():
        for gender, n in (("K", k), ("M", m), ("T", k + m)):
            status = "suppressed" if n < 7 else "final"
            for measure, value in (("num", n // 2), ("den", n)):
                rows.append(
                    Obs(0, "local", code, measure, str(p), p.start, p.end, gender,
                        Decimal(value), n, status)
                )  # fmt: skip
    return rows


def _hidden(year: int) -> list[tuple[str, str, str, str | None]]:
    cells = engine.compute(
        ObservationIndex(_rows(year)),
        DEFINITION,
        units=UNITS,
        periods=[Period.parse(str(year))],
        genders=("T", "K", "M"),
        levels=("unit", "area", "municipality"),
        provenance=False,
    )
    return [(c.level, c.code, c.gender, c.suppression) for c in cells]


@pytest.fixture
def solved(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many tables the disclosure LP solved (each call of `control`)."""
    calls: list[int] = []
    control = disclosure.control

    def counted(table: disclosure.Table, **kwargs: bool) -> object:
        calls.append(len(table.primary))
        return control(table, **kwargs)

    monkeypatch.setattr(disclosure, "control", counted)
    return calls


@pytest.fixture
def worker(settings: Settings) -> Iterator[None]:
    """This process set up as a computation worker is (its own committed connection)."""
    workers.setup(workers.conninfo(settings))
    try:
        yield
    finally:
        engine.share_patterns(None)
        if workers._connection is not None:
            workers._connection.close()
            workers._connection = None


def _forget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process that has never seen a table: an empty pattern cache of its own."""
    monkeypatch.setattr(engine, "_PATTERNS", Lru(1024, name="test_patterns"))


def test_a_pattern_solved_by_one_worker_is_read_by_the_next(
    worker: None, solved: list[int], monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    year = 2091
    _forget(monkeypatch)
    first = _hidden(year)
    assert ("unit", "A", "M", "primary") in first
    assert any(s == "secondary" for *_, s in first)  # the LP hid more than the primary cell
    assert len(solved) == 1
    _forget(monkeypatch)
    assert _hidden(year) == first
    assert len(solved) == 1  # read, not solved again
    # The pattern is the figures': the same answers in another year are the same table.
    _forget(monkeypatch)
    assert _hidden(year + 1) == first
    assert len(solved) == 1
    with psycopg.connect(workers.conninfo(settings), autocommit=True) as conn:
        stored = conn.execute("SELECT count(*) FROM suppression_pattern").fetchone()
        assert stored is not None
        assert stored[0] >= 1
        conn.execute("DELETE FROM suppression_pattern")


def test_a_store_that_fails_costs_a_solve_not_an_answer(
    solved: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    workers.setup("host=127.0.0.1 port=1 connect_timeout=1")
    try:
        _forget(monkeypatch)
        hidden = _hidden(2093)
        assert ("unit", "A", "M", "primary") in hidden
        assert len(solved) == 1
    finally:
        engine.share_patterns(None)
        workers._connection = None
