"""The committed OpenAPI documents: one per service, the combined one, and the breaking-change
check against the last released combined document.

`kvn openapi` (make openapi) writes docs/openapi/<service>.json and docs/openapi/kvalitetsnavet.json;
tests/test_openapi_committed.py fails when the code and those files differ, or when the combined
document breaks a client of the last file in docs/openapi/released/ without a version bump.
"""

from __future__ import annotations

import copy
import importlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shared import API_VERSION, __version__
from shared.settings import REPO_ROOT, SERVICES, Settings

DOCS_DIR = REPO_ROOT / "docs" / "openapi"
RELEASED_DIR = DOCS_DIR / "released"
COMBINED = "kvalitetsnavet"
REF = "#/components/schemas/"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

Doc = dict[str, Any]


def service_documents() -> dict[str, Doc]:
    """Each service's document, built from the code with default settings (no environment)."""
    settings = Settings.model_construct()
    docs: dict[str, Doc] = {}
    for service in SERVICES:
        app = importlib.import_module(f"services.{service}.app").create_app(settings)
        docs[service] = app.openapi()
    return docs


def dumps(doc: Doc) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def write_documents(out: Path) -> list[Path]:
    """Write the per-service documents and the combined one; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    docs = service_documents()
    written = []
    for name, doc in [*docs.items(), (COMBINED, combine(docs))]:
        path = out / f"{name}.json"
        path.write_text(dumps(doc))
        written.append(path)
    return written


# --- combining -------------------------------------------------------------------------


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(REF):
                yield value[len(REF) :]
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _rename_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {
            key: (
                REF + renames.get(value[len(REF) :], value[len(REF) :])
                if key == "$ref" and isinstance(value, str) and value.startswith(REF)
                else _rename_refs(value, renames)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rename_refs(item, renames) for item in node]
    return node


def _renamed_components(docs: dict[str, Doc]) -> dict[str, set[str]]:
    """Per service, the component names it defines differently from others (directly or
    through a renamed ref). Where one definition is shared by more services than any other,
    those keep the plain name; every other definition is renamed."""
    versions: dict[str, dict[str, Any]] = {}
    for service, doc in docs.items():
        for name, schema in doc.get("components", {}).get("schemas", {}).items():
            versions.setdefault(name, {})[service] = schema
    renamed: dict[str, set[str]] = {service: set() for service in docs}
    changed = True
    while changed:
        changed = False
        for name, seen in versions.items():
            if len(seen) < 2:
                continue
            texts = {
                service: json.dumps(
                    _rename_refs(schema, {n: f"{service}_{n}" for n in renamed[service]}),
                    sort_keys=True,
                )
                for service, schema in seen.items()
            }
            ranked = Counter(texts.values()).most_common()
            if len(ranked) == 1:
                continue
            kept = ranked[0][0] if ranked[0][1] > ranked[1][1] else None
            for service, text in texts.items():
                if text != kept and name not in renamed[service]:
                    renamed[service].add(name)
                    changed = True
    return renamed


def combine(docs: dict[str, Doc]) -> Doc:
    """One document for every service: paths under /api/<service>, component names that
    clash renamed `<service>_<Name>`, operationIds that clash renamed `<service>_<id>`."""
    renamed = _renamed_components(docs)
    ids = Counter(
        op["operationId"]
        for doc in docs.values()
        for item in doc.get("paths", {}).values()
        for method, op in item.items()
        if method in METHODS and "operationId" in op
    )
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    security: dict[str, Any] = {}
    tags: dict[str, Any] = {}
    for service, doc in docs.items():
        components = doc.get("components", {})
        renames = {name: f"{service}_{name}" for name in sorted(renamed[service])}
        for name, schema in components.get("schemas", {}).items():
            schema = _rename_refs(copy.deepcopy(schema), renames)
            if name in renames:
                schema["title"] = f"{service}_{schema.get('title', name)}"
            schemas[renames.get(name, name)] = schema
        security.update(components.get("securitySchemes", {}))
        tags.setdefault(
            service, {"name": service, "description": SERVICE_TAGS.get(service, service)}
        )
        for tag in doc.get("tags", []):
            tags.setdefault(tag["name"], tag)
        for path, item in doc.get("paths", {}).items():
            item = _rename_refs(copy.deepcopy(item), renames)
            for method, op in item.items():
                if method in METHODS and ids[op.get("operationId")] > 1:
                    op["operationId"] = f"{service}_{op['operationId']}"
                if method in METHODS:
                    op["tags"] = [service, *op.get("tags", [])]
            paths[f"/api/{service}{path}"] = item
    combined: Doc = {
        "openapi": next(iter(docs.values()))["openapi"] if docs else "3.1.0",
        "info": {
            "title": "Kvalitetsnavet",
            "description": "Every Kvalitetsnavet service behind one gateway: "
            + ", ".join(f"/api/{s}" for s in docs)
            + ".",
            "version": __version__,
            "x-api-version": API_VERSION,
            "contact": CONTACT,
            "license": LICENSE,
        },
        "servers": [
            {"url": "/", "description": "The host serving this document"},
            {"url": PUBLIC_HOST, "description": "The public gateway"},
        ],
        "paths": paths,
        "components": {"schemas": dict(sorted(schemas.items()))},
    }
    if security:
        combined["components"]["securitySchemes"] = security
    if tags:
        combined["tags"] = list(tags.values())
    return combined


def operations(doc: Doc) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) for every operation of a document."""
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            if method in METHODS:
                yield path, method, op


