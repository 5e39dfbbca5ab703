"""Optimistic concurrency for every edit: a strong ETag from the row's version, If-Match on
updates (missing → 428, stale → 412)."""

from __future__ import annotations

from shared.errors import COMMON_RESPONSES, PreconditionFailed, PreconditionRequired
from shared.i18n import message


def etag(entity: str, entity_id: object, version: int) -> str:
    return f'"{entity}-{entity_id}-v{version}"'


def check_if_match(if_match: str | None, *, entity: str, entity_id: object, version: int) -> None:
    """Refuse an update that does not name the version it was based on."""
    current = etag(entity, entity_id, version)
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            message(
                "problem.budget.send_if_match_etag_you",
                entity=message(f"budget.entity.{entity}"),
                current=current,
            ),
            headers={"ETag": current},
        )
    offered = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    if "*" in offered or current in offered:
        return
    raise PreconditionFailed(
        message(
            "problem.budget.changed_since_you_read_now",
            entity=message(f"budget.entity.{entity}"),
            version=version,
        ),
        headers={"ETag": current},
        extra={"current_version": version, "current_etag": current},
    )


EDIT_RESPONSES: dict[int | str, dict[str, object]] = {
    412: COMMON_RESPONSES[409] | {"description": "If-Match is stale: it changed since read"},
    428: COMMON_RESPONSES[409] | {"description": "If-Match is missing"},
}
