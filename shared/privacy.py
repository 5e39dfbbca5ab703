"""Guards against personal data: the suite holds aggregates only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

SUPPRESSION_THRESHOLD = 7
"""A survey result from fewer respondents than this is never shown (Socialstyrelsen's rule)."""
PROTECTION_WIDTH = SUPPRESSION_THRESHOLD
"""The narrowest interval the shown figures may leave for a hidden cell's respondents."""
PROTECTION_SHARE = 0.5
"""… and for its numerator or value: this share of the true figure, and never less than 1."""

_PNR = re.compile(r"(?<!\d)(?:19|20)?(\d{2})(0[1-9]|1[0-2])(\d{2})[-+ ]?(\d{4})(?!\d)")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def looks_like_personnummer(text: str) -> bool:
    """True when the text holds a valid personnummer or samordningsnummer (Luhn-checked)."""
    for match in _PNR.finditer(text):
        yy, mm, dd, last4 = match.groups()
        day = int(dd)
        if not (1 <= day <= 31 or 61 <= day <= 91):
            continue
        if _luhn_ok(yy + mm + dd + last4):
            return True
    return False


def find_personnummer(
    value: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[str | int, ...]]:
    """Every path inside a JSON-like value whose text looks like a personnummer."""
    if isinstance(value, str):
        if looks_like_personnummer(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from find_personnummer(item, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from find_personnummer(item, (*path, index))