# --- breaking changes ------------------------------------------------------------------
# A change breaks a client built from the old document when a request it sends is refused
# or a response it reads lacks something: a removed operation or response, a renamed
# operationId, a removed response field, a new required request field or parameter, an
# enum that no longer accepts a value a client sends, a type that changed.


def _resolve(doc: Doc, schema: Any) -> tuple[Any, str | None]:
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    if isinstance(ref, str) and ref.startswith(REF):
        return doc.get("components", {}).get("schemas", {}).get(ref[len(REF) :], {}), ref
    return schema, None


def _types(doc: Doc, schema: Any, depth: int = 0) -> frozenset[str]:
    """The JSON types a schema admits; empty when it says nothing (any type)."""
    schema, _ = _resolve(doc, schema)
    if not isinstance(schema, dict) or depth > 20:
        return frozenset()
    kind = schema.get("type")
    if isinstance(kind, str):
        found = {kind}
    elif isinstance(kind, list):
        found = set(kind)
    else:
        found = set()
        for key in ("anyOf", "oneOf"):
            for sub in schema.get(key, []):
                sub_types = _types(doc, sub, depth + 1)
                if not sub_types:
                    return frozenset()
                found |= sub_types
    if "integer" in found:
        found.add("number")  # an integer is a number: integer → number is a widening
    return frozenset(found)


def _branch(doc: Doc, schema: Any) -> Any:
    """The schema itself, or the single non-null branch of a nullable anyOf."""
    schema, _ = _resolve(doc, schema)
    if isinstance(schema, dict) and "anyOf" in schema:
        branches = [s for s in schema["anyOf"] if _resolve(doc, s)[0] != {"type": "null"}]
        if len(branches) == 1:
            return _resolve(doc, branches[0])[0]
    return schema


class _Comparer:
    def __init__(self, old: Doc, new: Doc) -> None:
        self.old, self.new = old, new
        self.found: list[str] = []
        self.seen: set[tuple[str, str, str]] = set()

    def schema(self, old_s: Any, new_s: Any, where: str, direction: str) -> None:
        old_r, old_ref = _resolve(self.old, old_s)
        new_r, new_ref = _resolve(self.new, new_s)
        if old_ref and new_ref:  # a component is compared once per direction (and cycles end)
            if (old_ref, new_ref, direction) in self.seen:
                return
            self.seen.add((old_ref, new_ref, direction))
        old_t, new_t = _types(self.old, old_r), _types(self.new, new_r)
        if old_t and new_t and old_t != new_t:
            widened = new_t > old_t if direction == "request" else new_t < old_t
            if not widened:
                self.found.append(f"{where}: type changed from {sorted(old_t)} to {sorted(new_t)}")
                return
        old_b, new_b = _branch(self.old, old_r), _branch(self.new, new_r)
        if not isinstance(old_b, dict) or not isinstance(new_b, dict):
            return
        if direction == "request" and "enum" in old_b:
            accepted: list[Any] = new_b["enum"] if "enum" in new_b else old_b["enum"]
            lost = [v for v in old_b["enum"] if v not in accepted]
            if lost:
                self.found.append(f"{where}: enum no longer accepts {lost}")
        old_props = old_b.get("properties", {})
        new_props = new_b.get("properties", {})
        if direction == "response":
            for name in old_props:
                if name not in new_props and new_b.get("additionalProperties") is not True:
                    self.found.append(f"{where}: response field {name!r} removed")
        else:
            old_required = set(old_b.get("required", []))
            for name in new_b.get("required", []):
                if name not in old_required:
                    self.found.append(f"{where}: request field {name!r} is now required")
        for name in old_props.keys() & new_props.keys():
            self.schema(old_props[name], new_props[name], f"{where}.{name}", direction)
        if "items" in old_b and "items" in new_b:
            self.schema(old_b["items"], new_b["items"], f"{where}[]", direction)

    def operation(self, label: str, old_op: dict[str, Any], new_op: dict[str, Any]) -> None:
        if old_op.get("operationId") != new_op.get("operationId"):
            self.found.append(
                f"{label}: operationId {old_op.get('operationId')!r} became "
                f"{new_op.get('operationId')!r}"
            )
        old_params = {(p.get("in"), p.get("name")): p for p in old_op.get("parameters", [])}
        for param in new_op.get("parameters", []):
            key = (param.get("in"), param.get("name"))
            where = f"{label} {key[0]} parameter {key[1]!r}"
            if key not in old_params:
                if param.get("required"):
                    self.found.append(f"{where}: new and required")
                continue
            if param.get("required") and not old_params[key].get("required"):
                self.found.append(f"{where}: now required")
            self.schema(old_params[key].get("schema"), param.get("schema"), where, "request")
        old_body = old_op.get("requestBody", {})
        new_body = new_op.get("requestBody", {})
        if new_body.get("required") and old_body and not old_body.get("required"):
            self.found.append(f"{label}: request body now required")
        for media, content in old_body.get("content", {}).items():
            if media not in new_body.get("content", {}):
                self.found.append(f"{label}: request body {media} no longer accepted")
                continue
            self.schema(
                content.get("schema"),
                new_body["content"][media].get("schema"),
                f"{label} request body",
                "request",
            )
        new_responses = new_op.get("responses", {})
        for status, response in old_op.get("responses", {}).items():
            if status not in new_responses:
                if str(status).startswith("2"):
                    self.found.append(f"{label}: response {status} removed")
                continue
            for media, content in response.get("content", {}).items():
                new_content = new_responses[status].get("content", {})
                if media not in new_content:
                    self.found.append(f"{label}: response {status} {media} removed")
                    continue
                self.schema(
                    content.get("schema"),
                    new_content[media].get("schema"),
                    f"{label} response {status}",
                    "response",
                )


