"""Conditional GET for every JSON read: a strong ETag and 304 on a matching If-None-Match.

`shared.app.JsonRoute` calls `conditional` on each successful GET/HEAD. A route that sets
its own ETag (a version tag, the analytics cache key) keeps it; otherwise the tag is a digest
of the exact body bytes, so two responses share a tag only when they are byte-identical.
Bodies differ per tenant and per key's view, so a tag never leaks across callers' caches.
A representation in another language than Swedish (`Content-Language`, shared.i18n) gets
the language appended to its tag, so a 304 never answers for the other language; If-Match
accepts either (`version_matches`): an edit does not depend on the language it was read in.

Read your writes: a write to ingest answers with the municipality's `data_version`; a read
that must show it sends that number back in `Min-Data-Version` (`MinDataVersion`), and a
cache that reuses a state for a while (analytics) reads the state again when it is older.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import Header
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from shared.i18n import DEFAULT as DEFAULT_LANGUAGE

SAFE_METHODS = frozenset({"GET", "HEAD"})
# The Min-Data-Version request header, as a route parameter (FastAPI names the header
# after it); shared.openapi documents the rule for every operation that takes it.
MinDataVersion = Annotated[
    int | None,
    Header(
        ge=1,
        le=2**63 - 1,
        description="The data_version a write to ingest answered: the answer shows that "
        "write (and everything before it). Without it, an answer may come from a state "
        "a moment older.",
    ),
]
# RFC 9110 §15.4.5: what a 304 carries over from the 200 it stands for.
KEPT_ON_304 = ("etag", "cache-control", "content-location", "date", "expires", "vary")


def strong_etag(body: bytes) -> str:
    """A strong validator from the representation's bytes (SHA-256, 128 bits shown)."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def etag_matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/"x" matches "x"."""
    if if_none_match.strip() == "*":
        return True
    wanted = _opaque(etag)
    return any(_opaque(candidate) == wanted for candidate in if_none_match.split(","))


def with_language(etag: str, language: str) -> str:
    """The tag of the same state in another language: `"x"` → `"x;en"` (W/ kept)."""
    weak = etag.strip().startswith("W/")
    return ("W/" if weak else "") + _opaque(etag)[:-1] + f';{language}"'


def version_matches(if_match: str, etag: str) -> bool:
    """If-Match names the current version (strong comparison, any language of it)."""
    return any(
        candidate.strip().split(";")[0].rstrip('"') + '"' == etag
        for candidate in if_match.split(",")
        if not candidate.strip().startswith("W/")
    )


def conditional(request: Request, response: Response) -> Response:
    """The response with an ETag, or a bodiless 304 when If-None-Match names it."""
    if (
        request.method not in SAFE_METHODS
        or response.status_code != 200
        or isinstance(response, StreamingResponse)
    ):
        return response
    etag = response.headers.get("etag")
    if etag is None:
        body = getattr(response, "body", None)  # a FileResponse has none: left as it is
        if not isinstance(body, bytes | memoryview):
            return response
        etag = strong_etag(bytes(body))
        response.headers["ETag"] = etag
    language = response.headers.get("content-language")
    if language is not None and language != DEFAULT_LANGUAGE:
        etag = with_language(etag, language)
        response.headers["ETag"] = etag
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is None or not etag_matches(if_none_match, etag):
        return response
    kept = {k: v for k, v in response.headers.items() if k in KEPT_ON_304}
    return Response(status_code=304, headers=kept)
