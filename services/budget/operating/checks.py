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
from shared.i18n import Invalid, Message, message
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


def _field(name: str) -> Message:
    return message(f"budget.check.field.{name}")


class _Checker:
    def __init__(self, unit: MoneyUnit, tolerance_ore: int) -> None:
        self.unit = unit
        self.tolerance = tolerance_ore
        self.findings: list[Finding] = []

    def fmt(self, value: int) -> str:
        return str(from_ore(value, self.unit))

    def amount(self, value: int) -> Decimal:
        """An amount for a message (formatted in the reader's language)."""
        return from_ore(value, self.unit)

    def add(
        self,
        severity: Literal["warning", "error"],
        code: str,
        loc: list[str | int],
        activity: str | None,
        field_name: str,
        text: Message,
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
                message=text.render("sv"),
            ).explained(text)
        )

    def compare(
        self,
        printed: int,
        computed: int,
        *,
        loc: list[str | int],
        activity: str,
        field_name: str,
        what: Message,
    ) -> None:
        """Printed vs computed: equal, a missing sign, a rounding difference or an error."""
        if printed == computed:
            return
        where = message("budget.check.where", activity=activity, field=_field(field_name))
        if computed != 0 and printed == -computed:
            self.add(
                "error",
                "sign_missing",
                loc,
                activity,
                field_name,
                message(
                    "budget.check.sign_missing",
                    where=where,
                    printed=self.amount(printed),
                    what=what,
                    computed=self.amount(computed),
                    unit=self.unit,
                ),
                printed,
                computed,
            )
            return
        difference = printed - computed
        # Within the tolerance a rounding difference (a warning), beyond it an error.
        rounding = abs(difference) <= self.tolerance
        level: Literal["warning", "error"] = "warning" if rounding else "error"
        code = "rounding_difference" if rounding else "inconsistent"
        key = "budget.check.rounding" if rounding else "budget.check.inconsistent"
        self.add(
            level,
            code,
            loc,
            activity,
            field_name,
            message(
                key,
                where=where,
                printed=self.amount(printed),
                what=what,
                computed=self.amount(computed),
                difference=self.amount(difference),
                tolerance=self.amount(self.tolerance),
                unit=self.unit,
            ),
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
                message(
                    "budget.check.duplicate_activity",
                    title=a.title,
                    code=repr(a.code),
                    row=seen[a.code],
                ),
            )
        seen.setdefault(a.code, i)
        if revenue < 0:
            c.add(
                "error",
                "revenue_negative",
                [*loc, "revenue"],
                a.title,
                "revenue",
                message("budget.check.revenue_negative", title=a.title, amount=c.amount(revenue)),
                revenue,
            )
        if costs > 0:
            c.add(
                "error",
                "costs_positive",
                [*loc, "costs"],
                a.title,
                "costs",
                message("budget.check.costs_positive", title=a.title, amount=c.amount(costs)),
                costs,
            )
        if a.net is not None:
            c.compare(
                ore(a.net, unit, [*loc, "net"]),
                revenue + costs,
                loc=[*loc, "net"],
                activity=a.title,
                field_name="net",
                what=message("budget.check.revenue_plus_costs"),
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
                message(
                    "budget.check.unknown_parent", title=line.title, parent=repr(line.parent_code)
                ),
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
                    message("budget.check.cyclic_parent", title=line.title),
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
                what=message("budget.check.sum_of_children"),
            )

    top = [line for line in lines if line.parent_code is None]
    if lines:
        revenue_total = sum(x.revenue for x in top)
        costs_total = sum(x.costs for x in top)
    else:
        if totals is None or totals.revenue is None or totals.costs is None:
            raise Invalid(message("budget.check.totals_needed"))
        revenue_total = ore(totals.revenue, unit, [*base, "totals", "revenue"])
        costs_total = ore(totals.costs, unit, [*base, "totals", "costs"])
        if revenue_total < 0:
            c.add(
                "error",
                "revenue_negative",
                [*base, "totals", "revenue"],
                "Summa",
                "revenue",
                message("budget.check.total_revenue_negative", amount=c.amount(revenue_total)),
                revenue_total,
            )
        if costs_total > 0:
            c.add(
                "error",
                "costs_positive",
                [*base, "totals", "costs"],
                "Summa",
                "costs",
                message("budget.check.total_costs_positive", amount=c.amount(costs_total)),
                costs_total,
            )
    if totals is not None:
        what = message(
            "budget.check.sum_of_activities" if lines else "budget.check.revenue_plus_costs"
        )
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
                what=message("budget.check.activities_net") if lines else what,
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
    what = message(
        "budget.check.frame_within" if within else "budget.check.frame_exceeds",
        tolerance=checker.amount(tolerance_ore),
        unit=unit,
    )
    checker.add(
        "warning" if within else "error",
        "frame_difference",
        ["body", "totals", "net"],
        "Summa",
        "net",
        message(
            "budget.check.frame_difference",
            net_cost=checker.amount(net_cost),
            unit=unit,
            board=board,
            year=year,
            frame=checker.amount(frame_ore),
            difference=checker.amount(difference),
            what=what,
        ),
        printed=net_cost,
        computed=frame_ore,
    )
    checked.findings += checker.findings


def tolerance_ore(tolerance_tkr: Decimal) -> int:
    return int(tolerance_tkr * 100_000)
