"""Rules of file uploads: read row by row and validate every cell before the database sees a
row (a bad file is rejected at once), then store the valid rows with COPY, all or nothing,
once; a key stored already or given twice goes through the staging table, checked
set-based (duplicates, stored final values)."""

from __future__ import annotations  # noqa: I001

import asyncio
import functools
import hashlib
import io
import os
import shutil
from collections import deque
from concurrent.futures import Future
from concurrent.futures import wait as wait_futures
from datetime import date
import logging
import time
import json
import re
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from operator import itemgetter
from dataclasses import dataclass, field
from typing import IO, Any

import anyio
import anyio.to_thread
import numpy as np
import psycopg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.batch import repository as batch_repository
from services.ingest.batch.service import StoredResponse
from services.ingest.observation import bulk
from services.ingest.observation.changes import Change, emit_changes
from services.ingest.upload import parsing, repository
from services.ingest.upload.kinds import KINDS, UploadKind, incident_measure, kind_measures
from services.ingest.upload.schemas import UploadOut
from services.ingest.upload.workers import CheckPool
from shared.auth import Principal
from shared.cpu import run_cpu
from shared.errors import Conflict, FieldError, NotFound, Unprocessable
from shared.idempotency import refuse_reuse
from shared.models import IngestBatch
from shared.periods import Period, PeriodError, beyond_horizon
from shared import tenancy
from shared.personal_data import CODE, HIDDEN, MESSAGE, contains_personnummer
from shared.privacy import SUPPRESSION_THRESHOLD
from shared.i18n import Invalid, Message, message

logger = logging.getLogger("kvn.ingest.upload")
MAX_REPORTED_ERRORS = 1000
# Rendered rows wait in memory up to this size, beyond it in a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024
# Rows read, checked and rendered at a time in a worker thread.
BLOCK_ROWS = 20_000
# Rows below which a block the block check doubts goes through the row check.
SMALLEST_BLOCK = 64
# A file (or the rest of one) larger than this has its one pass in a check worker process,
# when the app has them: checking it in the request's thread would hold the process's GIL,
# and every other request with it, for as long (about 0.3 s a MB). A smaller one takes a
# few milliseconds there.
WORKER_BYTES = 64 * 1024


@dataclass
class Rules:
    """What a row is checked against, loaded once per upload."""

    municipality: str
    kind: UploadKind
    units: dict[str, batch_repository.UnitDates]
    measures: dict[str, batch_repository.MeasureRule]
    years_ahead: int
    periods: dict[str, tuple[str, str, str] | Message] = field(default_factory=dict)
    closed: dict[tuple[str, str], Message | None] = field(default_factory=dict)

    def period(self, text: str) -> tuple[str, str, str] | Message:
        """(canonical, start, end) or the reason it is refused; cached per distinct text."""
        found = self.periods.get(text)
        if found is None:
            try:
                p = Period.parse(text)
            except PeriodError as exc:
                found = exc.text
            else:
                ahead = beyond_horizon(p, self.years_ahead)
                if p.type not in self.kind.period_types:
                    allowed = ", ".join(sorted(t.value for t in self.kind.period_types))
                    found = message(
                        "problem.ingest.period_type", kind=self.kind.name, allowed=allowed
                    )
                elif ahead is not None:
                    found = ahead
                else:
                    found = (str(p), p.start.isoformat(), p.end.isoformat())
            self.periods[text] = found
        return found

    def not_open(self, unit: str, period: tuple[str, str, str]) -> Message | None:
        """Why the unit cannot have a value for the period (not open in it), else None;
        cached per unit and period."""
        key = (unit, period[0])
        if key not in self.closed:
            dates = self.units.get(unit)
            self.closed[key] = (
                None
                if dates is None
                else batch_repository.outside_validity(
                    unit,
                    dates,
                    period[0],
                    date.fromisoformat(period[1]),
                    date.fromisoformat(period[2]),
                )
            )
        return self.closed[key]


class Errors:
    """The problems found, the first `limit` of them listed."""

    def __init__(self, limit: int = MAX_REPORTED_ERRORS) -> None:
        self.items: list[FieldError] = []
        self.total = 0
        self.limit = limit

    def add(self, row: int, column: str, value: Any, text: Message, code: str) -> None:
        self.total += 1
        if len(self.items) < self.limit:
            self.items.append(
                FieldError(
                    loc=["file", row, column],
                    row=row,
                    field=column,
                    value=value,
                    message=text,
                    code=code,
                )
            )

    def take_in(self, found: list[FieldError]) -> bool:
        """Another part's problems (in row order, every problem of a row listed) after these,
        as the one pass would have found them: up to the row at which there are
        MAX_REPORTED_ERRORS problems, where the pass stops (then True)."""
        for i, item in enumerate(found):
            self.total += 1
            if len(self.items) < self.limit:
                self.items.append(item)
            last_of_row = i + 1 == len(found) or found[i + 1].row != item.row
            if last_of_row and self.total >= MAX_REPORTED_ERRORS:
                return True
        return False


def map_header(kind: UploadKind, header: list[str]) -> tuple[dict[str, int], list[FieldError]]:
    """Column name → index; unknown, doubled or missing required columns are errors."""
    errors: list[FieldError] = []
    index: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff").lower()
        if not name:
            continue
        column = kind.column(name)
        if column is None:
            errors.append(
                FieldError(
                    loc=["file", 1, i],
                    row=1,
                    field=raw,
                    value=HIDDEN if contains_personnummer(raw) else raw,
                    message=message(
                        "problem.ingest.unknown_column",
                        kind=kind.name,
                        expected=", ".join(c.name for c in kind.columns),
                    ),
                    code="unknown_column",
                )
            )
        elif column.name in index:
            errors.append(
                FieldError(
                    loc=["file", 1, i],
                    row=1,
                    field=raw,
                    value=raw,
                    message=message("problem.ingest.column_given_twice"),
                    code="duplicate_column",
                )
            )
        else:
            index[column.name] = i
    for column in kind.columns:
        if column.required and column.name not in index:
            errors.append(
                FieldError(
                    loc=["file", 1, column.name],
                    row=1,
                    field=column.name,
                    message=message("problem.ingest.required_column_missing"),
                    code="missing_column",
                )
            )
    return index, errors


@dataclass(frozen=True)
class Limits:
    count: bool
    low: float | None
    high: float | None


def _limits(rule: batch_repository.MeasureRule) -> Limits:
    share = rule.value_kind == "share"
    return Limits(
        count=rule.value_kind == "count",
        low=float(rule.min_value) if rule.min_value is not None else (0.0 if share else None),
        high=float(rule.max_value) if rule.max_value is not None else (100.0 if share else None),
    )


def _reason(exc: ValueError) -> Message:
    """Why a cell's number is refused: the parser's reason, or "not a number"."""
    return exc.text if isinstance(exc, Invalid) else message("problem.ingest.not_a_number")


def _problem(limits: Limits, number: float) -> tuple[Message, str] | None:
    """(reason, code) when the number does not fit the measure."""
    if limits.count and (number < 0 or not number.is_integer()):
        return message("problem.ingest.count_non_negative_integer"), "not_a_count"
    low, high = limits.low, limits.high
    if (low is not None and number < low) or (high is not None and number > high):
        shown_low = "-∞" if low is None else f"{low:g}"
        shown_high = "∞" if high is None else f"{high:g}"
        return message(
            "problem.ingest.out_of_range", low=shown_low, high=shown_high
        ), "out_of_range"
    return None


