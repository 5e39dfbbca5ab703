"""Consistency of an operating budget table, as printed: rows, hierarchy and totals.

net = revenue + costs (costs negative); a parent = the sum of its children; the totals = the
sum of the top-level activities. A difference within the tolerance is a rounding warning;
more is an error naming the cell. A value equal to minus the computed one is a sign written
away (seed 001 prints a net cost of 302 257 where −302 257 is meant) and is always an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from services.budget.amounts import ore
from services.budget.operating.schemas import ActivityIn, Finding, TotalsIn
from shared.money import MoneyUnit, from_ore

_FIELD_WORD = {"revenue": "revenue", "costs": "costs", "net": "net"}


@dataclass
class Line:
    code: str
    title: str
    parent_code: str | None
    revenue: int
    costs: int


@dataclass
class Checked:
    lines: list[Line]
    revenue: int
    costs: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


class _Checker:
    def __init__(self, unit: MoneyUnit, tolerance_ore: int) -> None:
        self.unit = unit
        self.tolerance = tolerance_ore
        self.findings: list[Finding] = []

    def fmt(self, value: int) -> str:
        return str(from_ore(value, self.unit))

    def add(
        self,
        severity: Literal["warning", "error"],
        code: str,
        loc: list[str | int],
        activity: str | None,
        field_name: str,
        message: str,
        printed: int | None = None,
        computed: int | None = None,
    ) -> None:
        self.findings.append(
            Finding(
                severity=severity,
                code=code,
                loc=loc,
                activity=activity,
                field=field_name,
                printed=None if printed is None else self.fmt(printed),
                computed=None if computed is None else self.fmt(computed),
                difference=None
                if printed is None or computed is None
                else self.fmt(printed - computed),
                message=message,
            )
        )

    def compare(
        self,
        printed: int,
        computed: int,
        *,
        loc: list[str | int],
        activity: str,
        field_name: str,
        what: str,
    ) -> None:
        """Printed vs computed: equal, a missing sign, a rounding difference or an error."""
        if printed == computed:
            return
        where = f"{activity}, {field_name}"
        if computed != 0 and printed == -computed:
            self.add(
                "error",
                "sign_missing",
                loc,
                activity,
                field_name,
                f"{where}: {self.fmt(printed)} is written without its sign; {what} gives "
                f"{self.fmt(computed)} {self.unit}",
                printed,
                computed,
            )
            return
        difference = printed - computed
        if abs(difference) <= self.tolerance:
            self.add(
                "warning",
                "rounding_difference",
                loc,
                activity,
                field_name,
                f"{where}: printed {self.fmt(printed)}, {what} gives {self.fmt(computed)} "
                f"{self.unit}; difference {self.fmt(difference)} is within the rounding tolerance "
                f"of {self.fmt(self.tolerance)} {self.unit}; the computed value is stored",
                printed,
                computed,
            )
            return
        self.add(
            "error",
            "inconsistent",
            loc,
            activity,
            field_name,
            f"{where}: printed {self.fmt(printed)}, {what} gives {self.fmt(computed)} {self.unit}; "
            f"difference {self.fmt(difference)} exceeds the rounding tolerance of "
            f"{self.fmt(self.tolerance)} {self.unit}",
            printed,
            computed,
        )


def check_table(
    activities: list[ActivityIn],
    totals: TotalsIn | None,
    *,
    unit: MoneyUnit,
    tolerance_ore: int,
    loc_prefix: tuple[str | int, ...] = ("body",),
) -> Checked:
    c = _Checker(unit, tolerance_ore)
    base: list[str | int] = list(loc_prefix)
    lines: list[Line] = []
    seen: dict[str, int] = {}
    for i, a in enumerate(activities):
        loc = [*base, "activities", i]
        revenue = ore(a.revenue, unit, [*loc, "revenue"])
        costs = ore(a.costs, unit, [*loc, "costs"])
        if a.code in seen:
            c.add(
                "error",
                "duplicate_activity",
                [*loc, "code"],
                a.title,
                "code",
                f"{a.title}: activity code {a.code!r} is also row {seen[a.code]}",
            )
        seen.setdefault(a.code, i)
        if revenue < 0:
            c.add(
                "error",
                "revenue_negative",
                [*loc, "revenue"],
                a.title,
                "revenue",
                f"{a.title}, revenue: {c.fmt(revenue)} is negative; revenue is written "
                "positive in this table",
                revenue,
            )
        if costs > 0:
            c.add(
                "error",
                "costs_positive",
                [*loc, "costs"],
                a.title,
                "costs",
                f"{a.title}, costs: {c.fmt(costs)} is positive; costs are written negative "
                "in this table (sign missing?)",
                costs,
            )
        if a.net is not None:
            c.compare(
                ore(a.net, unit, [*loc, "net"]),
                revenue + costs,
                loc=[*loc, "net"],
                activity=a.title,
                field_name="net",
                what="revenue + costs",
            )
        lines.append(Line(a.code, a.title, a.parent_code, revenue, costs))

    index = {line.code: i for i, line in enumerate(lines)}
    for i, line in enumerate(lines):
        if line.parent_code is None:
            continue
        if line.parent_code not in index or line.parent_code == line.code:
            c.add(
                "error",
                "unknown_parent",
                [*base, "activities", i, "parent_code"],
                line.title,
                "parent_code",
                f"{line.title}: parent {line.parent_code!r} is not an activity of this table",
            )
            continue
        visited = {line.code}
        parent: str | None = line.parent_code
        while parent is not None and parent in index:
            if parent in visited:
                c.add(
                    "error",
                    "cyclic_parent",
                    [*base, "activities", i, "parent_code"],
                    line.title,
                    "parent_code",
                    f"{line.title}: the hierarchy loops",
                )
                break
            visited.add(parent)
            parent = lines[index[parent]].parent_code

    for i, line in enumerate(lines):
        children = [x for x in lines if x.parent_code == line.code]
        if not children:
            continue
        for field_name in ("revenue", "costs"):
            c.compare(
                getattr(line, field_name),
                sum(getattr(x, field_name) for x in children),
                loc=[*base, "activities", i, field_name],
                activity=line.title,
                field_name=field_name,
                what="the sum of its sub-activities",
            )

    top = [line for line in lines if line.parent_code is None]
    if lines:
        revenue_total = sum(x.revenue for x in top)
        costs_total = sum(x.costs for x in top)
    else:
        if totals is None or totals.revenue is None or totals.costs is None:
            raise ValueError("a table without activities needs totals with revenue and costs")
        revenue_total = ore(totals.revenue, unit, [*base, "totals", "revenue"])
        costs_total = ore(totals.costs, unit, [*base, "totals", "costs"])
        if revenue_total < 0:
            c.add(
                "error",
                "revenue_negative",
                [*base, "totals", "revenue"],
                "Summa",
                "revenue",
                f"Summa, revenue: {c.fmt(revenue_total)} is negative",
                revenue_total,
            )
        if costs_total > 0:
            c.add(
                "error",
                "costs_positive",
                [*base, "totals", "costs"],
                "Summa",
                "costs",
                f"Summa, costs: {c.fmt(costs_total)} is positive; costs are written negative "
                "(sign missing?)",
                costs_total,
            )
    if totals is not None:
        what = "the sum of the activities" if lines else "revenue + costs"
        if lines:
            for field_name, computed in (("revenue", revenue_total), ("costs", costs_total)):
                printed = getattr(totals, field_name)
                if printed is not None:
                    c.compare(
                        ore(printed, unit, [*base, "totals", field_name]),
                        computed,
                        loc=[*base, "totals", field_name],
                        activity="Summa",
                        field_name=field_name,
                        what=what,
                    )
        if totals.net is not None:
            c.compare(
                ore(totals.net, unit, [*base, "totals", "net"]),
                revenue_total + costs_total,
                loc=[*base, "totals", "net"],
                activity="Summa",
                field_name="net",
                what="the sum of the activities' revenue + costs" if lines else what,
            )
    return Checked(lines=lines, revenue=revenue_total, costs=costs_total, findings=c.findings)


# The phases that carry the board's decided budget and so must keep within its frame; a
# forecast or an outcome differs from the frame by what happened, which is no inconsistency.
FRAMED_PHASES = frozenset({"approved", "revised"})


def check_against_frame(
    checked: Checked,
    *,
    phase: str,
    board: str,
    year: int,
    frame_ore: int,
    unit: MoneyUnit,
    tolerance_ore: int,
) -> None:
    """Add a finding when the table's net cost differs from the frame: a warning within the
    rounding tolerance, an error above it."""
    net_cost = -(checked.revenue + checked.costs)
    difference = net_cost - frame_ore
    if phase not in FRAMED_PHASES or difference == 0:
        return
    checker = _Checker(unit, tolerance_ore)
    within = abs(difference) <= tolerance_ore
    what = (
        f"is within the rounding tolerance of {checker.fmt(tolerance_ore)} {unit}"
        if within
        else f"exceeds the rounding tolerance of {checker.fmt(tolerance_ore)} {unit}"
    )
    checker.add(
        "warning" if within else "error",
        "frame_difference",
        ["body", "totals", "net"],
        "Summa",
        "net",
        f"the net cost {checker.fmt(net_cost)} {unit} differs from {board}'s frame for {year} "
        f"({checker.fmt(frame_ore)} {unit}) by {checker.fmt(difference)} {unit} "
        f"(positive = over the frame); the difference {what}",
        printed=net_cost,
        computed=frame_ore,
    )
    checked.findings += checker.findings


def tolerance_ore(tolerance_tkr: Decimal) -> int:
    return int(tolerance_tkr * 100_000)
