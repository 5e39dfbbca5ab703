"""Personnummer and samordningsnummer: the suite holds aggregates only, so text that holds one
is refused wherever it enters (request bodies, query strings, uploaded cells).

The rule, for every string a client sends: refused when some run of it is a personnummer or
samordningsnummer with a valid check digit, in any of the written forms

- `YYMMDD-NNNN`, `YYMMDD+NNNN` (100 years or older), `YYMMDDNNNN`, `YYMMDD NNNN`;
- `CCYYMMDD-NNNN`, `CCYYMMDDNNNN`, `CCYYMMDD NNNN` with the century 18, 19 or 20;

where MM is 01–12 and DD is 01–31, or 61–91 for a samordningsnummer (day + 60), and the run
is not part of a longer run of digits. A reference code is text like any other: one shaped
like a date with dashes ("2021-05-12-1234") is not a personnummer form and passes; one shaped
`CCYYMMDD-NNNN` ("20210512-1234") passes when its last digit fails the check and is refused
when it passes it, because then it is indistinguishable from a person's number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

CODE = "personal_data"
"""The error code of a refused value (`FieldError.code`, pydantic's error type)."""

MESSAGE = (
    "looks like a personnummer or samordningsnummer; the suite holds aggregates only, "
    "so describe the matter without identifying anyone"
)
HIDDEN = "(hidden)"
"""What an error shows instead of the refused value: the number is never echoed."""

_NUMBER = re.compile(
    r"(?<!\d)(?:(?:18|19|20)(?=\d{6}[- ]?\d{4}(?!\d)))?"
    r"(\d{2})(0[1-9]|1[0-2])(\d{2})([-+ ]?)(\d{4})(?!\d)"
)
# Six digits in a row (the date): the cheap test that most text fails.
_HINT = re.compile(r"\d{6}")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def contains_personnummer(text: str) -> bool:
    """True when the text holds a personnummer or samordningsnummer (module docstring)."""
    if len(text) < 10 or _HINT.search(text) is None:
        return False
    for match in _NUMBER.finditer(text):
        yy, mm, dd, _separator, last4 = match.groups()
        day = int(dd)
        if not (1 <= day <= 31 or 61 <= day <= 91):
            continue
        if _luhn_ok(yy + mm + dd + last4):
            return True
    return False


def find_personnummer(
    value: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[str | int, ...]]:
    """Every path inside a JSON-like value (mapping keys included) whose text holds one."""
    if isinstance(value, str):
        if contains_personnummer(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and contains_personnummer(key):
                yield (*path, key)
            yield from find_personnummer(item, (*path, str(key)))
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            yield from find_personnummer(item, (*path, index))
