"""Guards against personal data: the suite holds aggregates only."""

from __future__ import annotations

from shared.personal_data import contains_personnummer, find_personnummer

__all__ = ["SUPPRESSION_THRESHOLD", "find_personnummer", "looks_like_personnummer"]

SUPPRESSION_THRESHOLD = 7
"""A survey result from fewer respondents than this is never shown (Socialstyrelsen's rule)."""
PROTECTION_WIDTH = SUPPRESSION_THRESHOLD
"""The narrowest interval the shown figures may leave for a hidden cell's respondents."""
PROTECTION_SHARE = 0.5
"""… and for its numerator or value: this share of the true figure, and never less than 1."""

# The personnummer check lives in shared.personal_data; these names stay for its callers.
looks_like_personnummer = contains_personnummer
