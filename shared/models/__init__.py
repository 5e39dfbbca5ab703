"""The one schema. Models are grouped by the service that owns (writes) them."""

from shared.models.auth import ApiKey
from shared.models.awards import (
    AwardAudit,
    AwardDecision,
    AwardRun,
    AwardScheme,
    GrantEvaluation,
    GrantRuleSet,
    ImprovementProject,
    ProjectFunding,
)
from shared.models.base import Base
from shared.models.budget import BudgetFrame, FrameChange
from shared.models.indicators import Indicator, Measure, OrgUnit
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
    "AwardAudit",
    "AwardDecision",
    "AwardRun",
    "AwardScheme",
    "Base",
    "BudgetFrame",
    "DataVersion",
    "FrameChange",
    "GrantEvaluation",
    "GrantRuleSet",
    "ImprovementProject",
    "Indicator",
    "IngestBatch",
    "KoladaKpi",
    "Measure",
    "Municipality",
    "MunicipalityGroup",
    "Observation",
    "ObservationRevision",
    "OrgUnit",
    "ProjectFunding",
]