def breaking_changes(old: Doc, new: Doc) -> list[str]:
    """Every change in `new` that breaks a client of `old`, one line each."""
    comparer = _Comparer(old, new)
    new_paths = new.get("paths", {})
    for path, method, old_op in operations(old):
        label = f"{method.upper()} {path}"
        new_op = new_paths.get(path, {}).get(method)
        if new_op is None:
            comparer.found.append(f"{label}: operation removed")
            continue
        comparer.operation(label, old_op, new_op)
    return comparer.found


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("+")[0].split("-")[0].split("."))


def allows_breaking(released: str, current: str) -> bool:
    """A breaking change needs a new major version (a new minor while the major is 0)."""
    old, new = _version(released), _version(current)
    if old[0] == 0:
        return new[:2] > old[:2]
    return new[0] > old[0]


def latest_release(directory: Path = RELEASED_DIR) -> tuple[str, Doc] | None:
    """(version, document) of the newest docs/openapi/released/kvalitetsnavet-<version>.json."""
    found = sorted(
        (_version(path.stem.removeprefix(f"{COMBINED}-")), path)
        for path in directory.glob(f"{COMBINED}-*.json")
    )
    if not found:
        return None
    version, path = found[-1]
    return ".".join(map(str, version)), json.loads(path.read_text())


# --- what every document says by construction ------------------------------------------
# shared.app calls `finish` on each service's document: the headers each operation sends
# and reads (from the route class, the dependencies and shared.errors), who may call it,
# its rules, the tags, info and servers. Nothing here is written per route.

PUBLIC_HOST = "https://kvalitetsnavet.se"
CONTACT = {"name": "Kvalitetsnavet", "url": PUBLIC_HOST}
LICENSE = {"name": "EUPL-1.2", "identifier": "EUPL-1.2"}

SERVICE_TAGS = {
    "ingest": "Ingest: Kolada syncs, local batches and uploads, provenance, webhooks",
    "indicators": "Indicators: measures, indicators, targets, scorecards, units, analytics",
    "awards": "Awards: prize schemes, runs, decisions, projects, performance grants",
    "budget": "Budget: frames, operating budgets, funds, investments, efficiency",
}
TAGS = {
    "operations": "Liveness and readiness for the platform (no key needed)",
    "identity": "Who the caller is: the key's or token's municipality and scopes",
    "batches": "Local observations sent as JSON batches (validated row by row)",
    "uploads": "Local observations sent as CSV or XLSX files, with dry runs",
    "kolada": "Kolada sync jobs: plan, run and follow the fetch of official figures",
    "provenance": "Where a stored value came from: source, batch row or Kolada URL",
    "webhooks": "Subscriptions to the suite's events, signed deliveries",
    "measures": "What is measured: national (Kolada) and municipal measures",
    "indicators": "Indicators computed from measures by formula, with versions",
    "targets": "Target values for an indicator over a scope, judged per period",
    "goals": "Prioritised goals of a scorecard",
    "scorecards": "A board's scorecard: goals, targets and their status",
    "units": "The municipality's organisation: areas, unit types and units",
    "analytics": "Indicator values by unit, area and year, with changes and gaps",
    "comparison": "A municipality against its comparison group and riket",
    "privacy": "Disclosure control: what is suppressed and why",
    "reports": "Tertial reports for boards (JSON, PDF, XLSX, CSV)",
    "schemes": "Prize schemes: criteria, weights and eligibility rules",
    "runs": "Prize runs: ranking by the scheme's criteria, with coverage",
    "evaluations": "Evaluations of a run's candidates",
    "decisions": "Decisions on prizes, recorded with their basis",
    "projects": "Development projects and their effects",
    "performance grants": "Performance grants: rule sets and evaluations",
    "audit": "Who changed what and when",
    "frames": "Budget frames per board and year",
    "operating budgets": "Operating budgets: accounts, mappings, driftredovisning",
    "funds": "Funds and their allocations",
    "investments": "Investment plans and their funding",
    "efficiency": "Cost per user and other efficiency figures",
}

