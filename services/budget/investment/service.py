"""Investment plans: projects with an amount per year; totals per year and per category.

A printed total is checked against the sum of its lines: a rounding difference within the
tolerance is a warning, anything more an error, and when the gap equals one line's amount
the error says the total leaves that line out (seed 001 §7 prints 45 and 27 for 2022 and
2023, where the lines sum to 105 and 87).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Literal, cast

from sqlalchemy.ext.asyncio import AsyncSession

from services.budget.amounts import ore
from services.budget.audit.service import record
from services.budget.investment import repository
from services.budget.investment.schemas import (
    PlanIn,
    PlanOut,
    ProjectOut,
    ProjectUpdate,
    TotalsOut,
)
from services.budget.operating.checks import tolerance_ore
from services.budget.operating.schemas import Finding
from services.budget.tenancy import list_scope
from services.budget.versioning import check_if_match
from shared.auth import Principal
from shared.errors import Conflict, FieldError, NotFound, Unprocessable
from shared.i18n import message
from shared.models import InvestmentProject
from shared.money import MoneyUnit, from_ore
from shared.pagination import Page


def _amounts(amounts: dict[int, Decimal], unit: MoneyUnit, loc: list[str | int]) -> dict[int, int]:
    out = {}
    for year, value in sorted(amounts.items()):
        if not 1990 <= year <= 2100:
            raise Unprocessable(
                message("problem.budget.year_outside", year=year),
                errors=[
                    FieldError(
                        loc=[*loc, year],
                        field="amounts",
                        value=year,
                        message=message("problem.budget.not_plan_year"),
                        code="bad_year",
                    )
                ],
            )
        out[year] = ore(value, unit, [*loc, year])
    return out


def _fmt(value: int, unit: MoneyUnit) -> str:
    return str(from_ore(value, unit))


def check_totals(payload: PlanIn, lines: list[dict[int, int]], *, tolerance: int) -> list[Finding]:
    unit = payload.unit
    findings: list[Finding] = []
    if payload.totals is None:
        return findings
    for year, printed_value in sorted(payload.totals.items()):
        printed = ore(printed_value, unit, ["body", "totals", year])
        computed = sum(line.get(year, 0) for line in lines)
        if printed == computed:
            continue
        difference = printed - computed
        left_out = [
            p.title
            for p, line in zip(payload.projects, lines, strict=True)
            if line.get(year, 0) == -difference and difference != 0
        ]
        base = message(
            "budget.check.investment_total",
            year=year,
            printed=from_ore(printed, unit),
            computed=from_ore(computed, unit),
            unit=unit,
            difference=from_ore(difference, unit),
        )
        severity: Literal["warning", "error"] = "error"
        if abs(difference) <= tolerance:
            severity, code = "warning", "rounding_difference"
            text = message(
                "budget.check.investment_within",
                base=base,
                tolerance=from_ore(tolerance, unit),
                unit=unit,
            )
        elif left_out:
            code = "total_leaves_out_line"
            text = message(
                "budget.check.investment_leaves_out",
                base=base,
                left_out=", ".join(repr(t) for t in left_out),
            )
        else:
            code = "inconsistent"
            text = message(
                "budget.check.investment_exceeds",
                base=base,
                tolerance=from_ore(tolerance, unit),
                unit=unit,
            )
        findings.append(
            Finding(
                severity=severity,
                code=code,
                loc=["body", "totals", year],
                activity="Summa",
                field=str(year),
                printed=_fmt(printed, unit),
                computed=_fmt(computed, unit),
                difference=_fmt(difference, unit),
                message=text.render("sv"),
            ).explained(text)
        )
    return findings


def _out(project: InvestmentProject, amounts: dict[int, int]) -> ProjectOut:
    unit = cast(MoneyUnit, project.display_unit)
    return ProjectOut(
        id=project.id,
        municipality_code=project.municipality_code,
        board=project.board,
        code=project.code,
        title=project.title,
        category=project.category,
        unit=unit,
        amounts={y: from_ore(a, unit) for y, a in sorted(amounts.items())},
        total=from_ore(sum(amounts.values()), unit),
        version=project.version,
        created_at=project.created_at,
    )


async def import_plan(
    session: AsyncSession, payload: PlanIn, *, principal: Principal, tolerance_tkr: Decimal
) -> PlanOut:
    """Store a plan's lines; refused whole (422) if a printed total is really wrong."""
    municipality = principal.tenant(payload.municipality_code)
    lines = [
        _amounts(p.amounts, payload.unit, ["body", "projects", i, "amounts"])
        for i, p in enumerate(payload.projects)
    ]
    tolerance = tolerance_ore(tolerance_tkr)
    findings = check_totals(payload, lines, tolerance=tolerance)
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    codes = [p.code for p in payload.projects]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if errors or duplicates:
        raise Unprocessable(
            message(
                "problem.budget.investment_table_inconsistent_error_s",
                count=len(errors) + len(duplicates),
            ),
            errors=[
                FieldError(
                    loc=f.loc,
                    field=f.field,
                    value=f.printed,
                    message=f.text,
                    code=f.code,
                    computed=f.computed,
                    difference=f.difference,
                )
                for f in errors
            ]
            + [
                FieldError(
                    loc=["body", "projects", codes.index(c), "code"],
                    field="code",
                    value=c,
                    message=message("problem.budget.code_used_twice"),
                    code="duplicate",
                )
                for c in duplicates
            ],
            extra={"warnings": [w.stored() for w in warnings]},
        )
    taken = await repository.existing_codes(session, municipality, payload.board, codes)
    if taken:
        raise Conflict(
            message(
                "problem.budget.project_s_already_stored_change",
                board=payload.board,
                taken=", ".join(sorted(taken)),
            ),
            extra={"existing_codes": sorted(taken)},
        )
    projects = []
    for p, amounts in zip(payload.projects, lines, strict=True):
        project = await repository.add(
            session,
            InvestmentProject(
                id=uuid.uuid4(),
                municipality_code=municipality,
                board=payload.board,
                code=p.code,
                title=p.title,
                category=p.category,
                display_unit=payload.unit,
                version=1,
            ),
            amounts,
        )
        out = _out(project, amounts)
        await record(
            session,
            principal=principal,
            municipality_code=municipality,
            entity="investment",
            entity_id=project.id,
            action="create",
            before=None,
            after=out,
        )
        projects.append(out)
    per_year: dict[int, int] = defaultdict(int)
    for amounts in lines:
        for year, amount in amounts.items():
            per_year[year] += amount
    plan = PlanOut(
        projects=projects,
        totals={y: from_ore(a, payload.unit) for y, a in sorted(per_year.items())},
        warnings=warnings,
    )
    # The import itself (with its rounding warnings) is kept: nothing is accepted silently.
    await record(
        session,
        principal=principal,
        municipality_code=municipality,
        entity="investment_plan",
        entity_id=uuid.uuid4(),
        action="import",
        before=None,
        after=plan,
    )
    return plan


