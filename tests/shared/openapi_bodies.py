"""Request bodies built from the services' own OpenAPI documents, for the sweeps over every
operation: a schema-valid body per operation and the places in it a client can put a value."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

Path = tuple[str | int, ...]
Schema = dict[str, Any]

# Candidates for a string with a pattern, tried in order (codes the demo uses).
_PATTERNED = (
    "9990",
    "2024",
    "2024T2",
    "2024-05",
    "HT-A",
    "N00945",
    "U21000",
    "abc",
    "a",
    "x" * 16,
    "#1F6FB2",
    "V01E1",
    "T",
)
_FORMATS = {
    "date": "2024-03-01",
    "date-time": "2024-03-01T12:00:00+00:00",
    "uuid": "00000000-0000-4000-8000-000000000001",
    "uri": "https://example.se/hook",
    "email": "kvalitet@example.se",
    "time": "12:00:00",
    "binary": "x",
}


@dataclass(frozen=True)
class Operation:
    service: str
    method: str
    path: str  # the app's path template, e.g. /v1/frames/{frame_id}
    operation: Schema
    route: APIRoute
    components: Schema

    @property
    def name(self) -> str:
        return f"{self.service} {self.method.upper()} {self.path}"

    def url(self) -> str:
        """The path with each path parameter filled with a value of its type."""

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            for param in self.operation.get("parameters", []):
                if param["in"] == "path" and param["name"] == name:
                    return str(example(param.get("schema", {}), self.components))
            return "x"

        return re.sub(r"\{([^}]+)\}", fill, self.path)

    def json_schema(self, components: Schema) -> Schema | None:
        content = self.operation.get("requestBody", {}).get("content", {})
        media = content.get("application/json")
        return None if media is None else resolve(media["schema"], components)


def operations(apps: dict[str, FastAPI]) -> Iterator[tuple[Operation, Schema]]:
    """Every operation of every service's OpenAPI document, with the document's components."""
    for service, app in sorted(apps.items()):
        document = app.openapi()
        # Routes of included routers come wrapped (FastAPI ≥ 0.16x): walk their contexts.
        routes = {
            (method.lower(), context.path_format): context.route
            for context in iter_route_contexts(app.routes)
            if isinstance(context.route, APIRoute)
            for method in context.methods or ()
        }
        components = document.get("components", {}).get("schemas", {})
        for path, item in document["paths"].items():
            for method, operation in item.items():
                if isinstance(operation, dict) and (method, path) in routes:
                    yield (
                        Operation(
                            service, method, path, operation, routes[(method, path)], components
                        ),
                        components,
                    )


def resolve(schema: Schema, components: Schema) -> Schema:
    while "$ref" in schema:
        schema = {
            **components[schema["$ref"].rsplit("/", 1)[1]],
            **{k: v for k, v in schema.items() if k != "$ref"},
        }
    return schema


def _variant(schema: Schema, components: Schema) -> Schema:
    """The first non-null alternative of an anyOf/oneOf (else the schema itself)."""
    schema = resolve(schema, components)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [resolve(s, components) for s in schema[key]]
            chosen = next((s for s in options if s.get("type") != "null"), options[0])
            return _variant(chosen, components)
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _variant({**schema["allOf"][0]}, components)
    return schema


def _string(schema: Schema) -> str:
    if "format" in schema and schema["format"] in _FORMATS:
        return _FORMATS[schema["format"]]
    pattern = schema.get("pattern")
    low, high = schema.get("minLength", 0), schema.get("maxLength", 10_000)
    candidates = _PATTERNED if pattern else ("Text", "Text text", "x" * max(low, 1))
    for candidate in candidates:
        if pattern and not re.search(pattern, candidate):
            continue
        if low <= len(candidate) <= high:
            return candidate
    raise AssertionError(f"no example string for {schema}")


def example(schema: Schema, components: Schema, *, optional: bool = True) -> Any:
    """A value valid against the schema: every property present (optional ones too, so each
    can be swept), arrays with their minimum number of items (at least one)."""
    schema = _variant(schema, components)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for given in schema.get("examples", []):
        return copy.deepcopy(given)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {
            name: example(sub, components)
            for name, sub in properties.items()
            if optional or name in schema.get("required", [])
        }
    if kind == "array":
        count = max(schema.get("minItems", 1), 1)
        items = schema.get("items", {})
        return [example(items, components) for _ in range(count)]
    if kind == "integer":
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1)
        return max(int(low), min(1, int(schema.get("maximum", 1))))
    if kind == "number":
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        if low is not None and high is not None:
            return (low + high) / 2
        return 1 if high is None or high > 1 else high / 2
    if kind == "boolean":
        return False
    if kind == "string":
        return _string(schema)
    return "Text"


def scalar_paths(
    schema: Schema, value: Any, components: Schema, path: Path = ()
) -> Iterator[tuple[Path, Schema]]:
    """Every scalar place in an example value, with its schema."""
    schema = _variant(schema, components)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name, item in value.items():
            if name in properties:
                yield from scalar_paths(properties[name], item, components, (*path, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from scalar_paths(schema.get("items", {}), item, components, (*path, index))
    else:
        yield path, schema


def replaced(value: Any, path: Path, new: Any) -> Any:
    """A copy of value with the place at path set to new."""
    result = copy.deepcopy(value)
    target = result
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return result