_STRING = {"type": "string"}
ETAG_HEADER = {
    "description": "The representation's version: send it in If-None-Match (304 when "
    "unchanged) or, to change the resource, in If-Match",
    "schema": {**_STRING, "examples": ['"3f2c9a1b7d0e4c55a1b2c3d4e5f60718"']},
}
LANGUAGE = {"type": "string", "enum": ["sv", "en"], "title": "Language"}
CONTENT_LANGUAGE = {
    "description": "The language of the texts in the body: sv (default) or en",
    "schema": {"$ref": REF + "Language"},
}
RETRY_AFTER = {
    "description": "Seconds to wait before trying again",
    "schema": {"type": "integer", "minimum": 1, "examples": [5]},
}
LOCATION = {
    "description": "The URL of the resource created (or of the job to follow)",
    "schema": {**_STRING, "format": "uri-reference"},
}
ACCEPT_LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "description": "sv (default) or en, with q-values: titles, labels and problem texts in it",
    "schema": {**_STRING, "examples": ["en-GB,en;q=0.9,sv;q=0.8"]},
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "An ETag from an earlier answer: 304 Not Modified while it is current",
    "schema": {**_STRING, "examples": ['"3f2c9a1b7d0e4c55a1b2c3d4e5f60718"']},
}
NOT_MODIFIED = {
    "description": "Not Modified: the ETag in If-None-Match is current; no body",
    "headers": {"ETag": ETAG_HEADER},
}


