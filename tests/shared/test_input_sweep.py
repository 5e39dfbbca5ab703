"""Sweeps over every operation of every service's OpenAPI document: what a client may not send
is refused the same way everywhere, so a route or field added later is covered without anyone
remembering to. A personnummer in any string of any body or query string (422 naming it, the
number not echoed, nothing stored), a number where a boolean, date or text belongs, an integer
id beyond a bigint."""

from __future__ import annotations

import json
import typing
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.schemas import InputModel
from shared.settings import SERVICES, ServiceName
from tests.conftest import MakeKey
from tests.helpers import TEST_HOSTS
from tests.shared.openapi_bodies import (
    Operation,
    Path,
    Schema,
    example,
    operations,
    replaced,
    resolve,
    scalar_paths,
)
from tests.shared.problem_language import languages
from tests.shared.rows import row_counts

PERSONNUMMER = "19121212-1212"
FORMS = ("Brukaren 19121212-1212 var nöjd", "121212-1212", "191212121212", "1212121212")
DIGITS = "1212121212"

# Bodies whose fields are valid one by one but break a rule across fields in the generated
# example: the smallest change that makes them valid (checked by `valid_body`). A model with
# its own example (shared.schemas.example) needs none.
OVERRIDES: dict[tuple[str, str, str], dict[Path, Any]] = {
    ("budget", "post", "/v1/operating-budgets"): {("tertial",): None},
    ("budget", "post", "/v1/efficiency"): {("net_cost_from",): None},
    ("indicators", "post", "/v1/targets"): {("upper_value",): None, ("scope_type",): "unit"},
    ("indicators", "put", "/v1/targets/{target_id}"): {
        ("upper_value",): None,
        ("scope_type",): "unit",
    },
}


def valid_body(op: Operation, schema: Schema, components: Schema) -> Any:
    """The operation's example body, proven valid by the route's own body model."""
    body = example(schema, components)
    for path, value in OVERRIDES.get((op.service, op.method, op.path), {}).items():
        body = replaced(body, path, value)
    _, errors = op.route.body_field.validate(body, {}, loc=("body",))  # type: ignore[union-attr]
    assert not errors, f"{op.name}: the generated body is invalid: {errors}"
    return body


def _service_ops(apps: dict[str, FastAPI], service: ServiceName) -> list[tuple[Operation, Schema]]:
    return [(op, c) for op, c in operations({service: apps[service]})]


def _http(apps: dict[str, FastAPI], service: ServiceName, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=apps[service]),
        base_url=TEST_HOSTS[service],
        headers={"Authorization": f"Bearer {token}", "If-Match": '"0.v1"'},
    )


def _names(problem: dict[str, Any]) -> list[list[Any]]:
    return [e["loc"] for e in problem.get("errors", [])]


def _named(problem: dict[str, Any], loc: list[Any]) -> bool:
    """Whether an error names the place: its loc, with a tagged union's tag between (loc
    ['body', 'amount', 'fixed', 'unit'] for body.amount.unit), or the tagged object itself
    when the tag is what is wrong."""
    for given in _names(problem):
        if given == loc or (given == loc[:-1] and loc[-1] in {"kind", "type"}):
            return True
        if len(given) == len(loc) + 1 and [*given[:-2], given[-1]] == loc:
            return True
    return False


def _is_free_text(schema: Schema) -> bool:
    return schema.get("type") == "string" and "enum" not in schema and "format" not in schema


@pytest.mark.parametrize("service", SERVICES)
async def test_a_personnummer_is_refused_in_every_string_of_every_body(
    service: ServiceName, apps: dict[str, FastAPI], make_key: MakeKey, connection: AsyncConnection
) -> None:
    failures: list[str] = []
    swept = 0
    async with _http(apps, service, await make_key()) as http:
        for op, components in _service_ops(apps, service):
            schema = op.json_schema(components)
            if schema is None:
                continue
            body = valid_body(op, schema, components)
            for n, (path, leaf) in enumerate(scalar_paths(schema, body, components)):
                if leaf.get("type") != "string":
                    continue
                swept += 1
                value = FORMS[n % len(FORMS)] if _is_free_text(leaf) else PERSONNUMMER
                before = await row_counts(connection)
                response = await http.request(op.method, op.url(), json=replaced(body, path, value))
                where = f"{op.name} body.{'.'.join(map(str, path))}"
                failures += await languages(http, response, where)
                if response.status_code != 422:
                    failures.append(f"{where}: {response.status_code} {response.text[:200]}")
                    continue
                problem = response.json()
                if not _named(problem, ["body", *path]):
                    failures.append(f"{where}: 422 not naming the field: {_names(problem)}")
                if _is_free_text(leaf) and not any(
                    e.get("code") == "personal_data" for e in problem["errors"]
                ):
                    failures.append(f"{where}: not refused as personal data: {problem}")
                if DIGITS[:6] in response.text.replace("-", ""):
                    failures.append(f"{where}: the number is echoed: {response.text[:300]}")
                if await row_counts(connection) != before:
                    failures.append(f"{where}: something was stored")
    assert not failures, "\n".join(failures)
    assert swept > 0


def _query_parameters(op: Operation, components: Schema) -> list[tuple[str, Schema, bool]]:
    found = []
    for param in op.operation.get("parameters", []):
        if param["in"] == "query":
            schema = resolve(param.get("schema", {}), components)
            found.append((param["name"], schema, bool(param.get("required"))))
    return found


def _required_query(op: Operation, components: Schema) -> dict[str, str]:
    return {
        name: str(example(schema, components))
        for name, schema, required in _query_parameters(op, components)
        if required
    }


