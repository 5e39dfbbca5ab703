"""The one schema. Models are grouped by the service that owns (writes) them."""

from shared.models.auth import ApiKey
from shared.models.awards import AwardRun
from shared.models.base import Base
from shared.models.budget import BudgetFrame, FrameChange
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
    "ApiKey",
    "AwardRun",
    "Base",
    "BudgetFrame",
    "DataVersion",
    "FrameChange",
    "Indicator",
    "IngestBatch",
    "KoladaKpi",
    "KoladaSyncChunk",
    "KoladaSyncJob",
    "Measure",
    "Municipality",
    "MunicipalityGroup",
    "Observation",
    "ObservationRevision",
    "OrgUnit",
]
