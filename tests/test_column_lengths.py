"""Every value the code writes into a bounded string column fits it.

`kolada_sync_chunk.kind` was varchar(24) while the planner wrote 'catalogue:municipality_groups'
(29 characters): every sync refreshing the catalogue crashed. The values a column can get are
collected from everywhere the code names them, and each is compared with every String(n) /
CHAR(n) column of that name in the models:

- a CHECK constraint `<column> IN (...)` of the table,
- a `Literal[...]` of an input/output model field of that name (services and shared),
- a module constant tuple whose name ends in the column's plural (`FUND_KINDS`, `CHUNK_KINDS`),
- a string constant the source passes as `<column>="..."`, assigns as `x.<column> = "..."` or
  writes as `{"<column>": "..."}`, and `__version__` for `code_version`.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import types
import typing
from collections import defaultdict

from pydantic import BaseModel
from sqlalchemy import CheckConstraint, String, Table

import services
import shared
from shared import __version__
from shared.models import Base
from shared.settings import REPO_ROOT

ROOTS = (REPO_ROOT / "services", REPO_ROOT / "shared")
_IN_LIST = re.compile(r"^\s*(\w+)\s+IN\s*\(([^)]*)\)\s*$", re.IGNORECASE)


def _bounded_columns() -> dict[str, list[tuple[str, int]]]:
    """column name → [(table.column, length)] for every String(n)/CHAR(n) column."""
    found: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for table in Base.metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, String) and column.type.length:
                found[column.name].append((f"{table.name}.{column.name}", column.type.length))
    return found


def _check_values() -> dict[str, dict[str, set[str]]]:
    """table → column → the values its CHECK ... IN (...) allows."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            if not isinstance(constraint, CheckConstraint):
                continue
            match = _IN_LIST.match(str(constraint.sqltext))
            if match:
                values = re.findall(r"'([^']*)'", match[2])
                found[table.name][match[1]].update(values)
    return found


def _modules() -> list[types.ModuleType]:
    loaded = []
    for package in (services, shared):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" in info.name:
                continue
            loaded.append(importlib.import_module(info.name))
    return loaded


def _literal_strings(annotation: object) -> set[str]:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return {a for a in typing.get_args(annotation) if isinstance(a, str)}
    return {v for arg in typing.get_args(annotation) for v in _literal_strings(arg)}


def _owner(module: str) -> str:
    """The service a module belongs to ('ingest' for services.ingest.… and shared.contracts.
    ingest), 'shared' for the rest of shared/."""
    parts = [*module.split("."), ""]
    if parts[0] == "services":
        return parts[1]
    if parts[:2] in (["shared", "contracts"], ["shared", "models"]):
        return parts[2]
    return "shared"


def _tables_of(module: str) -> list[Table]:
    """The tables of the service a module belongs to (shared/'s own: events and api keys)."""
    owner = _owner(module)
    owners = {"events", "auth"} if owner == "shared" else {owner}
    return [
        m.local_table
        for m in Base.registry.mappers
        if isinstance(m.local_table, Table) and _owner(m.class_.__module__) in owners
    ]


def _literals_and_constants() -> dict[tuple[str, str], dict[str, set[str]]]:
    """(table, column) → where → values: the Literal fields of each API model, on the tables
    of the same service whose columns share the most names with the model's fields; and the
    module constant tuples next to a table whose name ends in a column's plural (FUND_KINDS)."""
    found: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for module in _modules():
        tables = _tables_of(module.__name__)
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, BaseModel):
                if value.__module__ != module.__name__ or not tables:
                    continue
                fields = set(value.model_fields)
                best = max(len(fields & set(t.columns.keys())) for t in tables)
                for table in tables:
                    if best < 2 or len(fields & set(table.columns.keys())) < best:
                        continue
                    for field_name, info in value.model_fields.items():
                        strings = _literal_strings(info.annotation)
                        if strings and field_name in table.columns:
                            where = f"{module.__name__}.{name}.{field_name}"
                            found[(table.name, field_name)][where] |= strings
            elif isinstance(value, tuple | frozenset) and name.isupper():
                if not module.__name__.startswith("shared.models."):
                    continue
                strings = {v for v in value if isinstance(v, str)}
                for table in _tables_in(module.__name__):
                    for column in table.columns:
                        if strings and name.endswith(column.name.upper() + "S"):
                            found[(table.name, column.name)][f"{module.__name__}.{name}"] |= strings
    return found


def _tables_in(module: str) -> list[Table]:
    return [
        m.local_table
        for m in Base.registry.mappers
        if m.class_.__module__ == module and isinstance(m.local_table, Table)
    ]


def _source_writes() -> dict[tuple[str, str], dict[str, set[str]]]:
    """(table, column) → file:line → string constants the source passes to a model's
    constructor (`KoladaSyncJob(state="pending")`)."""
    found: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    models = {m.class_.__name__: m.local_table for m in Base.registry.mappers}
    for root in ROOTS:
        for path in root.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                table = models.get(node.func.id)
                if not isinstance(table, Table):
                    continue
                for keyword in node.keywords:
                    value = keyword.value
                    if (
                        keyword.arg is not None
                        and keyword.arg in table.columns
                        and isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                    ):
                        where = f"{path.relative_to(REPO_ROOT)}:{node.lineno}"
                        found[(table.name, keyword.arg)][where].add(value.value)
    return found


def _too_long() -> list[str]:
    checks = _check_values()
    sources: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for found in (_literals_and_constants(), _source_writes()):
        for key, places in found.items():
            for where, values in places.items():
                sources[key][where] |= values
    problems = []
    for column, targets in _bounded_columns().items():
        for qualified, length in targets:
            table = qualified.split(".")[0]
            places = {f"CHECK on {table}": checks[table][column], **sources[(table, column)]}
            if column == "code_version":
                places["shared.__version__"] = {__version__}
            for where, values in places.items():
                problems += [
                    f"{qualified} is {length} long; {where} writes {value!r} ({len(value)})"
                    for value in values
                    if len(value) > length
                ]
    return sorted(problems)


def test_every_value_the_code_writes_fits_its_column() -> None:
    assert _too_long() == []


def test_the_sweep_would_have_caught_varchar_24() -> None:
    """The collection finds the values that crashed the nightly sync, and the old length fails."""
    column = Base.metadata.tables["kolada_sync_chunk"].columns["kind"]
    original = column.type
    column.type = String(24)
    try:
        assert any(
            p.startswith("kolada_sync_chunk.kind is 24 long") and "municipality_groups" in p
            for p in _too_long()
        )
    finally:
        column.type = original


def test_the_sweep_reads_literals_constructors_and_constants() -> None:
    """A sweep that found nothing would pass trivially: each source yields known values."""
    literals = _literals_and_constants()
    assert {"full", "incremental"} <= literals[("kolada_sync_job", "mode")][
        "services.ingest.kolada.schemas.SyncIn.mode"
    ]
    assert "improvement_projects" in literals[("fund", "kind")]["shared.models.budget.FUND_KINDS"]
    writes = _source_writes()
    assert "pending" in set().union(*writes[("kolada_sync_job", "state")].values())
    assert len(literals) + len(writes) > 20
