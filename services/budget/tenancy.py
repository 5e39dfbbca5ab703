"""Which municipality a list reads."""

from __future__ import annotations

from shared.auth import Principal


def list_scope(principal: Principal, requested: str | None) -> str | None:
    """The municipality asked for (another tenant's is a 404), else the key's own; None means
    every municipality (a national key that named none)."""
    if requested is not None:
        principal.require_municipality(requested)
        return requested
    return principal.municipality_code
