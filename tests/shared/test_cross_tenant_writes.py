"""Every write operation of every service, generated from the OpenAPI documents: a second
municipality's key (an admin, every scope) aims at the first municipality's objects and
definitions and gets 404 (or a 422 naming the foreign reference), and nothing is stored.

A new write route is covered without anyone remembering to: the sweep fails on an operation
it cannot aim at the first municipality, unless it is listed in UNTARGETED with the reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import ALL_SCOPES
from shared.models import Base
from shared.settings import Settings
from shared.tenancy import RIKET
from tests import helpers
from tests.conftest import MakeClient, MakeKey
from tests.services.awards.grant.test_grants import RULES as GRANT_RULES
from tests.services.awards.test_access import MINIMAL_SCHEME
from tests.shared.problem_language import languages

# OTHER has no objects of its own in the demo data; an object "of the first municipality"
# is any object of another municipality than OTHER (9990's, Lilla Edet's, Kalmar's …).
OWNER, OTHER = "9990", "1460"
WRITES = ("post", "put", "patch", "delete")

# operationId → why nothing of another tenant can be named (covered elsewhere or national).
UNTARGETED: dict[str, str] = {
    "create_measure": "creates the caller's own measure; reading another's private measure "
    "is tests/services/indicators/indicator/test_ownership.py",
    "create_indicator": "creates the caller's own indicator; a formula over another's private "
    "measure is tests/services/indicators/indicator/test_ownership.py",
    "ensure_partitions": "infrastructure (observation partitions), no tenant's data",
}

# (service, path parameter) → SQL for one of OWNER's objects (":other" is OTHER; a parameter
# resolved earlier in the path is bound by its name, so an allocation is one of that fund's).
OBJECTS: dict[tuple[str, str], str] = {
    ("ingest", "job_id"): "SELECT id::text FROM kolada_sync_job WHERE municipality_code <> :other",
    ("ingest", "subscription_id"): "SELECT id::text FROM webhook_subscription "
    "WHERE municipality_code <> :other",
    ("indicators", "code"): "SELECT code FROM org_unit WHERE municipality_code <> :other",
    ("indicators", "target_id"): "SELECT id::text FROM target WHERE municipality_code <> :other",
    (
        "indicators",
        "scorecard_id",
    ): "SELECT id::text FROM scorecard WHERE municipality_code <> :other",
    (
        "indicators",
        "goal_id",
    ): "SELECT id::text FROM prioritised_goal WHERE municipality_code <> :other",
    ("awards", "run_id"): "SELECT id::text FROM award_run WHERE municipality_code <> :other",
    (
        "awards",
        "decision_id",
    ): "SELECT id::text FROM award_decision WHERE municipality_code <> :other",
    ("awards", "project_id"): "SELECT p.id::text FROM improvement_project p "
    "WHERE p.municipality_code <> :other "
    "ORDER BY EXISTS (SELECT 1 FROM project_funding f WHERE f.project_id = p.id) DESC",
    ("awards", "funding_id"): "SELECT id::text FROM project_funding "
    "WHERE project_id = CAST(:project_id AS uuid)",
    (
        "awards",
        "rule_set_id",
    ): "SELECT id::text FROM grant_rule_set WHERE municipality_code <> :other",
    ("budget", "frame_id"): "SELECT id::text FROM budget_frame WHERE municipality_code <> :other",
    (
        "budget",
        "budget_id",
    ): "SELECT id::text FROM operating_budget WHERE municipality_code <> :other",
    ("budget", "project_id"): "SELECT id::text FROM investment_project "
    "WHERE municipality_code <> :other",
    ("budget", "fund_id"): "SELECT f.id::text FROM fund f WHERE f.municipality_code <> :other "
    "ORDER BY EXISTS (SELECT 1 FROM fund_allocation a WHERE a.fund_id = f.id) DESC",
    ("budget", "allocation_id"): "SELECT id::text FROM fund_allocation "
    "WHERE fund_id = CAST(:fund_id AS uuid)",
}
# The indicator whose version is written: a national one (a municipal key may not version it).
INDICATOR_PATH = "/v1/indicators/{code}/versions"
# Body fields naming another object: filled with OWNER's (service-independent).
BODY_REFERENCES: dict[str, str] = {
    "scheme_id": "SELECT id::text FROM award_scheme WHERE municipality_code <> :other",
    "fund_id": "SELECT id::text FROM fund WHERE municipality_code <> :other",
    "unit_code": "SELECT code FROM org_unit WHERE municipality_code <> :other",
    "winner_code": "SELECT code FROM org_unit WHERE municipality_code <> :other",
}
# A valid body where the schema alone does not give one (operationId → fields to set).
BODY_OVERRIDES: dict[str, dict[str, Any]] = {
    "create_indicator_version": {"numerator": "survey_satisfied", "valid_from": "2031-01-01"},
    "create_scheme": MINIMAL_SCHEME,
    "create_grant_rule_set": GRANT_RULES,
    "create_efficiency_measure": {"net_cost": "1000", "volume": "10"},
    "create_batch": {
        "observations": [
            {
                "measure_code": "survey_respondents",
                "unit_code": "",
                "period": "2024",
                "gender": "T",
                "value": 10,
            }
        ]
    },
    "create_webhook_subscription": {
        "url": "https://hooks.example.se/kvn",
        "event_types": ["budget.frame_saved"],
    },
    "create_target": {"indicator_code": "andel_nojda", "value": "90"},
    "create_frame": {
        "previous_amount": "1000",
        "amount": "1010",
        "changes": [{"amount": "10", "category": "index_compensation", "reason": "Index"}],
    },
}
# A valid file where the body is not JSON (operationId → query and content).
FILE_OVERRIDES: dict[str, tuple[dict[str, str], bytes]] = {
    "create_upload": (
        {"kind": "incidents"},
        b"unit_code;period;type;category;severity;count\n;2024-05;lex_sarah;bemotande;medel;2\n",
    ),
}


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The apps of this module accept the owner's webhook subscription."""
    return helpers.test_settings(database_url, WEBHOOK_ALLOWED_HOSTS=["hooks.example.se"])


