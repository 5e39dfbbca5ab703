"""Ranking units on an indicator fetched from the indicators service."""

from __future__ import annotations

import hashlib
import json
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.awards.audit.service import record
from services.awards.evaluation import repository
from services.awards.evaluation.schemas import (
    EvaluationIn,
    EvaluationOut,
    RankedUnit,
)
from shared import __version__
from shared.auth import Principal
from shared.clients.indicators import IndicatorsClient
from shared.contracts.indicators import IndicatorValue, IndicatorValues
from shared.errors import NotFound
from shared.i18n import DEFAULT, Language, message, rendered, stored
from shared.models import AwardRun


def rank_units(data: IndicatorValues) -> tuple[list[RankedUnit], list[dict[str, Any]]]:
    """Direction-aware ranking; suppressed and missing values are ineligible with a reason
    (kept as a message, `IneligibleUnit` once rendered in the reader's language)."""
    eligible: list[IndicatorValue] = []
    ineligible: list[dict[str, Any]] = []
    for v in data.values:
        if v.suppressed:
            ineligible.append(
                {
                    "unit_code": v.unit_code,
                    "unit_title": v.unit_title,
                    "reason": stored("awards.evaluation.suppressed"),
                }
            )
        elif v.value is None:
            ineligible.append(
                {
                    "unit_code": v.unit_code,
                    "unit_title": v.unit_title,
                    "reason": stored("awards.evaluation.no_value"),
                }
            )
        else:
            eligible.append(v)
    sign = Decimal(-1) if data.direction == "higher" else Decimal(1)
    eligible.sort(key=lambda v: (sign * (v.value or 0), -(v.n or 0), v.unit_code))
    ranking: list[RankedUnit] = []
    for position, v in enumerate(eligible, start=1):
        assert v.value is not None
        rank = ranking[-1].rank if ranking and ranking[-1].value == v.value else position
        ranking.append(
            RankedUnit(
                rank=rank, unit_code=v.unit_code, unit_title=v.unit_title, value=v.value, n=v.n
            )
        )
    return ranking, ineligible


def _to_out(run: AwardRun, language: Language = DEFAULT) -> EvaluationOut:
    """The stored run, its texts in the reader's language (as stored when stored as text)."""
    return EvaluationOut.model_validate(
        {
            "id": run.id,
            "title": run.title,
            "municipality_code": run.municipality_code,
            "period": run.period,
            "spec_hash": run.spec_hash,
            "code_version": run.code_version,
            "created_at": run.created_at,
            **rendered(run.results, language, codes=("reason",)),
        }
    )


async def create_evaluation(
    session: AsyncSession,
    payload: EvaluationIn,
    *,
    principal: Principal,
    indicators: IndicatorsClient,
    language: Language = DEFAULT,
) -> EvaluationOut:
    municipality = principal.tenant(payload.municipality_code)
    data = await indicators.indicator_values(
        payload.indicator_code,
        token=principal.token,
        municipality_code=municipality,
        period=payload.period,
        level="unit",
        gender=payload.gender,
    )
    ranking, ineligible = rank_units(data)
    spec = payload.model_dump(mode="json") | {"municipality_code": municipality}
    spec_hash = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    results = {
        "indicator_code": data.indicator_code,
        "indicator_version": data.indicator_version,
        "direction": data.direction,
        "tie_rule": stored("awards.evaluation.tie_rule"),
        "ranking": [r.model_dump(mode="json") for r in ranking],
        "ineligible": ineligible,
    }
    run = await repository.add(
        session,
        AwardRun(
            id=uuid.uuid4(),
            municipality_code=municipality,
            title=payload.title,
            period=data.period,
            spec_hash=spec_hash,
            code_version=__version__,
            specification=spec,
            inputs=data.model_dump(mode="json"),
            results=results,
            kind="ranking",
        ),
    )
    await record(
        session,
        principal=principal,
        municipality_code=municipality,
        entity="evaluation",
        entity_id=run.id,
        action="ranked",
        details={"indicator": data.indicator_code, "period": data.period, "spec_hash": spec_hash},
    )
    return _to_out(run, language)


async def get_evaluation(
    session: AsyncSession,
    run_id: uuid.UUID,
    *,
    principal: Principal,
    language: Language = DEFAULT,
) -> EvaluationOut:
    run = await repository.get(session, run_id)
    # Scheme-based runs live at /v1/runs/{id}; this resource is the single-indicator ranking.
    if run is None or run.kind != "ranking" or not principal.can_see(run.municipality_code):
        raise NotFound(message("problem.awards.no_evaluation", run_id=run_id))
    return _to_out(run, language)
