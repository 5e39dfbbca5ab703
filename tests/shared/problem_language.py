"""Whether a problem+json answer speaks the language asked for: its title, detail and every
`errors[].message`. The sweeps call `languages(...)` on each refusal they provoke, so every
route and field they reach is covered without a list of sampled messages."""

from __future__ import annotations

import re
from typing import Any

import httpx

from shared.i18n_catalogue import CATALOGUE
from tests.documents.english import found_english, found_swedish

# Words of English prose that Swedish text never uses; codes, field names and quoted values
# are taken out before looking (`from`, `to`, 'approved' are names, not prose).
# fmt: off
_ENGLISH = frozenset((
    "the", "is", "are", "should", "must", "not", "of", "with", "has", "have", "cannot",
    "only", "needs", "input", "field", "required", "valid", "already", "be", "an", "this",
    "that", "than", "and", "for", "at", "by", "was", "were", "been", "does",
))
_SWEDISH = frozenset((
    "och", "är", "ska", "inte", "för", "finns", "värdet", "får", "eller", "saknas", "måste",
    "kan", "inget", "ingen", "har", "redan", "texten", "fältet",
))
# fmt: on
# Quoted values and tokens holding digits or code characters (ids, UUIDs, paths) are no prose.
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`|\S*[_/{}<>=\\^$\d]\S*")
_WORD = re.compile(r"[A-Za-zÅÄÖåäö]+")
FALLBACK = CATALOGUE["validation.unknown"]["sv"].split("(")[0].strip()


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(_QUOTED.sub(" ", text))}


def foreign(language: str, text: str) -> list[str]:
    """The words or catalogue fragments of the other language in a text (empty when none)."""
    prose = _QUOTED.sub(" ", text)
    if language == "sv":
        if text.startswith(FALLBACK):
            return [f"no Swedish text for {text}"]
        return sorted(_words(text) & _ENGLISH) or found_english(prose)
    return sorted(_words(text) & _SWEDISH) or found_swedish(prose)


def texts(problem: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, text) of every reader's text in a problem."""
    found = [
        ("title", str(problem.get("title") or "")),
        ("detail", str(problem.get("detail") or "")),
    ]
    for i, error in enumerate(problem.get("errors") or []):
        found.append((f"errors[{i}].message", str(error.get("message") or "")))
    return [(where, text) for where, text in found if text]


def not_in(language: str, response: httpx.Response) -> list[str]:
    """What in a problem answer is not in the language (empty when all of it is)."""
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return []
    problem = response.json()
    failures = []
    if response.headers.get("content-language") != language:
        failures.append(f"Content-Language {response.headers.get('content-language')}")
    title = CATALOGUE.get(f"problem.{response.status_code}")
    if title is not None and problem.get("title") != title[language]:
        failures.append(f"title {problem.get('title')!r}")
    for where, text in texts(problem):
        wrong = foreign(language, text)
        if wrong:
            failures.append(f"{where} {text!r} ({', '.join(wrong)})")
    return failures


async def languages(http: httpx.AsyncClient, response: httpx.Response, where: str) -> list[str]:
    """A refusal answered without Accept-Language is Swedish; the same request again with
    `Accept-Language: en` is refused the same way, in English."""
    if response.status_code < 400:
        return []
    failures = [f"{where}: not Swedish: {f}" for f in not_in("sv", response)]
    request = response.request
    headers = httpx.Headers(request.headers)
    headers["Accept-Language"] = "en"
    again = await http.send(
        httpx.Request(request.method, request.url, headers=headers, content=request.content)
    )
    if again.status_code != response.status_code:
        failures.append(
            f"{where}: {again.status_code} in English, {response.status_code} in Swedish"
        )
    failures += [f"{where}: not English: {f}" for f in not_in("en", again)]
    return failures
