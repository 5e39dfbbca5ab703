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
            {"url": PUBLIC_HOST, "description": "The public gateway"},
            {"url": "/", "description": "The host serving this document"},
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


def finish(schema: Doc, *, service: str, routes: Any, page_max: int) -> None:
    """Document what the suite does for every route (see the section comment)."""
    facts = _route_facts(routes)
    schema.setdefault("components", {}).setdefault("schemas", {})["Language"] = LANGUAGE
    schema["components"]["schemas"] = dict(sorted(schema["components"]["schemas"].items()))
    info = schema.setdefault("info", {})
    info["contact"] = CONTACT
    info["license"] = LICENSE
    schema["servers"] = [
        {"url": f"{PUBLIC_HOST}/api/{service}", "description": "The public gateway"},
        {"url": f"/api/{service}", "description": "The host serving these documents"},
    ]
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
        if not _header(op, "Accept-Language"):
            params.append(copy.deepcopy(ACCEPT_LANGUAGE))
        if_match = _header(op, "If-Match")
        if "428" in responses and if_match is not None:
            if_match["required"] = True
            if_match["schema"] = {**_STRING, "examples": ['"3f2c9a1b7d0e4c55a1b2c3d4e5f60718"']}
            if_match["description"] = "The ETag of the version being changed (428 without)"
        if method == "get":
            params.append(copy.deepcopy(IF_NONE_MATCH))
            responses["304"] = copy.deepcopy(NOT_MODIFIED)
        for status, response in responses.items():
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
    schema["tags"] = [
        {"name": t, "description": TAGS.get(t, SERVICE_TAGS.get(t, ""))} for t in used
    ]
