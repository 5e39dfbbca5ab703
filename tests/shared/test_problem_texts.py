"""Problem texts come from the message catalogue by construction: no refusal in services/ or
shared/ is built from a string, and pydantic's errors are Swedish by their type."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, Field, ValidationError

from shared.errors import FieldError, validation_message
from shared.i18n import Invalid, message
from shared.i18n_catalogue import CATALOGUE
from shared.schemas import Id

ROOT = Path(__file__).resolve().parents[2]


def _classes(tree: ast.Module, bases: set[str]) -> set[str]:
    """Names of the classes in a module deriving from any of `bases` (by name)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            names = {
                b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
            }
            if names & bases:
                found.add(node.name)
    return found


def _is_text(node: ast.expr | None) -> bool:
    """A string built in place: a literal, an f-string, a concatenation, str(...), a join."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.IfExp):
        return _is_text(node.body) or _is_text(node.orelse)
    if isinstance(node, ast.Call):
        func = node.func
        return (isinstance(func, ast.Name) and func.id == "str") or (
            isinstance(func, ast.Attribute) and func.attr in {"join", "format"}
        )
    return False


def _sources() -> dict[Path, ast.Module]:
    files = [*ROOT.glob("services/**/*.py"), *ROOT.glob("shared/**/*.py")]
    return {
        path: ast.parse(path.read_text(encoding="utf-8"))
        for path in files
        if "migrations" not in path.parts
    }


def test_every_refusal_in_services_and_shared_is_built_from_a_catalogue_message() -> None:
    """Every AppError (any subclass, the services' own too), FieldError and Invalid (pydantic
    validators, periods, money, formulas) is given a Message, never a string: a new raise is
    Swedish and English without anyone remembering it."""
    sources = _sources()
    refusals = {"AppError", "Invalid", "FieldError", "problem_response"}
    while True:  # subclasses of subclasses, across modules
        more = set().union(*(_classes(tree, refusals) for tree in sources.values()))
        if more <= refusals:
            break
        refusals |= more
    assert {"NotFound", "Unprocessable", "PeriodError", "MoneyPrecisionError"} <= refusals
    found: list[str] = []
    checked = 0
    for path, tree in sources.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in refusals:
                continue
            checked += 1
            given = [kw.value for kw in node.keywords if kw.arg in {"detail", "message", "text"}]
            given += node.args[:1]
            if any(_is_text(arg) for arg in given):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}(…) takes a string")
    assert not found, "\n".join(found)
    assert checked > 250


def test_pydantic_validators_refuse_with_invalid_not_a_worded_value_error() -> None:
    """A `raise ValueError("…")` in a schema's validator would reach the client in English."""
    found = []
    for path, tree in _sources().items():
        if path.name != "schemas.py":
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Raise)
                and isinstance(node.exc, ast.Call)
                and getattr(node.exc.func, "id", None) == "ValueError"
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, found


class _Sample(BaseModel):
    id: Id
    name: str = Field(max_length=3)
    kind: Any = None


@pytest.mark.parametrize(
    ("body", "swedish", "english"),
    [
        (
            {"id": 2**63, "name": "x"},
            "Värdet ska vara högst 9\u00a0223\u00a0372\u00a0036\u00a0854\u00a0775\u00a0807",
            "Input should be less than or equal to 9223372036854775807",
        ),
        ({"id": 1, "name": "abcd"}, "Texten får ha högst 3 tecken", "String should have at most"),
        ({"name": "x"}, "Fältet krävs", "Field required"),
        ({"id": "x", "name": "x"}, "Värdet ska vara ett heltal", "Input should be a valid"),
    ],
)
def test_pydantic_errors_are_swedish_by_type_and_english_as_pydantic_says(
    body: dict[str, Any], swedish: str, english: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _Sample.model_validate(body)
    text = validation_message(refused.value.errors()[0])
    assert text.render("sv") == swedish
    assert text.render("en").startswith(english)


def test_an_error_type_without_swedish_says_so_and_names_the_type() -> None:
    text = validation_message({"type": "something_new", "msg": "Something new", "ctx": {}})
    assert text.render("sv") == "Ogiltigt värde (something_new)"
    assert text.render("en") == "Something new"


def test_a_validators_invalid_keeps_its_catalogue_text() -> None:
    error = {
        "type": "value_error",
        "msg": "Value error, x",
        "ctx": {"error": Invalid(message("problem.ingest.not_a_number"))},
    }
    text = validation_message(error)
    assert (text.render("sv"), text.render("en")) == ("inget tal", "Value error, x")


def test_a_located_error_is_shown_in_the_language_asked_for() -> None:
    error = FieldError(loc=["body", "x"], message=message("problem.ingest.not_a_number"))
    assert error.shown("sv")["message"] == "inget tal"
    assert error.shown("en")["message"] == "not a number"
    assert error.message == "not a number"


def test_every_pydantic_error_type_has_a_swedish_text_or_is_one_the_suite_cannot_meet() -> None:
    """Types a JSON API never produces (Python objects, call arguments, …) may fall back."""
    import typing

    from pydantic_core import core_schema

    unreachable = {
        "no_such_attribute", "needs_python_object", "recursion_depth_exceeded",
        "invalid_key", "get_attribute_error", "dataclass_type", "dataclass_exact_type",
        "named_tuple_type", "default_factory_not_called", "frozen_dict_type",
        "ordered_dict_type", "counter_type", "deque_type", "iteration_error", "arguments_type",
        "unexpected_positional_argument", "missing_positional_only_argument",
        "multiple_argument_values", "is_subclass_of", "fraction_type", "fraction_parsing",
        "complex_type", "complex_str_parsing", "missing_sentinel_error", "ellipsis_error",
    }  # fmt: skip
    missing = [
        t
        for t in typing.get_args(core_schema.ErrorType)
        if t not in unreachable and f"validation.{t}" not in CATALOGUE
    ]
    assert missing == []