@pytest.mark.parametrize("service", SERVICES)
async def test_a_personnummer_is_refused_in_every_query_parameter(
    service: ServiceName, apps: dict[str, FastAPI], make_key: MakeKey, connection: AsyncConnection
) -> None:
    failures: list[str] = []
    swept = 0
    async with _http(apps, service, await make_key()) as http:
        for op, components in _service_ops(apps, service):
            for name, _schema, _required in _query_parameters(op, components):
                swept += 1
                params = {**_required_query(op, components), name: PERSONNUMMER}
                before = await row_counts(connection)
                response = await http.request(op.method, op.url(), params=params)
                where = f"{op.name} ?{name}"
                failures += await languages(http, response, where)
                if response.status_code != 422:
                    failures.append(f"{where}: {response.status_code} {response.text[:200]}")
                elif not _named(response.json(), ["query", name]):
                    failures.append(f"{where}: not naming it: {_names(response.json())}")
                if DIGITS[:6] in response.text.replace("-", ""):
                    failures.append(f"{where}: the number is echoed")
                if await row_counts(connection) != before:
                    failures.append(f"{where}: something was stored")
    assert not failures, "\n".join(failures)
    assert swept > 0


# What each JSON type must not be turned into: a number is no date, boolean or text, and text
# or a fraction is no integer; nor is an integer beyond a bigint stored.
COERCIONS: dict[str, tuple[Any, ...]] = {
    "boolean": (0, 1, "true"),
    "integer": ("1", 1.0, 2**63, -(2**64)),
    "date": (0, 20240301),
    "text": (0, 12.5),
}


def _coercion_kind(schema: Schema) -> str | None:
    kind = schema.get("type")
    if kind == "boolean" or kind == "integer":
        return str(kind)
    if kind == "string" and schema.get("format") in {"date", "date-time"}:
        return "date"
    return "text" if kind == "string" and "format" not in schema else None


@pytest.mark.parametrize("service", SERVICES)
async def test_no_value_of_another_json_type_is_converted_nor_beyond_a_bigint_taken(
    service: ServiceName, apps: dict[str, FastAPI], make_key: MakeKey, connection: AsyncConnection
) -> None:
    failures: list[str] = []
    swept = 0
    async with _http(apps, service, await make_key()) as http:
        for op, components in _service_ops(apps, service):
            schema = op.json_schema(components)
            if schema is None:
                continue
            body = valid_body(op, schema, components)
            for path, leaf in scalar_paths(schema, body, components):
                kind = _coercion_kind(leaf)
                if kind is None:
                    continue
                swept += 1
                for wrong in COERCIONS[kind]:
                    before = await row_counts(connection)
                    response = await http.request(
                        op.method, op.url(), json=replaced(body, path, wrong)
                    )
                    where = f"{op.name} body.{'.'.join(map(str, path))} = {json.dumps(wrong)}"
                    failures += await languages(http, response, where)
                    if response.status_code != 422:
                        failures.append(f"{where}: {response.status_code} {response.text[:200]}")
                    elif not _named(response.json(), ["body", *path]):
                        failures.append(f"{where}: not naming it: {_names(response.json())}")
                    if await row_counts(connection) != before:
                        failures.append(f"{where}: something was stored")
    assert not failures, "\n".join(failures)
    assert swept > 0


BEYOND_BIGINT = ("9223372036854775808", "36893488147419103232", "0", "-1")


@pytest.mark.parametrize("service", SERVICES)
async def test_an_integer_parameter_beyond_its_range_is_refused_before_any_sql(
    service: ServiceName, apps: dict[str, FastAPI], make_key: MakeKey
) -> None:
    failures: list[str] = []
    async with _http(apps, service, await make_key()) as http:
        for op, components in _service_ops(apps, service):
            for param in op.operation.get("parameters", []):
                schema = resolve(param.get("schema", {}), components)
                kinds = {schema.get("type")} | {
                    resolve(s, components).get("type") for s in schema.get("anyOf", [])
                }
                if "integer" not in kinds or param["in"] not in {"path", "query"}:
                    continue
                for wrong in BEYOND_BIGINT:
                    url, params = op.url(), _required_query(op, components)
                    if param["in"] == "path":
                        url = op.path.replace("{" + param["name"] + "}", wrong)
                        url = Operation(
                            op.service, op.method, url, op.operation, op.route, components
                        ).url()
                    else:
                        params[param["name"]] = wrong
                    response = await http.request(op.method, url, params=params)
                    where = f"{op.name} {param['in']} {param['name']}={wrong}"
                    failures += await languages(http, response, where)
                    text_ = response.text.lower()
                    if wrong in {"0", "-1"} and schema.get("minimum", -1) <= int(wrong):
                        continue
                    if response.status_code != 422:
                        failures.append(f"{where}: {response.status_code} {response.text[:200]}")
                    elif not _named(response.json(), [param["in"], param["name"]]):
                        failures.append(f"{where}: not naming it: {response.text[:200]}")
                    if any(w in text_ for w in ("sql", "database", "bigint", "out of range")):
                        failures.append(f"{where}: mentions the database: {response.text[:200]}")
    assert not failures, "\n".join(failures)


def _models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def test_every_json_body_is_an_input_model(apps: dict[str, FastAPI]) -> None:
    """The rules above live in shared.schemas.InputModel: a body model that is not one (a
    contract's plain BaseModel, say) would escape every one of them."""
    escaped = []
    for service in SERVICES:
        for op, components in _service_ops(apps, service):
            if op.json_schema(components) is None or op.route.body_field is None:
                continue
            models = _models(op.route.body_field.field_info.annotation)
            escaped += [
                f"{op.name}: {m.__qualname__}" for m in models if not issubclass(m, InputModel)
            ]
            if not models:
                escaped.append(f"{op.name}: no model")
    assert not escaped, "\n".join(escaped)
