from __future__ import annotations

import hashlib
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.unit import repository
from services.indicators.unit.schemas import MembershipOut, MoveIn, UnitIn, UnitOut, UnitUpdate
from shared.auth import Principal
from shared.errors import (
    Conflict,
    FieldError,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    Unprocessable,
)
from shared.http_cache import version_matches
from shared.i18n import message
from shared.models import OrgUnit, UnitMembership
from shared.pagination import Page, PageParams


async def create_unit(session: AsyncSession, payload: UnitIn, *, principal: Principal) -> UnitOut:
    municipality = principal.tenant(payload.municipality_code)
    if payload.opened_on and payload.closed_on and payload.closed_on < payload.opened_on:
        raise Unprocessable(
            message("problem.indicators.unit_close_before_opens"),
            errors=[
                FieldError(
                    loc=["body", "closed_on"],
                    field="closed_on",
                    value=str(payload.closed_on),
                    message=message("problem.indicators.before_opened"),
                )
            ],
        )
    if await repository.find(session, municipality, payload.code) is not None:
        raise Conflict(
            message(
                "problem.indicators.unit_already_exists",
                code=payload.code,
                municipality=municipality,
            )
        )
    unit = await repository.add(
        session,
        OrgUnit(
            **payload.model_dump(exclude={"municipality_code"}), municipality_code=municipality
        ),
    )
    await repository.add_membership(
        session,
        UnitMembership(
            municipality_code=municipality,
            unit_code=unit.code,
            area=unit.area,
            valid_from=unit.opened_on or date(1900, 1, 1),
            valid_to=unit.closed_on,
        ),
    )
    return UnitOut.model_validate(unit)


async def get_unit(
    session: AsyncSession, code: str, *, principal: Principal, municipality_code: str | None
) -> UnitOut:
    municipality = principal.tenant(municipality_code)
    unit = await repository.find(session, municipality, code)
    if unit is None:
        raise NotFound(
            message("problem.indicators.no_unit_in", code=code, municipality=municipality)
        )
    return UnitOut.model_validate(unit)


async def list_units(
    session: AsyncSession, *, principal: Principal, municipality_code: str | None, page: PageParams
) -> Page[UnitOut]:
    # A national key that names none lists every municipality; any other caller gets the
    # one it names (a cooperation partner included) or its own.
    scope = (
        None
        if municipality_code is None and principal.is_national
        else principal.tenant(municipality_code)
    )
    units, total = await repository.list_units(session, scope, limit=page.limit, offset=page.offset)
    return Page[UnitOut](
        items=[UnitOut.model_validate(u) for u in units],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def move_unit(
    session: AsyncSession,
    code: str,
    payload: MoveIn,
    *,
    principal: Principal,
    municipality_code: str | None,
) -> list[MembershipOut]:
    """Move a unit to another area from a date; the history keeps where it was before."""
    municipality = principal.tenant(municipality_code)
    unit = await repository.find(session, municipality, code)
    if unit is None:
        raise NotFound(
            message("problem.indicators.no_unit_in", code=code, municipality=municipality)
        )
    history = await repository.memberships(session, municipality, code)
    if not history:
        history = [
            await repository.add_membership(
                session,
                UnitMembership(
                    municipality_code=municipality,
                    unit_code=code,
                    area=unit.area,
                    valid_from=unit.opened_on or date(1900, 1, 1),
                ),
            )
        ]
    current = history[-1]
    if payload.on <= current.valid_from:
        raise Unprocessable(
            message("problem.indicators.move_come_after_unit_s"),
            errors=[
                FieldError(
                    loc=["body", "on"],
                    field="on",
                    value=str(payload.on),
                    message=message(
                        "problem.indicators.before_when_joined",
                        valid_from=current.valid_from,
                        area=current.area,
                    ),
                )
            ],
        )
    if payload.area == current.area:
        raise Conflict(message("problem.indicators.unit_already", code=code, area=payload.area))
    current.valid_to = payload.on - timedelta(days=1)
    unit.area = payload.area
    await repository.add_membership(
        session,
        UnitMembership(
            municipality_code=municipality,
            unit_code=code,
            area=payload.area,
            valid_from=payload.on,
            valid_to=unit.closed_on,
        ),
    )
    return await unit_history(session, code, principal=principal, municipality_code=municipality)


async def unit_history(
    session: AsyncSession, code: str, *, principal: Principal, municipality_code: str | None
) -> list[MembershipOut]:
    municipality = principal.tenant(municipality_code)
    if await repository.find(session, municipality, code) is None:
        raise NotFound(
            message("problem.indicators.no_unit_in", code=code, municipality=municipality)
        )
    return [
        MembershipOut.model_validate(m)
        for m in await repository.memberships(session, municipality, code)
    ]


def etag(unit: OrgUnit | UnitOut) -> str:
    """Units carry no version column; the ETag is a digest of what a client can change."""
    title = unit.title_sv if isinstance(unit, UnitOut) else unit.title
    state = "|".join(
        str(v)
        for v in (
            title,
            *([unit.title_en] if unit.title_en else []),
            unit.unit_type,
            unit.area,
            unit.kolada_ou_id,
            unit.opened_on,
            unit.closed_on,
        )
    )
    return '"' + hashlib.sha256(state.encode()).hexdigest()[:20] + '"'


async def update_unit(
    session: AsyncSession,
    code: str,
    payload: UnitUpdate,
    *,
    principal: Principal,
    municipality_code: str | None,
    if_match: str | None,
) -> UnitOut:
    """Rename, retype, reopen or close a unit (If-Match required)."""
    municipality = principal.tenant(municipality_code)
    unit = await repository.find(session, municipality, code)
    if unit is None:
        raise NotFound(
            message("problem.indicators.no_unit_in", code=code, municipality=municipality)
        )
    if if_match is None:
        raise PreconditionRequired(
            message("problem.indicators.send_if_match_change_unit", unit=etag(unit), code=code)
        )
    if not version_matches(if_match, etag(unit)):
        raise PreconditionFailed(
            message("problem.indicators.unit_changed_current_etag", code=code, unit=etag(unit))
        )
    errors = []
    if payload.area != unit.area:
        errors.append(
            FieldError(
                loc=["body", "area"],
                field="area",
                value=payload.area,
                message=message("problem.indicators.move_unit_instead_post_v", code=code),
            )
        )
    if payload.opened_on and payload.closed_on and payload.closed_on < payload.opened_on:
        errors.append(
            FieldError(
                loc=["body", "closed_on"],
                field="closed_on",
                value=str(payload.closed_on),
                message=message("problem.indicators.before_opened"),
            )
        )
    if errors:
        raise Unprocessable(message("problem.indicators.unit_changed"), errors=errors)
    for key, value in payload.model_dump(exclude={"area"}).items():
        setattr(unit, key, value)
    history = await repository.memberships(session, municipality, code)
    if history:
        history[-1].valid_to = payload.closed_on
    await session.flush()
    return UnitOut.model_validate(unit)
