"""Comparisons with other municipalities: rank and the KKiK-style colour. Pure functions."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Literal

Colour = Literal["green", "yellow", "red"]

# Kolada's "Liknande kommuner <area>, <kommun>, <år>" group names per area of operations.
GROUP_AREA = {
    "aldreomsorg": "Liknande kommuner äldreomsorg, ",
    "hsl": "Liknande kommuner äldreomsorg, ",
    "lss": "Liknande kommuner LSS, ",
    "ifo": "Liknande kommuner IFO, ",
    "socialpsykiatri": "Liknande kommuner IFO, ",
}
GROUP_DEFAULT = "Liknande kommuner, övergripande, "

Scope = Literal["national", "sample"]
NATIONAL_SHARE = 0.9
"""A rank (and its colour) is national when the municipalities with a value are at least this
share of all municipalities; otherwise it is among a sample, and says so."""


def scope(ranked: int, population: int) -> Scope:
    return "national" if population and ranked >= NATIONAL_SHARE * population else "sample"


def rank(values: Mapping[str, Decimal], code: str, *, direction: str) -> tuple[int, int] | None:
    """(rank, of): 1 is best; ties share the better rank. None when `code` has no value."""
    own = values.get(code)
    if own is None:
        return None
    better = sum(1 for v in values.values() if (v > own if direction == "higher" else v < own))
    return better + 1, len(values)


def colour(position: int, of: int) -> Colour:
    """KKiK: the best quarter green, the middle half yellow, the worst quarter red."""
    if of <= 0:
        return "yellow"
    quarter = of / 4
    if position <= math.ceil(quarter):
        return "green"
    if position > of - math.ceil(quarter):
        return "red"
    return "yellow"


def mean(values: list[Decimal]) -> Decimal | None:
    """Kolada's group value: the unweighted mean of the members with data."""
    if not values:
        return None
    return sum(values, Decimal(0)) / len(values)