Renderer = Callable[[int, list[parsing.Cell]], list[str]]


@dataclass
class Seen:
    """The units every row names (a unit manager may write only their own), and the measures
    and periods of the rows rendered (what a stored upload changed)."""

    units: set[str] = field(default_factory=set)
    measures: set[str] = field(default_factory=set)
    periods: set[str] = field(default_factory=set)


def make_renderer(
    rules: Rules,
    index: dict[str, int],
    errors: Errors,
    stats: dict[str, int],
    tail: str = "\n",
    seen: Seen | None = None,
) -> Renderer:
    """The per-row check and rendering for one upload, with everything it needs bound once
    (this runs for every row of a file of millions)."""
    seen = seen if seen is not None else Seen()
    seen_units, seen_measures, seen_periods = seen.units, seen.measures, seen.periods
    kind = rules.kind
    names = {i: name for name, i in index.items()}
    limits = {code: _limits(rule) for code, rule in rules.measures.items()}
    units = rules.units
    municipality = rules.municipality
    i_unit = index.get("unit_code")
    i_period = index.get("period")
    i_gender = index.get("gender")
    i_respondents = index.get("respondents")
    i_measure = index.get("measure_code")
    i_value = index.get("value")
    i_count = index.get("count")
    measure_columns = [
        (index[c.name], c.name, c.measure, c.required)
        for c in kind.columns
        if c.role in {"measure", "respondents"} and c.measure and c.name in index
    ]
    choice_columns = [
        (index[c.name], c.name, c.choices) for c in kind.columns if c.role == "choice"
    ]
    long_form = kind.name == "observations"
    incidents = kind.name == "incidents"
    survey = kind.name == "survey"

    def get(cells: list[parsing.Cell], i: int | None) -> str | None:
        if i is None or i >= len(cells):
            return None
        value = cells[i]
        return (value.strip() or None) if value is not None else None

    def render(number: int, cells: list[parsing.Cell]) -> list[str]:
        before = errors.total
        for i, raw in enumerate(cells):
            if raw and contains_personnummer(raw):
                errors.add(
                    number,
                    names.get(i, str(i)),
                    HIDDEN,
                    message(f"validation.{CODE}", msg=MESSAGE),
                    CODE,
                )
        if errors.total > before:
            return []

        unit = get(cells, i_unit) or ""
        seen_units.add(unit)
        if not unit:
            if kind.unit_required:
                errors.add(
                    number,
                    "unit_code",
                    None,
                    message("problem.ingest.unit_required"),
                    "missing_unit",
                )
        elif unit not in units:
            errors.add(
                number,
                "unit_code",
                unit,
                message("problem.ingest.unknown_unit_municipality", municipality=municipality),
                "unknown_unit",
            )
        period_text = get(cells, i_period)
        period: tuple[str, str, str] | None = None
        if period_text is None:
            errors.add(
                number, "period", None, message("problem.ingest.period_required"), "missing_period"
            )
        else:
            found = rules.period(period_text)
            if isinstance(found, Message):
                errors.add(number, "period", period_text, found, "bad_period")
            elif unit and (closed := rules.not_open(unit, found)) is not None:
                errors.add(number, "period", period_text, closed, "unit_not_open")
            else:
                period = found
        gender = (get(cells, i_gender) or "T").upper()
        if gender not in ("T", "K", "M"):
            errors.add(
                number, "gender", gender, message("problem.ingest.gender_t_k_m"), "bad_gender"
            )

        respondents: int | None = None
        respondents_text = get(cells, i_respondents)
        if respondents_text is not None:
            try:
                _, amount = parsing.parse_number(respondents_text)
            except ValueError as exc:
                errors.add(number, "respondents", respondents_text, _reason(exc), "not_a_number")
            else:
                if amount < 0 or not amount.is_integer():
                    errors.add(
                        number,
                        "respondents",
                        respondents_text,
                        message("problem.ingest.count_non_negative_integer"),
                        "not_a_count",
                    )
                else:
                    respondents = int(amount)

        values: list[tuple[str, str, float, str]] = []  # measure, number text, number, column

        def add_value(measure: str, column: str, given: str) -> None:
            bounds = limits.get(measure)
            if bounds is None:
                errors.add(
                    number,
                    column,
                    measure,
                    message("problem.ingest.unknown_local_measure"),
                    "unknown_measure",
                )
                return
            try:
                normalized, amount = parsing.parse_number(given)
            except ValueError as exc:
                errors.add(number, column, given, _reason(exc), "not_a_number")
                return
            problem = _problem(bounds, amount)
            if problem:
                errors.add(
                    number,
                    column,
                    given,
                    message(
                        "problem.ingest.problem_for_measure", problem=problem[0], measure=measure
                    ),
                    problem[1],
                )
                return
            values.append((measure, normalized, amount, column))

        if long_form:
            measure_code = get(cells, i_measure)
            given = get(cells, i_value)
            if measure_code is None:
                errors.add(
                    number,
                    "measure_code",
                    None,
                    message("problem.ingest.measure_required"),
                    "missing_measure",
                )
            elif given is None:
                errors.add(
                    number, "value", None, message("problem.ingest.value_required"), "missing_value"
                )
            else:
                add_value(measure_code, "value", given)
        elif incidents:
            choice: list[str] = []
            for i, name, allowed in choice_columns:
                picked = (get(cells, i) or "").lower()
                if picked not in allowed:
                    errors.add(
                        number,
                        name,
                        get(cells, i),
                        message("problem.indicators.one_of", allowed=", ".join(allowed)),
                        "bad_choice",
                    )
                choice.append(picked)
            given = get(cells, i_count)
            if given is None:
                errors.add(
                    number, "count", None, message("problem.ingest.value_required"), "missing_value"
                )
            elif errors.total == before:
                add_value(incident_measure(*choice), "count", given)
        else:
            for i, name, measure, required in measure_columns:
                given = get(cells, i)
                if given is None:
                    if required:
                        errors.add(
                            number,
                            name,
                            None,
                            message("problem.ingest.value_required"),
                            "missing_value",
                        )
                    continue
                add_value(measure, name, given)
            if survey and respondents is not None:
                for measure, _, amount, where in values:
                    if measure != "survey_respondents" and amount > respondents:
                        errors.add(
                            number,
                            where,
                            amount,
                            message(
                                "problem.ingest.more_than_respondents", respondents=respondents
                            ),
                            "exceeds_respondents",
                        )
        if errors.total > before or period is None:
            return []
        if not values:
            errors.add(number, "", None, message("problem.ingest.row_holds_value"), "empty_row")
            return []
        suppressed = respondents is not None and respondents < SUPPRESSION_THRESHOLD
        status = "suppressed" if suppressed else "final"
        canonical, start, end = period
        seen_periods.add(canonical)
        seen_measures.update(v[0] for v in values)
        resp = "\\N" if respondents is None else str(respondents)
        # In LINE_COLUMNS order: the key first, in uq_observation_key's order.
        prefix = f"{municipality}\t"
        middle = f"\t{start}\t{unit.translate(_ESC)}\t{canonical}\t{gender}\t{end}\t"
        suffix = f"\t\\N\t\\N\t{resp}\t{status}\t{number}\t\\N{tail}"
        if suppressed:
            stats["suppressed"] += len(values)
        return [prefix + measure + middle + text + suffix for measure, text, _, _ in values]

    if kind.name != "observations":
        return render
    # The long form carries the millions of rows: a tight path for a valid row, falling back to
    # the full check (which then names every problem) at the first doubt.
    periods: dict[str, tuple[str, str, str]] = {}
    width = max(index.values()) + 1
    i_unit_ = i_unit if i_unit is not None else -1
    i_gender_ = i_gender if i_gender is not None else -1
    escaped: dict[str, str] = {}

    def fast(number: int, cells: list[parsing.Cell]) -> list[str]:
        if len(cells) < width or (i_respondents is not None and cells[i_respondents]):
            return render(number, cells)
        unit = cells[i_unit_].strip() if i_unit_ >= 0 else ""  # type: ignore[union-attr]
        measure = cells[i_measure].strip()  # type: ignore[index, union-attr]
        period_text = cells[i_period].strip()  # type: ignore[index, union-attr]
        given = cells[i_value].strip()  # type: ignore[index, union-attr]
        gender = (cells[i_gender_].strip() or "T") if i_gender_ >= 0 else "T"  # type: ignore[union-attr]
        bounds = limits.get(measure)
        period = periods.get(period_text)
        if period is None:
            found = rules.period(period_text) if period_text else None
            if found is None or isinstance(found, Message):
                return render(number, cells)
            period = periods[period_text] = found
            seen_periods.add(found[0])
        if (
            bounds is None
            or (unit and (unit not in units or rules.not_open(unit, period) is not None))
            or (not unit and kind.unit_required)
            or gender not in _GENDERS
            or not given
        ):
            return render(number, cells)
        for raw in cells:
            if raw and contains_personnummer(raw):
                return render(number, cells)
        if "," in given:
            given = given.replace(",", ".")
        if not _PLAIN_NUMBER.fullmatch(given):
            return render(number, cells)
        if _problem(bounds, float(given)) is not None:
            return render(number, cells)
        plain = escaped.get(unit)
        if plain is None:
            plain = escaped[unit] = unit.translate(_ESC)
            seen_units.add(unit)
        seen_measures.add(measure)
        canonical, start, end = period
        return [
            f"{municipality}\t{measure}\t{start}\t{plain}\t{canonical}\t{gender}\t{end}"
            f"\t{given}\t\\N\t\\N\t\\N\tfinal\t{number}\t\\N{tail}"
        ]

    return fast


