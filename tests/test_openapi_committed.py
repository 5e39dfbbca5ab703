"""The committed OpenAPI documents (docs/openapi/) are the code's, clean enough to generate a
client from, and do not break a client of the last release without a version bump."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
from collections import Counter
from functools import cache
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from shared import __version__
from shared.app import summarize
from shared.openapi import (
    COMBINED,
    DOCS_DIR,
    REF,
    Doc,
    allows_breaking,
    breaking_changes,
    combine,
    dumps,
    latest_release,
    operations,
    service_documents,
)
from shared.settings import REPO_ROOT, SERVICES, Settings

REGENERATE = "run `make openapi` and commit docs/openapi/"


@cache
def _generated() -> dict[str, str]:
    docs = service_documents()
    return {name: dumps(doc) for name, doc in [*docs.items(), (COMBINED, combine(docs))]}


def _combined() -> Doc:
    doc: Doc = json.loads(_generated()[COMBINED])
    return doc


@pytest.mark.parametrize("name", [*SERVICES, COMBINED])
def test_committed_document_matches_the_code(name: str) -> None:
    path = DOCS_DIR / f"{name}.json"
    assert path.exists(), f"{path} is missing: {REGENERATE}"
    assert path.read_text() == _generated()[name], (
        f"{path.relative_to(REPO_ROOT)} differs from the code: {REGENERATE}"
    )


def test_operation_ids_are_the_handler_names_and_unique_in_the_combined_document() -> None:
    settings = Settings.model_construct()
    for service in SERVICES:
        app = importlib.import_module(f"services.{service}.app").create_app(settings)
        doc = app.openapi()
        # Routes of included routers come wrapped (FastAPI ≥ 0.16x): walk their contexts.
        checked = 0
        for context in iter_route_contexts(app.routes):
            route = context.route
            if not isinstance(route, APIRoute) or not route.include_in_schema:
                continue
            for method in sorted(context.methods or ()):
                op = doc["paths"][context.path_format][method.lower()]
                expected = route.operation_id or context.name
                assert op["operationId"] == expected, f"{service} {method} {context.path}"
                assert route.operation_id is None or context.path in {"/healthz", "/readyz"}
                checked += 1
        documented = sum(
            1
            for ops in doc["paths"].values()
            for m in ops
            if m in {"get", "post", "put", "patch", "delete"}
        )
        assert checked == documented, f"{service}: {checked} routes checked of {documented}"
    counts = Counter(op["operationId"] for _, _, op in operations(_combined()))
    assert [name for name, n in counts.items() if n > 1] == []
    # the one clash today is prefixed by its service, the rest stay the handler's name
    assert {"awards_create_payout", "budget_create_payout", "list_units"} <= set(counts)


def test_every_operation_has_a_summary_typed_success_and_problem_errors() -> None:
    missing: list[str] = []
    for path, method, op in operations(_combined()):
        label = f"{method.upper()} {path}"
        if not op.get("summary"):
            missing.append(f"{label}: no summary")
        successes = {s: r for s, r in op["responses"].items() if s.startswith("2")}
        if not successes:
            missing.append(f"{label}: no success response")
        for status, response in successes.items():
            if status != "204" and not response.get("content"):
                missing.append(f"{label}: {status} has no content type")
        for status, response in op["responses"].items():
            if status.startswith("4"):
                content = response.get("content", {})
                schema = content.get("application/problem+json", {}).get("schema", {})
                if schema.get("$ref") != REF + "Problem":
                    missing.append(f"{label}: {status} is not problem+json")
        declared = "422" in op["responses"] and "401" in op["responses"]
        if not declared and not path.endswith(("/healthz", "/readyz")):
            missing.append(f"{label}: 401/422 not declared")
    assert missing == []


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_has_an_operation_id_and_a_human_summary(service: str) -> None:
    doc = service_documents()[service]
    missing = []
    for path, method, op in operations(doc):
        label = f"{service} {method.upper()} {path}"
        if not op.get("operationId"):
            missing.append(f"{label}: no operationId")
        summary = op.get("summary", "").strip()
        handler = op.get("operationId", "").removeprefix(f"{service}_")
        if not summary or summary == handler.replace("_", " ").title():
            missing.append(f"{label}: summary {summary!r} (give the handler a docstring)")
        if summary.endswith(".") or "\n" in summary:
            missing.append(f"{label}: summary {summary!r} is not one line")
    assert missing == []


def test_every_operation_says_who_may_call_it_and_its_rules() -> None:
    missing = []
    for path, method, op in operations(_combined()):
        description = op.get("description", "")
        if not description.startswith("**Who:**") and "\n\n**Who:**" not in description:
            missing.append(f"{method.upper()} {path}")
    assert missing == []
    target = _combined()["paths"]["/api/indicators/v1/targets/{target_id}"]["put"]
    assert "`indicators:write`" in target["description"]
    assert "If-Match: 428 without it, 412" in target["description"]


def test_every_tag_is_defined_with_a_description_and_info_names_contact_licence_https() -> None:
    doc = _combined()
    defined = {tag["name"]: tag.get("description") for tag in doc["tags"]}
    assert all(defined.values()), defined
    used = {tag for _, _, op in operations(doc) for tag in op.get("tags", [])}
    assert used <= set(defined), used - set(defined)
    assert set(SERVICES) <= set(defined)
    for document in [doc, *service_documents().values()]:
        assert document["info"]["license"]["identifier"] == "EUPL-1.2"
        assert document["info"]["contact"]["url"].startswith("https://")
        assert any(s["url"].startswith("https://") for s in document["servers"])


def _header_params(op: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in op.get("parameters", []) if p["in"] == "header"}


def test_the_headers_every_operation_sends_and_reads_are_documented() -> None:
    gaps = []
    for path, method, op in operations(_combined()):
        label = f"{method.upper()} {path}"
        headers = _header_params(op)
        if any(name != name.title() and name.lower() != "api-version" for name in headers):
            gaps.append(f"{label}: header spelled {sorted(headers)}")
        if "Accept-Language" not in headers:
            gaps.append(f"{label}: no Accept-Language")
        responses = op["responses"]
        if method == "get":
            if "If-None-Match" not in headers or "304" not in responses:
                gaps.append(f"{label}: no If-None-Match/304")
            if "ETag" not in responses["200"].get("headers", {}):
                gaps.append(f"{label}: 200 without ETag")
        if "428" in responses and not headers.get("If-Match", {}).get("required"):
            gaps.append(f"{label}: 428 without a required If-Match")
        for status, response in responses.items():
            documented = response.get("headers", {})
            if status in {"201", "202"} and "Location" not in documented:
                gaps.append(f"{label}: {status} without Location")
            if status in {"429", "503"} and "Retry-After" not in documented:
                gaps.append(f"{label}: {status} without Retry-After")
            if status[0] in "45" and "Content-Language" not in documented:
                gaps.append(f"{label}: {status} without Content-Language")
    assert gaps == []


def test_limit_is_documented_up_to_the_configured_page_size() -> None:
    maxima = {
        p["schema"].get("maximum")
        for _, _, op in operations(_combined())
        for p in op.get("parameters", [])
        if p["in"] == "query" and p["name"] == "limit"
    }
    assert maxima == {Settings.model_construct().MAX_PAGE_SIZE} == {500}
    app = importlib.import_module("services.budget.app").create_app(
        Settings.model_construct(MAX_PAGE_SIZE=200)
    )
    limits = [
        p["schema"]["maximum"]
        for _, _, op in operations(app.openapi())
        for p in op.get("parameters", [])
        if p["name"] == "limit"
    ]
    assert limits
    assert set(limits) == {200}


def test_a_summary_is_the_docstrings_first_sentence_and_the_rest_the_description() -> None:
    assert summarize("One measure.") == ("One measure", "")
    assert summarize("Define it: formulas.\nA bad one is refused.") == (
        "Define it: formulas",
        "A bad one is refused.",
    )
    assert summarize("Per unit: how many are met,\nand the share. Units open then.") == (
        "Per unit: how many are met, and the share",
        "Units open then.",
    )


def _enums(node: Any, where: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    if isinstance(node, dict):
        if "enum" in node:
            found.append((where, node))
        for key, value in node.items():
            found += _enums(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found += _enums(item, f"{where}[{i}]")
    return found


def test_every_enum_in_the_components_has_a_name() -> None:
    schemas = _combined()["components"]["schemas"]
    untitled = [where for where, enum in _enums(schemas, "components") if not enum.get("title")]
    assert untitled == []


def _inline_objects(node: Any, where: str) -> list[str]:
    """Objects with properties written inline (not a $ref to a named component)."""
    found = []
    if isinstance(node, dict):
        if node.get("properties"):  # a dict[str, X] (additionalProperties only) is fine
            found.append(where)
        for key, value in node.items():
            found += _inline_objects(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found += _inline_objects(item, f"{where}[{i}]")
    return found


def test_response_bodies_name_their_objects() -> None:
    inline = []
    for path, method, op in operations(_combined()):
        for status, response in op["responses"].items():
            for media, content in response.get("content", {}).items():
                inline += _inline_objects(
                    content.get("schema", {}), f"{method.upper()} {path} {status} {media}"
                )
    assert inline == [], "give these a response_model with a name:\n" + "\n".join(inline)


def test_combined_document_does_not_break_the_last_release() -> None:
    release = latest_release()
    assert release is not None, "docs/openapi/released/ holds no kvalitetsnavet-<version>.json"
    version, released = release
    changes = breaking_changes(released, _combined())
    if changes and not allows_breaking(version, __version__):
        pytest.fail(
            f"breaking changes against release {version} (bump shared.__version__'s "
            f"{'minor' if version.startswith('0.') else 'major'} version, or keep them "
            "compatible):\n" + "\n".join(changes)
        )


# --- the comparison itself, on small synthetic documents -------------------------------


def _doc(
    *,
    out_props: dict[str, Any] | None = None,
    in_required: list[str] | None = None,
    enum: list[str] | None = None,
    params: list[dict[str, Any]] | None = None,
    path: str = "/api/x/v1/things",
    operation_id: str = "create_thing",
) -> Doc:
    return {
        "paths": {
            path: {
                "post": {
                    "operationId": operation_id,
                    "parameters": params or [],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": REF + "ThingIn"}}},
                    },
                    "responses": {
                        "201": {
                            "content": {"application/json": {"schema": {"$ref": REF + "ThingOut"}}}
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "ThingIn": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "kind": {"type": "string", "enum": enum or ["a", "b"]},
                        "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    },
                    "required": in_required or ["name"],
                },
                "ThingOut": {
                    "type": "object",
                    "properties": out_props
                    or {"id": {"type": "integer"}, "name": {"type": "string"}},
                },
            }
        },
    }


def test_identical_and_compatible_documents_have_no_breaking_change() -> None:
    assert breaking_changes(_doc(), _doc()) == []
    widened = _doc(
        enum=["a", "b", "c"],
        out_props={"id": {"type": "integer"}, "name": {"type": "string"}, "x": {}},
        params=[{"in": "query", "name": "q", "required": False, "schema": {"type": "string"}}],
    )
    assert breaking_changes(_doc(), widened) == []


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (_doc(path="/api/x/v1/other"), "POST /api/x/v1/things: operation removed"),
        (_doc(operation_id="make_thing"), "operationId 'create_thing' became 'make_thing'"),
        (_doc(out_props={"id": {"type": "integer"}}), "response field 'name' removed"),
        (_doc(in_required=["name", "note"]), "request field 'note' is now required"),
        (_doc(enum=["a"]), "enum no longer accepts ['b']"),
        (
            _doc(out_props={"id": {"type": "string"}, "name": {"type": "string"}}),
            "response 201.id: type changed from ['integer', 'number'] to ['string']",
        ),
        (
            _doc(params=[{"in": "query", "name": "q", "required": True}]),
            "query parameter 'q': new and required",
        ),
    ],
)
def test_breaking_change_is_named(new: Doc, expected: str) -> None:
    changes = breaking_changes(_doc(), new)
    assert any(expected in change for change in changes), changes


def _named_enum(doc: Doc, values: list[str], *, default: str | None = None) -> Doc:
    """The document with ThingIn.kind moved to a named component (as shared.app does)."""
    site: dict[str, Any] = {"$ref": REF + "ThingKind"}
    if default is not None:
        site["default"] = default
    doc["components"]["schemas"]["ThingIn"]["properties"]["kind"] = site
    doc["components"]["schemas"]["ThingKind"] = {"type": "string", "enum": values}
    doc["paths"]["/api/x/v1/things"]["post"]["parameters"] = [
        {"in": "query", "name": "kind", "schema": {"anyOf": [site, {"type": "null"}]}}
    ]
    return doc


def test_an_inline_enum_made_a_named_component_is_not_breaking() -> None:
    old = _doc()
    old["paths"]["/api/x/v1/things"]["post"]["parameters"] = [
        {
            "in": "query",
            "name": "kind",
            "schema": {"anyOf": [{"type": "string", "enum": ["a", "b"]}, {"type": "null"}]},
        }
    ]
    assert breaking_changes(old, _named_enum(_doc(), ["a", "b"], default="a")) == []
    assert breaking_changes(old, _named_enum(_doc(), ["a", "b", "c"])) == []


def test_a_value_removed_from_a_named_enum_is_breaking() -> None:
    old = _doc()
    old["paths"]["/api/x/v1/things"]["post"]["parameters"] = [
        {"in": "query", "name": "kind", "schema": {"type": "string", "enum": ["a", "b"]}}
    ]
    changes = breaking_changes(old, _named_enum(_doc(), ["a"]))
    assert any("request body.kind: enum no longer accepts ['b']" in c for c in changes), changes
    assert any("parameter 'kind': enum no longer accepts ['b']" in c for c in changes), changes
    named = _named_enum(_doc(), ["a", "b"])
    assert any(
        "no longer accepts" in c for c in breaking_changes(named, _named_enum(_doc(), ["b"]))
    )


def test_every_enum_is_a_named_component_referenced_by_ref() -> None:
    doc = _combined()
    inline = [where for where, _ in _enums(doc["paths"], "paths")]
    for name, schema in doc["components"]["schemas"].items():
        if "enum" not in schema:
            inline += [where for where, _ in _enums(schema, name)]
    assert inline == []
    named = {n: s["enum"] for n, s in doc["components"]["schemas"].items() if "enum" in s}
    assert named["Gender"] == ["T", "K", "M"]
    assert named["Direction"] == ["higher", "lower"]


def test_only_a_major_or_zero_minor_bump_allows_breaking() -> None:
    assert not allows_breaking("0.1.0", "0.1.5")
    assert allows_breaking("0.1.0", "0.2.0")
    assert not allows_breaking("1.2.0", "1.9.0")
    assert allows_breaking("1.2.0", "2.0.0")


def test_combined_document_prefixes_paths_and_renames_clashing_components() -> None:
    def service(schema: dict[str, Any]) -> Doc:
        return {
            "openapi": "3.1.0",
            "paths": {
                "/v1/p": {
                    "get": {
                        "operationId": "get_p",
                        "responses": {
                            "200": {
                                "content": {"application/json": {"schema": {"$ref": REF + "P"}}}
                            }
                        },
                    }
                }
            },
            "components": {"schemas": {"P": schema, "Same": {"type": "string"}}},
        }

    combined = combine({"a": service({"type": "string"}), "b": service({"type": "integer"})})
    assert set(combined["paths"]) == {"/api/a/v1/p", "/api/b/v1/p"}
    assert set(combined["components"]["schemas"]) == {"a_P", "b_P", "Same"}
    op = combined["paths"]["/api/b/v1/p"]["get"]
    assert op["operationId"] == "b_get_p"
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": REF + "b_P"}


# --- the TypeScript client --------------------------------------------------------------


def test_typescript_client_generates_and_usage_type_checks() -> None:
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.skip("node/npm are not installed: the TypeScript client check needs node 20 + npm")
    if not (REPO_ROOT / "node_modules" / ".bin" / "tsc").exists():
        pytest.skip("node_modules is missing: run `npm ci` (CI does, in .ci/run)")
    for script in ("client:generate", "client:check"):
        result = subprocess.run(
            [npm, "run", "--silent", script],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"npm run {script}:\n{result.stdout}\n{result.stderr}"
