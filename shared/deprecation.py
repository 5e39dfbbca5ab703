"""Deprecated operations: marked in OpenAPI and announced on every response.

    @router.get("/v1/old", **deprecated(since=date(2026, 11, 1), sunset=date(2027, 6, 1),
                                         link="https://kvalitetsnavet.se/changes/old"))

`shared.app.JsonRoute` reads the marks back (`headers_for`) and sends `Deprecation`
(RFC 9745: `@<epoch seconds>`), `Sunset` (RFC 8594: an HTTP-date) and, with a link,
`Link: <...>; rel="deprecation"` on successes and problems alike.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import format_datetime
from typing import Any

SINCE = "x-deprecated-since"
SUNSET = "x-sunset"
LINK = "x-deprecation-link"


def deprecated(*, since: date, sunset: date, link: str | None = None) -> dict[str, Any]:
    """Keyword arguments for a route decorator: `deprecated=True` and the dates in OpenAPI."""
    if sunset < since:
        raise ValueError(f"sunset {sunset} is before the deprecation date {since}")
    extra: dict[str, Any] = {SINCE: since.isoformat(), SUNSET: sunset.isoformat()}
    if link is not None:
        extra[LINK] = link
    return {"deprecated": True, "openapi_extra": extra}


def _midnight(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=UTC)


def headers_for(deprecated: bool | None, openapi_extra: dict[str, Any] | None) -> dict[str, str]:
    """The headers a route marked by `deprecated` sends; {} for any other route."""
    extra = openapi_extra or {}
    if not deprecated or SUNSET not in extra:
        return {}
    headers = {
        "Deprecation": f"@{int(_midnight(extra[SINCE]).timestamp())}",
        "Sunset": format_datetime(_midnight(extra[SUNSET]), usegmt=True),
    }
    if LINK in extra:
        headers["Link"] = f'<{extra[LINK]}>; rel="deprecation"; type="text/html"'
    return headers
