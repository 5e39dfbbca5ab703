"""Every JSON request body and success response in the committed documents has an example,
and every example (and every `examples` a schema carries) validates against its schema."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs
import pytest

from shared.openapi import COMBINED, DOCS_DIR, Doc, operations
from shared.settings import SERVICES


def _document(name: str) -> Doc:
    doc: Doc = json.loads((DOCS_DIR / f"{name}.json").read_text())
    return doc


def _validator(doc: Doc, schema: dict[str, Any]) -> Any:
    return jsonschema_rs.Draft202012Validator(
        {**schema, "components": doc["components"]}, validate_formats=True
    )


def _contents(doc: Doc) -> list[tuple[str, str, dict[str, Any]]]:
    """(label, media type, media type object) of every request body and success response."""
    found = []
    for path, method, op in operations(doc):
        label = f"{method.upper()} {path}"
        for media, content in op.get("requestBody", {}).get("content", {}).items():
            found.append((f"{label} request", media, content))
        for status, response in op["responses"].items():
            if status.startswith("2"):
                for media, content in response.get("content", {}).items():
                    found.append((f"{label} {status}", media, content))
    return found


@pytest.mark.parametrize("name", [*SERVICES, COMBINED])
def test_every_json_body_and_success_response_has_an_example(name: str) -> None:
    missing = [
        f"{label} {media}"
        for label, media, content in _contents(_document(name))
        if media in ("application/json", "multipart/form-data") and "example" not in content
    ]
    assert missing == []


@pytest.mark.parametrize("name", [*SERVICES, COMBINED])
def test_every_example_validates_against_its_schema(name: str) -> None:
    doc = _document(name)
    invalid = []
    for label, media, content in _contents(doc):
        if "example" not in content or media == "multipart/form-data":
            continue
        errors = list(_validator(doc, content["schema"]).iter_errors(content["example"]))
        invalid += [f"{label}: {e.message} at {list(e.instance_path)}" for e in errors[:3]]
    for component, schema in doc["components"]["schemas"].items():
        for example in schema.get("examples", []):
            errors = list(_validator(doc, schema).iter_errors(example))
            invalid += [f"{component}: {e.message} at {list(e.instance_path)}" for e in errors[:3]]
    assert invalid == [], "\n".join(invalid)


def test_examples_carry_the_demos_figures() -> None:
    doc = _document(COMBINED)
    text = json.dumps(
        [content["example"] for _, _, content in _contents(doc) if "example" in content],
        ensure_ascii=False,
    )
    for figure in ('"9990"', "andel_nojda", '"88.1"', "Socialnämnden", '"1462"'):
        assert figure in text, figure
