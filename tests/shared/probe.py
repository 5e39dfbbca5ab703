"""A small service built with the real factory, to test the shared HTTP contract in isolation
from any one service's features (the same middleware, handlers, auth and database)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, FastAPI, Query, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text

from shared.app import create_service_app, service_router
from shared.auth import Principal, require
from shared.db import Database, SessionDep
from shared.errors import Conflict
from shared.i18n import message
from shared.pagination import Page, PageDep
from shared.schemas import InputModel, OutputModel
from shared.settings import Settings

TRACE_MARKER = "probe-secret-internal-detail"


class ThingIn(InputModel):
    name: str = Field(min_length=1, max_length=40)
    count: int = Field(ge=0)
    municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$")


class ThingOut(OutputModel):
    id: uuid.UUID
    name: str
    count: int
    municipality_code: str


router = service_router(prefix="/v1/things", tags=["things"])
Writer = Annotated[Principal, Depends(require("indicators:write"))]
Reader = Annotated[Principal, Depends(require("indicators:read"))]

# The probe keeps its objects in memory: what is under test is the HTTP contract around them.
_THINGS: dict[uuid.UUID, ThingOut] = {}


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ThingOut)
async def create_thing(payload: ThingIn, principal: Writer) -> ThingOut:
    if payload.name == "taken":
        raise Conflict(message("problem.refused", reason="A thing named 'taken' already exists"))
    thing = ThingOut(
        id=uuid.uuid4(),
        name=payload.name,
        count=payload.count,
        municipality_code=principal.tenant(payload.municipality_code),
    )
    _THINGS[thing.id] = thing
    return thing


@router.get("", response_model=Page[ThingOut])
async def list_things(principal: Reader, page: PageDep) -> Page[ThingOut]:
    items = [t for t in _THINGS.values() if principal.can_see(t.municipality_code)]
    return Page(
        items=items[page.offset : page.offset + page.limit],
        total=len(items),
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{thing_id}", response_model=ThingOut)
async def get_thing(thing_id: uuid.UUID, principal: Reader) -> ThingOut:
    from shared.errors import NotFound

    thing = _THINGS.get(thing_id)
    if thing is None:
        raise NotFound(message("problem.refused", reason=f"No thing {thing_id}"))
    principal.require_municipality(thing.municipality_code)
    return thing


@router.post("/uploads", status_code=status.HTTP_202_ACCEPTED)
async def create_upload(principal: Writer, size: Annotated[int, Query(ge=0)] = 0) -> dict[str, int]:
    return {"size": size}


ops = service_router(prefix="/v1/probe", tags=["probe"])


@ops.get("/boom")
async def get_boom() -> dict[str, str]:
    raise RuntimeError(TRACE_MARKER)


@ops.get("/database")
async def get_database_time(session: SessionDep) -> dict[str, str]:
    value = (await session.execute(text("SELECT now()::text"))).scalar_one()
    return {"now": str(value)}


class StoreIn(BaseModel):
    """Not an InputModel on purpose: InputModel refuses a NUL before the database sees it, and
    this route checks the database's own refusals."""

    model_config = ConfigDict(extra="forbid")

    text: str
    small: int
    conflict: bool = False


@ops.post("/store")
async def create_stored(payload: StoreIn, session: SessionDep) -> dict[str, str]:
    """Hands values to PostgreSQL unchecked: the database's refusals must not become 500s."""
    if payload.conflict:
        await session.execute(
            text("DO $$ BEGIN RAISE unique_violation USING MESSAGE = 'duplicate thing'; END $$")
        )
    row = (
        await session.execute(
            text("SELECT CAST(:t AS text), CAST(:n AS smallint)"),
            {"t": payload.text, "n": payload.small},
        )
    ).one()
    return {"text": str(row[0]), "small": str(row[1])}


@ops.post("/echo")
async def create_echo(payload: ThingIn) -> ThingIn:
    return payload


def create_probe_app(settings: Settings, *, database: Database | None = None) -> FastAPI:
    return create_service_app(
        service="ingest",
        title="probe",
        description="test probe",
        routers=[router, ops],
        settings=settings,
        database=database,
        upload_suffixes=("/uploads",),
    )
