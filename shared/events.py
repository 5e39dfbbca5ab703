"""Change events for other municipal systems: written to an outbox in the caller's transaction.

A service calls `await emit(session, municipality_code=..., type=..., payload=...)` right where
it saves the change, before its request commits. The event exists exactly when the change
does (a rollback takes both away), and nothing is sent during the request: the delivery
worker (shared.webhooks.deliver_pending, run by the scheduler) sends it afterwards.

Each type has a payload model; the named fields are required, further fields are kept.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models.base import new_id
from shared.models.events import OutboxEvent

EventType = Literal[
    "observation.values_changed",
    "target.status_changed",
    "award.decision_published",
    "budget.frame_saved",
    "budget.forecast_saved",
]


class _Payload(BaseModel):
    model_config = ConfigDict(extra="allow")


class ValuesChanged(_Payload):
    """New or revised values arrived (a local batch, a Kolada sync) for the municipality."""

    source: Literal["local", "kolada"]
    batch_id: str | None = Field(default=None, description="the ingest batch, for local data")
    periods: list[str] = Field(description="periods touched, e.g. ['2024', '2024T2']")
    measure_codes: list[str] = Field(default_factory=list)
    unit_codes: list[str] = Field(default_factory=list, description="'' is the municipality")
    created: int = Field(ge=0, description="values that did not exist before")
    revised: int = Field(ge=0, description="values that replaced an earlier one")


class TargetStatusChanged(_Payload):
    """A target's fulfilment (met / partly_met / not_met) changed for a unit and period."""

    indicator_code: str
    unit_code: str
    period: str
    gender: str = "T"
    previous_status: str | None
    status: str


class AwardDecisionPublished(_Payload):
    """A prize decision was published."""

    decision_id: str
    prize: str
    period: str
    unit_codes: list[str] = Field(description="the winning unit(s)")


class FrameSaved(_Payload):
    """A budget frame was created or got a new version."""

    frame_id: str
    board: str
    year: int
    version: int
    amount: str = Field(description="decimal string, in `unit`")
    unit: Literal["kr", "tkr"]


class ForecastSaved(_Payload):
    """A forecast (prognos) was saved."""

    forecast_id: str
    board: str
    period: str
    version: int


PAYLOADS: dict[str, type[_Payload]] = {
    "observation.values_changed": ValuesChanged,
    "target.status_changed": TargetStatusChanged,
    "award.decision_published": AwardDecisionPublished,
    "budget.frame_saved": FrameSaved,
    "budget.forecast_saved": ForecastSaved,
}
EVENT_TYPES: tuple[str, ...] = tuple(PAYLOADS)


async def emit(
    session: AsyncSession,
    *,
    municipality_code: str,
    type: EventType,
    payload: dict[str, Any] | BaseModel,
) -> OutboxEvent:
    """Record an event in the caller's transaction (nothing is sent until it commits).

    Raises ValueError for an unknown type or a payload that lacks the type's fields: that is
    a programming error in the calling service, not bad input from its client.
    """
    model = PAYLOADS.get(type)
    if model is None:
        raise ValueError(f"unknown event type {type!r}")
    if len(municipality_code) != 4 or not municipality_code.isdigit():
        raise ValueError(f"municipality code {municipality_code!r} must be 4 digits")
    raw = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
    data = model.model_validate(raw).model_dump(mode="json")
    # No flush: the row is written with the caller's next flush or commit (batched with
    # other events of the same request), always inside the caller's transaction.
    event = OutboxEvent(id=new_id(), municipality_code=municipality_code, type=type, payload=data)
    session.add(event)
    return event
