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
        },
        "servers": [{"url": "/"}],
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
