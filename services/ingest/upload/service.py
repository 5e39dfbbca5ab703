"""Rules of file uploads: read row by row, validate every cell, stage with COPY, check the
whole file set-based (duplicates, stored final values), then store all or nothing, once."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.batch import repository as batch_repository
from services.ingest.batch.service import StoredResponse
from services.ingest.observation import bulk
from services.ingest.upload import parsing, repository
from services.ingest.upload.kinds import KINDS, UploadKind, incident_measure, kind_measures
from services.ingest.upload.schemas import UploadOut
from shared.auth import Principal
from shared.errors import Conflict, FieldError, NotFound, Unprocessable
from shared.models import IngestBatch
from shared.periods import Period, PeriodError
from shared.privacy import SUPPRESSION_THRESHOLD, looks_like_personnummer

MAX_REPORTED_ERRORS = 1000
_DIGITS = re.compile(r"\d")


@dataclass
class Rules:
    """What a row is checked against, loaded once per upload."""

    municipality: str
    kind: UploadKind
    units: set[str]
    measures: dict[str, batch_repository.MeasureRule]
    periods: dict[str, tuple[str, str, str] | str] = field(default_factory=dict)

    def period(self, text: str) -> tuple[str, str, str] | str:
        """(canonical, start, end) or the reason it is refused; cached per distinct text."""
        found = self.periods.get(text)
        if found is None:
            try:
                p = Period.parse(text)
            except PeriodError as exc:
                found = str(exc)
            else:
                if p.type not in self.kind.period_types:
                    allowed = ", ".join(sorted(t.value for t in self.kind.period_types))
                    found = f"a {self.kind.name} row needs a period of type {allowed}"
                else:
                    found = (str(p), p.start.isoformat(), p.end.isoformat())
            self.periods[text] = found
        return found


class Errors:
    def __init__(self) -> None:
        self.items: list[FieldError] = []
        self.total = 0

    def add(self, row: int, column: str, value: Any, message: str, code: str) -> None:
        self.total += 1
        if len(self.items) < MAX_REPORTED_ERRORS:
            self.items.append(
                FieldError(
                    loc=["file", row, column],
                    row=row,
                    field=column,
                    value=value,
                    message=message,
                    code=code,
                )
            )


def _check_number(rule: batch_repository.MeasureRule, number: float) -> tuple[str, str] | None:
    """(reason, code) when the number does not fit the measure."""
    kind = rule.value_kind
    if kind == "count" and (number < 0 or not number.is_integer()):
        return "a count must be a non-negative integer", "not_a_count"
    low = (
        float(rule.min_value) if rule.min_value is not None else (0.0 if kind == "share" else None)
    )
    high = (
        float(rule.max_value)
        if rule.max_value is not None
        else (100.0 if kind == "share" else None)
    )
    if (low is not None and number < low) or (high is not None and number > high):
        return (
            f"out of range {low if low is not None else '-∞'}–{high if high is not None else '∞'}",
            "out_of_range",
        )
    return None


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
                    value="(hidden)" if looks_like_personnummer(raw) else raw,
                    message=f"unknown column for kind {kind.name}; expected "
                    + ", ".join(c.name for c in kind.columns),
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
                    message="column given twice",
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
                    message="required column is missing",
                    code="missing_column",
                )
            )
    return index, errors


def _render(
    rules: Rules, index: dict[str, int], number: int, cells: list[parsing.Cell], errors: Errors
) -> list[str]:
    """Validate one file row; its staging lines, or [] when it has errors (added to errors)."""
    kind = rules.kind
    before = errors.total

    def cell(name: str) -> str | None:
        i = index.get(name)
        if i is None or i >= len(cells):
            return None
        value = cells[i]
        return value.strip() if value is not None else None

    for i, raw in enumerate(cells):
        if (
            raw is not None
            and len(raw) >= 10
            and _DIGITS.search(raw)
            and looks_like_personnummer(raw)
        ):
            errors.add(
                number,
                header_name(index, i),
                "(hidden)",
                "text that looks like a personal identity number",
                "personal_data",
            )
    if errors.total > before:
        return []

    unit = cell("unit_code") or ""
    if not unit and kind.unit_required:
        errors.add(number, "unit_code", None, "a unit is required", "missing_unit")
    elif unit and unit not in rules.units:
        errors.add(
            number,
            "unit_code",
            unit,
            f"unknown unit in municipality {rules.municipality}",
            "unknown_unit",
        )
    period_text = cell("period")
    period: tuple[str, str, str] | None = None
    if period_text is None:
        errors.add(number, "period", None, "a period is required", "missing_period")
    else:
        found = rules.period(period_text)
        if isinstance(found, str):
            errors.add(number, "period", period_text, found, "bad_period")
        else:
            period = found
    gender = (cell("gender") or "T").upper()
    if gender not in ("T", "K", "M"):
        errors.add(number, "gender", gender, "gender must be T, K or M", "bad_gender")

    respondents: int | None = None
    respondents_text = cell("respondents")
    if respondents_text is not None:
        try:
            text, value = parsing.parse_number(respondents_text)
        except ValueError as exc:
            errors.add(number, "respondents", respondents_text, str(exc), "not_a_number")
        else:
            if value < 0 or not value.is_integer():
                errors.add(
                    number,
                    "respondents",
                    respondents_text,
                    "a count must be a non-negative integer",
                    "not_a_count",
                )
            else:
                respondents = int(value)

    values: list[tuple[str, str, float, str]] = []  # measure, number text, number, column

    def add_value(measure: str | None, column: str, text: str | None) -> None:
        if text is None or measure is None:
            return
        rule = rules.measures.get(measure)
        if rule is None:
            errors.add(number, column, measure, "unknown local measure", "unknown_measure")
            return
        try:
            normalized, value = parsing.parse_number(text)
        except ValueError as exc:
            errors.add(number, column, text, str(exc), "not_a_number")
            return
        problem = _check_number(rule, value)
        if problem:
            errors.add(number, column, text, f"{problem[0]} for {measure}", problem[1])
            return
        values.append((measure, normalized, value, column))

    if kind.name == "observations":
        add_value(cell("measure_code"), "value", cell("value"))
        if cell("measure_code") and cell("value") is None:
            errors.add(number, "value", None, "a value is required", "missing_value")
    elif kind.name == "incidents":
        choice: dict[str, str] = {}
        for column in kind.columns:
            if column.role == "choice":
                text = (cell(column.name) or "").lower()
                if text not in column.choices:
                    errors.add(
                        number,
                        column.name,
                        cell(column.name),
                        "one of " + ", ".join(column.choices),
                        "bad_choice",
                    )
                choice[column.name] = text
        if len(choice) == 3 and all(choice.values()):
            measure = incident_measure(choice["type"], choice["category"], choice["severity"])
            if measure in rules.measures:
                add_value(measure, "count", cell("count"))
    else:
        for spec in kind.columns:
            if spec.role in {"measure", "respondents"} and spec.measure:
                given = cell(spec.name)
                if spec.required and given is None:
                    errors.add(number, spec.name, None, "a value is required", "missing_value")
                add_value(spec.measure, spec.name, given)
        if kind.name == "survey" and respondents is not None:
            for measure, _, amount, where in values:
                if measure != "survey_respondents" and amount > respondents:
                    errors.add(
                        number,
                        where,
                        amount,
                        f"more than the {respondents} respondents",
                        "exceeds_respondents",
                    )
    if errors.total > before or period is None:
        return []
    if not values and kind.name != "observations":
        errors.add(number, "", None, "the row holds no value", "empty_row")
        return []
    status = (
        "suppressed" if respondents is not None and respondents < SUPPRESSION_THRESHOLD else "final"
    )
    canonical, start, end = period
    resp = "\\N" if respondents is None else str(respondents)
    unit_field = unit.translate(_ESC)
    return [
        f"{rules.municipality}\t{unit_field}\t{measure}\t{canonical}\t{start}\t{end}\t{gender}\t"
        f"{text}\t\\N\t\\N\t{resp}\t{status}\t{number}\t\\N\n"
        for measure, text, _, _ in values
    ]


_ESC = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def header_name(index: dict[str, int], i: int) -> str:
    for name, position in index.items():
        if position == i:
            return name
    return str(i)


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
            "A request with this Idempotency-Key is still being processed; retry later",
            headers={"Retry-After": "1"},
        )
    previous = await batch_repository.find_batch_by_idempotency_key(
        session, principal.key_id, idempotency_key
    )
    if previous is None:
        return None
    if previous.request_hash != digest:
        raise Unprocessable(
            "This Idempotency-Key was used with another request",
            errors=[
                FieldError(
                    loc=["header", "Idempotency-Key"],
                    field="Idempotency-Key",
                    value=idempotency_key,
                    message="reused with another body",
                    code="idempotency_key_reused",
                )
            ],
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
) -> UploadOut | StoredResponse:
    kind = KINDS[kind_name]
    municipality = principal.tenant(municipality_code)
    digest = request_hash(kind.name, municipality, mode, file_sha256)
    if idempotency_key and not dry_run:
        replay = await _replay(session, principal, idempotency_key, digest)
        if replay is not None:
            return replay

    fmt = parsing.detect_format(file)
    try:
        header, rows, detected = parsing.read_rows(file, fmt)
    except parsing.FileError as exc:
        raise Unprocessable(
            f"The file was rejected: {exc}",
            errors=[FieldError(loc=["file"], message=str(exc), code="unreadable_file")],
        ) from exc
    index, header_errors = map_header(kind, header)
    if header_errors:
        raise Unprocessable(
            f"The file was rejected: {len(header_errors)} problem(s) in the header row; nothing was stored",
            errors=header_errors,
        )

    measures = kind_measures(kind) if kind.name != "observations" else None
    rules = Rules(
        municipality=municipality,
        kind=kind,
        units=await repository.unit_codes(session, municipality),
        measures=await repository.local_measure_rules(session, measures),
    )
    errors = Errors()
    await bulk.create_stage(session)
    row_count = 0
    staged = 0
    async with await bulk.open_copy(session) as copy:
        buffer: list[str] = []
        size = 0
        for number, cells in rows:
            row_count += 1
            lines = _render(rules, index, number, cells, errors)
            if lines:
                staged += len(lines)
                buffer.extend(lines)
                size += len(lines)
                if size >= 20_000:
                    await copy.write("".join(buffer))
                    buffer.clear()
                    size = 0
        if buffer:
            await copy.write("".join(buffer))

    for dup in await bulk.stage_duplicates(session):
        first, *others = dup["source_rows"]
        for row in others:
            errors.add(
                row,
                "period",
                dup["period"],
                f"duplicate of row {first} (same unit, measure, period, gender: {dup['measure_code']})",
                "duplicate_in_batch",
            )
    column_of = {c.measure: c.name for c in kind.columns if c.measure}
    if mode != "revise":
        for hit in await bulk.stage_final_conflicts(session, "local"):
            errors.add(
                hit["source_row"],
                column_of.get(
                    hit["measure_code"], "count" if kind.name == "incidents" else "value"
                ),
                str(hit["new_value"]),
                f"differs from the stored final value {hit['stored_value']} of {hit['measure_code']} "
                "(upload with mode=revise to replace it; the old value is kept)",
                "conflicts_with_final",
            )
    if errors.total:
        shown = (
            ""
            if errors.total <= MAX_REPORTED_ERRORS
            else f" (the first {MAX_REPORTED_ERRORS} are listed)"
        )
        raise Unprocessable(
            f"The file was rejected: {errors.total} problem(s){shown}; nothing was stored",
            errors=sorted(errors.items, key=lambda e: e.row or 0),
            extra={"error_count": errors.total},
        )
    if row_count == 0:
        raise Unprocessable(
            "The file has no data rows",
            errors=[FieldError(loc=["file"], message="no data rows", code="empty_file")],
        )

    suppressed = await repository.staged_suppressed(session)
    if dry_run:
        return UploadOut(
            id=None,
            kind=kind.name,
            municipality_code=municipality,
            filename=filename,
            format=fmt,
            dry_run=True,
            rows=row_count,
            observations=staged,
            created=0,
            revised=0,
            unchanged=0,
            suppressed=suppressed,
            data_version=None,
            file=detected,
            created_at=None,
        )

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
            row_count=row_count,
        ),
    )
    counts = await bulk.merge_stage(
        session, source="local", staged=staged, batch_id=batch.id, sent_by=principal.key_id
    )
    version = await batch_repository.bump_data_version(session, municipality)
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
        raise NotFound(f"No upload {upload_id}")
    return UploadOut.model_validate(batch.response_body)
