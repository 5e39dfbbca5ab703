"""Generated from every service's OpenAPI document: each list is a page, and each response
that carries a money difference names its sign convention."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from services.budget.operating.schemas import DIFFERENCE_CONVENTION
from shared.openapi import Doc, operations, service_documents

PAGE_FIELDS = {"items", "total", "limit", "offset"}


def _schema(doc: Doc, node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = doc["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _json_200(doc: Doc, op: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON body of the operation's success (200, else 201)."""
    responses = op.get("responses", {})
    content = (responses.get("200") or responses.get("201") or {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return None if schema is None else _schema(doc, schema)


def _objects(doc: Doc, node: dict[str, Any], seen: set[int]) -> Iterator[dict[str, Any]]:
    """Every object schema reachable from `node`."""
    node = _schema(doc, node)
    if id(node) in seen:
        return
    seen.add(id(node))
    if "properties" in node:
        yield node
        for child in node["properties"].values():
            yield from _objects(doc, child, seen)
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            yield from _objects(doc, node[key], seen)
    for key in ("anyOf", "oneOf", "allOf"):
        for child in node.get(key, []):
            yield from _objects(doc, child, seen)


def test_every_list_that_takes_limit_answers_a_page() -> None:
    checked, bare = 0, []
    for service, doc in service_documents().items():
        for path, method, op in operations(doc):
            names = {p.get("name") for p in op.get("parameters", [])}
            if method != "get" or "limit" not in names:
                continue
            checked += 1
            schema = _json_200(doc, op)
            if schema is None or not set(schema.get("properties", {})) >= PAGE_FIELDS:
                bare.append(f"{service} GET {path}")
    assert checked >= 20
    assert bare == []


def test_every_response_with_a_budget_difference_names_the_one_convention() -> None:
    checked, unnamed = 0, []
    doc = service_documents()["budget"]
    for path, method, op in operations(doc):
        schema = _json_200(doc, op)
        if schema is None:
            continue
        carries = any("difference" in obj["properties"] for obj in _objects(doc, schema, set()))
        if not carries:
            continue
        checked += 1
        top = schema.get("properties", {})
        if "items" in top and "sign_convention" not in top:  # a page: look at its items
            top = _schema(doc, top["items"]["items"]).get("properties", {})
        named = top.get("sign_convention", {}).get("default", "")
        if DIFFERENCE_CONVENTION not in named:
            unnamed.append(f"{method.upper()} {path}")
    assert checked >= 6
    assert unnamed == []