async def _visible(
    session: AsyncSession, project_id: uuid.UUID, principal: Principal, *, lock: bool = False
) -> InvestmentProject:
    project = await repository.get(session, project_id, lock=lock)
    if project is None or not principal.can_see(project.municipality_code):
        raise NotFound(message("problem.budget.no_investment_project", project_id=project_id))
    return project


async def get_project(
    session: AsyncSession, project_id: uuid.UUID, *, principal: Principal
) -> ProjectOut:
    project = await _visible(session, project_id, principal)
    amounts = await repository.amounts_of(session, [project.id])
    return _out(project, amounts[project.id])


async def update_project(
    session: AsyncSession,
    project_id: uuid.UUID,
    payload: ProjectUpdate,
    *,
    principal: Principal,
    if_match: str | None,
) -> ProjectOut:
    project = await _visible(session, project_id, principal, lock=True)
    check_if_match(if_match, entity="investment", entity_id=project.id, version=project.version)
    before = _out(project, (await repository.amounts_of(session, [project.id]))[project.id])
    amounts = _amounts(payload.amounts, payload.unit, ["body", "amounts"])
    project.title = payload.title
    project.category = payload.category
    project.display_unit = payload.unit
    project.version += 1
    await repository.replace_amounts(session, project, amounts)
    after = _out(project, amounts)
    await record(
        session,
        principal=principal,
        municipality_code=project.municipality_code,
        entity="investment",
        entity_id=project.id,
        action="update",
        before=before,
        after=after,
    )
    return after


async def list_projects(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    board: str | None,
    limit: int,
    offset: int,
) -> Page[ProjectOut]:
    scope = list_scope(principal, municipality_code)
    projects, total = await repository.list_projects(
        session, scope, board=board, limit=limit, offset=offset
    )
    amounts = await repository.amounts_of(session, [p.id for p in projects])
    return Page[ProjectOut](
        items=[_out(p, amounts[p.id]) for p in projects], total=total, limit=limit, offset=offset
    )


async def totals(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    board: str,
    unit: MoneyUnit,
) -> TotalsOut:
    """Sums per year and per category and year, from the stored lines (never a printed total)."""
    municipality = principal.tenant(municipality_code)
    projects, _total = await repository.list_projects(
        session, municipality, board=board, limit=100_000, offset=0
    )
    amounts = await repository.amounts_of(session, [p.id for p in projects])
    per_year: dict[int, int] = defaultdict(int)
    per_category: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for p in projects:
        for year, amount in amounts[p.id].items():
            per_year[year] += amount
            per_category[p.category][year] += amount
    return TotalsOut(
        municipality_code=municipality,
        board=board,
        unit=unit,
        per_year={y: from_ore(a, unit) for y, a in sorted(per_year.items())},
        per_category={
            c: {y: from_ore(a, unit) for y, a in sorted(years.items())}
            for c, years in sorted(per_category.items())
        },
    )
