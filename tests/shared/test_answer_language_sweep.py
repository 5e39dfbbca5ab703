"""Texts inside successful answers speak the reader's language, as problem details do
(tests/shared/test_problem_language_sweep.py): Swedish without Accept-Language, English with
`en`. Most of them are stored and shown later — a prize run's reasons, weights notes and
method notes, a budget's check warnings — so each is read back in both languages after it
was written in one; the rest (sign conventions, efficiency notes) are written as the answer
is made.

The prize runs and budget checks are computed over the test municipality's data and the
demo's (Exempelstad's three prizes, Lilla Edet's stored Driftredovisning with its warnings).
Every string of an answer is looked at, except the data clients wrote (titles, sources,
activity names) and a text's other language (`*_sv`, `*_en`), so a new English text in an
answer fails here without anyone listing it."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import httpx

from shared.demo.common import DEMO_MUNICIPALITY
from tests.conftest import MakeClient, MakeKey
from tests.documents.english import found_swedish, pdf_text
from tests.services.awards import data
from tests.services.awards.run.test_runs import setup
from tests.services.budget.test_frames import frame
from tests.services.budget.test_investments import seed_table
from tests.services.budget.test_operating import printed_table
from tests.shared.problem_language import foreign, texts

ROOT = Path(__file__).resolve().parents[2]
# What clients wrote (in Swedish whatever the reader's language) and machine fields.
DATA = frozenset(
    (
        "title", "unit_title", "winner_title", "board", "activity", "source", "purpose",
        "counterpart_board", "decision_body", "decision_ref", "decided_by", "name",
        "municipality_name", "id", "scheme_id", "spec_hash", "code_version", "created_at",
        "etag", "href", "self",
        # a frame's ledger: each change's reason as the board wrote it
        "changes",
        # codes, never translated (their labels are, where a body has them)
        "phase", "previous_phase", "loc", "severity", "code", "field", "kind", "unit",
        "category", "transform", "direction", "candidates_kind", "normalisation",
        "missing_policy", "aggregation", "mode", "status", "state",
    )
)  # fmt: skip
EN = {"Accept-Language": "en"}


def prose(body: Any, where: str = "$") -> list[tuple[str, str]]:
    """(path, text) of every string in an answer that the suite wrote for a reader."""
    found: list[tuple[str, str]] = []
    if isinstance(body, dict):
        for name, value in body.items():
            if name in DATA or name.endswith(("_sv", "_en")):
                continue
            found += prose(value, f"{where}.{name}")
    elif isinstance(body, list):
        for i, item in enumerate(body):
            found += prose(item, f"{where}[{i}]")
    elif isinstance(body, str):
        found.append((where, body))
    return found


def written(body: Any) -> set[str]:
    """The strings clients wrote somewhere in an answer (a unit's title, an activity's name)."""
    found: set[str] = set()
    if isinstance(body, dict):
        for name, value in body.items():
            if name in DATA and isinstance(value, str) and len(value) > 2:
                found.add(value)
            else:
                found |= written(value)
    elif isinstance(body, list):
        for item in body:
            found |= written(item)
    return found


def not_in(language: str, response: httpx.Response, label: str) -> list[str]:
    """What in an answer is not in the language (and its Content-Language when it has one)."""
    assert response.status_code < 500, response.text
    failures = []
    said = response.headers.get("content-language")
    if said != language:
        failures.append(f"{label}: Content-Language {said}")
    body = response.json()
    shown = prose(body)
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        shown = texts(body) + prose({k: v for k, v in body.items() if k != "errors"})
    names = sorted(written(body), key=len, reverse=True)
    for where, text in shown:
        for name in names:  # a unit's or an activity's name inside a sentence is data too
            text = text.replace(name, " ")
        wrong = foreign(language, text)
        if wrong:
            failures.append(f"{label} {where}: {text!r} ({', '.join(wrong)})")
    return failures


async def both(http: httpx.AsyncClient, path: str, label: str, **params: Any) -> list[str]:
    """A GET read in Swedish (no Accept-Language) and in English."""
    swedish = await http.get(path, params=params)
    english = await http.get(path, params=params, headers=EN)
    assert swedish.status_code == english.status_code == 200, swedish.text
    return not_in("sv", swedish, f"{label} (sv)") + not_in("en", english, f"{label} (en)")


async def _evaluate(
    awards: httpx.AsyncClient, scheme_id: str, label: str
) -> tuple[list[str], dict[str, Any]]:
    """A run made in Swedish, then read back in both languages; the failures and the run."""
    made = await awards.post("/v1/runs", json={"scheme_id": scheme_id})
    assert made.status_code == 201, made.text
    failures = not_in("sv", made, f"{label} POST")
    failures += await both(awards, f"/v1/runs/{made.json()['id']}", label)
    return failures, made.json()


SCHEMES: dict[str, dict[str, Any]] = {
    "default": {},
    "strict": {"min_respondents": 10},  # HT-SMALL ineligible on respondents
    "judged": {"min_judged_targets": 11},  # nobody eligible: no winner
    "mix_geometric": {"mode": "mix", "aggregation": "geometric", "missing_policy": "worst"},
    "mean": {"missing_policy": "mean", "min_data_share": "0.75"},
    "improvement": {
        "mode": "improvement",
        "group_weights": {"survey": 1},
        "criteria": [
            {
                "code": "nojdhet",
                "title": "Nöjdhet",
                "group": "survey",
                "indicator_code": "andel_nojda",
                "kind": "share",
            }
        ],
    },
}


async def test_prize_runs_state_their_reasons_in_the_readers_language(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = await setup(client, make_key)
    failures: list[str] = []
    reasons: set[str] = set()
    runs = []
    for code, method in SCHEMES.items():
        scheme = data.home_care_scheme(**method) | {"code": code}
        created = await awards.post("/v1/schemes", json=scheme)
        assert created.status_code == 201, created.text
        found, body = await _evaluate(awards, created.json()["id"], f"run {code}")
        failures += found
        runs.append(body)
        reasons |= {i["reason_code"] for i in body["ineligible"]}
        reasons |= {c["missing_code"] for r in body["ranking"] for c in r["criteria"]}
    assert failures == []
    # The sweep reached the reasons a jury meets (each in both languages above).
    assert {"unit_type", "opened", "min_respondents", "min_judged_targets"} <= reasons
    assert "too_few_for_change" in reasons

    # The decision document of a run, in English when asked: no Swedish catalogue text.
    run = runs[0]
    decided = await awards.post(
        f"/v1/runs/{run['id']}/decision",
        json={
            "winner_code": run["robustness"]["winner"],
            "reason": "Bäst resultat över hela året.",
        },
    )
    assert decided.status_code == 201, decided.text
    document = await awards.get(
        f"/v1/runs/{run['id']}/decision", params={"format": "pdf"}, headers=EN
    )
    assert document.status_code == 200
    assert found_swedish("\n".join(pdf_text(document.content))) == []


async def test_the_demo_prizes_are_explained_in_the_readers_language(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = client("awards", await make_key())
    schemes = (await awards.get("/v1/schemes", params={"year": 2024})).json()["items"]
    demo = [s for s in schemes if s["municipality_code"] == DEMO_MUNICIPALITY]
    assert len(demo) == 3
    failures: list[str] = []
    for scheme in demo:
        failures += (await _evaluate(awards, scheme["id"], f"demo {scheme['code']}"))[0]
    assert failures == []


async def test_budget_warnings_and_conventions_are_in_the_readers_language(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key("budget:read", "budget:write", "ingest:read", "ingest:write")
    budget = client("budget", key)
    failures: list[str] = []
    made = await budget.post("/v1/frames", json=frame())
    assert made.status_code == 201, made.text
    failures += not_in("sv", made, "frame POST")
    failures += await both(budget, f"/v1/frames/{made.json()['id']}", "frame")
    # A table refused whole lists its warnings beside the errors, in the reader's language.
    refused = printed_table(2021)
    refused["activities"][0]["net"] = "8889"  # the net without its minus sign
    for language, headers in (("sv", {}), ("en", EN)):
        answer = await budget.post("/v1/operating-budgets", json=refused, headers=headers)
        assert answer.status_code == 422, answer.text
        assert answer.json()["warnings"]
        failures += not_in(language, answer, f"refused table ({language})")
    # The printed table: rounding warnings and the 2 tkr from the frame, stored and read back.
    stored = await budget.post("/v1/operating-budgets", json=printed_table(2021))
    assert stored.status_code == 201, stored.text
    assert len(stored.json()["warnings"]) == 4
    failures += not_in("sv", stored, "operating budget POST")
    failures += await both(budget, f"/v1/operating-budgets/{stored.json()['id']}", "budget")
    failures += await both(budget, "/v1/operating-budgets", "budgets", board="Socialnämnden")
    plan = await budget.post("/v1/investments/plans", json=seed_table(totals={"2021": "541"}))
    assert plan.status_code == 201, plan.text
    failures += not_in("sv", plan, "investment plan POST")
    english_plan = seed_table(totals={"2021": "541"})
    for p in english_plan["projects"]:
        p["code"] += "_en"
    plan = await budget.post("/v1/investments/plans", json=english_plan, headers=EN)
    assert plan.status_code == 201, plan.text
    failures += not_in("en", plan, "investment plan POST (en)")
    efficiency = {
        "kind": "standard_cost_deviation",
        "period": "2023",
        "net_cost": "330591",
        "net_cost_unit": "tkr",
        "kolada_deviation_percent": "5",
    }
    for language, headers in (("sv", {}), ("en", EN)):
        answer = await budget.post("/v1/efficiency", json=efficiency, headers=headers)
        assert answer.status_code == 200, answer.text
        failures += not_in(language, answer, f"efficiency ({language})")
    print("\n".join(failures))
    assert failures == []


async def test_the_demos_stored_budget_warnings_read_in_either_language(
    client: MakeClient, make_key: MakeKey
) -> None:
    lilla_edet = client("budget", await make_key("budget:read", municipality="1462"))
    failures = await both(
        lilla_edet, "/v1/operating-budgets", "Lilla Edet", year=2021, phase="approved"
    )
    failures += await both(lilla_edet, "/v1/operating-budgets/comparison", "comparison",
                           board="Socialnämnden", year=2021, against="approved", against_year=2020)  # fmt: skip
    failures += await both(lilla_edet, "/v1/operating-budgets/driftredovisning",
                           "driftredovisning", board="Socialnämnden", year=2021)  # fmt: skip
    failures += await both(lilla_edet, "/v1/frames", "frames")
    print("\n".join(failures))
    assert failures == []


# A text for a reader written in code as English: at least this many words of English prose.
_PROSE_WORDS = 3


def _english_literals(path: Path) -> list[str]:
    """String literals and f-strings of a module that read as English prose, outside
    docstrings, OpenAPI documentation (description=, summary=) and log lines."""
    from tests.shared.problem_language import _ENGLISH, _words

    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            skipped.add(id(first.value))  # a docstring
        if isinstance(node, ast.keyword) and node.arg in {"description", "summary", "title"}:
            skipped |= {id(n) for n in ast.walk(node.value)}
        if isinstance(node, ast.Dict):  # OpenAPI's {"description": ...} of a response
            for k, v in zip(node.keys, node.values, strict=True):
                if isinstance(k, ast.Constant) and k.value in {"description", "summary"}:
                    skipped |= {id(n) for n in ast.walk(v)}
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in {"debug", "info", "warning", "error", "exception", "Field"}:
                skipped |= {id(n) for n in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.JoinedStr):
            words = " ".join(
                v.value
                for v in node.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str)
            )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            words = node.value
        else:
            continue
        if len(_words(words) & _ENGLISH) >= 2 and len(words.split()) >= _PROSE_WORDS:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {words[:70]!r}")
    return found


def test_no_text_for_a_reader_is_written_as_english_in_the_prize_runs_or_the_budget() -> None:
    """Reasons, notes, warnings and conventions come from the catalogue (a stored one as
    `Message.stored()`), so a new one cannot be English only."""
    files = [*ROOT.glob("services/awards/run/*.py"), *ROOT.glob("services/budget/**/*.py")]
    found = [line for path in sorted(files) for line in _english_literals(path)]
    assert found == []