# The columns of a rendered line: the key first, in uq_observation_key's order, so that a
# part's lines sorted as text reach the index in its order (bench/ingest.py: a million rows'
# COPY costs the server about 13 % less CPU than in file order).
LINE_COLUMNS = (
    "municipality_code",
    "measure_code",
    "period_start",
    "unit_code",
    "period",
    "gender",
    "period_end",
    "value",
    "numerator",
    "denominator",
    "respondents",
    "status",
    "source_row",
    "source_url",
)
_GENDERS = frozenset({"T", "K", "M"})
# ASCII digits only: PostgreSQL reads no others (Python's float() does).
_PLAIN_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


_ESC = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# Deletes what a number one to a line is made of (what is left is not).
_NOT_NUMBER = str.maketrans("", "", "0123456789.-\n")
_BLOCK_GENDERS = {"T": "T", "K": "K", "M": "M", "": "T"}
# After the value: numerator, denominator, respondents, status; then the row number and the
# source URL.
_AFTER_VALUE = "\t\\N\t\\N\t\\N\tfinal\t"
_LINE_END = "\t\\N\n"
_SLOTS = 11  # strings a rendered line is joined from

# A block of records → its COPY text, or None (see make_block_check).
BlockCheck = Callable[[parsing.Block, bool], str | None]


