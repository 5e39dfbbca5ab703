"""Accept-Language negotiation (RFC 9110 §12.5.4) and the language-tagged ETags."""

from __future__ import annotations

import pytest

from shared.http_cache import version_matches, with_language
from shared.i18n import label, negotiate


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "sv"),
        ("", "sv"),
        ("en", "en"),
        ("en-GB", "en"),
        ("EN-us", "en"),
        ("sv-SE", "sv"),
        ("sv-SE,sv;q=0.9,en;q=0.8", "sv"),
        ("fr", "sv"),
        ("fr;q=1, en;q=0.8", "en"),
        ("fr, en;q=0.1, sv;q=0.2", "sv"),
        ("en;q=0.5, sv;q=0.5", "en"),  # a tie goes to the earlier range
        ("*", "sv"),
        ("sv;q=0, *", "en"),
        ("en;q=0", "sv"),
        ("en;q=high", "sv"),
        ("en;q=2", "sv"),
        (";;,,=", "sv"),
    ],
)
def test_negotiates_swedish_or_english(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def test_status_codes_have_labels_in_both_languages() -> None:
    assert (label("partly_met"), label("partly_met", "en")) == ("Delvis uppfyllt", "Partly met")
    assert label("something_new", "en") == "something_new"


def test_an_english_etag_differs_and_if_match_accepts_either_language() -> None:
    assert with_language('"ind.v2"', "en") == '"ind.v2;en"'
    assert with_language('W/"abc"', "en") == 'W/"abc;en"'
    assert version_matches('"ind.v2;en"', '"ind.v2"')
    assert version_matches('"x", "ind.v2"', '"ind.v2"')
    assert not version_matches('"ind.v1;en"', '"ind.v2"')
    assert not version_matches('W/"ind.v2"', '"ind.v2"')
