"""Base classes for request and response models."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

# C0 control characters except tab, newline and carriage return: a NUL cannot be stored in a
# PostgreSQL text column (it would be a 500), and the others only hide text from people.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _control_error(text: str, loc: tuple[str | int, ...]) -> InitErrorDetails | None:
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


def _scan(value: Any, loc: tuple[str | int, ...], found: list[InitErrorDetails]) -> None:
    """Strings in a field's value, and in its lists and mappings; a nested object that is a
    model of its own is checked by that model (with the same located errors)."""
    if isinstance(value, str):
        error = _control_error(value, loc)
        if error is not None:
            found.append(error)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                _scan(item, (*loc, i), found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _scan(key, loc, found)
            if not isinstance(item, dict):
                _scan(item, (*loc, str(key)), found)


class InputModel(BaseModel):
    """Every request body: unknown fields are refused, strings trimmed, and a string holding a
    control character other than tab, newline or carriage return is a 422 naming its field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        # One pass over the raw object (not a validator per field: a batch has 50 000 rows).
        if isinstance(data, dict):
            found: list[InitErrorDetails] = []
            for key, value in data.items():
                if isinstance(key, str):
                    _scan(value, (key,), found)
            if found:
                raise ValidationError.from_exception_data(cls.__name__, found)
        return data


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)
