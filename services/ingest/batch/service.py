"""Rules of JSON batches: validate everything at once, then store all or nothing, once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.batch import repository
from services.ingest.batch.repository import ObservationKey
from services.ingest.batch.schemas import BatchIn, BatchOut, BatchSummaryOut, ObservationIn
from services.ingest.observation import bulk
from services.ingest.observation.changes import Changes, emit_changes, record
from shared.auth import Principal
from shared.errors import Conflict, FieldError, NotFound, Unprocessable
from shared.i18n import Message, message
from shared.idempotency import refuse_reuse, request_digest
from shared.models import IngestBatch, Observation
from shared.periods import Period, PeriodError, beyond_horizon
from shared.privacy import SUPPRESSION_THRESHOLD

# Larger batches take the bulk path of uploads (COPY and one set-based upsert); the results
# are the same, row by row is only cheaper for a handful of rows.
BULK_MIN_ROWS = 2000
_SHARE_KINDS = {"share"}
_COUNT_KINDS = {"count"}


@dataclass(frozen=True)
class StoredResponse:
    """A replay of the response first given for an Idempotency-Key."""

    status: int
    body: dict[str, Any]


def request_hash(payload: BatchIn) -> str:
    return request_digest(payload.model_dump(mode="json"))


def _error(row: int, field: str, value: Any, text: Message, code: str) -> FieldError:
    return FieldError(
        loc=["body", "observations", row, field],
        row=row,
        field=field,
        value=value,
        message=text,
        code=code,
    )


def _check_value(
    row: int, obs: ObservationIn, kind: str, rule: repository.MeasureRule
) -> list[FieldError]:
    errors: list[FieldError] = []
    for field in ("value", "numerator", "denominator"):
        number: Decimal | None = getattr(obs, field)
        if number is None:
            continue
        if kind in _COUNT_KINDS and (number < 0 or number != number.to_integral_value()):
            errors.append(
                _error(
                    row,
                    field,
                    str(number),
                    message("problem.ingest.count_non_negative_integer"),
                    "not_a_count",
                )
            )
        if field == "value":
            low = (
                rule.min_value
                if rule.min_value is not None
                else (Decimal(0) if kind in _SHARE_KINDS else None)
            )
            high = (
                rule.max_value
                if rule.max_value is not None
                else (Decimal(100) if kind in _SHARE_KINDS else None)
            )
            if (low is not None and number < low) or (high is not None and number > high):
                errors.append(
                    _error(
                        row,
                        field,
                        str(number),
                        message(
                            "problem.ingest.out_range",
                            low=low,
                            high=high,
                            measure_code=obs.measure_code,
                        ),
                        "out_of_range",
                    )
                )
    if (
        obs.numerator is not None
        and obs.denominator is not None
        and obs.numerator > obs.denominator
        and kind in _SHARE_KINDS
    ):
        errors.append(
            _error(
                row,
                "numerator",
                str(obs.numerator),
                message("problem.ingest.numerator_exceeds_denominator"),
                "numerator_gt_denominator",
            )
        )
    if obs.value is None and obs.numerator is None:
        errors.append(
            _error(
                row, "value", None, message("problem.ingest.give_value_numerator"), "missing_value"
            )
        )
    return errors


def _row_content(obs: ObservationIn) -> dict[str, Any]:
    value = obs.value
    if value is None and obs.numerator is not None and obs.denominator:
        value = obs.numerator / obs.denominator * 100
    suppressed = obs.respondents is not None and obs.respondents < SUPPRESSION_THRESHOLD
    return {
        "value": value,
        "numerator": obs.numerator,
        "denominator": obs.denominator,
        "respondents": obs.respondents,
        "status": "suppressed" if suppressed else obs.status,
    }


def _same(stored: Observation, content: dict[str, Any]) -> bool:
    return all(getattr(stored, k) == v for k, v in content.items())


async def submit_batch(
    session: AsyncSession,
    payload: BatchIn,
    *,
    principal: Principal,
    idempotency_key: str | None,
    years_ahead: int,
) -> BatchOut | StoredResponse:
    """Validate and store a batch. Every problem is reported at once; a rejected batch stores
    nothing. With an Idempotency-Key a retry returns the stored response."""
    municipality = principal.tenant(payload.municipality_code)
    # A unit manager writes only for their own units; a municipality-wide row ('') is not one.
    principal.require_units({o.unit_code or "" for o in payload.observations})
    digest = request_hash(payload)
    if idempotency_key is not None:
        if not await repository.try_lock_idempotency_key(
            session, principal.key_id, idempotency_key
        ):
            raise Conflict(
                message("problem.ingest.request_idempotency_key_still_being"),
                headers={"Retry-After": "1"},
            )
        previous = await repository.find_batch_by_idempotency_key(
            session, principal.key_id, idempotency_key
        )
        if previous is not None:
            refuse_reuse(
                first=previous.request_hash,
                this=digest,
                loc=["header", "Idempotency-Key"],
                key=idempotency_key,
            )
            assert previous.response_body is not None
            assert previous.response_status is not None
            return StoredResponse(previous.response_status, previous.response_body)

    errors: list[FieldError] = []
    measures = await repository.measure_rules(
        session, (o.measure_code for o in payload.observations)
    )
    units = await repository.unit_dates(
        session, municipality, (o.unit_code for o in payload.observations if o.unit_code)
    )
    seen: dict[ObservationKey, int] = {}
    rows: list[tuple[int, ObservationKey, Period, ObservationIn]] = []
    for row, obs in enumerate(payload.observations):
        row_errors: list[FieldError] = []
        rule = measures.get(obs.measure_code)
        if rule is None:
            row_errors.append(
                _error(
                    row,
                    "measure_code",
                    obs.measure_code,
                    message("problem.ingest.unknown_local_measure"),
                    "unknown_measure",
                )
            )
        if obs.unit_code and obs.unit_code not in units:
            row_errors.append(
                _error(
                    row,
                    "unit_code",
                    obs.unit_code,
                    message("problem.ingest.unknown_unit_municipality", municipality=municipality),
                    "unknown_unit",
                )
            )
        try:
            period = Period.parse(obs.period)
        except PeriodError as exc:
            row_errors.append(_error(row, "period", obs.period, exc.text, "bad_period"))
            period = None
        if period is not None and (ahead := beyond_horizon(period, years_ahead)) is not None:
            row_errors.append(_error(row, "period", obs.period, ahead, "future_period"))
            period = None
        dates = units.get(obs.unit_code or "")
        if period is not None and dates is not None:
            closed = repository.outside_validity(
                obs.unit_code or "", dates, str(period), period.start, period.end
            )
            if closed is not None:
                row_errors.append(_error(row, "period", obs.period, closed, "unit_not_open"))
                period = None
        if rule is not None:
            row_errors.extend(_check_value(row, obs, rule.value_kind, rule))
        if period is not None:
            key: ObservationKey = (
                obs.unit_code or "",
                obs.measure_code,
                str(period),
                str(obs.gender),
            )
            if key in seen:
                row_errors.append(
                    _error(
                        row,
                        "measure_code",
                        obs.measure_code,
                        message("problem.ingest.duplicate_row_same_unit_measure", row=seen[key]),
                        "duplicate_in_batch",
                    )
                )
            else:
                seen[key] = row
                if not row_errors:
                    rows.append((row, key, period, obs))
        errors.extend(row_errors)

    batch_id = uuid.uuid4()
    if len(payload.observations) > BULK_MIN_ROWS:
        return await _store_bulk(
            session,
            payload,
            rows,
            errors,
            municipality=municipality,
            principal=principal,
            idempotency_key=idempotency_key,
            digest=digest,
            batch_id=batch_id,
        )
    stored = await repository.stored_observations(session, municipality, [k for _, k, _, _ in rows])
    new_rows: list[dict[str, Any]] = []
    revisions: list[tuple[Observation, dict[str, Any]]] = []
    unchanged = 0
    for row, key, period, obs in rows:
        content = _row_content(obs)
        existing = stored.get(key)
        if existing is None:
            new_rows.append(
                {
                    "source": "local",
                    "municipality_code": municipality,
                    "unit_code": key[0],
                    "measure_code": obs.measure_code,
                    "period": str(period),
                    "period_start": period.start,
                    "period_end": period.end,
                    "gender": obs.gender,
                    "batch_id": batch_id,
                    "source_row": row,
                    "sent_by": principal.key_id,
                    **content,
                }
            )
        elif _same(existing, content):
            unchanged += 1
        elif existing.status == "final" and payload.mode != "revise":
            errors.append(
                _error(
                    row,
                    "value",
                    str(obs.value),
                    message(
                        "problem.ingest.differs_from_stored_final_value_2", value=existing.value
                    ),
                    "conflicts_with_final",
                )
            )
        else:
            revisions.append(
                (
                    existing,
                    {
                        **content,
                        "batch_id": batch_id,
                        "source_row": row,
                        "sent_by": principal.key_id,
                    },
                )
            )
    if errors:
        raise Unprocessable(
            message("problem.ingest.batch_was_rejected_problem_s", count_errors=len(errors)),
            errors=errors,
        )

    batch = await repository.add_batch(
        session,
        IngestBatch(
            id=batch_id,
            municipality_code=municipality,
            kind="json",
            api_key_id=principal.key_id,
            idempotency_key=idempotency_key,
            request_hash=digest,
            state="completed",
            row_count=len(payload.observations),
        ),
    )
    await repository.insert_observations(session, new_rows)
    await repository.revise_observations(session, revisions, batch_id)
    version = await repository.bump_data_version(session, municipality)
    changes: Changes = {}
    for new_row in new_rows:
        record(
            changes,
            municipality,
            unit_code=new_row["unit_code"],
            measure_code=new_row["measure_code"],
            period=new_row["period"],
            created=1,
        )
    for old, _ in revisions:
        record(
            changes,
            municipality,
            unit_code=old.unit_code,
            measure_code=old.measure_code,
            period=old.period,
            revised=1,
        )
    await emit_changes(session, changes, source="local", batch_id=str(batch_id))
    await session.refresh(batch)
    out = BatchOut(
        id=batch.id,
        municipality_code=municipality,
        kind=batch.kind,
        state=batch.state,
        row_count=batch.row_count,
        created=len(new_rows),
        revised=len(revisions),
        unchanged=unchanged,
        suppressed=sum(1 for r in new_rows if r["status"] == "suppressed")
        + sum(1 for _, c in revisions if c["status"] == "suppressed"),
        created_at=batch.created_at,
        data_version=version,
    )
    await repository.set_batch_response(session, batch, 201, out.model_dump(mode="json"))
    return out


def _conflict(row: int, given: Decimal | None, stored: Decimal | None) -> FieldError:
    return _error(
        row,
        "value",
        str(given),
        message("problem.ingest.differs_from_stored_final_value", stored=stored),
        "conflicts_with_final",
    )


async def _store_bulk(
    session: AsyncSession,
    payload: BatchIn,
    rows: list[tuple[int, ObservationKey, Period, ObservationIn]],
    errors: list[FieldError],
    *,
    municipality: str,
    principal: Principal,
    idempotency_key: str | None,
    digest: str,
    batch_id: uuid.UUID,
) -> BatchOut:
    """A large batch, validated the same way, stored like an upload: COPY into the staging
    table, then one set-based upsert that keeps every replaced content as a revision."""
    await bulk.create_stage(session)
    await bulk.copy_lines(
        session,
        (
            "".join(
                bulk.copy_line(
                    (
                        municipality,
                        key[0],
                        obs.measure_code,
                        str(period),
                        period.start,
                        period.end,
                        obs.gender,
                        content["value"],
                        content["numerator"],
                        content["denominator"],
                        content["respondents"],
                        content["status"],
                        row,
                        None,
                    )
                )
                for row, key, period, obs in rows[start : start + 5000]
                for content in (_row_content(obs),)
            )
            for start in range(0, len(rows), 5000)
        ),
    )
    if payload.mode != "revise":
        given = {row: obs.value for row, _, _, obs in rows}
        errors.extend(
            _conflict(row, given[row], stored)
            for row, stored in await repository.stage_conflicts_with_final(session)
        )
    if errors:
        raise Unprocessable(
            message("problem.ingest.batch_was_rejected_problem_s", count_errors=len(errors)),
            errors=errors,
        )
    batch = await repository.add_batch(
        session,
        IngestBatch(
            id=batch_id,
            municipality_code=municipality,
            kind="json",
            api_key_id=principal.key_id,
            idempotency_key=idempotency_key,
            request_hash=digest,
            state="completed",
            row_count=len(payload.observations),
        ),
    )
    counts = await bulk.merge_stage(
        session, source="local", staged=len(rows), batch_id=batch_id, sent_by=principal.key_id
    )
    version = await repository.bump_data_version(session, municipality)
    await emit_changes(session, counts.changes, source="local", batch_id=str(batch_id))
    await session.refresh(batch)
    out = BatchOut(
        id=batch.id,
        municipality_code=municipality,
        kind=batch.kind,
        state=batch.state,
        row_count=batch.row_count,
        created=counts.created,
        revised=counts.revised,
        unchanged=counts.unchanged,
        suppressed=await repository.count_suppressed(session, batch_id),
        created_at=batch.created_at,
        data_version=version,
    )
    await repository.set_batch_response(session, batch, 201, out.model_dump(mode="json"))
    return out


async def list_batches(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    limit: int,
    offset: int,
) -> tuple[list[BatchSummaryOut], int]:
    """Batches of every municipality the caller may see (each of a cooperation's), or of the
    one asked for."""
    if municipality_code is not None:
        wanted: list[str] | None = [principal.tenant(municipality_code)]
    else:
        visible = principal.visible_municipalities
        wanted = None if visible is None else sorted(visible)
    batches, total = await repository.list_batches(
        session, municipalities=wanted, limit=limit, offset=offset
    )
    return [BatchSummaryOut.model_validate(b) for b in batches], total


async def get_batch(
    session: AsyncSession, batch_id: uuid.UUID, *, principal: Principal
) -> BatchOut:
    batch = await repository.get_batch(session, batch_id)
    if (
        batch is None
        or not principal.can_see(batch.municipality_code)
        or batch.response_body is None
    ):
        raise NotFound(message("problem.ingest.no_batch", batch_id=batch_id))
    return BatchOut.model_validate(batch.response_body)
