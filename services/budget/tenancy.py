"""Which municipality a list reads."""

from __future__ import annotations

from shared.auth import Principal


def list_scope(principal: Principal, requested: str | None) -> str | None:
    """The municipality asked for (another tenant's is a 404; a cooperation's partner is
    visible), else the key's own; a cooperation caller acting for several municipalities
    must name one (422). None means every municipality (a national key that named none)."""
    if requested is None and principal.is_national:
        return None
    return principal.tenant(requested)
