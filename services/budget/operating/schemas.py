from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, PrivateAttr, model_validator

from shared.i18n import (
    DEFAULT,
    NEGOTIATED,
    Invalid,
    Language,
    Message,
    from_stored,
    message,
    text,
)
from shared.money import MoneyUnit
from shared.schemas import InputModel, OutputModel, example

Phase = Literal["approved", "revised", "forecast", "outcome"]


def convention(*names: str, language: Language = DEFAULT) -> str:
    """The sign conventions a response names (`budget.convention.<name>`), in a language."""
    return "; ".join(text(f"budget.convention.{name}", language) for name in names)


# The conventions in Swedish, the default (`sign_convention`; `localize` gives the reader's).
SIGN_CONVENTION = convention("sign")
DIFFERENCE_CONVENTION = convention("difference")
Amount = Decimal


class _SignsAndDifferences:
    """A response whose amounts follow the sign convention and show differences: its
    `sign_convention` in the reader's language."""

    if TYPE_CHECKING:  # (declared by each model, where its place among the fields is)
        sign_convention: str

    def __localize__(self, language: Language) -> None:
        self.sign_convention = convention("sign", "difference", language=language)


class ActivityIn(InputModel):
    """One activity (verksamhet) row. `net` is optional: when sent (as printed), it is checked
    against revenue + costs and never stored in its place."""

    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-.]*$")
    title: str = Field(min_length=1, max_length=300)
    parent_code: str | None = Field(default=None, max_length=64)
    revenue: Amount = Field(allow_inf_nan=False)
    costs: Amount = Field(allow_inf_nan=False, description="negative")
    net: Amount | None = Field(default=None, allow_inf_nan=False)


class TotalsIn(InputModel):
    """The printed totals (Summa) row, if any; checked against the sum of the activities."""

    revenue: Amount | None = Field(default=None, allow_inf_nan=False)
    costs: Amount | None = Field(default=None, allow_inf_nan=False)
    net: Amount | None = Field(default=None, allow_inf_nan=False)


class OperatingBudgetIn(InputModel):
    model_config = example(
        {
            "municipality_code": "1462",
            "board": "Socialnämnden",
            "year": 2022,
            "phase": "approved",
            "unit": "tkr",
            "source": "Mål och resursplan 2022, driftbudget",
            "activities": [
                {
                    "code": "aldreomsorg",
                    "title": "Äldreomsorg",
                    "revenue": "60000",
                    "costs": "-250000",
                    "net": "-190000",
                },
                {
                    "code": "ifo",
                    "title": "Individ- och familjeomsorg",
                    "revenue": "27543",
                    "costs": "-144158",
                    "net": "-116615",
                },
            ],
            "totals": {"revenue": "87543", "costs": "-394158", "net": "-306615"},
        }
    )

    municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$")
    board: str = Field(min_length=1, max_length=200, examples=["Socialnämnden"])
    year: int = Field(ge=1990, le=2100)
    phase: Phase
    tertial: int | None = Field(
        default=None, ge=1, le=3, description="required for a forecast: T1, T2 or T3"
    )
    unit: MoneyUnit = "tkr"
    source: str | None = Field(default=None, max_length=1000)
    activities: list[ActivityIn] = Field(default_factory=list, max_length=2000)
    totals: TotalsIn | None = None

    @model_validator(mode="after")
    def _forecast_has_tertial(self) -> OperatingBudgetIn:
        if (self.phase == "forecast") != (self.tertial is not None):
            raise Invalid(message("problem.budget.forecast_names_tertial_other_phases"))
        if not self.activities and (
            self.totals is None or self.totals.revenue is None or self.totals.costs is None
        ):
            raise Invalid(message("problem.budget.send_activities_totals_revenue_costs"))
        return self


class OperatingBudgetUpdate(InputModel):
    """Replace the activities (and check the printed totals); send If-Match."""

    model_config = example(
        {
            "unit": "tkr",
            "source": "Mål och resursplan 2022, reviderad driftbudget",
            "activities": [
                {
                    "code": "aldreomsorg",
                    "title": "Äldreomsorg",
                    "revenue": "61000",
                    "costs": "-251000",
                    "net": "-190000",
                },
                {
                    "code": "ifo",
                    "title": "Individ- och familjeomsorg",
                    "revenue": "27543",
                    "costs": "-144158",
                    "net": "-116615",
                },
            ],
            "totals": {"revenue": "88543", "costs": "-395158", "net": "-306615"},
        }
    )

    unit: MoneyUnit = "tkr"
    source: str | None = Field(default=None, max_length=1000)
    activities: list[ActivityIn] = Field(default_factory=list, max_length=2000)
    totals: TotalsIn | None = None


