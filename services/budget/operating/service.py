"""Operating budgets per activity and year: approved, revised, forecast per tertial (every
tertial's version kept), outcome; comparisons between them and against last year."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession

from services.budget.audit.service import record
from services.budget.frame import repository as frames
from services.budget.operating import repository
from services.budget.operating.checks import (
    Checked,
    check_against_frame,
    check_table,
    tolerance_ore,
)
from services.budget.operating.outcome import aggregate
from services.budget.operating.schemas import (
    ActivityIn,
    ActivityOut,
    CellDifference,
    ComparisonOut,
    ComparisonRow,
    DriftredovisningOut,
    DriftRow,
    Finding,
    FrameDifference,
    MappingOut,
    MappingsIn,
    OperatingBudgetIn,
    OperatingBudgetOut,
    OperatingBudgetUpdate,
    Phase,
)
from services.budget.tenancy import list_scope
from services.budget.versioning import check_if_match
from shared.auth import Principal
from shared.errors import Conflict, FieldError, NotFound, Unprocessable
from shared.events import emit
from shared.i18n import message, text
from shared.models import OperatingBudget, OperatingLine
from shared.money import MoneyUnit, from_ore
from shared.pagination import Page


def _refuse(checked: Checked) -> None:
    if not checked.errors:
        return
    raise Unprocessable(
        message(
            "problem.budget.table_inconsistent_error_s_rounding",
            count_errors=len(checked.errors),
            count_warnings=len(checked.warnings),
        ),
        errors=[
            FieldError(
                loc=f.loc,
                field=f.field,
                value=f.printed,
                message=f.text,
                code=f.code,
                activity=f.activity,
                computed=f.computed,
                difference=f.difference,
            )
            for f in checked.errors
        ],
        extra={"warnings": [w.stored() for w in checked.warnings]},
    )


def _lines(checked: Checked) -> list[OperatingLine]:
    return [
        OperatingLine(
            position=i,
            activity_code=line.code,
            activity_title=line.title,
            parent_code=line.parent_code,
            revenue_ore=line.revenue,
            costs_ore=line.costs,
        )
        for i, line in enumerate(checked.lines)
    ]


async def _checked_against_frame(
    session: AsyncSession,
    checked: Checked,
    *,
    municipality: str,
    board: str,
    year: int,
    phase: str,
    unit: MoneyUnit,
    tolerance_tkr: Decimal,
) -> None:
    frame = await frames.find(session, municipality, board, year)
    if frame is not None:
        check_against_frame(
            checked,
            phase=phase,
            board=board,
            year=year,
            frame_ore=frame.amount_ore,
            unit=unit,
            tolerance_ore=tolerance_ore(tolerance_tkr),
        )


async def _frame_difference(
    session: AsyncSession, budget: OperatingBudget, unit: MoneyUnit
) -> FrameDifference | None:
    frame = await frames.find(session, budget.municipality_code, budget.board, budget.year)
    if frame is None:
        return None
    net_cost = -(budget.revenue_ore + budget.costs_ore)
    return FrameDifference(
        frame_id=frame.id,
        frame_amount=from_ore(frame.amount_ore, unit),
        net_cost=from_ore(net_cost, unit),
        difference=from_ore(net_cost - frame.amount_ore, unit),
    )


async def _out(session: AsyncSession, budget: OperatingBudget) -> OperatingBudgetOut:
    unit = cast(MoneyUnit, budget.display_unit)
    lines = await repository.lines_of(session, budget.id)
    return OperatingBudgetOut(
        id=budget.id,
        municipality_code=budget.municipality_code,
        board=budget.board,
        year=budget.year,
        phase=cast(Phase, budget.phase),
        tertial=budget.tertial or None,
        unit=unit,
        revenue=from_ore(budget.revenue_ore, unit),
        costs=from_ore(budget.costs_ore, unit),
        net=from_ore(budget.revenue_ore + budget.costs_ore, unit),
        activities=[
            ActivityOut(
                code=x.activity_code,
                title=x.activity_title,
                parent_code=x.parent_code,
                revenue=from_ore(x.revenue_ore, unit),
                costs=from_ore(x.costs_ore, unit),
                net=from_ore(x.revenue_ore + x.costs_ore, unit),
            )
            for x in lines
        ],
        warnings=[Finding.from_stored(w) for w in budget.warnings],
        frame=await _frame_difference(session, budget, unit),
        source=budget.source,
        version=budget.version,
        created_at=budget.created_at,
    )


async def create_budget(
    session: AsyncSession,
    payload: OperatingBudgetIn,
    *,
    principal: Principal,
    tolerance_tkr: Decimal,
) -> OperatingBudgetOut:
    """Check the table; refuse it whole (422, errors and warnings listed) on any error; store
    revenue and costs per activity and the warnings otherwise."""
    municipality = principal.tenant(payload.municipality_code)
    checked = check_table(
        payload.activities,
        payload.totals,
        unit=payload.unit,
        tolerance_ore=tolerance_ore(tolerance_tkr),
    )
    await _checked_against_frame(
        session,
        checked,
        municipality=municipality,
        board=payload.board,
        year=payload.year,
        phase=payload.phase,
        unit=payload.unit,
        tolerance_tkr=tolerance_tkr,
    )
    _refuse(checked)
    tertial = payload.tertial or 0
    existing = await repository.find(
        session, municipality, payload.board, payload.year, payload.phase, tertial
    )
    if existing is not None:
        raise Conflict(
            message(
                "problem.budget.budget_exists",
                board=payload.board,
                phase=message(f"problem.budget.phase.{payload.phase}"),
                period=f"{payload.year}T{tertial}" if tertial else str(payload.year),
                budget_id=str(existing.id),
            ),
            extra={"existing_id": str(existing.id)},
        )
    budget = OperatingBudget(
        id=uuid.uuid4(),
        municipality_code=municipality,
        board=payload.board,
        year=payload.year,
        phase=payload.phase,
        tertial=tertial,
        display_unit=payload.unit,
        revenue_ore=checked.revenue,
        costs_ore=checked.costs,
        source=payload.source,
        warnings=[w.stored() for w in checked.warnings],
        version=1,
    )
    await repository.add(session, budget, _lines(checked))
    out = await _out(session, budget)
    await record(
        session,
        principal=principal,
        municipality_code=municipality,
        entity="operating_budget",
        entity_id=budget.id,
        action="create",
        before=None,
        after=out,
    )
    await _forecast_saved(session, budget)
    return out


async def _forecast_saved(session: AsyncSession, budget: OperatingBudget) -> None:
    """A saved forecast (prognos) is an event for subscribed systems; other phases are not."""
    if budget.phase != "forecast":
        return
    await emit(
        session,
        municipality_code=budget.municipality_code,
        type="budget.forecast_saved",
        payload={
            "forecast_id": str(budget.id),
            "board": budget.board,
            "period": f"{budget.year}T{budget.tertial}" if budget.tertial else str(budget.year),
            "version": budget.version,
        },
    )


async def _visible(
    session: AsyncSession, budget_id: uuid.UUID, principal: Principal, *, lock: bool = False
) -> OperatingBudget:
    budget = await repository.get(session, budget_id, lock=lock)
    if budget is None or not principal.can_see(budget.municipality_code):
        raise NotFound(message("problem.budget.no_operating_budget_id", budget_id=budget_id))
    return budget


async def update_budget(
    session: AsyncSession,
    budget_id: uuid.UUID,
    payload: OperatingBudgetUpdate,
    *,
    principal: Principal,
    if_match: str | None,
    tolerance_tkr: Decimal,
) -> OperatingBudgetOut:
    budget = await _visible(session, budget_id, principal, lock=True)
    check_if_match(if_match, entity="operating_budget", entity_id=budget.id, version=budget.version)
    if not payload.activities and (
        payload.totals is None or payload.totals.revenue is None or payload.totals.costs is None
    ):
        raise Unprocessable(
            message("problem.budget.send_activities_or_totals"),
            errors=[
                FieldError(
                    loc=["body", "activities"],
                    field="activities",
                    message=message("problem.budget.empty"),
                )
            ],
        )
    checked = check_table(
        payload.activities,
        payload.totals,
        unit=payload.unit,
        tolerance_ore=tolerance_ore(tolerance_tkr),
    )
    await _checked_against_frame(
        session,
        checked,
        municipality=budget.municipality_code,
        board=budget.board,
        year=budget.year,
        phase=budget.phase,
        unit=payload.unit,
        tolerance_tkr=tolerance_tkr,
    )
    _refuse(checked)
    before = await _out(session, budget)
    budget.display_unit = payload.unit
    budget.revenue_ore = checked.revenue
    budget.costs_ore = checked.costs
    budget.warnings = [w.stored() for w in checked.warnings]
    if "source" in payload.model_fields_set:
        budget.source = payload.source
    budget.version += 1
    await repository.replace_lines(session, budget, _lines(checked))
    after = await _out(session, budget)
    await record(
        session,
        principal=principal,
        municipality_code=budget.municipality_code,
        entity="operating_budget",
        entity_id=budget.id,
        action="update",
        before=before,
        after=after,
    )
    await _forecast_saved(session, budget)
    return after


async def get_budget(
    session: AsyncSession, budget_id: uuid.UUID, *, principal: Principal
) -> OperatingBudgetOut:
    return await _out(session, await _visible(session, budget_id, principal))


async def list_budgets(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    board: str | None,
    year: int | None,
    phase: str | None,
    limit: int,
    offset: int,
) -> Page[OperatingBudgetOut]:
    scope = list_scope(principal, municipality_code)
    budgets, total = await repository.list_budgets(
        session, scope, board=board, year=year, phase=phase, limit=limit, offset=offset
    )
    return Page[OperatingBudgetOut](
        items=[await _out(session, b) for b in budgets], total=total, limit=limit, offset=offset
    )


async def _find_visible(
    session: AsyncSession,
    municipality: str,
    board: str,
    year: int,
    phase: str,
    tertial: int | None,
    *,
    param: str,
) -> OperatingBudget:
    if phase == "forecast" and tertial is None:
        budget = await repository.latest_forecast(session, municipality, board, year)
    else:
        budget = await repository.find(session, municipality, board, year, phase, tertial or 0)
    if budget is None:
        label = message(
            "problem.budget.phase_period",
            phase=message(f"problem.budget.phase_code.{phase}"),
            period=f"{year}T{tertial}" if tertial else str(year),
        )
        raise NotFound(
            message(
                "problem.budget.no_operating_budget_phase",
                label=label,
                board=board,
                municipality=municipality,
            ),
            errors=[
                FieldError(
                    loc=["query", param],
                    field=param,
                    value=phase,
                    message=message("problem.budget.not_stored"),
                )
            ],
        )
    return budget


def _get(line: OperatingLine | None, attribute: str) -> int | None:
    return None if line is None else int(getattr(line, attribute))


def _cell(base: int | None, against: int | None, unit: MoneyUnit) -> CellDifference:
    return CellDifference(
        base=None if base is None else from_ore(base, unit),
        against=None if against is None else from_ore(against, unit),
        difference=None if base is None or against is None else from_ore(base - against, unit),
    )


async def compare(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    board: str,
    year: int,
    base: Phase,
    base_tertial: int | None,
    against: Phase,
    against_tertial: int | None,
    against_year: int | None,
    unit: MoneyUnit,
) -> ComparisonOut:
    """Per activity: base, against and the difference (DIFFERENCE_CONVENTION: the change in
    net cost, −(against − base)) for revenue, costs and net. A forecast
    named without its tertial is the latest one stored for the year."""
    municipality = principal.tenant(municipality_code)
    other_year = against_year or year
    left = await _find_visible(session, municipality, board, year, base, base_tertial, param="base")
    right = await _find_visible(
        session, municipality, board, other_year, against, against_tertial, param="against"
    )
    left_lines = {x.activity_code: x for x in await repository.lines_of(session, left.id)}
    right_lines = {x.activity_code: x for x in await repository.lines_of(session, right.id)}
    codes = list(left_lines) + [c for c in right_lines if c not in left_lines]
    rows = []
    for code in codes:
        a, b = left_lines.get(code), right_lines.get(code)
        title_line = a or b
        assert title_line is not None
        rows.append(
            ComparisonRow(
                code=code,
                title=title_line.activity_title,
                parent_code=title_line.parent_code,
                revenue=_cell(_get(a, "revenue_ore"), _get(b, "revenue_ore"), unit),
                costs=_cell(_get(a, "costs_ore"), _get(b, "costs_ore"), unit),
                net=_cell(
                    None if a is None else a.revenue_ore + a.costs_ore,
                    None if b is None else b.revenue_ore + b.costs_ore,
                    unit,
                ),
            )
        )
    return ComparisonOut(
        board=board,
        municipality_code=municipality,
        unit=unit,
        base={"year": year, "phase": base, "tertial": left.tertial or None, "id": str(left.id)},
        against={
            "year": other_year,
            "phase": against,
            "tertial": right.tertial or None,
            "id": str(right.id),
        },
        rows=rows,
        totals=ComparisonRow(
            code="total",
            title="Summa",
            parent_code=None,
            revenue=_cell(left.revenue_ore, right.revenue_ore, unit),
            costs=_cell(left.costs_ore, right.costs_ore, unit),
            net=_cell(left.revenue_ore + left.costs_ore, right.revenue_ore + right.costs_ore, unit),
        ),
    )


async def driftredovisning(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    board: str,
    year: int,
    phase: Phase,
    previous_phase: Phase | None = None,
    unit: MoneyUnit,
) -> DriftredovisningOut:
    """Seed 001's Driftredovisning from stored data: top-level activities of `year` and of
    the year before (the same phase unless `previous_phase`), and the change in net cost."""
    municipality = principal.tenant(municipality_code)
    before_phase = previous_phase or phase
    this = await _find_visible(session, municipality, board, year, phase, None, param="year")
    last = await _find_visible(
        session, municipality, board, year - 1, before_phase, None, param="previous_phase"
    )
    now = [x for x in await repository.lines_of(session, this.id) if x.parent_code is None]
    before = {
        x.activity_code: x
        for x in await repository.lines_of(session, last.id)
        if x.parent_code is None
    }
    codes = [x.activity_code for x in now] + [
        c for c in before if c not in {x.activity_code for x in now}
    ]
    current = {x.activity_code: x for x in now}

    def money(value: int | None) -> Decimal | None:
        return None if value is None else from_ore(value, unit)

    def row(
        code: str, title: str, r: int | None, c: int | None, pr: int | None, pc: int | None
    ) -> DriftRow:
        net = None if r is None or c is None else r + c
        previous_net = None if pr is None or pc is None else pr + pc
        return DriftRow(
            code=code,
            title=title,
            revenue=money(r),
            costs=money(c),
            net=money(net),
            previous_revenue=money(pr),
            previous_costs=money(pc),
            previous_net=money(previous_net),
            difference=None
            if net is None or previous_net is None
            else money(-(net - previous_net)),
        )

    rows = []
    for code in codes:
        a, b = current.get(code), before.get(code)
        title = (a or b).activity_title  # type: ignore[union-attr]
        rows.append(
            row(
                code,
                title,
                _get(a, "revenue_ore"),
                _get(a, "costs_ore"),
                _get(b, "revenue_ore"),
                _get(b, "costs_ore"),
            )
        )
    return DriftredovisningOut(
        municipality_code=municipality,
        board=board,
        year=year,
        previous_year=year - 1,
        phase=phase,
        previous_phase=before_phase,
        unit=unit,
        rows=rows,
        total=row(
            "total", "Summa", this.revenue_ore, this.costs_ore, last.revenue_ore, last.costs_ore
        ),
    )


async def put_mappings(
    session: AsyncSession, payload: MappingsIn, *, principal: Principal
) -> list[MappingOut]:
    municipality = principal.tenant(payload.municipality_code)
    accounts = [m.account for m in payload.mappings]
    duplicates = sorted({a for a in accounts if accounts.count(a) > 1})
    if duplicates:
        raise Unprocessable(
            message("problem.budget.account_s_mapped_twice", duplicates=", ".join(duplicates)),
            errors=[
                FieldError(
                    loc=["body", "mappings", i, "account"],
                    field="account",
                    row=i,
                    value=m.account,
                    message=message("problem.budget.mapped_twice"),
                    code="duplicate",
                )
                for i, m in enumerate(payload.mappings)
                if m.account in duplicates
            ],
        )
    before = {m.account: m for m in await repository.mappings(session, municipality, payload.board)}
    before_out = {a: MappingOut.model_validate(m) for a, m in before.items()}
    await repository.upsert_mappings(
        session, municipality, payload.board, [m.model_dump() for m in payload.mappings]
    )
    after = await repository.mappings(session, municipality, payload.board)
    for mapping in after:
        out = MappingOut.model_validate(mapping)
        previous = before_out.get(mapping.account)
        if previous == out:
            continue
        await record(
            session,
            principal=principal,
            municipality_code=municipality,
            entity="account_mapping",
            entity_id=mapping.id,
            action="create" if previous is None else "update",
            before=previous,
            after=out,
        )
    return [MappingOut.model_validate(m) for m in after]


async def list_mappings(
    session: AsyncSession, *, principal: Principal, municipality_code: str | None, board: str
) -> list[MappingOut]:
    municipality = principal.tenant(municipality_code)
    return [
        MappingOut(
            account=m.account, activity_code=m.activity_code, activity_title=m.activity_title
        )
        for m in await repository.mappings(session, municipality, board)
    ]


async def import_outcome(
    session: AsyncSession,
    content: bytes,
    *,
    principal: Principal,
    municipality_code: str | None,
    board: str,
    year: int,
    unit: MoneyUnit,
    sign: str,
    tolerance_tkr: Decimal,
    if_match: str | None,
) -> OperatingBudgetOut:
    """Outcome (utfall) from the accounting system: CSV rows of account and amount, summed per
    activity through the stored account → activity mapping (longest account prefix wins).
    Class 3 accounts are revenue, 4–8 costs. A row that cannot be read or mapped refuses the
    whole file. With `sign=ledger` the amounts are debit-positive (revenue negative) and are
    flipped; with `sign=api` revenue is positive and costs negative already."""
    municipality = principal.tenant(municipality_code)
    mapping = {
        m.account: (m.activity_code, m.activity_title)
        for m in await repository.mappings(session, municipality, board)
    }
    if not mapping:
        raise Unprocessable(
            message(
                "problem.budget.no_account_mapping_put_v_account",
                board=board,
                municipality=municipality,
            ),
            errors=[
                FieldError(
                    loc=["query", "board"],
                    field="board",
                    value=board,
                    message=message("problem.budget.no_account_activity_mapping_stored"),
                )
            ],
        )
    per_activity = aggregate(content, mapping, unit=unit, sign=sign)
    activities = [
        ActivityIn(code=code, title=title, revenue=from_ore(r, unit), costs=from_ore(c, unit))
        for code, (title, r, c) in per_activity.items()
    ]
    existing = await repository.find(session, municipality, board, year, "outcome", 0)
    # Stored with the outcome and shown as it is: in Swedish, the data's own language.
    source = text("budget.outcome.source", count=len(activities))
    if existing is None:
        return await create_budget(
            session,
            OperatingBudgetIn(
                municipality_code=municipality,
                board=board,
                year=year,
                phase="outcome",
                unit=unit,
                source=source,
                activities=activities,
            ),
            principal=principal,
            tolerance_tkr=tolerance_tkr,
        )
    return await update_budget(
        session,
        existing.id,
        OperatingBudgetUpdate(unit=unit, source=source, activities=activities, totals=None),
        principal=principal,
        if_match=if_match,
        tolerance_tkr=tolerance_tkr,
    )
