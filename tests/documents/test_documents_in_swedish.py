"""Every document and answer the suite writes for a reader, rendered with no Accept-Language:
Swedish throughout (no English message text from the catalogue), English when asked.
The tertial report's own formats are checked in tests/services/indicators/report/."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shared.i18n_catalogue import CATALOGUE
from tests.conftest import MakeClient, MakeKey
from tests.documents.english import english_fragments, found_english, pdf_text
from tests.services.awards import data
from tests.services.awards.run.test_runs import run_scheme, setup


async def test_the_scorecard_pdf_is_swedish_with_board_and_page_numbers(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key(municipality="2085"))
    (card,) = (await indicators.get("/v1/scorecards")).json()["items"]
    response = await indicators.get(f"/v1/scorecards/{card['id']}/status", params={"format": "pdf"})
    assert response.headers["content-type"] == "application/pdf"
    pages = pdf_text(response.content)
    for number, page in enumerate(pages, start=1):
        assert "Ludvika, Vård- och omsorgsnämnden" in page
        assert f"Sida {number} av {len(pages)}" in page
    whole = "\n".join(pages)
    assert "Uppgift saknas" in whole
    assert found_english(whole) == []
    english = await indicators.get(
        f"/v1/scorecards/{card['id']}/status",
        params={"format": "pdf"},
        headers={"Accept-Language": "en"},
    )
    assert "Page 1 of" in pdf_text(english.content)[0]


async def test_the_prize_decision_document_has_ranking_robustness_and_chart(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = await setup(client, make_key)
    run = await run_scheme(awards, data.home_care_scheme())
    assert "dragningar" in run["robustness"]["statement"]
    decided = await awards.post(
        f"/v1/runs/{run['id']}/decision",
        json={
            "winner_code": run["ranking"][0]["unit_code"],
            "reason": "Bäst resultat över hela året.",
            "decided_by": "Omsorgsnämndens jury",
        },
    )
    assert decided.status_code == 201, decided.text
    response = await awards.get(f"/v1/runs/{run['id']}/decision", params={"format": "pdf"})
    assert response.status_code == 200, response.text
    whole = "\n".join(pdf_text(response.content))
    assert "Juryns beslut" in whole
    assert "Motivering: Bäst resultat över hela året." in whole
    for candidate in run["ranking"]:
        assert (candidate["unit_title"] or candidate["unit_code"])[:20] in whole
    assert "Känslighetsanalys" in whole
    assert found_english(whole) == []


async def test_problem_details_are_swedish_without_accept_language_and_english_when_asked(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key())
    missing = await indicators.get("/v1/nothing/here")
    assert missing.headers["content-language"] == "sv"
    body = missing.json()
    assert (body["title"], body["detail"]) == (
        "Hittades inte",
        "Det finns inget på /v1/nothing/here",
    )
    english = await indicators.get("/v1/nothing/here", headers={"Accept-Language": "en"})
    assert english.json()["title"] == "Not Found"
    invalid = await indicators.get(
        "/v1/reports/tertial", params={"period": "2024T2", "format": "doc"}
    )
    assert invalid.status_code == 422
    assert invalid.json()["detail"] == "1 ogiltiga värden"
    assert found_english(invalid.json()["title"] + invalid.json()["detail"]) == []


async def test_grant_and_goal_explanations_are_swedish_by_default(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    indicators = client("indicators", await make_key())
    report = (await indicators.get("/v1/reports/tertial", params={"period": "2024T2"})).json()
    explanations = [
        row["status"]["explanation"]
        for s in report["sections"]
        for c in ("struktur", "process", "effekt")
        for row in s[c]
        if row["status"]
    ]
    assert explanations
    assert all(found_english(e) == [] for e in explanations)
    assert any("skillnad" in e or "uppgift saknas" in e for e in explanations)


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    import re

    for key, entry in CATALOGUE.items():
        assert set(entry) == {"sv", "en"}, key
        if key.startswith("validation."):
            # pydantic's errors: English is pydantic's message, Swedish names its context.
            assert entry["en"] == "{msg}", key
            continue
        names = [set(re.findall(r"\{(\w+)", entry[lang])) for lang in ("sv", "en")]
        assert names[0] == names[1], key
    assert english_fragments()


def test_every_message_key_the_code_uses_is_in_the_catalogue() -> None:
    import ast
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    used: set[str] = set()
    for path in [*root.glob("services/**/*.py"), *root.glob("shared/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None))
                in {"message", "text", "Message", "stored"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and re.fullmatch(r"[a-z_]+(\.[A-Za-z0-9_]+)+", node.args[0].value)
            ):
                used.add(node.args[0].value)
    assert used, "no message keys found"
    assert sorted(used - set(CATALOGUE)) == []


def test_swedish_numbers_use_a_decimal_comma_and_space_thousands() -> None:
    from decimal import Decimal

    from shared.i18n import number

    assert number(Decimal("1234567.5")) == "1\u00a0234\u00a0567,5"
    assert number(Decimal("1234567.5"), "en") == "1,234,567.5"
    assert number(Decimal("0.1"), sign=True) == "+0,1"
    assert number(Decimal("-4.70")) == "-4,70"
    assert number(Decimal("85")) == "85"
