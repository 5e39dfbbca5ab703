"""Base classes for request and response models."""

from __future__ import annotations

import re
import types
import typing
from datetime import date, datetime, time
from enum import Enum
from typing import Annotated, Any, ClassVar, Literal, Union

from annotated_types import Ge, Le
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from shared import personal_data

# C0 control characters except tab, newline and carriage return: a NUL cannot be stored in a
# PostgreSQL text column (it would be a 500), and the others only hide text from people.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

BIGINT_MAX = 2**63 - 1
"""The largest integer a PostgreSQL bigint holds; every integer input stays within it."""

Id = Annotated[int, Ge(1), Le(BIGINT_MAX)]
"""An integer row id (path, query or body): 1 … 2^63−1, so it is refused before any SQL."""

Loc = tuple[str | int, ...]


def _control_error(text: str, loc: Loc) -> InitErrorDetails | None:
    found = _CONTROL.search(text)
    if found is None:
        return None
    return InitErrorDetails(
        type=PydanticCustomError(
            "control_character",
            "contains the control character U+{code} at position {position}; only tab, "
            "newline and carriage return are allowed",
            {"code": f"{ord(found.group()):04X}", "position": found.start()},
        ),
        loc=loc,
        input=text,
    )


def personal_data_error(loc: Loc) -> InitErrorDetails:
    """The located error for a value holding a personnummer; the value itself is not kept."""
    return InitErrorDetails(
        type=PydanticCustomError(personal_data.CODE, personal_data.MESSAGE),
        loc=loc,
        input=personal_data.HIDDEN,
    )


def _scan(
    value: Any, loc: Loc, found: list[InitErrorDetails], text: bool, deep: bool = False
) -> None:
    """Every string in a raw value, its lists and mappings (keys too): control characters,
    and personnummer where the field holds text (`text`; a decimal amount "1212121212" is
    not one). A nested object is checked by its own model (with the same located errors)
    unless the field holds no model (`deep`: a free mapping is walked here)."""
    if isinstance(value, str):
        error = _control_error(value, loc)
        if error is not None:
            found.append(error)
        elif text and personal_data.contains_personnummer(value):
            found.append(personal_data_error(loc))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            if deep or not isinstance(item, dict):
                _scan(item, (*loc, i), found, text, deep)
    elif isinstance(value, dict):
        for key, item in value.items():
            _scan(key, loc, found, text)
            if deep or not isinstance(item, dict):
                _scan(item, (*loc, str(key)), found, text, deep)


def _holds_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_model(a) for a in typing.get_args(annotation))


def _holds_text(annotation: Any) -> bool:
    """Whether a validated value of this type can hold text a person wrote: str, Any, models
    and containers of them do; numbers, dates, ids and fixed values (Literal, Enum) do not."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _holds_text(typing.get_args(annotation)[0])
    if origin is Literal:
        return False
    if origin is not None:
        return any(_holds_text(a) for a in typing.get_args(annotation) if a is not Ellipsis)
    if annotation is str or annotation is Any or not isinstance(annotation, type):
        return True
    if issubclass(annotation, Enum):
        return False
    return issubclass(annotation, BaseModel | str)


# What a field's raw JSON value must be when the Python type would otherwise coerce it:
# 0 is no date (pydantic reads it as 1970-01-01), 0 and "yes" are no booleans, "5" and 5.0
# are no integers. Dates and times stay ISO strings, decimals take strings or numbers.
_Kind = Literal["boolean", "integer", "date string", "text"]
_EXPECTED: dict[_Kind, tuple[type, ...]] = {
    "boolean": (bool,),
    "integer": (int,),
    "date string": (str, date, time),
    "text": (str,),
}


_NOT_FROM_TEXT = frozenset({"boolean", "integer"})
_NUMBERS = frozenset({int, float, bool})


def _converted(kind: _Kind, value: Any) -> bool:
    """Whether pydantic would convert this raw value into the kind (0 → False, 0 → a date)."""
    if value is None or isinstance(value, dict | list):
        return False  # pydantic names these itself
    if kind == "integer":
        return not isinstance(value, int) or isinstance(value, bool)
    return not isinstance(value, _EXPECTED[kind])


def _bigint(value: Any, loc: Loc, found: list[InitErrorDetails]) -> None:
    """Any integer a client sends fits a bigint: beyond it, no column could hold it."""
    if isinstance(value, int) and not -BIGINT_MAX - 1 <= value <= BIGINT_MAX:
        found.append(
            InitErrorDetails(
                type="less_than_equal" if value > 0 else "greater_than_equal",
                loc=loc,
                input=value,
                ctx={"le": BIGINT_MAX} if value > 0 else {"ge": -BIGINT_MAX - 1},
            )
        )


class NotConverted:
    """Stands in for a raw value of the wrong JSON type, so that pydantic refuses it with its
    own located type error (next to every other error in the body) instead of converting it."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return repr(self.value)