def _route_facts(routes: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """(path, method) → what the route's dependencies say: scopes, negotiated language."""
    from fastapi.routing import APIRoute, iter_route_contexts

    from shared.auth import REQUIRED_SCOPES
    from shared.i18n import language

    facts: dict[tuple[str, str], dict[str, Any]] = {}
    for context in iter_route_contexts(routes):
        route = context.route
        if not isinstance(route, APIRoute):
            continue
        calls: list[Any] = []
        stack = [route.dependant]
        while stack:
            dependant = stack.pop()
            calls.append(dependant.call)
            stack.extend(dependant.dependencies)
        scopes = [s for call in calls for s in REQUIRED_SCOPES.get(call, ())]
        for method in context.methods or ():
            facts[context.path_format or route.path_format, method.lower()] = {
                "scopes": scopes,
                "language": language in calls,
            }
    return facts


def _header(op: dict[str, Any], name: str) -> dict[str, Any] | None:
    for param in op.get("parameters", []):
        if param.get("in") == "header" and param.get("name", "").lower() == name.lower():
            found: dict[str, Any] = param
            return found
    return None


def _rules(op: dict[str, Any], method: str, facts: dict[str, Any], page_max: int) -> list[str]:
    """The operation's rules, one sentence each, from what the document and route say."""
    scopes = facts.get("scopes", [])
    if scopes:
        who = " and ".join(f"`{s}`" for s in scopes)
        lines = [
            f"**Who:** a caller (API key or OpenID Connect token) with the scope {who} (or "
            "`admin`), for the municipalities it acts for; another municipality's objects are "
            "404."
        ]
    else:
        lines = ["**Who:** anyone who reaches the service; no credentials needed."]
    names = {p.get("name") for p in op.get("parameters", [])}
    if "municipality_code" in names:
        lines.append(
            "**Municipality:** a municipal key acts for its own municipality; a national key "
            "(or one acting for several) names it in `municipality_code`, else 422."
        )
    if "limit" in names:
        lines.append(
            f"**Paging:** `limit` items from `offset` (at most {page_max}, more is 422); "
            "`total` counts them all."
        )
    responses = op.get("responses", {})
    if method == "get":
        lines.append(
            "**Caching:** the answer carries an ETag; send it in If-None-Match to get 304 "
            "Not Modified while nothing changed."
        )
    if "428" in responses:
        lines.append(
            "**Concurrency:** send the ETag of the version you read in If-Match: 428 without "
            "it, 412 when the resource changed since."
        )
    if _header(op, "Min-Data-Version"):
        lines.append(
            "**Read your writes:** a write to ingest answers with the municipality's "
            "`data_version`; send it back in Min-Data-Version and the answer shows that write. "
            "Without it, an answer may come from a state a moment older (reused for "
            "`INDICATORS_STATE_TTL_S`, refreshed in the background)."
        )
    if _header(op, "Idempotency-Key"):
        lines.append(
            "**Repeatable:** with an Idempotency-Key the same request again answers as the "
            "first did; the same key with another request is 422 `idempotency_key_reused`."
        )
    if facts.get("language"):
        lines.append(
            "**Language:** titles and labels follow Accept-Language (Swedish by default); "
            "Content-Language says which one you got."
        )
    if {"201", "202"} & responses.keys():
        lines.append("**Created:** Location names the new resource (or the job to follow).")
    if "requestBody" in op:
        lines.append(
            "**Input:** strict JSON: unknown fields, converted types (a number for a date or "
            "boolean) and personnummer are refused with 422 naming the field."
        )
    return lines


def _discriminators_required(doc: Doc, node: Any) -> None:
    """A discriminated union's tag is required in each branch: pydantic refuses a value
    without it even where the field has a default."""
    if isinstance(node, dict):
        name = node.get("discriminator", {}).get("propertyName")
        for branch in node.get("oneOf", []) if name else []:
            target, _ = _resolve(doc, branch)
            if name in target.get("properties", {}) and name not in target.get("required", []):
                target["required"] = [*target.get("required", []), name]
        for value in node.values():
            _discriminators_required(doc, value)
    elif isinstance(node, list):
        for item in node:
            _discriminators_required(doc, item)


def finish(schema: Doc, *, service: str, routes: Any, page_max: int) -> None:
    """Document what the suite does for every route (see the section comment)."""
    facts = _route_facts(routes)
    schema.setdefault("components", {}).setdefault("schemas", {})["Language"] = LANGUAGE
    schema["components"]["schemas"] = dict(sorted(schema["components"]["schemas"].items()))
    info = schema.setdefault("info", {})
    info["contact"] = CONTACT
    info["license"] = LICENSE
    # The relative URL first: "Try it out" in the docs calls the host that serves them.
    schema["servers"] = [
        {"url": f"/api/{service}", "description": "The host serving this document"},
        {"url": f"{PUBLIC_HOST}/api/{service}", "description": "The public gateway"},
    ]
    _discriminators_required(schema, schema)
    used: list[str] = []
    for path, method, op in operations(schema):
        params = op.setdefault("parameters", [])
        for param in params:
            if param.get("in") == "header":
                # FastAPI names a header after its parameter (`if_match` → `if-match`).
                param["name"] = "-".join(w[:1].upper() + w[1:] for w in param["name"].split("-"))
            if param.get("in") == "query" and param.get("name") == "limit":
                param["schema"]["maximum"] = page_max
        responses = op.setdefault("responses", {})
        route = facts.get((path, method), {})
        op.setdefault("security", [{}])  # anonymous (health): said, not left out
        if not _header(op, "Accept-Language"):
            params.append(copy.deepcopy(ACCEPT_LANGUAGE))
        if_match = _header(op, "If-Match")
        if "428" in responses and if_match is not None:
            if_match["required"] = True
            if_match["schema"] = {**_STRING, "examples": ['"3f2c9a1b7d0e4c55a1b2c3d4e5f60718"']}
            if_match["description"] = "The ETag of the version being changed (428 without)"
        if method == "get":
            if not _header(op, "If-None-Match"):
                params.append(copy.deepcopy(IF_NONE_MATCH))
            responses["304"] = copy.deepcopy(NOT_MODIFIED)
        for status, response in responses.items():
            if status[0] in "45":  # shared.errors renders every error as problem+json only
                response.get("content", {}).pop("application/json", None)
            headers = response.setdefault("headers", {})
            if method == "get" and status == "200":
                headers["ETag"] = ETAG_HEADER
            if status in {"201", "202"}:
                headers["Location"] = LOCATION
            if status in {"429", "503"}:
                headers["Retry-After"] = RETRY_AFTER
            if status[0] in "45" or (status[0] == "2" and route.get("language")):
                headers["Content-Language"] = CONTENT_LANGUAGE
            if not headers:
                del response["headers"]
        description = op.get("description", "").strip()
        rules = "\n\n".join(_rules(op, method, route, page_max))
        op["description"] = f"{description}\n\n{rules}" if description else rules
        used += [t for t in op.get("tags", []) if t not in used]
    add_examples(schema)
    schema["tags"] = [
        {"name": t, "description": TAGS.get(t, SERVICE_TAGS.get(t, ""))} for t in used
    ]


# --- examples ----------------------------------------------------------------------------
# Every JSON request body and success response gets an example. A model's own
# (`json_schema_extra={"examples": [...]}` or `Field(examples=...)`) wins; the rest is built
# from the schema with the demo's figures by field name (Exempelstad 9990, Lilla Edet 1462,
# Socialnämnden, andel_nojda 88.1 …), so a nested model's example is reused wherever it
# appears. tests/test_openapi_examples.py validates every one against its schema.

_BY_NAME: dict[str, Any] = {
    "municipality_code": "9990",
    "owner_municipality_code": "9990",
    "municipality_title": "Exempelstad (fiktiv kommun, syntetiska data)",
    "indicator_code": "andel_nojda",
    "indicator_codes": ["andel_nojda"],
    "target_indicators": ["andel_nojda"],
    "measure_code": "survey_satisfied",
    "numerator_measure": "survey_satisfied",
    "denominator_measure": "survey_respondents",
    "measure": "survey_satisfied",
    "kolada_kpi": "U23471",
    "kpis": ["U23471"],
    "unit_code": "HT-NORR",
    "unit_codes": ["HT-NORR", "HT-SODER"],
    "parent_code": "HT",
    "unit_title": "Hemtjänst Norr",
    "unit_type": "hemtjanst",
    "unit_types": ["hemtjanst"],
    "area": "aldreomsorg",
    "board": "Socialnämnden",
    "counterpart_board": "Kommunstyrelsen",
    "period": "2024",
    "previous_period": "2023",
    "last_year_period": "2023",
    "three_years_ago_period": "2021",
    "value_period": "2024",
    "before_period": "2023",
    "after_period": "2024",
    "year": 2024,
    "previous_year": 2023,
    "last_year": 2024,
    "years": [2023, 2024],
    "value": "88.1",
    "previous_value": "86.4",
    "last_year_value": "86.4",
    "three_years_ago_value": "84.9",
    "numerator": "185",
    "denominator": "210",
    "n": 210,
    "n_before": 198,
    "n_after": 210,
    "n_previous": 198,
    "respondents": 210,
    "change": "1.7",
    "change_three_years": "3.2",
    "group_mean": "85.3",
    "riket": "84.0",
    "women": "89.0",
    "men": "86.9",
    "gender_gap": "2.1",
    "target": "90",
    "gap": "-1.9",
    "score": "0.82",
    "share": "0.75",
    "title": "Andel nöjda brukare (helhetssyn)",
    "title_sv": "Andel nöjda brukare (helhetssyn)",
    "title_en": "Share of satisfied users (overall)",
    "description": "Andel svarande som är mycket eller ganska nöjda med omsorgen som helhet",
    "description_sv": "Andel svarande som är mycket eller ganska nöjda med omsorgen som helhet",
    "description_en": "Share of respondents very or fairly satisfied with their care as a whole",
    "name": "Exempelstad",
    "purpose": "Välkomstsamtal och fast omsorgskontakt i hemtjänsten",
    "reason": "Fler brukare inom hemtjänsten",
    "note": "Enligt Mål och resursplan 2021",
    "source_note": "Källa: Kolada",
    "formula": "100 * survey_satisfied / survey_respondents",
    "unit": "tkr",
    "value_unit": "%",
    "value_kind": "count",
    "amount": "302257",
    "previous_amount": "317348",
    "frame_amount": "302257",
    "amounts": {"2024": "12500", "2025": "8000"},
    "totals": {"2024": "12500", "2025": "8000"},
    "per_year": {"2024": "12500", "2025": "8000"},
    "net": "-302257",
    "costs": "-389800",
    "revenue": "87543",
    "net_cost": "-302257",
    "difference": "-15091",
    "tolerance": "1",
    "pot": "500000",
    "prize_amount": "100000",
    "requested": "250000",
    "granted": "200000",
    "granted_total": "200000",
    "allocated": "200000",
    "remaining": "300000",
    "paid": "100000",
    "category": "Fastigheter",
    "activity_code": "hemtjanst",
    "activity_title": "Hemtjänst",
    "account": "4010",
    "url": "https://intranat.exempelstad.se/hooks/kvalitetsnavet",
    "source_url": "https://api.kolada.se/v3/data/kpi/U23471/municipality/1462/year/2024",
    "filename": "brukarundersokning-2024.csv",
    "reference": "KS-2024-0117",
    "decision_ref": "SN 2024/12",
    "decision_body": "Socialnämnden",
    "decided_by": "Socialnämnden",
    "winner_code": "HT-NORR",
    "winner_title": "Hemtjänst Norr",
    "rank_one_code": "HT-NORR",
    "event_type": "target.status_changed",
    "secret": "whsec_3f2c9a1b7d0e4c55a1b2c3d4e5f60718",
    "spec_hash": "3f2c9a1b7d0e4c55a1b2c3d4e5f60718",
    "code_version": "0.2.0",
    "version": (1, "0.2.0"),
    "kolada_ou_id": "V15E146200101",
    "data_version": 7,
    "indicator_version": 1,
    "revision": 1,
    "min_respondents": 7,
    "seed": 20240101,
    "limit": 50,
    "offset": 0,
    "total": 1,
    "rank": 1,
    "position": 1,
    "tertial": 2,
    "decimals": 1,
    "gender": "T",
    "sign_convention": "skillnad = förändringen av nettokostnaden från föregående år (positiv = högre nettokostnad)",
    "attribution": "Källa: Kolada",
    "status": "met",
    "state": "requested",
    "service": "indicators",
    "statement": "Andelen nöjda brukare ökade till 88,1 % (2023: 86,4 %)",
    "statement_sv": "Andelen nöjda brukare ökade till 88,1 % (2023: 86,4 %)",
    "statement_en": "The share of satisfied users rose to 88.1 % (2023: 86.4 %)",
    "explanation": "Målet är uppnått",
    "explanation_sv": "Målet är uppnått",
    "explanation_en": "The target is met",
    "vision": "Trygg och värdig omsorg",
    "why": "Brukarna vill ha färre personer att lära känna i hemtjänsten",
    "problem": "Personalkontinuiteten i hemtjänsten är låg",
    "desired_results": ["Fler brukare känner sin personal"],
    "strategies": ["Fast omsorgskontakt för varje brukare"],
    "actions": ["Välkomstsamtal inom en vecka"],
    "source": (
        "local",
        "Socialnämndens beslut 2024-05-31",
    ),
    "decision": "SN 2024/12",
    "upper_value": "95",
    "min_value": "0",
    "max_value": "100",
    "volume": "41250",
    "number": 1,
    "population": 13_932,
    "national_population": 10_551_707,
    "code": ("andel_nojda", "hemtjanst_2024"),
    "label": "Minst 90 % nöjda",
    "scope_value": "",
}
# Where a name means something else in another object: by the component's name (its start).
_BY_COMPONENT: dict[str, dict[str, Any]] = {
    "Unit": {
        "code": "HT-NORR",
        "title": "Hemtjänst Norr",
        "title_sv": "Hemtjänst Norr",
        "title_en": "Home care North",
    },
    "Measure": {
        "code": "survey_satisfied",
        "title": "Brukarundersökning: antal nöjda med helheten",
        "title_sv": "Brukarundersökning: antal nöjda med helheten",
        "title_en": "User survey: number satisfied overall",
        "unit": "antal",
    },
    "Indicator": {"unit": "%"},
    "Scorecard": {"title": "Socialnämndens styrkort 2024"},
    "PrioritisedGoal": {
        "title": "Fast omsorgskontakt i hemtjänsten",
        "title_sv": "Fast omsorgskontakt i hemtjänsten",
        "title_en": "A regular care contact in home care",
    },
    "Scheme": {"code": "arets_hemtjanst_2024", "title": "Årets hemtjänstenhet 2024"},
    "Run": {"title": "Årets hemtjänstenhet 2024: juryns underlag"},
    "Fund": {"code": "forbattringspott_2024", "title": "Förbättringspott 2024"},
    "GrantRuleSet": {
        "code": "prestation_hemtjanst_2024",
        "title": "Prestationsersättning hemtjänst 2024",
    },
    "Frame": {"amount": "302257", "previous_amount": "317348"},
}
_BY_FORMAT = {
    "date": "2024-05-31",
    "date-time": "2024-05-31T08:15:00Z",
    "uuid": "3f2c9a1b-7d0e-4c55-a1b2-c3d4e5f60718",
    "uri": "https://intranat.exempelstad.se/hooks/kvalitetsnavet",
    "uri-reference": "/api/indicators/v1/targets/3f2c9a1b-7d0e-4c55-a1b2-c3d4e5f60718",
    "email": "kvalitet@exempelstad.se",
    "binary": "enhet;period;varde",
}
# Strings with a pattern: the first candidate that matches it (codes the demo uses).
_PATTERNED = (
    "9990",
    "2024",
    "2024T2",
    "2024-05",
    "HT-NORR",
    "U23471",
    "andel_nojda",
    "V15E146200101",
    "T",
    "a",
)


def _fits(value: Any, schema: dict[str, Any]) -> bool:
    """A quick check of a candidate against a string's or number's own constraints."""
    kind = schema.get("type")
    if isinstance(value, str):
        if kind not in (None, "string"):
            return False
        pattern = schema.get("pattern")
        return (
            (pattern is None or re.search(pattern, value) is not None)
            and len(value) >= schema.get("minLength", 0)
            and len(value) <= schema.get("maxLength", len(value))
            and ("enum" not in schema or value in schema["enum"])
        )
    if isinstance(value, bool):
        return kind in (None, "boolean")
    if isinstance(value, int | float):
        if kind not in (None, "number", "integer") or (
            kind == "integer" and not isinstance(value, int)
        ):
            return False
        return bool(schema.get("minimum", value) <= value <= schema.get("maximum", value))
    if isinstance(value, list):
        items = schema.get("items", {})
        return (
            kind in (None, "array")
            and len(value) >= schema.get("minItems", 0)
            and "$ref" not in items
            and all(_fits(item, items) for item in value)
        )
    if isinstance(value, dict):  # a mapping (year → amount), never a model's object
        return (
            kind in (None, "object")
            and "properties" not in schema
            and "$ref" not in str(schema.get("additionalProperties", {}))
        )
    return False


def _preferred(name: str, context: str) -> Any:
    bare = context.split("_", 1)[1] if context.startswith(("awards_", "budget_")) else context
    for prefix, values in _BY_COMPONENT.items():
        if bare.startswith(prefix) and name in values:
            return values[name]
    return _BY_NAME.get(name)


def example_of(doc: Doc, schema: Any, name: str = "", depth: int = 0, context: str = "") -> Any:
    """An example of `schema` (see the section comment); `context` is the enclosing
    component's name."""
    if not isinstance(schema, dict) or depth > 12:
        return None
    for key in ("examples", "example"):
        if key in schema:
            found = schema[key]
            if key == "examples" and isinstance(found, list) and found:
                return copy.deepcopy(found[0])
            if key == "example":
                return copy.deepcopy(found)
    if "$ref" in schema:
        target, ref = _resolve(doc, schema)
        inner = (ref or "").removeprefix(REF) if "properties" in target else context
        return example_of(doc, target, name, depth + 1, inner)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        preferred = _preferred(name, context)
        return preferred if preferred in schema["enum"] else schema["enum"][0]
    if schema.get("type") == "string" and name == "year":
        return "2024"
    for key in ("anyOf", "oneOf"):
        if key in schema:
            branches = [s for s in schema[key] if s != {"type": "null"}]
            # A string beats a number where both are accepted (amounts: Decimal as string).
            branches.sort(key=lambda s: 0 if _resolve(doc, s)[0].get("type") == "string" else 1)
            for branch in branches:
                value = example_of(doc, branch, name, depth + 1, context)
                if value is not None:
                    return value
            return None
    if "allOf" in schema:
        return example_of(doc, schema["allOf"][0], name, depth + 1, context)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    formatted = kind == "string" and schema.get("format") in _BY_FORMAT
    preferred = _preferred(name, context)
    for candidate in preferred if isinstance(preferred, tuple) else (preferred,):
        if candidate is not None and not formatted and _fits(candidate, {**schema, "type": kind}):
            return copy.deepcopy(candidate)
    if "default" in schema and schema["default"] is not None:
        return copy.deepcopy(schema["default"])
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        result = {}
        for prop, sub in props.items():
            value = example_of(doc, sub, prop, depth + 1, context)
            if value is None and prop not in schema.get("required", []):
                continue
            result[prop] = value
        extra = schema.get("additionalProperties")
        if not props and isinstance(extra, dict):
            key = example_of(
                doc, schema.get("propertyNames", {"type": "string"}), "year", depth, context
            )
            result = {str(key): example_of(doc, extra, name, depth + 1, context)}
        return result
    if kind == "array":
        item = example_of(doc, schema.get("items", {}), name.rstrip("s"), depth + 1, context)
        return [item] * max(1, schema.get("minItems", 1)) if item is not None else []
    if kind == "string":
        if schema.get("format") in _BY_FORMAT:
            return _BY_FORMAT[schema["format"]]
        for candidate in _PATTERNED:
            if _fits(candidate, schema):
                return candidate
        return "x" * max(1, schema.get("minLength", 1))
    if kind in ("integer", "number"):
        low = schema.get(
            "minimum", schema.get("exclusiveMinimum", 0) + (1 if kind == "integer" else 0.5)
        )
        return max(low, min(1, schema.get("maximum", 1)))
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return None


def add_examples(doc: Doc) -> None:
    """An example on every JSON request body and success response that has none."""
    for _, _, op in operations(doc):
        contents = list(op.get("requestBody", {}).get("content", {}).items())
        for status, response in op.get("responses", {}).items():
            if status.startswith("2"):
                contents += list(response.get("content", {}).items())
        for media, content in contents:
            wanted = media.endswith("json") or media == "multipart/form-data"
            if not wanted or "example" in content:
                continue
            value = example_of(doc, content.get("schema", {}))
            if value is not None:
                content["example"] = value
