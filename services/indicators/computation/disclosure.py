"""Disclosure control for one published table: primary and complementary suppression, audit.

A table is every cell published for one indicator and period (units, areas, the municipality;
T, K and M), each with the quantities a shown cell reveals (numerator, denominator, n, value),
and the additive relations between them (an area is the sum of its units, the municipality of
all units, T = K + M). What an outsider can work out about a hidden cell from the shown ones
is a linear program: its feasible interval is [min, max] of the quantity subject to the
relations, counts ≥ 0 and numerator ≤ denominator (the LP relaxation, no integrality, as the
statistical agencies' audits do; τ-ARGUS and sdcTable call it the attacker's problem).

Rules (README "Disclosure control" and CONVENTIONS.md repeat them):
- Primary: a cell from fewer than `SUPPRESSION_THRESHOLD` respondents (decided by the engine).
- Protection interval: for every primary cell, the feasible interval of each respondent count
  (denominator, n) must be at least `PROTECTION_WIDTH` (= 7) wide, so nobody can tell a hidden 1
  from a 7; of every other quantity (numerator, value) at least `PROTECTION_SHARE` of its true
  value wide, and never narrower than 1 (a sliding protection level in sdcTable's terms).
- Complementary (secondary) suppression: while the audit finds a primary cell narrower than
  its protection interval, hide one more shown cell for it: one in the relation that pins it
  hardest (fewest hidden cells), near it, on the lowest level, with the fewest respondents —
  a greedy heuristic with an LP audit after each round (like sdcTable's SIMPLEHEURISTIC with
  an audit), which ends because each round hides at least one cell.
- A relation is only assumed where the published figures satisfy it (a Kolada municipality
  total that is not the sum of the units is not linked to them), so the audit never assumes
  less than an outsider could check.

Pure: numpy and scipy's HiGHS, no I/O. Nothing runs when no cell is primary.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linprog

from shared.privacy import PROTECTION_SHARE, PROTECTION_WIDTH

QUANTITIES = ("numerator", "denominator", "n", "value")
NUM, DEN, N, VALUE = range(4)
COUNTS = (DEN, N)  # respondent counts: absolute protection
LEVELS = ("unit", "area", "municipality")

SHOWN, PRIMARY, SECONDARY = 0, 1, 2
STATUS = {PRIMARY: "primary", SECONDARY: "secondary"}
_REL = 1e-9


@dataclass(frozen=True, slots=True)
class Relation:
    """parent = Σ children (or parent × len(children) = Σ children, for a mean of values)."""

    parent: int
    children: tuple[int, ...]


@dataclass(slots=True)
class Table:
    """One published table. `values[i, q]` is cell i's quantity q (nan when it has none)."""

    values: NDArray[np.float64]
    primary: NDArray[np.bool_]
    level: NDArray[np.int8]  # index into LEVELS
    relations: Sequence[Relation]
    labels: Sequence[tuple[str, str, str]] = ()  # (level, code, gender), for reports
    _rows: list[tuple[int, int, tuple[int, ...], float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rows = list(_holding(self.values, self.relations))

    @property
    def rows(self) -> list[tuple[int, int, tuple[int, ...], float]]:
        """The relations that hold per quantity: (quantity, parent, children, parent weight)."""
        return self._rows


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _REL * max(1.0, abs(a), abs(b))


def _holding(
    values: NDArray[np.float64], relations: Sequence[Relation]
) -> list[tuple[int, int, tuple[int, ...], float]]:
    rows = []
    for r in relations:
        if not r.children:
            continue
        kids = values[list(r.children)]
        for q in range(len(QUANTITIES)):
            parent = values[r.parent, q]
            column = kids[:, q]
            if math.isnan(parent) or np.isnan(column).any():
                continue
            total = float(column.sum())
            for weight in (1.0, float(len(r.children))):
                if _close(parent * weight, total):
                    rows.append((q, r.parent, r.children, weight))
                    break
    return rows


def required_width(quantity: int, true_value: float) -> float:
    """The narrowest feasible interval a primary cell's quantity may have (module rules)."""
    if quantity in COUNTS:
        return float(PROTECTION_WIDTH)
    return max(PROTECTION_SHARE * abs(true_value), 1.0)


@dataclass(frozen=True, slots=True)
class Interval:
    cell: int
    quantity: int
    low: float
    high: float  # inf when unbounded
    required: float | None  # the protection interval's width (primary cells)

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def violated(self) -> bool:
        # nan (an audit that could not be solved) counts as a violation
        return self.required is not None and not self.width >= self.required - 1e-7


def audit(
    table: Table,
    hidden: NDArray[np.bool_],
    *,
    only: NDArray[np.bool_] | None = None,
    memo: dict[tuple[bytes, int], tuple[float, float]] | None = None,
    decide: bool = False,
) -> list[Interval]:
    """Each hidden cell's (or each cell of `only`'s) feasible intervals, given the shown cells.

    The primary cells' intervals carry the protection width they must reach. `memo` keeps
    solved intervals by (linked hidden variables, variable): within one table the same group
    of hidden variables always has the same LP, so rounds of `control` solve each once.
    `decide`: only whether each interval is wide enough matters (`violated`), so a primary
    cell whose maximum already lies its protection width above its true value gets no
    minimum solved (its interval's `low` is then the true value, a bound the minimum never
    exceeds): half the LPs of a protected cell."""
    values = table.values
    present = ~np.isnan(values)
    unknown = hidden[:, None] & present
    var = np.full(values.shape, -1, dtype=np.int64)
    var[unknown] = np.arange(int(unknown.sum()))
    count = int(unknown.sum())
    wanted = unknown & (hidden if only is None else only)[:, None]
    targets = [(int(i), int(q)) for i, q in np.argwhere(wanted)]
    if not targets:
        return []
    eq_rows: list[int] = []
    eq_cols: list[int] = []
    eq_vals: list[float] = []
    rhs: list[float] = []
    linked = np.zeros(count, dtype=bool)
    for q, parent, children, weight in table.rows:
        members = ((parent, -weight), *((c, 1.0) for c in children))
        constant = 0.0
        row_vars: list[tuple[int, float]] = []
        for cell, coef in members:
            v = var[cell, q]
            if v >= 0:
                row_vars.append((int(v), coef))
            else:
                constant += coef * values[cell, q]
        if not row_vars:
            continue
        r = len(rhs)
        for v, coef in row_vars:
            eq_rows.append(r)
            eq_cols.append(v)
            eq_vals.append(coef)
            linked[v] = True
        rhs.append(-constant)
    nonneg = [bool(np.nanmin(values[:, q]) >= 0) if present[:, q].any() else True for q in range(4)]
    low = np.full(count, -np.inf)
    high = np.full(count, np.inf)
    for i, q in np.argwhere(unknown):
        if nonneg[q]:
            low[var[i, q]] = 0.0
    # numerator ≤ denominator, where every cell of the table keeps to it (shares of respondents)
    both = present[:, NUM] & present[:, DEN]
    ordered = bool(both.any()) and bool(np.all(values[both, NUM] <= values[both, DEN] + 1e-9))
    ub_rows: list[int] = []
    ub_cols: list[int] = []
    ub_vals: list[float] = []
    if ordered:
        for i in np.nonzero(both)[0]:
            vn, vd = var[i, NUM], var[i, DEN]
            if vn >= 0 and vd >= 0:
                r = len(ub_rows) // 2
                ub_rows += [r, r]
                ub_cols += [int(vn), int(vd)]
                ub_vals += [1.0, -1.0]
            elif vn >= 0:
                high[vn] = min(high[vn], values[i, DEN])
            elif vd >= 0:
                low[vd] = max(low[vd], values[i, NUM])
    eq = np.zeros((len(rhs), count))
    eq[eq_rows, eq_cols] = eq_vals
    n_ub = len(ub_rows) // 2
    ub = np.zeros((n_ub, count))
    ub[ub_rows, ub_cols] = ub_vals
    component = _components(count, eq, ub)
    cells_of = np.argwhere(unknown)  # variable → (cell, quantity)
    problems: dict[int, _Problem] = {}
    keys: dict[int, bytes] = {}
    memo = {} if memo is None else memo
    out = []
    for i, q in targets:
        v = int(var[i, q])
        lo, hi = float(low[v]), float(high[v])
        if linked[v] or (ordered and q in (NUM, DEN)):
            # Only the variables linked to this one (through hidden cells) matter.
            c = int(component[v])
            if c not in keys:
                keys[c] = cells_of[component == c].tobytes()
            local = int(np.count_nonzero(component[:v] == c))
            found = memo.get((keys[c], local))
            if found is None:
                if c not in problems:
                    problems[c] = _Problem.of(component == c, eq, np.array(rhs), ub, low, high)
                enough = None
                if decide and table.primary[i]:
                    enough = (float(values[i, q]), required_width(q, float(values[i, q])))
                found = memo[(keys[c], local)] = problems[c].extent(local, enough=enough)
            lo, hi = found
        required = required_width(q, float(values[i, q])) if table.primary[i] else None
        out.append(Interval(cell=i, quantity=q, low=lo, high=hi, required=required))
    return out


def _components(count: int, eq: NDArray[np.float64], ub: NDArray[np.float64]) -> NDArray[np.int64]:
    """Connected components of the variables: two share one when a relation links them."""
    parent = np.arange(count)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = int(parent[x])
        return x

    for matrix in (eq, ub):
        for row in matrix:
            linked = np.nonzero(row)[0]
            for other in linked[1:]:
                a, b = find(int(linked[0])), find(int(other))
                if a != b:
                    parent[b] = a
    return np.array([find(x) for x in range(count)], dtype=np.int64)


@dataclass(frozen=True, slots=True)
class _Problem:
    """The attacker's LP over one component of the hidden variables."""

    a_ub: NDArray[np.float64] | None
    b_ub: NDArray[np.float64] | None
    a_eq: NDArray[np.float64] | None
    b_eq: NDArray[np.float64] | None
    bounds: list[tuple[float, float]]

    @classmethod
    def of(
        cls,
        columns: NDArray[np.bool_],
        eq: NDArray[np.float64],
        rhs: NDArray[np.float64],
        ub: NDArray[np.float64],
        low: NDArray[np.float64],
        high: NDArray[np.float64],
    ) -> _Problem:
        eq_rows = np.any(eq[:, columns] != 0, axis=1) if len(eq) else np.zeros(0, dtype=bool)
        ub_rows = np.any(ub[:, columns] != 0, axis=1) if len(ub) else np.zeros(0, dtype=bool)
        return cls(
            a_ub=ub[np.ix_(ub_rows, columns)] if ub_rows.any() else None,
            b_ub=np.zeros(int(ub_rows.sum())) if ub_rows.any() else None,
            a_eq=eq[np.ix_(eq_rows, columns)] if eq_rows.any() else None,
            b_eq=rhs[eq_rows] if eq_rows.any() else None,
            bounds=[(float(a), float(b)) for a, b in zip(low[columns], high[columns], strict=True)],
        )

    def extent(self, v: int, *, enough: tuple[float, float] | None = None) -> tuple[float, float]:
        """[min, max] of variable v (nan, nan when the solver cannot say). With `enough`
        (true value, width): a maximum at least the width above the true value ends it, with
        the true value as the low end (the minimum is never above it)."""
        high = self._solve(v, -1.0)
        if math.isnan(high):
            return math.nan, math.nan
        if enough is not None and high - enough[0] >= enough[1]:
            return enough[0], high
        low = self._solve(v, 1.0)
        if math.isnan(low):
            return math.nan, math.nan
        return low, high

    def _solve(self, v: int, sign: float) -> float:
        """min (sign 1) or max (sign -1) of variable v; nan when the solver cannot say
        (numerically infeasible: counted as not protected, so more gets hidden)."""
        c = np.zeros(len(self.bounds))
        c[v] = sign
        result = linprog(
            c,
            A_ub=self.a_ub,
            b_ub=self.b_ub,
            A_eq=self.a_eq,
            b_eq=self.b_eq,
            bounds=self.bounds,
            method="highs",
        )
        if result.status == 3:  # unbounded
            return -np.inf * sign
        if result.status == 0 and result.fun is not None:
            return sign * float(result.fun)
        return math.nan


def control(table: Table, *, decide: bool = True) -> NDArray[np.int8]:
    """Per cell SHOWN, PRIMARY or SECONDARY: the primary cells plus the fewest further cells
    (greedy, audited) so that no primary cell is narrowed below its protection interval.
    `decide`: the audits solve only what decides protection (`audit`); the pattern is the
    same as with every interval solved whole."""
    status = np.zeros(len(table.primary), dtype=np.int8)
    if not table.primary.any():
        return status
    hidden = table.primary.copy()
    members = _members(table)
    memo: dict[tuple[bytes, int], tuple[float, float]] = {}
    _no_lone_hidden(table, hidden, members)
    for _ in range(len(hidden) + 1):
        intervals = audit(table, hidden, only=table.primary, memo=memo, decide=decide)
        failing = sorted({iv.cell for iv in intervals if iv.violated})
        if not failing:
            break
        chosen: set[int] = set()
        for cell in failing:
            near = {c for group in members.get(cell, ()) for c in group}
            if near & chosen:
                continue  # this round already hid a cell beside it: audit again first
            found = _candidate(table, hidden, members, cell)
            if found is not None:
                chosen.add(found)
                hidden[found] = True
        if not chosen:  # nothing shown is linked to what fails: hide the whole table
            hidden[:] = True
            break
        _no_lone_hidden(table, hidden, members)
    status[hidden] = SECONDARY
    status[table.primary] = PRIMARY
    return status


def _no_lone_hidden(
    table: Table, hidden: NDArray[np.bool_], members: dict[int, list[tuple[int, ...]]]
) -> None:
    """The cheap first step: no relation may have exactly one hidden cell (it would be the
    relation's difference), so hide its cheapest shown member too, until none has."""
    groups = list(dict.fromkeys(g for gs in members.values() for g in gs))
    changed = True
    while changed:
        changed = False
        for group in groups:
            inside = [c for c in group if hidden[c]]
            if len(inside) != 1:
                continue
            shown = [c for c in group if not hidden[c]]
            pick = min(shown, key=lambda c: (int(table.level[c]), _size(table, c), c))
            hidden[pick] = True
            changed = True


def _members(table: Table) -> dict[int, list[tuple[int, ...]]]:
    """Cell → the relations (as member tuples) it takes part in, over any quantity."""
    seen: set[tuple[int, ...]] = set()
    out: dict[int, list[tuple[int, ...]]] = {}
    for _q, parent, children, _w in table.rows:
        group = (parent, *children)
        if group in seen:
            continue
        seen.add(group)
        for cell in group:
            out.setdefault(cell, []).append(group)
    return out


def _size(table: Table, cell: int) -> float:
    for q in (DEN, N, VALUE, NUM):
        x = table.values[cell, q]
        if not math.isnan(x):
            return abs(float(x))
    return 0.0


def _candidate(
    table: Table,
    hidden: NDArray[np.bool_],
    members: dict[int, list[tuple[int, ...]]],
    start: int,
) -> int | None:
    """The shown cell to hide next for a failing primary cell: in the relation with the fewest
    hidden cells, nearest (through hidden cells), lowest level, fewest respondents."""
    best: tuple[int, int, int, float, int] | None = None
    frontier, visited = [start], {start}
    distance = 0
    while frontier:
        following = []
        for cell in frontier:
            for group in members.get(cell, ()):
                shown = [c for c in group if not hidden[c]]
                hidden_count = len(group) - len(shown)
                for c in shown:
                    key = (hidden_count, distance, int(table.level[c]), _size(table, c), c)
                    if best is None or key < best:
                        best = key
                for c in group:
                    if hidden[c] and c not in visited:
                        visited.add(c)
                        following.append(c)
        frontier = following
        distance += 1
    return None if best is None else best[4]