class Finding(OutputModel):
    """A warning (rounding within the tolerance) or an error (a real inconsistency)."""

    severity: Literal["warning", "error"]
    code: str
    loc: list[str | int]
    activity: str | None = None
    field: str
    printed: str | None = None
    computed: str | None = None
    difference: str | None = None
    message: str = Field(description=NEGOTIATED)
    _text: Message | None = PrivateAttr(default=None)

    def explained(self, text: Message) -> Finding:
        """The finding with its message from the catalogue: `message` is its text in Swedish
        until `localize` renders it in the reader's language (a refusal shows it in the
        request's language)."""
        self._text = text
        self.message = text.render("sv")
        return self

    @property
    def text(self) -> Message:
        return self._text or message("problem.refused", reason=self.message)

    def stored(self) -> dict[str, Any]:
        """The finding as it is kept with the budget: its message as a stored message."""
        body = self.model_dump(mode="json")
        if self._text is not None:
            body["message"] = self._text.stored()
        return body

    @classmethod
    def from_stored(cls, body: dict[str, Any]) -> Finding:
        """A kept finding; one stored before messages were kept shows its text as stored."""
        kept = from_stored(body.get("message"))
        if isinstance(kept, Message):
            return cls.model_validate({**body, "message": ""}).explained(kept)
        return cls.model_validate(body)

    def __localize__(self, language: Language) -> None:
        if self._text is not None:
            self.message = self._text.render(language)


class ActivityOut(OutputModel):
    code: str
    title: str
    parent_code: str | None
    revenue: Decimal
    costs: Decimal
    net: Decimal


class FrameDifference(OutputModel):
    """The operating budget's net cost against the decided frame of the same board and year."""

    frame_id: uuid.UUID
    frame_amount: Decimal = Field(description="the frame: the net cost the board may have")
    net_cost: Decimal = Field(description="the budget's net cost, −net")
    difference: Decimal = Field(
        description="net_cost − frame_amount: positive = over the frame (saving it reported a "
        "warning within the rounding tolerance, an error above it)"
    )


class OperatingBudgetOut(_SignsAndDifferences, OutputModel):
    id: uuid.UUID
    municipality_code: str
    board: str
    year: int
    phase: Phase
    tertial: int | None
    unit: MoneyUnit
    revenue: Decimal
    costs: Decimal
    net: Decimal
    activities: list[ActivityOut]
    warnings: list[Finding]
    frame: FrameDifference | None = Field(
        default=None, description="none when no frame is decided for the board and year"
    )
    source: str | None
    version: int
    created_at: datetime
    sign_convention: str = SIGN_CONVENTION + "; " + DIFFERENCE_CONVENTION


class CellDifference(OutputModel):
    base: Decimal | None
    against: Decimal | None
    difference: Decimal | None


class ComparisonRow(OutputModel):
    code: str
    title: str
    parent_code: str | None
    revenue: CellDifference
    costs: CellDifference
    net: CellDifference


class ComparisonOut(_SignsAndDifferences, OutputModel):
    board: str
    municipality_code: str
    unit: MoneyUnit
    base: dict[str, Any]
    against: dict[str, Any]
    rows: list[ComparisonRow]
    totals: ComparisonRow
    sign_convention: str = SIGN_CONVENTION + "; " + DIFFERENCE_CONVENTION


class DriftRow(OutputModel):
    code: str
    title: str
    revenue: Decimal | None
    costs: Decimal | None
    net: Decimal | None
    previous_revenue: Decimal | None
    previous_costs: Decimal | None
    previous_net: Decimal | None
    difference: Decimal | None


class DriftredovisningOut(_SignsAndDifferences, OutputModel):
    municipality_code: str
    board: str
    year: int
    previous_year: int
    phase: Phase
    previous_phase: Phase
    unit: MoneyUnit
    rows: list[DriftRow]
    total: DriftRow
    sign_convention: str = SIGN_CONVENTION + "; " + DIFFERENCE_CONVENTION


class MappingIn(InputModel):
    account: str = Field(min_length=1, max_length=32, pattern=r"^[0-9A-Za-z]+$")
    activity_code: str = Field(min_length=1, max_length=64)
    activity_title: str = Field(min_length=1, max_length=300)


class MappingsIn(InputModel):
    municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$")
    board: str = Field(min_length=1, max_length=200)
    mappings: list[MappingIn] = Field(min_length=1, max_length=10_000)


class MappingOut(OutputModel):
    account: str
    activity_code: str
    activity_title: str