def make_block_check(
    rules: Rules, index: dict[str, int], stats: dict[str, int], seen: Seen
) -> BlockCheck | None:
    """For the long form, the kind that carries the millions of rows: the check of a whole
    block of CSV records at once, column by column with set and array operations rather than
    row by row. It answers the block's COPY text (with `wanted`; else "") when every row
    passes, and None at the first doubt: then the rows go one by one through the row check,
    which names every problem. It passes only rows the row check passes, rendered alike."""
    if rules.kind.name != "observations":
        return None
    kind = rules.kind
    municipality = rules.municipality
    units = rules.units
    i_unit = index.get("unit_code")
    i_measure = index["measure_code"]
    i_period = index["period"]
    i_value = index["value"]
    i_gender = index.get("gender")
    i_respondents = index.get("respondents")
    width = max(index.values()) + 1
    checked = {i for i in (i_unit, i_measure, i_period, i_gender) if i is not None}
    limits = {code: _limits(rule) for code, rule in rules.measures.items()}
    position = {code: i for i, code in enumerate(limits)}
    low = np.array([-np.inf if b.low is None else b.low for b in limits.values()])
    high = np.array([np.inf if b.high is None else b.high for b in limits.values()])
    count = np.array([b.count for b in limits.values()], dtype=bool)
    escaped: dict[str, str] = {}  # unit → its COPY text
    period_of: dict[str, str] = {}  # period as written → its canonical form
    # period as written → the slots around unit and gender: "\tstart\t", "\tcanonical\t",
    # "\tend\t"
    start_slot: dict[str, str] = {}
    period_slot: dict[str, str] = {}
    end_slot: dict[str, str] = {}
    open_in: dict[str, set[str]] = {}  # unit → the periods (as written) it is open in

    def check(block: parsing.Block, wanted: bool) -> str | None:
        n = block.count
        if block.columns is not None:
            columns = block.columns
        else:
            records = block.records or []
            widths = set(map(len, records))
            if len(widths) != 1:
                return None  # short, long or blank rows: one by one
            columns = [list(map(itemgetter(i), records)) for i in range(widths.pop())]
        if n == 0 or len(columns) < width:
            return None
        distinct = {i: set(columns[i]) for i in checked}
        # A personnummer anywhere: in a validated column's few distinct values, in another
        # column's cells one to a line (no personnummer form spans a line break), unless
        # every cell is too short to hold one.
        for i, cells in enumerate(columns):
            if i in checked:
                if any(map(contains_personnummer, distinct[i])):
                    return None
            elif max(map(len, cells)) >= 10 and contains_personnummer("\n".join(cells)):
                return None
        if i_respondents is not None and any(columns[i_respondents]):
            return None  # suppression is decided row by row
        measures = columns[i_measure]
        measure_set = distinct[i_measure]
        if not measure_set <= limits.keys():
            return None
        periods = columns[i_period]
        period_set = distinct[i_period]
        for text in period_set - period_of.keys():
            found = rules.period(text) if text and text == text.strip() else None
            if not isinstance(found, tuple):
                return None
            canonical, start, end = found
            period_of[text] = canonical
            start_slot[text] = f"\t{start}\t"
            period_slot[text] = f"\t{canonical}\t"
            end_slot[text] = f"\t{end}\t"
        unit_cells = columns[i_unit] if i_unit is not None else None
        unit_set = distinct[i_unit] if i_unit is not None else {""}
        for unit in unit_set - escaped.keys():
            if unit != unit.strip() or (unit and unit not in units):
                return None
            if not unit and kind.unit_required:
                return None
            escaped[unit] = unit.translate(_ESC)
            open_in[unit] = set()
        plain_units = all(unit.translate(_ESC) == unit for unit in unit_set)
        # Each unit open in each period: every unit against every period of the block first
        # (cached per unit), the pairs the rows make only when some unit was not open.
        closed: set[tuple[str, str]] = set()
        for unit in unit_set:
            if unit:
                for text in period_set - open_in[unit]:
                    if rules.not_open(unit, rules.period(text)) is None:  # type: ignore[arg-type]
                        open_in[unit].add(text)
                    else:
                        closed.add((unit, text))
        if (
            closed
            and unit_cells is not None
            and closed & set(zip(unit_cells, periods, strict=True))
        ):
            return None
        genders = columns[i_gender] if i_gender is not None else None
        gender_set = distinct[i_gender] if i_gender is not None else {"T"}
        if not gender_set <= _BLOCK_GENDERS.keys():
            return None
        numbers_text = "\n".join(columns[i_value])
        if "," in numbers_text:
            numbers_text = numbers_text.replace(",", ".")
        # Digits, points and minus signs only; float() then takes exactly the forms the row
        # check takes (-?(digits[.digits]|.digits)) and refuses the rest ("-", "1.2.3", "").
        if numbers_text.translate(_NOT_NUMBER):
            return None
        values = numbers_text.split("\n")
        try:
            numbers = np.fromiter(map(float, values), np.float64, n)
        except ValueError:
            return None
        at = np.fromiter(map(position.__getitem__, measures), np.intp, n)
        if not np.isfinite(numbers).all():
            return None
        whole = numbers == np.floor(numbers)
        if (
            (numbers < low[at]) | (numbers > high[at]) | (count[at] & ((numbers < 0) | ~whole))
        ).any():
            return None
        stats["rows"] += n
        stats["lines"] += n
        seen.units |= unit_set
        seen.measures |= measure_set
        seen.periods.update(map(period_of.__getitem__, period_set))
        if not wanted:
            return ""
        # The lines, column by column into the slots of one list joined once (a line per
        # row in LINE_COLUMNS order: municipality, measure, start, unit, period, gender, end,
        # value, …, row).
        slots = [""] * (_SLOTS * n)
        slots[0::_SLOTS] = [f"{municipality}\t"] * n
        slots[1::_SLOTS] = measures
        slots[2::_SLOTS] = list(map(start_slot.__getitem__, periods))
        if unit_cells is None:
            slots[3::_SLOTS] = [escaped[""]] * n
        elif plain_units:
            slots[3::_SLOTS] = unit_cells
        else:
            slots[3::_SLOTS] = list(map(escaped.__getitem__, unit_cells))
        slots[4::_SLOTS] = list(map(period_slot.__getitem__, periods))
        if genders is None:
            slots[5::_SLOTS] = ["T"] * n
        elif "" in gender_set:
            slots[5::_SLOTS] = list(map(_BLOCK_GENDERS.__getitem__, genders))
        else:
            slots[5::_SLOTS] = genders
        slots[6::_SLOTS] = list(map(end_slot.__getitem__, periods))
        slots[7::_SLOTS] = values
        slots[8::_SLOTS] = [_AFTER_VALUE] * n
        slots[9::_SLOTS] = list(map(str, range(block.first, block.first + n)))
        slots[10::_SLOTS] = [_LINE_END] * n
        return "".join(slots)

    return check


def _size(file: IO[bytes]) -> int:
    at = file.tell()
    size = file.seek(0, 2)
    file.seek(at)
    return size


def new_stats() -> dict[str, int]:
    return {"rows": 0, "lines": 0, "suppressed": 0, "stopped": 0}


class OnePass:
    """The one pass over a file's rows, a block at a time: read, checked and rendered (COPY
    text for the staging table). Once a row has a problem nothing more is rendered (nothing
    will be stored); reading stops at MAX_REPORTED_ERRORS problems. `render` False: checked
    only (another part of the file had a problem)."""

    def __init__(
        self,
        rules: Rules,
        index: dict[str, int],
        rows: Iterator[tuple[int, list[parsing.Cell]]],
        errors: Errors,
        stats: dict[str, int],
        seen: Seen,
        *,
        render: bool = True,
    ) -> None:
        self.rows = rows
        self.errors = errors
        self.stats = stats
        self.render = render
        self._row = make_renderer(rules, index, errors, stats, "\n", seen)
        # A CSV file's rows come a block of records at once.
        self._take: Callable[[], parsing.Block | None] | None = getattr(rows, "take", None)
        self._check = (
            make_block_check(rules, index, stats, seen) if self._take is not None else None
        )

    def _one_by_one(
        self, numbered: Iterable[tuple[int, list[parsing.Cell]]], *, whole: bool = False
    ) -> tuple[bytes, bool]:
        """Rows through the row check (`whole`: all of them, else about a block's worth of
        lines)."""
        errors, stats, render = self.errors, self.stats, self._row
        buffer: list[str] = []
        for number, cells in numbered:
            stats["rows"] += 1
            lines = render(number, cells)
            if errors.total >= MAX_REPORTED_ERRORS:
                stats["stopped"] = 1
                return b"", True
            if lines and not errors.total and self.render:
                stats["lines"] += len(lines)
                buffer.extend(lines)
                if len(buffer) >= BLOCK_ROWS and not whole:
                    return "".join(buffer).encode(), False
        return "".join(buffer).encode(), True

    def block(self) -> tuple[bytes, bool]:
        """The next block of rows read, checked and rendered, and whether the file is
        done."""
        take = self._take
        if take is None:
            return self._one_by_one(self.rows)
        parts: list[bytes] = []
        count = 0
        while count < BLOCK_ROWS:
            # A few thousand records at a time: their cells stay in the processor's cache.
            taken = take()
            if taken is None:
                return b"".join(parts), True
            count += taken.count
            self._settle(taken, parts)
            if self.stats["stopped"]:
                return b"".join(parts), True
        return b"".join(parts), False

    def _settle(self, taken: parsing.Block, parts: list[bytes]) -> None:
        """A block through the block check; where it has doubts, its halves, down to a few
        rows that go one by one (a bad row costs the row check of its neighbours only)."""
        check = self._check
        wanted = self.render and not self.errors.total
        rendered = check(taken, wanted) if check is not None else None
        if rendered is not None:
            parts.append(rendered.encode())
        elif check is not None and taken.count > SMALLEST_BLOCK:
            for half in taken.halves():
                self._settle(half, parts)
                if self.stats["stopped"]:
                    return
        else:
            numbered = (
                (taken.first + offset, cells)
                for offset, cells in enumerate(taken.rows())
                if not parsing.blank(cells)
            )
            text, _ = self._one_by_one(numbered, whole=True)
            parts.append(text)