@dataclass
class Operation:
    service: str
    method: str
    path: str
    op: dict[str, Any]
    components: dict[str, Any]

    @property
    def operation_id(self) -> str:
        return str(self.op["operationId"])

    def parameters(self, where: str) -> list[dict[str, Any]]:
        return [p for p in self.op.get("parameters", []) if p["in"] == where]


def write_operations(apps: dict[str, FastAPI]) -> list[Operation]:
    found = []
    for service, app in apps.items():
        doc = app.openapi()
        for path, item in doc["paths"].items():
            for method, op in item.items():
                if method in WRITES:
                    found.append(Operation(service, method, path, op, doc["components"]))
    return found


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components["schemas"][schema["$ref"].split("/")[-1]]
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _resolve(options[0], components)
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0], components)
    return schema


def example(schema: dict[str, Any], components: dict[str, Any], name: str = "") -> Any:
    """A value of the schema: its example if any, else the simplest valid-looking one."""
    schema = _resolve(schema, components)
    for key in ("examples", "example", "default"):
        if key in schema and schema[key] is not None:
            value = schema[key]
            return value[0] if key == "examples" and isinstance(value, list) else value
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = schema.get("required", [])
        return {
            field: example(sub, components, field)
            for field, sub in schema.get("properties", {}).items()
            if field in required
        }
    if kind == "array":
        count = max(1, schema.get("minItems", 0))
        return [example(schema.get("items", {}), components, name) for _ in range(count)]
    if kind == "integer":
        # JSON Schema may write an integer bound as 1.0; a body takes the integer itself.
        low = int(schema.get("minimum", 1))
        return max(2024, low) if "year" in name else low
    if kind == "number":
        return str(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2024-01-01"
    if schema.get("format") == "uuid":
        return str(uuid.uuid4())
    if "pattern" in schema and schema["pattern"] == r"^\d{4}$":
        return OWNER
    return "x" * max(1, schema.get("minLength", 1))


Counts = dict[str, int]


# Every table of the models (the keys the sweep itself makes excepted); the names come from
# the models' metadata, never from input.
TABLES = [t.name for t in Base.metadata.sorted_tables if t.name != "api_key"]


async def counts(session: AsyncSession) -> Counts:
    found = {}
    for name in TABLES:
        row = await session.execute(text(f'SELECT count(*) FROM "{name}"'))  # noqa: S608
        found[name] = int(row.scalar_one())
    return found


async def checksums(session: AsyncSession) -> dict[str, str]:
    found = {}
    for name in TABLES:
        digest = "md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), ''))"
        row = await session.execute(text(f'SELECT {digest} FROM "{name}" t'))  # noqa: S608
        found[name] = str(row.scalar_one())
    return found


async def _prepare_owner_objects(client: MakeClient, make_key: MakeKey) -> None:
    """Objects of OWNER that the demo data does not hold, made through the API."""
    owner = await make_key(*ALL_SCOPES, municipality=OWNER)

    async def made(service: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await client(service, owner).post(path, json=body)
        assert response.status_code in (201, 202), f"{path}: {response.text}"
        return dict(response.json())

    await made("ingest", "/v1/kolada/syncs", {"mode": "full", "kpis": ["U21468"]})
    await made(
        "ingest",
        "/v1/webhooks/subscriptions",
        {"url": "https://hooks.example.se/kvn", "event_types": ["budget.frame_saved"]},
    )
    schemes = await client("awards", owner).get("/v1/schemes", params={"year": 2024})
    (home,) = [s for s in schemes.json()["items"] if s["code"] == "arets_hemtjanstenhet"]
    run = await made("awards", "/v1/runs", {"scheme_id": home["id"]})
    winner = run["ranking"][0]["unit_code"]
    await made(
        "awards",
        f"/v1/runs/{run['id']}/decision",
        {"winner_code": winner, "reason": "Juryns samlade bedömning."},
    )
    await made("awards", "/v1/grant-rules", {**GRANT_RULES, "municipality_code": OWNER})
    projects = await client("awards", owner).get("/v1/projects")
    project = projects.json()["items"][0]
    await made(
        "awards", f"/v1/projects/{project['id']}/funding", {"amount": "1000", "purpose": "P"}
    )
    funds = await client("budget", owner).get("/v1/funds")
    fund = funds.json()["items"][0]
    await made(
        "budget",
        f"/v1/funds/{fund['id']}/allocations",
        {"amount": "1", "purpose": "Svep", "reference": "sweep:1"},
    )


def _names_foreign(body: dict[str, Any], foreign: set[str]) -> bool:
    """A 422 counts only when it names the foreign reference, not a malformed body."""
    for error in body.get("errors") or []:
        if str(error.get("value")) in foreign or any(
            c in str(error.get("message")) for c in foreign
        ):
            return True
    return any(c in str(body.get("detail")) for c in foreign)


Lookup = Callable[..., Awaitable[str | None]]


async def build_body(
    operation: Operation, lookup: Lookup, *, municipality: str | None, foreign: set[str]
) -> dict[str, Any]:
    """httpx arguments for the operation's query and body (not its path): `municipality`
    named where the operation takes one, references filled with the first municipality's
    objects (added to `foreign`)."""
    query = {
        p["name"]: municipality
        if p["name"] == "municipality_code"
        else example(p.get("schema", {}), operation.components, p["name"])
        for p in operation.parameters("query")
        if p.get("required") or (municipality and p["name"] == "municipality_code")
    }
    headers = {"Idempotency-Key": f"sweep-{uuid.uuid4().hex}"}
    content = operation.op.get("requestBody", {}).get("content", {})
    kwargs: dict[str, Any] = {"params": query, "headers": headers}
    if "application/json" in content:
        body = example(content["application/json"]["schema"], operation.components)
        if isinstance(body, dict):
            schema = _resolve(content["application/json"]["schema"], operation.components)
            properties = schema.get("properties", {})
            if municipality and "municipality_code" in properties:
                body["municipality_code"] = municipality
            for field, sql in BODY_REFERENCES.items():
                if field in properties:
                    ref = await lookup(sql)
                    if ref is not None:
                        body[field] = ref
                        foreign.add(ref)
            body.update(BODY_OVERRIDES.get(operation.operation_id, {}))
        kwargs["json"] = body
    elif content:
        extra, kwargs["content"] = FILE_OVERRIDES.get(operation.operation_id, ({}, b"x\n"))
        query.update(extra)
        headers["Content-Type"] = next(iter(content))
    return kwargs


def _lookup(session: AsyncSession) -> Lookup:
    async def lookup(sql: str, **bound: str) -> str | None:
        row = (await session.execute(text(sql + " LIMIT 1"), {"other": OTHER, **bound})).first()
        return None if row is None else str(row[0])

    return lookup


def _changed(before: Counts, now: Counts) -> list[str]:
    return sorted(t for t, n in now.items() if n != before[t])


async def test_no_write_reaches_another_municipalitys_objects(
    apps: dict[str, FastAPI], client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    await _prepare_owner_objects(client, make_key)
    lookup = _lookup(session)
    owner_key = await make_key(*ALL_SCOPES, municipality=OWNER)
    other_key = await make_key(*ALL_SCOPES, municipality=OTHER)
    before_counts = await counts(session)
    before_sums = await checksums(session)
    covered: list[str] = []
    problems: list[str] = []

    for operation in write_operations(apps):
        name = f"{operation.service} {operation.method.upper()} {operation.path}"
        if operation.operation_id in UNTARGETED:
            continue
        foreign = {OWNER}
        path = operation.path
        resolved: dict[str, str] = {}
        for parameter in operation.parameters("path"):
            pname = parameter["name"]
            if path == INDICATOR_PATH and pname == "code":
                value: str | None = "andel_nojda"
            else:
                sql = OBJECTS.get((operation.service, pname))
                value = await lookup(sql, **resolved) if sql else None
            if value is None:
                problems.append(f"{name}: no object of {OWNER} for path parameter {pname}")
                break
            foreign.add(value)
            resolved[pname] = value
            path = path.replace("{" + pname + "}", value)
        else:
            # An object in the path is looked up for the caller's own municipality (the
            # object's check answers); a create names the owner in its query or body.
            kwargs = await build_body(
                operation, lookup, municipality=None if resolved else OWNER, foreign=foreign
            )
            if any(p["name"].lower() == "if-match" for p in operation.parameters("header")):
                current = await client(operation.service, owner_key).get(path)
                kwargs["headers"]["If-Match"] = current.headers.get("etag", '"*"')
            if not (foreign - {OWNER}) and OWNER not in str(kwargs):
                problems.append(f"{name}: names nothing of {OWNER}; target it or list it")
                continue
            other = client(operation.service, other_key)
            response = await other.request(operation.method.upper(), path, **kwargs)
            problems += await languages(other, response, name)
            covered.append(name)
            if response.status_code == 404 or (
                response.status_code == 422 and _names_foreign(response.json(), foreign)
            ):
                pass
            else:
                answer = response.json()
                detail = [
                    (e.get("loc"), e.get("message")) for e in answer.get("errors") or []
                ] or answer.get("detail")
                problems.append(f"{name}: {response.status_code} {detail}")
            now = await counts(session)
            if changed := _changed(before_counts, now):
                problems.append(f"{name}: stored rows in {', '.join(changed)}")
                before_counts = now

    after_sums = await checksums(session)
    changed = sorted(t for t in before_sums if after_sums[t] != before_sums[t])
    assert not problems, "\n".join(problems)
    assert not changed, f"tables changed: {changed}"
    assert len(covered) >= 40, covered


async def test_nothing_is_created_for_riket(
    apps: dict[str, FastAPI], client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    """Every create that names a municipality, with a national key naming 0000: refused,
    nothing stored."""
    lookup = _lookup(session)
    national = await make_key(*ALL_SCOPES, municipality=None)
    before = await counts(session)
    covered: list[str] = []
    problems: list[str] = []
    for operation in write_operations(apps):
        name = f"{operation.service} {operation.method.upper()} {operation.path}"
        if operation.parameters("path") or operation.operation_id in UNTARGETED:
            continue
        kwargs = await build_body(operation, lookup, municipality=RIKET, foreign=set())
        if RIKET not in str(kwargs):
            continue  # names no municipality: it acts for the caller's own
        response = await client(operation.service, national).request(
            operation.method.upper(), operation.path, **kwargs
        )
        covered.append(name)
        if response.status_code not in (404, 422) or RIKET not in response.text:
            problems.append(f"{name}: {response.status_code} {response.text[:200]}")
        now = await counts(session)
        if changed := _changed(before, now):
            problems.append(f"{name}: stored rows in {', '.join(changed)}")
            before = now
    assert not problems, "\n".join(problems)
    assert len(covered) >= 15, covered
