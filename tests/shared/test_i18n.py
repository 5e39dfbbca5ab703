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


def test_a_stored_message_renders_in_either_language_and_old_texts_stay_as_stored() -> None:
    """A text kept with a run or a budget is its message (key and parameters, JSON): shown in
    the reader's language, its numbers formatted so; one stored before as a text is shown as
    it was written."""
    import json
    from decimal import Decimal

    from shared.i18n import from_stored, message, rendered, stored

    kept = json.loads(
        json.dumps(
            {
                "reason": stored("awards.reason.too_few_respondents", n=5, period="2025T1", minimum=7),
                "note": message("awards.method.mix", level=Decimal("0.5"), change=Decimal("0.5")).stored(),
                "old": {"reason": "suppressed for 2024: fewer than 7 answered"},
                "items": [stored("awards.missing", column="c1", reason=stored("awards.reason.no_value", period="2024"))],
            }
        )
    )  # fmt: skip
    swedish = rendered(kept, "sv", codes=("reason",))
    assert swedish["reason"] == "5 svarande för 2025T1; minst 7 svarande krävs"
    assert swedish["reason_code"] == "too_few_respondents"
    assert swedish["note"] == (
        "varje kriterium räknas till 0,5 för sin nivå och till 0,5 för sin förbättring"
    )
    assert swedish["items"] == ["c1: inget värde för 2024"]
    assert swedish["old"] == {"reason": "suppressed for 2024: fewer than 7 answered"}
    english = rendered(kept, "en", codes=("reason",))
    assert english["reason"] == "5 answered in 2025T1; results need at least 7"
    assert english["note"] == "each criterion counts 0.5 for its level and 0.5 for its improvement"
    # A stored message nests in another message (a refusal naming the stored reason).
    nested = message(
        "problem.awards.winner_not_eligible", winner="HT-NEW", reason=from_stored(kept["reason"])
    )
    assert (
        nested.render("sv")
        == "HT-NEW var inte behörig: 5 svarande för 2025T1; minst 7 svarande krävs"
    )
    assert from_stored("as written") == "as written"