@dataclass(frozen=True)
class Part:
    """Whole lines of a long-form CSV file (`data` and the `tail` of its last line), for a
    worker process."""

    data: bytes
    tail: bytes
    first: int  # the row number of its first line
    encoding: str
    separator: str
    rules: Rules
    index: dict[str, int]
    directory: str  # where its COPY text goes; gone = the upload was given up
    render: bool


@dataclass
class Checked:
    """What a worker process found in a part: its problems (in row order, every problem of
    a row listed), counts, what it named, and the file of its COPY text (None when it had a
    problem or was given up). Not `plain` (a quote, a lone \r: a line may not be a record):
    not checked."""

    errors: list[FieldError]
    stats: dict[str, int]
    seen: Seen
    path: str | None
    plain: bool = True
    total: int = 0  # (`check_whole`) the problems found, those before it included


def check_part(part: Part) -> Checked:
    """One part through the one pass, in a worker process; stops early when its directory is
    gone (the upload was given up)."""
    data = part.data + part.tail
    stats, seen = new_stats(), Seen()
    if b'"' in data or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n")):
        return Checked([], stats, seen, None, plain=False)
    text = io.TextIOWrapper(io.BytesIO(data), encoding=part.encoding, newline="", errors="replace")
    del data
    rows = parsing.CsvRows(text, part.separator, last=part.first - 1)
    # Every problem of the row at which the pass stops is listed (the parent counts them).
    errors = Errors(limit=2 * MAX_REPORTED_ERRORS)
    one = OnePass(part.rules, part.index, rows, errors, stats, seen, render=part.render)
    given_up = Checked([], stats, seen, None)
    if not part.render:  # checked only: nothing to write
        if not _pass_into(one, None, part.directory):
            return given_up
        return Checked(errors.items, stats, seen, None)
    try:
        fd, path = tempfile.mkstemp(suffix=".copy", dir=part.directory)
    except FileNotFoundError:
        return given_up
    if not _pass_into(one, fd, part.directory, ordered=True):
        return given_up
    if errors.total:
        os.unlink(path)
        return Checked(errors.items, stats, seen, None)
    return Checked(errors.items, stats, seen, path)


@dataclass(frozen=True)
class Whole:
    """The rest of a file for the one pass in a worker process: `path` holds its bytes (an
    XLSX workbook whole, or CSV text whose first record follows row `last`), with the
    problems found and listed before it (the pass stops at MAX_REPORTED_ERRORS found)."""

    path: str
    fmt: parsing.Format
    last: int
    encoding: str
    separator: str
    rules: Rules
    index: dict[str, int]
    directory: str  # where its COPY text goes; gone = the upload was given up
    found: int
    listed: int


def check_whole(whole: Whole) -> Checked:
    """The one pass over the rest of a file in a worker process, exactly as the request's
    thread would run it; stops early when its directory is gone (the upload was given up)."""
    stats, seen = new_stats(), Seen()
    errors = Errors(limit=MAX_REPORTED_ERRORS - whole.listed)
    errors.total = whole.found
    given_up = Checked([], stats, seen, None)
    try:
        fd, path = tempfile.mkstemp(suffix=".copy", dir=whole.directory)
    except FileNotFoundError:
        return given_up
    rows: Iterator[tuple[int, list[parsing.Cell]]]
    with open(whole.path, "rb") as source:
        if whole.fmt == "xlsx":
            _, rows, _ = parsing.xlsx_rows(source)
        else:
            text = io.TextIOWrapper(source, encoding=whole.encoding, newline="", errors="replace")
            rows = parsing.CsvRows(text, whole.separator, last=whole.last)
        try:
            one = OnePass(whole.rules, whole.index, rows, errors, stats, seen)
            if not _pass_into(one, fd, whole.directory):
                return given_up
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()
    if errors.total:
        os.unlink(path)
        return Checked(errors.items, stats, seen, None, total=errors.total)
    return Checked(errors.items, stats, seen, path, total=errors.total)


def _copy_from(file: IO[bytes], offset: int, path: str) -> None:
    file.seek(offset)
    with open(path, "wb") as out:
        shutil.copyfileobj(file, out, 1 << 20)


async def pass_in_worker(
    checks: CheckPool,
    file: IO[bytes],
    whole: Whole,
    offset: int,
    *,
    errors: Errors,
    stats: dict[str, int],
    seen: Seen,
) -> str | None:
    """The one pass over the file from byte `offset` in a check worker (`whole` tells it
    how), its problems, counts and what it named taken in as if run here; the file of its
    COPY text (None when it found a problem). The caller removes `whole.directory`, the sign
    for the worker to stop, if this is given up."""
    await run_cpu(_copy_from, file, offset, whole.path)
    checked = await asyncio.wrap_future(checks.submit(check_whole, whole))
    errors.items.extend(checked.errors)
    errors.total = checked.total
    for key in ("rows", "lines", "suppressed", "stopped"):
        stats[key] += checked.stats[key]
    seen.units |= checked.seen.units
    seen.measures |= checked.seen.measures
    seen.periods |= checked.seen.periods
    return checked.path


def _pass_into(one: OnePass, fd: int | None, directory: str, *, ordered: bool = False) -> bool:
    """The one pass, its COPY text into the open file `fd` (None: checked only), in a worker
    process; False when `directory` went meanwhile (the upload was given up). `ordered` (a
    part, a few MB): its lines sorted, so in uq_observation_key's order (LINE_COLUMNS)."""
    blocks: list[bytes] = []
    with open(os.devnull if fd is None else fd, "wb") as out:
        done = False
        while not done:
            if not os.path.isdir(directory):
                return False
            rendered, done = one.block()
            if ordered:
                blocks.append(rendered)
            else:
                out.write(rendered)
        if ordered:
            # Lines end with "\n", which no field holds (COPY text escapes it).
            lines = b"".join(blocks).split(b"\n")
            del blocks
            end = lines.pop()  # b"": after the last line end
            lines.sort()
            lines.append(end)
            out.write(b"\n".join(lines))
    return True


def read_part(file: IO[bytes], offset: int, size: int) -> tuple[bytes, bytes, int]:
    """About `size` bytes of the file from `offset` and the rest of their last line, and how
    many line ends they hold (the worker checks the rest: the parent's share is small)."""
    file.seek(offset)
    data = file.read(size)
    tail = file.readline() if len(data) == size else b""
    return data, tail, data.count(b"\n") + tail.count(b"\n")


@dataclass
class Parted:
    """The files of COPY text the parts were rendered into, in file order, and where the
    text stops being plain (byte offset, the number of the row before): the one pass reads
    on from there."""

    paths: list[str]
    rest: tuple[int, int] | None


