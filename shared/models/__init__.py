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
from shared.models.budget import (
    AccountMapping,
    BudgetAudit,
    BudgetFrame,
    FrameChange,
    Fund,
    FundAllocation,
    InvestmentAmount,
    InvestmentProject,
    OperatingBudget,
    OperatingLine,
)
from shared.models.events import OutboxEvent, WebhookDelivery, WebhookSubscription
from shared.models.indicators import Indicator, Measure, OrgUnit
from shared.models.ingest import (
    DataVersion,
    IngestBatch,
    KoladaKpi,
    KoladaSyncChunk,
    KoladaSyncJob,
    Municipality,
    MunicipalityGroup,
    Observation,
    ObservationRevision,
)

__all__ = [
    "AccountMapping",
    "ApiKey",
    "AwardAudit",
    "AwardDecision",
    "AwardRun",
    "AwardScheme",
    "Base",
    "BudgetAudit",
    "BudgetFrame",
    "DataVersion",
    "FrameChange",
    "Fund",
    "FundAllocation",
    "GrantEvaluation",
    "GrantRuleSet",
    "ImprovementProject",
    "Indicator",
    "IngestBatch",
    "InvestmentAmount",
    "InvestmentProject",
    "KoladaKpi",
    "KoladaSyncChunk",
    "KoladaSyncJob",
    "Measure",
    "Municipality",
    "MunicipalityGroup",
    "Observation",
    "ObservationRevision",
    "OperatingBudget",
    "OperatingLine",
    "OrgUnit",
    "OutboxEvent",
    "ProjectFunding",
    "WebhookDelivery",
    "WebhookSubscription",
]
