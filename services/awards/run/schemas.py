from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from shared.i18n import NEGOTIATED
from shared.schemas import InputModel, OutputModel, example


class RunIn(InputModel):
    model_config = example(
        {
            "scheme_id": "3f2c9a1b-7d0e-4c55-a1b2-c3d4e5f60718",
            "title": "Årets hemtjänstenhet 2024: juryns underlag",
            "seed": 20240101,
        }
    )

    scheme_id: uuid.UUID
    title: str | None = Field(default=None, min_length=1, max_length=200)
    seed: int | None = Field(
        default=None, ge=0, le=2**63 - 1, description="default: derived from the spec hash"
    )


class CriterionExplanation(OutputModel):
    column: str
    criterion: str
    transform: Literal["level", "change"]
    value: Decimal | None = Field(description="the criterion's value for the period")
    n: int | None
    previous: Decimal | None = Field(default=None, description="change columns only")
    n_previous: int | None = Field(default=None, description="change columns only")
    change: Decimal | None = Field(
        default=None, description="change columns only: against the previous year, oriented"
    )
    standard_error: Decimal | None = Field(
        default=None, description="change columns only: of the change, for survey shares"
    )
    credited: Decimal | None = Field(description="the number the method used")
    normalised: Decimal | None
    imputed: bool
    weight: Decimal | None = Field(description="effective weight for this unit")
    contribution: Decimal | None
    missing: str | None = Field(description="why there is no value, " + NEGOTIATED)
    missing_code: str | None = Field(
        default=None,
        description="why there is no value, as a code: suppressed, no_value, "
        "too_few_respondents, no_comparable_value, too_few_for_change (none for runs stored "
        "before codes were kept)",
    )


class UnitSensitivity(OutputModel):
    rank_p05: Decimal
    rank_p50: Decimal
    rank_p95: Decimal
    p_first: Decimal
    p_top3: Decimal


class RankedCandidate(OutputModel):
    rank: int
    unit_code: str
    unit_title: str | None
    score: Decimal | None
    criteria_present: int
    criteria: list[CriterionExplanation]
    missing: list[str] = Field(
        description="`<column>: <why>` per column without a value, " + NEGOTIATED
    )
    missing_criteria: list[str] = Field(
        default_factory=list,
        description="the scheme's criteria this candidate has no value for, unavailable ones "
        "included",
    )
    weights_note: str | None = Field(
        default=None,
        description="how the weights were renormalised for this candidate, " + NEGOTIATED,
    )
    sensitivity: UnitSensitivity | None = None


class IneligibleCandidate(OutputModel):
    unit_code: str
    unit_title: str | None
    reason: str = Field(description=NEGOTIATED)
    reason_code: str | None = Field(
        default=None,
        description="the reason as a code: unit_type, opened, closed, min_respondents, "
        "min_judged_targets, too_little_data (none for runs stored before codes were kept)",
    )
    missing: list[str] | None = None


class Robustness(OutputModel):
    winner: str | None
    p_first: Decimal | None = None
    robust: bool
    threshold: Decimal | None = None
    statement: str = Field(description=NEGOTIATED)
    statement_sv: str | None = None
    statement_en: str | None = None


class CriterionCoverage(OutputModel):
    """How many of the eligible candidates the criterion has a value for."""

    criterion: str
    title: str
    required: bool
    available: bool
    candidates_with_data: int
    eligible_candidates: int
    share: Decimal | None = Field(description="candidates_with_data ÷ eligible_candidates")
    reason: str | None = Field(
        description="why the criterion has no data, when it has none; " + NEGOTIATED
    )
    reason_code: str | None = Field(
        default=None,
        description="the reason as a code: indicator_unavailable, goal_status_unavailable, "
        "no_goal_status, no_unit_values, no_projects, no_project_targets",
    )


class RunOut(OutputModel):
    id: uuid.UUID
    scheme_id: uuid.UUID
    title: str
    municipality_code: str
    period: str
    previous_period: str | None
    candidates_kind: Literal["units", "projects"]
    spec_hash: str
    seed: int
    code_version: str
    method: dict[str, Any]
    columns: list[dict[str, Any]]
    unavailable_criteria: list[dict[str, Any]]
    coverage: list[CriterionCoverage] = Field(
        default_factory=list,
        description="per criterion: candidates with data / eligible candidates (runs stored "
        "before it was reported list none)",
    )
    ranking: list[RankedCandidate]
    ineligible: list[IneligibleCandidate]
    robustness: Robustness
    leave_one_out: list[dict[str, Any]] = Field(
        description="the winner with each criterion left out in turn"
    )
    sensitivity: dict[str, Any] | None
    created_at: datetime


class RunSummary(OutputModel):
    id: uuid.UUID
    scheme_id: uuid.UUID | None
    title: str
    municipality_code: str
    period: str
    spec_hash: str
    seed: int | None
    winner: str | None
    robust: bool | None
    created_at: datetime


class ReplayOut(OutputModel):
    run_id: uuid.UUID
    identical: bool
    spec_hash_matches: bool
    code_version_then: str
    code_version_now: str
    differences: list[str] = Field(description="JSON paths that differ (at most 20)")


class RunInputsOut(OutputModel):
    run_id: uuid.UUID
    specification: dict[str, Any]
    inputs: dict[str, Any]
