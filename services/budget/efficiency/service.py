"""Efficiency measures: money joined with volume, published as observations through ingest.

Ingest is the one door for every number, so the budget service computes a value and POSTs it
to ingest's JSON batch endpoint (local measure, gender T), where targets and indicators pick
it up like any other measure. The values are derived: never attributed to Kolada, even the
standard-cost deviation that starts from Kolada's percentage (N20900).
"""

from __future__ import annotations

import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.budget.efficiency.schemas import (
    MEASURE_CODES,
    VOLUME_UNITS,
    EfficiencyIn,
    EfficiencyOut,
)
from services.budget.operating import repository as operating
from shared.auth import Principal
from shared.clients.ingest import IngestClient
from shared.errors import FieldError, NotFound, Unprocessable, reason_of
from shared.i18n import DEFAULT, Language, Message, message
from shared.money import from_ore, to_ore
from shared.periods import Period

CENT = Decimal("0.01")


async def _net_cost_ore(
    session: AsyncSession, payload: EfficiencyIn, municipality: str
) -> tuple[int, dict[str, Any]]:
    if payload.net_cost is not None:
        try:
            amount = to_ore(payload.net_cost, payload.net_cost_unit)
        except ValueError as exc:
            raise Unprocessable(
                reason_of(exc),
                errors=[
                    FieldError(
                        loc=["body", "net_cost"],
                        field="net_cost",
                        value=str(payload.net_cost),
                        message=reason_of(exc),
                    )
                ],
            ) from exc
        return amount, {"net_cost": f"{payload.net_cost} {payload.net_cost_unit}"}
    source = payload.net_cost_from
    assert source is not None
    budget = await operating.get(session, source.operating_budget_id)
    if budget is None or budget.municipality_code != municipality:
        raise NotFound(
            message(
                "problem.budget.no_operating_budget",
                operating_budget_id=source.operating_budget_id,
                municipality=municipality,
            )
        )
    line = next(
        (
            x
            for x in await operating.lines_of(session, budget.id)
            if x.activity_code == source.activity_code
        ),
        None,
    )
    if line is None:
        raise Unprocessable(
            message(
                "problem.budget.operating_budget_activity", activity_code=repr(source.activity_code)
            ),
            errors=[
                FieldError(
                    loc=["body", "net_cost_from", "activity_code"],
                    field="activity_code",
                    value=source.activity_code,
                    message=message("problem.budget.not_activity_budget"),
                )
            ],
        )
    net_cost = -(line.revenue_ore + line.costs_ore)
    if net_cost <= 0:
        raise Unprocessable(
            message(
                "problem.budget.net_cost_kr_surplus",
                activity_title=line.activity_title,
                surplus=from_ore(-net_cost, "kr"),
            ),
            errors=[
                FieldError(
                    loc=["body", "net_cost_from"],
                    field="net_cost_from",
                    value=source.activity_code,
                    message=message("problem.budget.net_cost_positive"),
                )
            ],
        )
    return net_cost, {
        "net_cost": f"{from_ore(net_cost, 'kr')} kr",
        "net_cost_from": {
            "operating_budget_id": str(budget.id),
            "phase": budget.phase,
            "year": budget.year,
            "tertial": budget.tertial or None,
            "activity": line.activity_title,
        },
    }


def _compute(payload: EfficiencyIn, net_cost_ore: int) -> tuple[Decimal, str, Message]:
    net_cost_kr = Decimal(net_cost_ore) / 100
    if payload.kind == "standard_cost_deviation":
        percent = payload.kolada_deviation_percent
        assert percent is not None
        standard = net_cost_kr / (1 + percent / 100)
        value = (net_cost_kr - standard).quantize(CENT, rounding=ROUND_HALF_UP)
        return value, "kr", message("budget.efficiency.formula.deviation")
    assert payload.volume is not None
    value = (net_cost_kr / payload.volume).quantize(CENT, rounding=ROUND_HALF_UP)
    per = "timme" if VOLUME_UNITS[payload.kind] == "timmar" else "dygn"
    return value, f"kr/{per}", message(f"budget.efficiency.formula.per_{per}")


async def publish(
    session: AsyncSession,
    payload: EfficiencyIn,
    *,
    principal: Principal,
    ingest: IngestClient,
    language: Language = DEFAULT,
) -> EfficiencyOut:
    """Compute and publish; the answer's formula and note in `language`, the batch's note
    (stored by ingest, read by anyone later) in Swedish, the data's own language."""
    municipality = principal.tenant(payload.municipality_code)
    try:
        period = Period.parse(payload.period)
    except ValueError as exc:
        raise Unprocessable(
            reason_of(exc),
            errors=[
                FieldError(
                    loc=["body", "period"],
                    field="period",
                    value=payload.period,
                    message=reason_of(exc),
                )
            ],
        ) from exc
    net_cost_ore, inputs = await _net_cost_ore(session, payload, municipality)
    value, unit, formula = _compute(payload, net_cost_ore)
    if payload.volume is not None:
        inputs["volume"] = f"{payload.volume} {VOLUME_UNITS[payload.kind]}"
    if payload.kolada_deviation_percent is not None:
        inputs["N20900"] = f"{payload.kolada_deviation_percent} % (Källa: Kolada)"
    measure = MEASURE_CODES[payload.kind]
    note = message("budget.efficiency.note", formula=formula, value=value, unit=unit)
    batch = {
        "municipality_code": municipality,
        "mode": "revise",
        "note": note.render("sv"),
        "observations": [
            {
                "measure_code": measure,
                "unit_code": payload.unit_code,
                "period": str(period),
                "gender": "T",
                "value": str(value),
                "status": "final",
            }
        ],
    }
    digest = hashlib.sha256(json.dumps(batch, sort_keys=True).encode()).hexdigest()[:40]
    stored = await ingest.post_batch(
        batch, token=principal.token, idempotency_key=f"budget-efficiency-{digest}"
    )
    return EfficiencyOut(
        kind=payload.kind,
        measure_code=measure,
        municipality_code=municipality,
        unit_code=payload.unit_code,
        period=str(period),
        value=value,
        unit=unit,
        formula=formula.render(language),
        inputs=inputs,
        source_note=note.render(language),
        batch=stored,
    )
