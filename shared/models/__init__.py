"""The one schema. Models are grouped by the service that owns (writes) them."""

from shared.models.auth import ApiKey
from shared.models.awards import AwardRun
from shared.models.base import Base
from shared.models.budget import BudgetFrame, FrameChange
from shared.models.indicators import (
    Indicator,
    Measure,
    OrgUnit,
    PrioritisedGoal,
    Scorecard,
    Target,
    UnitMembership,
)
from shared.models.ingest import (
    DataVersion,
    IngestBatch,
    KoladaKpi,
    Municipality,
    MunicipalityGroup,
    Observation,
    ObservationRevision,
)

__all__ = [
    "ApiKey",
    "AwardRun",
    "Base",
    "BudgetFrame",
    "DataVersion",
    "FrameChange",
    "Indicator",
    "IngestBatch",
    "KoladaKpi",
    "Measure",
    "Municipality",
    "MunicipalityGroup",
    "Observation",
    "ObservationRevision",
    "OrgUnit",
    "PrioritisedGoal",
    "Scorecard",
    "Target",
    "UnitMembership",
]