@dataclass
class PartFiles:
    """The files of COPY text that go before the spool, in file order: those the render pass
    of a clean file's parts finishes (`rendering`, each put in `ready` as it is done, None
    after the last), so that the COPY sends each while the workers render the next, then
    `after` (the one pass's, when a worker ran it). `rows`: rows checked whose rendering is
    still under way."""

    after: list[str] = field(default_factory=list)
    rendering: asyncio.Task[Parted] | None = None
    ready: asyncio.Queue[str | None] | None = None
    rows: int = 0
    done: list[str] = field(default_factory=list)

    async def each(self) -> AsyncIterator[str]:
        """Every file in order (the second time too), each as soon as it is rendered; a
        failed render pass raises here, after the files rendered before it."""
        for path in list(self.done):
            yield path
        if self.rendering is not None:
            assert self.ready is not None
            while (rendered := await self.ready.get()) is not None:
                self.done.append(rendered)
                yield rendered
            rendering, self.rendering = self.rendering, None
            await rendering
            self.rows = 0
        for path in self.after:
            yield path

    async def close(self) -> None:
        """Stops the render pass if it still runs (its parts stop, its directory goes), and
        waits until it has."""
        rendering, self.rendering = self.rendering, None
        if rendering is None:
            return
        rendering.cancel()
        with anyio.CancelScope(shield=True):
            await asyncio.wait([rendering])
        if not rendering.cancelled():
            rendering.exception()  # (retrieved: the failure that ended the request is another)


async def check_parts(
    checks: CheckPool,
    file: IO[bytes],
    *,
    start: int,
    encoding: str,
    separator: str,
    rules: Rules,
    index: dict[str, int],
    errors: Errors,
    stats: dict[str, int],
    seen: Seen,
    directory: str,
    part_bytes: int,
    render: bool,
    end: int | None = None,
    ready: Callable[[str], object] | None = None,
) -> Parted:
    """The long form's one pass over the quote-free text of a large file from `start`, in
    parts of about `part_bytes` checked by the worker processes at once; their problems,
    counts and what they named taken in as the one pass would have found them (`errors`,
    `stats`, `seen`). Given up (cancelled, failed, or stopped at MAX_REPORTED_ERRORS
    problems), it removes `directory` (the sign for running parts to stop) and waits until
    no part runs any more. `render`: the rows rendered into the parts' files too; `end`: the
    offset to stop at (else the end of the file); `ready`: called with each part's file as
    soon as it and every part before it are rendered."""
    size = file.seek(0, 2) if end is None else end
    offset, last = start, 1
    # Each part's future, byte offset and the number of the row before it.
    waiting: deque[tuple[Future[Checked], int, int]] = deque()
    paths: list[str] = []
    rest: tuple[int, int] | None = None
    finished = False
    try:
        while True:
            while offset < size and len(waiting) < 2 * checks.processes:
                data, tail, lines = await run_cpu(read_part, file, offset, part_bytes)
                wanted = render and not errors.total
                part = Part(
                    data, tail, last + 1, encoding, separator, rules, index, directory, wanted
                )
                waiting.append((checks.submit(check_part, part), offset, last))
                offset += len(data) + len(tail)
                last += lines
            if not waiting:
                break
            future, at, before = waiting[0]
            checked = await asyncio.wrap_future(future)
            waiting.popleft()
            if not checked.plain:
                # From here a line may not be a record: the parts after it are numbered
                # wrongly. They are dropped, and the one pass reads on from here.
                rest = (at, before)
                for later, _, _ in waiting:
                    later.cancel()
                # (Their files go with the directory.)
                await anyio.to_thread.run_sync(wait_futures, [f for f, _, _ in waiting])
                waiting.clear()
                break
            for key in ("rows", "lines", "suppressed"):
                stats[key] += checked.stats[key]
            seen.units |= checked.seen.units
            seen.measures |= checked.seen.measures
            seen.periods |= checked.seen.periods
            if checked.path is not None:
                paths.append(checked.path)
                if ready is not None:
                    ready(checked.path)
            if errors.take_in(checked.errors):
                stats["stopped"] = 1
                break
        finished = not stats["stopped"]
    finally:
        if not finished:
            shutil.rmtree(directory, ignore_errors=True)
            for future, _, _ in waiting:
                future.cancel()
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(wait_futures, [f for f, _, _ in waiting])
    return Parted(paths, rest)


def request_hash(kind: str, municipality: str, mode: str, file_sha256: str) -> str:
    canonical = json.dumps([kind, municipality, mode, file_sha256])
    return hashlib.sha256(canonical.encode()).hexdigest()


async def _replay(
    session: AsyncSession, principal: Principal, idempotency_key: str, digest: str
) -> StoredResponse | None:
    if not await batch_repository.try_lock_idempotency_key(
        session, principal.key_id, idempotency_key
    ):
        raise Conflict(
            message("problem.ingest.request_idempotency_key_still_being"),
            headers={"Retry-After": "1"},
        )
    previous = await batch_repository.find_batch_by_idempotency_key(
        session, principal.key_id, idempotency_key
    )
    if previous is None:
        return None
    refuse_reuse(
        first=previous.request_hash,
        this=digest,
        loc=["header", "Idempotency-Key"],
        key=idempotency_key,
    )
    assert previous.response_body is not None
    return StoredResponse(previous.response_status or 201, previous.response_body)


async def upload(
    session: AsyncSession,
    *,
    principal: Principal,
    kind_name: str,
    municipality_code: str | None,
    mode: str,
    dry_run: bool,
    filename: str | None,
    file: IO[bytes],
    file_sha256: str,
    idempotency_key: str | None,
    years_ahead: int,
    checks: CheckPool | None = None,
    split_bytes: int = 4 * 1024 * 1024,
) -> UploadOut | StoredResponse:
    """Validate first, then store: one pass reads, checks and renders every row into a spool
    (memory for a small file, disk for a large one) while the database sees nothing; a file
    with a bad row is rejected at once. Only a file whose every row is valid goes to the
    database, from the spool: straight into observation, or (a key stored already or given
    twice) through the staging table, where duplicates and stored final values are judged.
    A large long-form CSV is checked in parts by the worker processes of `checks`
    (`check_parts`), rendered only once known clean."""
    kind = KINDS[kind_name]
    municipality = tenancy.writable(principal.tenant(municipality_code))
    digest = request_hash(kind.name, municipality, mode, file_sha256)
    if idempotency_key and not dry_run:
        replay = await _replay(session, principal, idempotency_key, digest)
        if replay is not None:
            return replay

    fmt = parsing.detect_format(file)
    try:
        header, rows, detected = await run_cpu(parsing.read_rows, file, fmt)
    except parsing.FileError as exc:
        raise Unprocessable(
            message("problem.ingest.file_was_rejected", reason=exc.text),
            errors=[FieldError(loc=["file"], message=exc.text, code="unreadable_file")],
        ) from exc
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        return await _validate_and_store(
            session,
            principal=principal,
            kind=kind,
            municipality=municipality,
            mode=mode,
            dry_run=dry_run,
            filename=filename,
            fmt=fmt,
            header=header,
            rows=rows,
            detected=detected,
            spool=spool,
            digest=digest,
            idempotency_key=idempotency_key,
            years_ahead=years_ahead,
            file=file,
            checks=checks,
            split_bytes=split_bytes,
        )
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()
        spool.close()