def _scalar_kind(annotation: Any) -> _Kind | None:
    """The strict kind of a plain or optional scalar annotation, None for anything else."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _scalar_kind(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        kinds = {_scalar_kind(a) for a in typing.get_args(annotation) if a is not type(None)}
        return kinds.pop() if len(kinds) == 1 else None
    if annotation is bool:
        return "boolean"
    if annotation is int:
        return "integer"
    if annotation in (date, datetime, time):
        return "date string"
    if annotation is str:
        return "text"
    return None


def _field_kind(annotation: Any) -> tuple[_Kind, bool] | None:
    """(kind, whether the value is a list of that kind) for the annotations checked strictly."""
    kind = _scalar_kind(annotation)
    if kind is not None:
        return kind, False
    bare = annotation
    while typing.get_origin(bare) is Annotated:
        bare = typing.get_args(bare)[0]
    if typing.get_origin(bare) in (Union, types.UnionType):
        members = [a for a in typing.get_args(bare) if a is not type(None)]
        bare = members[0] if len(members) == 1 else bare
    if typing.get_origin(bare) in (list, tuple, set, frozenset):
        args = [a for a in typing.get_args(bare) if a is not Ellipsis]
        kinds = {_scalar_kind(a) for a in args}
        if len(kinds) == 1 and None not in kinds:
            item_kind = kinds.pop()
            assert item_kind is not None
            return item_kind, True
    return None


def _is_enum_or_literal(annotation: Any) -> bool:
    return typing.get_origin(annotation) is Literal or (
        isinstance(annotation, type) and issubclass(annotation, Enum)
    )


def example(value: dict[str, Any]) -> ConfigDict:
    """A model's OpenAPI example (`model_config = example({...})`): a realistic request or
    answer with the demo's figures, validated and replayed by tests/test_openapi_*.py."""
    return ConfigDict(json_schema_extra={"examples": [value]})


class InputModel(BaseModel):
    """Every request body: unknown fields are refused, strings trimmed; numbers are not
    converted into booleans, dates or text (nor text into integers), an integer stays within
    a bigint; a string holding a
    control character other than tab, newline or carriage return, or a personnummer, is a 422
    naming its field (the number is not echoed)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # Filled for each subclass, by field input name: (strict kind, list of that kind), and
    # the fields whose values cannot hold text.
    __strict_fields__: ClassVar[dict[str, tuple[_Kind, bool]]] = {}
    __textless_fields__: ClassVar[frozenset[str]] = frozenset()
    __free_fields__: ClassVar[frozenset[str]] = frozenset()  # mappings that hold no model

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        strict: dict[str, tuple[_Kind, bool]] = {}
        textless: set[str] = set()
        free: set[str] = set()
        for name, info in cls.model_fields.items():
            annotation = info.annotation
            alias = info.validation_alias if isinstance(info.validation_alias, str) else None
            key = alias or info.alias or name
            if not _holds_text(annotation):
                textless.add(key)
            elif not _holds_model(annotation):
                free.add(key)
            if _is_enum_or_literal(annotation):
                continue
            kind = _field_kind(annotation)
            if kind is not None:
                strict[key] = kind
        cls.__strict_fields__ = strict
        cls.__textless_fields__ = frozenset(textless)
        cls.__free_fields__ = frozenset(free)

    @model_validator(mode="before")
    @classmethod
    def _checked_input(cls, data: Any) -> Any:
        # One pass over the raw object (not a validator per field: a batch has 50 000 rows).
        if isinstance(data, dict):
            found: list[InitErrorDetails] = []
            strict, textless = cls.__strict_fields__, cls.__textless_fields__
            replaced: dict[str, Any] = {}
            for key, value in data.items():
                if value is None or not isinstance(key, str):
                    continue
                kind = strict.get(key)
                if value.__class__ is str:  # the common case, kept short
                    if _CONTROL.search(value) is not None:
                        _scan(value, (key,), found, False)
                    elif (
                        len(value) >= 10
                        and key not in textless
                        and personal_data.contains_personnummer(value)
                    ):
                        found.append(personal_data_error((key,)))
                    if kind is not None and kind[0] in _NOT_FROM_TEXT and not kind[1]:
                        replaced[key] = NotConverted(value)
                    continue
                if value.__class__ not in _NUMBERS:
                    _scan(value, (key,), found, key not in textless, key in cls.__free_fields__)
                if kind is None:
                    continue
                if kind[1] and isinstance(value, list):
                    if kind[0] == "integer":
                        for i, item in enumerate(value):
                            _bigint(item, (key, i), found)
                    if any(_converted(kind[0], item) for item in value):
                        replaced[key] = [
                            NotConverted(item) if _converted(kind[0], item) else item
                            for item in value
                        ]
                elif not kind[1] and _converted(kind[0], value):
                    replaced[key] = NotConverted(value)
                elif kind[0] == "integer":
                    _bigint(value, (key,), found)
            if found:
                raise ValidationError.from_exception_data(cls.__name__, found)
            if replaced:
                return {**data, **replaced}
        return data


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)
