"""One period type for year, tertial, quarter and month.

Text forms: `2024`, `2024T2` (T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec), `2024Q3`, `2024-05`.
Periods order by start date, then by length (the longer first), so a year sorts before its
first tertial.
"""

from __future__ import annotations

import re
from calendar import isleap
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import total_ordering

from shared.i18n import Invalid, Message, message


class PeriodType(StrEnum):
    YEAR = "year"
    TERTIAL = "tertial"
    QUARTER = "quarter"
    MONTH = "month"

    @property
    def label(self) -> Message:
        """The type's name for a reader (`tertial`, `kvartal` …)."""
        return message(f"period.type.{self.value}")


_MONTHS = {PeriodType.YEAR: 12, PeriodType.TERTIAL: 4, PeriodType.QUARTER: 3, PeriodType.MONTH: 1}
_COUNT = {PeriodType.YEAR: 1, PeriodType.TERTIAL: 3, PeriodType.QUARTER: 4, PeriodType.MONTH: 12}
_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # in each month of a common year
_PATTERN = re.compile(r"^(?P<y>\d{4})(?:(?P<t>T[1-3])|(?P<q>Q[1-4])|-(?P<m>0[1-9]|1[0-2]))?$")


class PeriodError(Invalid):
    """A text that is no period, or a period operation that makes no sense; `text` says why."""


@total_ordering
@dataclass(frozen=True, slots=True)
class Period:
    year: int
    type: PeriodType
    index: int = 1  # 1-based: tertial 1–3, quarter 1–4, month 1–12; 1 for a year

    def __post_init__(self) -> None:
        if not 1900 <= self.year <= 2200:
            raise PeriodError(message("problem.period.year_out_of_range", year=self.year))
        if not 1 <= self.index <= _COUNT[self.type]:
            raise PeriodError(
                message("problem.period.index_out_of_range", type=self.type.label, index=self.index)
            )

    @classmethod
    def parse(cls, text: str | int) -> Period:
        raw = str(text).strip()
        match = _PATTERN.match(raw)
        if not match:
            raise PeriodError(message("problem.period.not_a_period", raw=raw))
        year = int(match["y"])
        if match["t"]:
            return cls(year, PeriodType.TERTIAL, int(match["t"][1]))
        if match["q"]:
            return cls(year, PeriodType.QUARTER, int(match["q"][1]))
        if match["m"]:
            return cls(year, PeriodType.MONTH, int(match["m"]))
        return cls(year, PeriodType.YEAR)

    def __str__(self) -> str:
        if self.type is PeriodType.YEAR:
            return f"{self.year}"
        if self.type is PeriodType.TERTIAL:
            return f"{self.year}T{self.index}"
        if self.type is PeriodType.QUARTER:
            return f"{self.year}Q{self.index}"
        return f"{self.year}-{self.index:02d}"

    @property
    def first_month(self) -> int:
        return (self.index - 1) * _MONTHS[self.type] + 1

    @property
    def last_month(self) -> int:
        return self.first_month + _MONTHS[self.type] - 1

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        month = self.last_month
        # (calendar.monthrange works out the month's first weekday too: a cell's period end
        # is asked for hundreds of thousands of times in a report.)
        return date(self.year, month, 29 if month == 2 and isleap(self.year) else _DAYS[month])

    def _key(self) -> tuple[date, int]:
        return (self.start, -_MONTHS[self.type])

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() < other._key()

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def previous(self) -> Period:
        if self.index > 1:
            return Period(self.year, self.type, self.index - 1)
        return Period(self.year - 1, self.type, _COUNT[self.type])

    def next(self) -> Period:
        if self.index < _COUNT[self.type]:
            return Period(self.year, self.type, self.index + 1)
        return Period(self.year + 1, self.type, 1)

    def same_period_last_year(self) -> Period:
        return Period(self.year - 1, self.type, self.index)

    def parent(self, type_: PeriodType) -> Period:
        """The period of `type_` that contains this one (months roll up to tertials, etc.)."""
        nests = _MONTHS[type_] >= _MONTHS[self.type] and _MONTHS[type_] % _MONTHS[self.type] == 0
        if not nests and type_ is not PeriodType.YEAR:
            raise PeriodError(
                message("problem.period.no_roll_up", type=self.type.label, parent=type_.label)
            )
        return Period(self.year, type_, (self.first_month - 1) // _MONTHS[type_] + 1)

    def children(self, type_: PeriodType) -> list[Period]:
        """The periods of `type_` inside this one, in order."""
        if _MONTHS[type_] > _MONTHS[self.type]:
            raise PeriodError(
                message("problem.period.no_children", type=self.type.label, child=type_.label)
            )
        per = _MONTHS[type_]
        return [
            Period(self.year, type_, (month - 1) // per + 1)
            for month in range(self.first_month, self.last_month + 1, per)
        ]

    def year_to_date(self) -> list[Period]:
        """This period and the earlier ones of the same type in its year."""
        return [Period(self.year, self.type, i) for i in range(1, self.index + 1)]


def beyond_horizon(period: Period, years_ahead: int, today: date | None = None) -> Message | None:
    """Why an observation for `period` is refused as lying too far ahead, else None: it may
    be for at most the current year + `years_ahead` (budgets and targets look further)."""
    last = (today or date.today()).year + years_ahead
    if period.year > last:
        return message("problem.period.beyond_horizon", last_year=last, years_ahead=years_ahead)
    return None