async def _validate_and_store(
    session: AsyncSession,
    *,
    principal: Principal,
    kind: UploadKind,
    municipality: str,
    mode: str,
    dry_run: bool,
    filename: str | None,
    fmt: parsing.Format,
    header: list[str],
    rows: Iterator[tuple[int, list[parsing.Cell]]],
    detected: dict[str, str],
    spool: IO[bytes],
    digest: str,
    idempotency_key: str | None,
    years_ahead: int,
    file: IO[bytes],
    checks: CheckPool | None,
    split_bytes: int,
) -> UploadOut:
    index, header_errors = map_header(kind, header)
    if header_errors:
        raise Unprocessable(
            message(
                "problem.ingest.file_was_rejected_problem_s", count_header_errors=len(header_errors)
            ),
            errors=header_errors,
        )

    measures = kind_measures(kind) if kind.name != "observations" else None
    rules = Rules(
        municipality=municipality,
        kind=kind,
        units=await repository.unit_dates(session, municipality),
        measures=await repository.local_measure_rules(session, measures),
        years_ahead=years_ahead,
    )
    errors = Errors()
    stats = new_stats()
    seen = Seen()
    started = time.perf_counter()
    # The COPY text the worker processes rendered, in file order.
    files = PartFiles()
    directory: str | None = None
    in_parts: Callable[..., Awaitable[Parted]] | None = None  # check_parts, file and rules bound
    more: Iterator[tuple[int, list[parsing.Cell]]] | None = rows
    start = getattr(rows, "start", None)
    try:
        if (
            checks is not None
            and checks.processes > 1
            and kind.name == "observations"
            and start is not None
            and (size := _size(file) - start) > split_bytes
        ):
            # A large long-form file: its plain text in parts, checked by the worker processes
            # at once; where the text stops being plain (a quote, a lone \r) this process
            # reads on. Checked without rendering first (a rejected file costs its check
            # only); once the whole file is known clean, the parts again, rendered.
            directory = tempfile.mkdtemp(prefix="kvn-upload-")
            in_parts = functools.partial(
                check_parts,
                checks,
                file,
                start=start,
                encoding=detected["encoding"],
                separator=detected["separator"],
                rules=rules,
                index=index,
                directory=directory,
                # A part per worker at least (a file just above the threshold in halves).
                part_bytes=min(split_bytes, -(-size // checks.processes)),
            )
            first_stats, first_seen = new_stats(), Seen()
            parted = await in_parts(errors=errors, stats=first_stats, seen=first_seen, render=False)
            rest = parted.rest[0] if parted.rest is not None else None
            more = None
            if parted.rest is not None and not first_stats["stopped"]:
                offset, last = parted.rest
                file.seek(offset)
                text = io.TextIOWrapper(
                    file, encoding=detected["encoding"], newline="", errors="replace"
                )
                more = parsing.CsvRows(text, detected["separator"], last=last)
        # Where the one pass would read from, for a worker: a workbook whole, CSV text from
        # a byte offset after a row.
        at: tuple[int, int] | None = None
        if fmt == "xlsx":
            at = (0, 1)
        elif in_parts is not None:
            at = parted.rest
        elif start is not None:
            at = (start, 1)
        if (
            more is not None
            and at is not None
            and checks is not None
            and checks.processes > 1
            and _size(file) - at[0] > WORKER_BYTES
        ):
            # The one pass in a check worker process: the file's checking holds none of
            # this process's GIL.
            if directory is None:
                directory = tempfile.mkdtemp(prefix="kvn-upload-")
            whole = Whole(
                os.path.join(directory, "source"),
                fmt,
                at[1],
                detected.get("encoding", ""),
                detected.get("separator", ""),
                rules,
                index,
                directory,
                found=errors.total,
                listed=len(errors.items),
            )
            path = await pass_in_worker(
                checks, file, whole, at[0], errors=errors, stats=stats, seen=seen
            )
            if more is not rows and isinstance(more, parsing.CsvRows):
                more.close()
            more = None
            if path is not None:
                files.after.append(path)
        if more is not None:
            # The one pass over the file: in a worker thread a block at a time (reading and
            # checking grow with the file); the event loop only writes the rendered block to
            # the spool. The database sees nothing of the file yet.
            one = OnePass(rules, index, more, errors, stats, seen)
            try:
                done = False
                while not done:
                    rendered, done = await run_cpu(one.block)
                    if rendered:
                        spool.write(rendered)
            finally:
                if more is not rows and isinstance(more, parsing.CsvRows):
                    more.close()
        if in_parts is not None:
            if errors.total or first_stats["stopped"]:
                stats["rows"] += first_stats["rows"]
                stats["stopped"] |= first_stats["stopped"]
                seen.units |= first_seen.units
            else:
                # A clean file: its parts rendered again by the workers while the COPY sends
                # those done (_store). The check pass named every unit (the render pass names
                # the same).
                seen.units |= first_seen.units
                files.rows = first_stats["rows"]
                ready: asyncio.Queue[str | None] = asyncio.Queue()
                files.ready = ready
                files.rendering = asyncio.ensure_future(
                    in_parts(
                        errors=errors,
                        stats=stats,
                        seen=seen,
                        render=True,
                        end=rest,
                        ready=ready.put_nowait,
                    )
                )
                files.rendering.add_done_callback(lambda _: ready.put_nowait(None))
        return await _store(
            session,
            principal=principal,
            kind=kind,
            municipality=municipality,
            mode=mode,
            dry_run=dry_run,
            filename=filename,
            fmt=fmt,
            detected=detected,
            spool=spool,
            files=files,
            digest=digest,
            idempotency_key=idempotency_key,
            errors=errors,
            stats=stats,
            seen=seen,
            started=started,
        )
    finally:
        await files.close()
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)


async def _store(
    session: AsyncSession,
    *,
    principal: Principal,
    kind: UploadKind,
    municipality: str,
    mode: str,
    dry_run: bool,
    filename: str | None,
    fmt: parsing.Format,
    detected: dict[str, str],
    spool: IO[bytes],
    files: PartFiles,
    digest: str,
    idempotency_key: str | None,
    errors: Errors,
    stats: dict[str, int],
    seen: Seen,
    started: float,
) -> UploadOut:
    # A unit manager's file naming another unit is refused whole (403).
    principal.require_units(seen.units)
    if stats["rows"] + files.rows == 0:
        raise Unprocessable(
            message("problem.ingest.file_data_rows"),
            errors=[
                FieldError(
                    loc=["file"], message=message("problem.budget.no_data_rows"), code="empty_file"
                )
            ],
        )
    if errors.total:
        # Rejected at once: no row went to the database. Keys given twice and changes to
        # stored final values are judged once every row is valid (the problem says so).
        raise _rejected(errors, stopped=bool(stats["stopped"]), rows_only=True)
    parsed = time.perf_counter()

    async def send(copy: Any, tail: bytes | None = None) -> None:
        """The parts and the spool into a COPY; with `tail`, each line completed for
        observation."""
        async for path in files.each():
            with open(path, "rb") as part:  # noqa: ASYNC230 (as the spool's reads: page cache)
                while chunk := part.read(1 << 20):
                    await copy.write(chunk if tail is None else chunk.replace(b"\n", tail))
        spool.seek(0)
        while chunk := spool.read(1 << 20):
            await copy.write(chunk if tail is None else chunk.replace(b"\n", tail))
        if errors.total:
            # (The render pass of a file found clean finds nothing: the same rows, the same
            # rules.)
            raise _rejected(errors, stopped=bool(stats["stopped"]), rows_only=True)

    batch: IngestBatch | None = None
    if not dry_run:
        batch = await batch_repository.add_batch(
            session,
            IngestBatch(
                municipality_code=municipality,
                kind=f"upload:{kind.name}",
                filename=filename,
                api_key_id=principal.key_id,
                idempotency_key=idempotency_key,
                request_hash=digest,
                state="completed",
                row_count=0,
            ),
        )
        # The fast path for new data: the spool straight into observation in a savepoint. A
        # key that exists already (or twice in the file) stops it with a unique violation;
        # then the savepoint is rolled back and the spool goes through the staging table.
        tail = f"\tlocal\t{batch.id}\t{principal.key_id}\t1\t\\N\n".encode()
        await bulk.allow_long_statements(session)
        direct = True
        try:
            async with (
                session.begin_nested(),
                await bulk.open_copy(session, direct=True, columns=LINE_COLUMNS) as copy,
            ):
                await send(copy, tail)
        except (DBAPIError, psycopg.Error) as exc:
            # COPY through the raw connection raises psycopg's own error.
            if not isinstance(getattr(exc, "orig", exc), psycopg.errors.UniqueViolation):
                raise
            direct = False
        if direct:
            row_count, staged = stats["rows"], stats["lines"]
            batch.row_count = row_count
            version = await batch_repository.bump_data_version(session, municipality)
            everything_new = Change(
                periods=seen.periods,
                measure_codes=seen.measures,
                unit_codes=seen.units,
                created=staged,
            )
            await emit_changes(
                session, {municipality: everything_new}, source="local", batch_id=str(batch.id)
            )
            await session.flush()
            await session.refresh(batch)
            logger.info(
                "upload stored by the direct path",
                extra={
                    "rows": row_count,
                    "read_and_check_s": round(parsed - started, 3),
                    "seconds": round(time.perf_counter() - started, 3),
                },
            )
            out = UploadOut(
                id=batch.id,
                kind=kind.name,
                municipality_code=municipality,
                filename=filename,
                format=fmt,
                dry_run=False,
                rows=row_count,
                observations=staged,
                created=staged,
                revised=0,
                unchanged=0,
                suppressed=stats["suppressed"],
                data_version=version,
                file=detected,
                created_at=batch.created_at,
            )
            await batch_repository.set_batch_response(
                session, batch, 201, out.model_dump(mode="json")
            )
            return out

    await bulk.create_stage(session)
    async with await bulk.open_copy(session, columns=LINE_COLUMNS) as copy:
        await send(copy)
    row_count, staged = stats["rows"], stats["lines"]

    column_of = {c.measure: c.name for c in kind.columns if c.measure}

    async def report_set_based() -> None:
        """Duplicates inside the file and changes to stored final values, by row."""
        for dup in await bulk.stage_duplicates(session):
            first, *others = dup["source_rows"]
            for row in others:
                errors.add(
                    row,
                    "period",
                    dup["period"],
                    message(
                        "problem.ingest.duplicate_row_same_unit_measure_2",
                        measure=dup["measure_code"],
                        row=first,
                    ),
                    "duplicate_in_batch",
                )
        if mode != "revise":
            for hit in await bulk.stage_final_conflicts(session, "local"):
                errors.add(
                    hit["source_row"],
                    column_of.get(
                        hit["measure_code"], "count" if kind.name == "incidents" else "value"
                    ),
                    str(hit["new_value"]),
                    message(
                        "problem.ingest.differs_from_stored_final_value_3",
                        stored=hit["stored_value"],
                        measure=hit["measure_code"],
                    ),
                    "conflicts_with_final",
                )

    # One set-based merge in a savepoint. If it doubled a key or changed a stored final value
    # (without mode=revise) it is rolled back and the rows are reported; a dry run always
    # rolls back and reports what would have happened.
    counts: bulk.UpsertCounts | None = None
    try:
        async with session.begin_nested() as savepoint:
            counts = await bulk.merge_stage(
                session,
                source="local",
                staged=staged,
                batch_id=batch.id if batch else None,
                sent_by=principal.key_id,
            )
            if dry_run or (counts.blocked and mode != "revise"):
                await savepoint.rollback()
    except DBAPIError as exc:
        if not isinstance(exc.orig, psycopg.errors.CardinalityViolation):
            raise
        counts = None  # a key twice in the file
    if counts is None or (counts.blocked and mode != "revise"):
        await report_set_based()
        raise _rejected(errors, stopped=False, rows_only=False)
    merged = time.perf_counter()
    logger.info(
        "upload checked and merged",
        extra={
            "rows": row_count,
            "read_and_check_s": round(parsed - started, 3),
            "merge_s": round(merged - parsed, 3),
        },
    )
    suppressed = stats["suppressed"]
    if batch is None:
        return UploadOut(
            id=None,
            kind=kind.name,
            municipality_code=municipality,
            filename=filename,
            format=fmt,
            dry_run=True,
            rows=row_count,
            observations=staged,
            created=counts.created,
            revised=counts.revised,
            unchanged=counts.unchanged,
            suppressed=suppressed,
            data_version=None,
            file=detected,
            created_at=None,
        )
    batch.row_count = row_count
    version = await batch_repository.bump_data_version(session, municipality)
    await emit_changes(session, counts.changes, source="local", batch_id=str(batch.id))
    await session.flush()
    await session.refresh(batch)
    out = UploadOut(
        id=batch.id,
        kind=kind.name,
        municipality_code=municipality,
        filename=filename,
        format=fmt,
        dry_run=False,
        rows=row_count,
        observations=staged,
        created=counts.created,
        revised=counts.revised,
        unchanged=counts.unchanged,
        suppressed=suppressed,
        data_version=version,
        file=detected,
        created_at=batch.created_at,
    )
    await batch_repository.set_batch_response(session, batch, 201, out.model_dump(mode="json"))
    return out


def _rejected(errors: Errors, *, stopped: bool, rows_only: bool) -> Unprocessable:
    """The 422 of a rejected file: every problem found, by row. `rows_only`: the rows' own
    problems (keys given twice and stored final values are judged once every row is valid)."""
    if stopped:
        summary = message(
            "problem.ingest.summary_stopped", count=errors.total, first=MAX_REPORTED_ERRORS
        )
    elif errors.total > MAX_REPORTED_ERRORS:
        summary = message(
            "problem.ingest.summary_listed", count=errors.total, first=MAX_REPORTED_ERRORS
        )
    else:
        summary = message("problem.ingest.summary", count=errors.total)
    return Unprocessable(
        message(
            "problem.ingest.file_was_rejected_rows"
            if rows_only
            else "problem.ingest.file_was_rejected_nothing_was",
            summary=summary,
        ),
        errors=sorted(errors.items, key=lambda e: e.row or 0),
        extra={"error_count": errors.total},
    )


async def get_upload(
    session: AsyncSession, upload_id: uuid.UUID, *, principal: Principal
) -> UploadOut:
    batch = await batch_repository.get_batch(session, upload_id)
    if (
        batch is None
        or not batch.kind.startswith("upload:")
        or not principal.can_see(batch.municipality_code)
        or batch.response_body is None
    ):
        raise NotFound(message("problem.ingest.no_upload", upload_id=upload_id))
    return UploadOut.model_validate(batch.response_body)
