"""One rule for every key that makes a write repeatable (an Idempotency-Key header, a fund
allocation's `reference`): the same key with the same request answers what the first one
did and stores nothing more; the same key with another request is a 422
`idempotency_key_reused`, never the first answer passed off as this one's.

A request is identified by `request_digest` of its canonical content (stored with it, or
recomputed from what it stored where that is the whole request)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from shared.errors import FieldError, Unprocessable
from shared.i18n import message

REUSED = "idempotency_key_reused"


def request_digest(content: Any) -> str:
    """SHA-256 of the canonical JSON of a request's content (keys sorted, no spaces)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def refuse_reuse(*, first: str | None, this: str, loc: list[str | int], key: str) -> None:
    """Raise the 422 when a key already used for the request `first` comes with `this`."""
    if first == this:
        return
    field = str(loc[-1])
    raise Unprocessable(
        message("problem.shared.was_used_before_another_request", field=field),
        errors=[
            FieldError(
                loc=loc,
                field=field,
                value=key,
                message=message("problem.shared.reused_another_request"),
                code=REUSED,
            )
        ],
    )
