"""Prize schemes: per municipality and year, the candidates, criteria, method and prize."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.awards.audit.service import record
from services.awards.scheme import repository
from services.awards.scheme.schemas import SchemeIn, SchemeOut
from shared.auth import Principal
from shared.errors import Conflict, NotFound
from shared.i18n import message
from shared.models import AwardScheme
from shared.money import from_ore, to_ore
from shared.pagination import Page, PageParams


def to_out(scheme: AwardScheme) -> SchemeOut:
    return SchemeOut.model_validate(
        {
            "id": scheme.id,
            "municipality_code": scheme.municipality_code,
            "year": scheme.year,
            "code": scheme.code,
            "title": scheme.title,
            "candidates": scheme.candidates,
            "prize_amount": from_ore(scheme.prize_amount_ore, "kr"),
            "unit": "kr",
            "specification": scheme.specification,
            "created_at": scheme.created_at,
        }
    )


async def create_scheme(
    session: AsyncSession, payload: SchemeIn, *, principal: Principal
) -> SchemeOut:
    municipality = principal.tenant(payload.municipality_code)
    scheme = await repository.insert_new(
        session,
        AwardScheme(
            id=uuid.uuid4(),
            municipality_code=municipality,
            year=payload.year,
            code=payload.code,
            title=payload.title,
            candidates=payload.candidates,
            prize_amount_ore=to_ore(payload.prize_amount, payload.unit),
            specification=payload.specification.model_dump(mode="json"),
        ),
    )
    if scheme is None:
        raise Conflict(
            message(
                "problem.awards.scheme_already_exists_scheme_fixed",
                code=payload.code,
                year=payload.year,
                municipality=municipality,
            )
        )
    await record(
        session,
        principal=principal,
        municipality_code=municipality,
        entity="scheme",
        entity_id=scheme.id,
        action="created",
        details={"code": scheme.code, "year": scheme.year},
    )
    return to_out(scheme)


async def load_scheme(
    session: AsyncSession, scheme_id: uuid.UUID, *, principal: Principal
) -> AwardScheme:
    scheme = await repository.get(session, scheme_id)
    if scheme is None or not principal.can_see(scheme.municipality_code):
        raise NotFound(message("problem.awards.no_scheme", scheme_id=scheme_id))
    return scheme


async def get_scheme(
    session: AsyncSession, scheme_id: uuid.UUID, *, principal: Principal
) -> SchemeOut:
    return to_out(await load_scheme(session, scheme_id, principal=principal))


async def list_schemes(
    session: AsyncSession,
    *,
    principal: Principal,
    municipality_code: str | None,
    year: int | None,
    page: PageParams,
) -> Page[SchemeOut]:
    municipality = principal.tenant(municipality_code)
    items, total = await repository.page(
        session, municipality_code=municipality, year=year, limit=page.limit, offset=page.offset
    )
    return Page[SchemeOut](
        items=[to_out(s) for s in items], total=total, limit=page.limit, offset=page.offset
    )
