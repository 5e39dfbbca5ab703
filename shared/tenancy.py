"""Who owns a definition, who may see it and who may change it.

Every definition (measure, indicator and its versions, org unit, scorecard, target, goal,
award scheme, grant rule set …) has an owner: `None` for a national definition, else the
municipality that made it. The one rule, used by every repository/service that loads a
definition:

- a national definition is read by everyone and written by national keys only;
- a municipality's own definition is written only by that municipality (or a cooperation
  it belongs to) and read by others only when it is published as `shared`;
- anything the caller may not read or write is absent (404), never forbidden, so a
  private definition's existence does not leak.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Insert, event, false, or_, true
from sqlalchemy.orm import ORMExecuteState, Session

from shared.auth import Principal
from shared.errors import FieldError, NotFound, Unprocessable
from shared.i18n import message


def owner_for_new(principal: Principal) -> str | None:
    """The owner of a definition the principal creates: its home municipality, or national."""
    return principal.municipality_code


def may_write(principal: Principal, owner: str | None) -> bool:
    if owner is None:
        return principal.is_national
    return principal.can_see(owner)


def may_read(principal: Principal, owner: str | None, shared: bool = False) -> bool:
    return owner is None or shared or principal.can_see(owner)


def visible_to(municipalities: Iterable[str] | None, model: Any) -> ColumnElement[bool]:
    """SQL: the rows of an owned model (with `municipality_code` and `shared`) that the
    given municipalities may read; None = every row (a national caller)."""
    if municipalities is None:
        return true()
    codes = sorted(set(municipalities))
    return or_(
        model.municipality_code.is_(None),
        model.shared.is_(True),
        model.municipality_code.in_(codes) if codes else false(),
    )


def readable(principal: Principal, model: Any) -> ColumnElement[bool]:
    """SQL: the rows of an owned model this principal may read."""
    return visible_to(principal.visible_municipalities, model)


def require_writable(principal: Principal, owner: str | None, what: str) -> None:
    """Another owner's definition is absent for a write, whether or not it can be read."""
    if not may_write(principal, owner):
        raise NotFound(message("problem.shared.no_key_may_change", what=what))


RIKET = "0000"
# Tables where riket is bookkeeping, not a tenant: Kolada's national values and what follows
# them, and the audit trail, which files what national keys do to national definitions
# under 0000.
RIKET_DATA_TABLES = frozenset(
    {
        "observation",
        "data_version",
        "event_outbox",
        "kolada_sync_chunk",
        "award_audit",
        "budget_audit",
    }
)


def _riket() -> Unprocessable:
    return Unprocessable(
        message("problem.shared.riket_kolada_s_national_total"),
        errors=[
            FieldError(
                loc=["municipality_code"],
                field="municipality_code",
                value=RIKET,
                message=message("problem.shared.riket_tenant"),
                code="riket",
            )
        ],
    )


def writable(municipality: str) -> str:
    """The municipality a write acts on, refused before any work when it is riket (a write
    that checks a whole file first would otherwise answer about the file)."""
    if municipality == RIKET:
        raise _riket()
    return municipality


def _nothing_added_for_riket(session: Session, _context: object, _instances: object) -> None:
    """Every row added to a session: riket (0000) is not a tenant."""
    for obj in session.new:
        if getattr(obj, "__tablename__", None) in RIKET_DATA_TABLES:
            continue
        if getattr(obj, "municipality_code", None) == RIKET:
            raise _riket()


def _nothing_inserted_for_riket(state: ORMExecuteState) -> None:
    """Every INSERT (upsert) a session executes, with its rows as values or parameters."""
    statement = state.statement
    if not isinstance(statement, Insert):
        return
    table = statement.table
    if table.name in RIKET_DATA_TABLES or "municipality_code" not in table.c:
        return
    given = state.parameters
    rows: list[Any] = [given] if isinstance(given, dict) else list(given or [])
    rows = [row for row in rows if isinstance(row, dict)]
    if rows:
        # An executemany (ORM bulk insert): the rows are the parameters, and the statement
        # cannot be compiled outside its execution.
        if any(row.get("municipality_code") == RIKET for row in rows):
            raise _riket()
        return
    bound = statement.compile().params
    if any(key.startswith("municipality_code") and value == RIKET for key, value in bound.items()):
        raise _riket()


def install() -> None:
    """Guard every session of this process (idempotent; called when a service app starts)."""
    if not event.contains(Session, "before_flush", _nothing_added_for_riket):
        event.listen(Session, "before_flush", _nothing_added_for_riket)
    if not event.contains(Session, "do_orm_execute", _nothing_inserted_for_riket):
        event.listen(Session, "do_orm_execute", _nothing_inserted_for_riket)
