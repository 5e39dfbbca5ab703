"""Titles and status labels in Swedish or English (Accept-Language), with Swedish where no
English exists, and caches that never answer one language with the other."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from services.indicators.analytics.service import ResponseCache
from shared.auth import KeyCache
from tests.conftest import MakeClient, MakeKey
from tests.services.indicators.helpers import ingest, survey_rows

SWEDISH_ONLY = {
    "code": "bara_svenska",
    "title": "Andel nöjda, bara på svenska",
    "area": "aldreomsorg",
    "classification": "effekt",
    "perspective": "malgrupp",
    "unit": "%",
    "direction": "higher",
    "numerator": "survey_satisfied",
}


async def test_english_title_when_asked_with_content_language_and_vary(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key())
    response = await indicators.get(
        "/v1/indicators/andel_nojda", headers={"Accept-Language": "en-GB,en;q=0.9"}
    )
    body = response.json()
    assert body["title"] == "Share of satisfied users (overall)"
    assert body["title_sv"] == "Andel nöjda brukare (helhetssyn)"
    assert body["title_en"] == body["title"]
    assert body["description"] == body["description_en"]
    assert response.headers["content-language"] == "en"
    assert "Accept-Language" in response.headers["vary"]


@pytest.mark.parametrize("accept_language", [None, "sv", "sv-SE", "fr", "*"])
async def test_swedish_by_default_and_for_unsupported_languages(
    client: MakeClient, make_key: MakeKey, accept_language: str | None
) -> None:
    indicators = client("indicators", await make_key())
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = await indicators.get("/v1/indicators/andel_nojda", headers=headers)
    assert response.json()["title"] == "Andel nöjda brukare (helhetssyn)"
    assert response.headers["content-language"] == "sv"


async def test_q_values_choose_the_language(client: MakeClient, make_key: MakeKey) -> None:
    indicators = client("indicators", await make_key())
    response = await indicators.get(
        "/v1/measures/survey_satisfied", headers={"Accept-Language": "fr;q=1, en;q=0.8"}
    )
    assert response.json()["title"] == "User survey: satisfied with care as a whole"
    assert response.headers["content-language"] == "en"


async def test_without_an_english_title_english_falls_back_to_swedish(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key())
    created = await indicators.post("/v1/indicators", json=SWEDISH_ONLY)
    assert created.status_code == 201, created.text
    response = await indicators.get(
        "/v1/indicators/bara_svenska", headers={"Accept-Language": "en"}
    )
    body = response.json()
    assert (body["title"], body["title_en"]) == ("Andel nöjda, bara på svenska", None)
    assert response.headers["content-language"] == "en"


async def test_an_english_title_is_stored_and_listed(client: MakeClient, make_key: MakeKey) -> None:
    indicators = client("indicators", await make_key())
    both = {**SWEDISH_ONLY, "code": "bada_spraken", "title_en": "Satisfied, in English"}
    assert (await indicators.post("/v1/indicators", json=both)).status_code == 201
    listed = await indicators.get(
        "/v1/indicators", params={"limit": 500}, headers={"Accept-Language": "en"}
    )
    titles = {i["code"]: i["title"] for i in listed.json()["items"]}
    assert titles["bada_spraken"] == "Satisfied, in English"
    assert titles["andel_trygga"] == "Share of users who feel safe"


@pytest.mark.parametrize(
    "path", ["/v1/indicators/andel_nojda", "/v1/measures/survey_satisfied", "/v1/units/HT-NORR"]
)
async def test_etags_differ_by_language_and_a_304_never_crosses_languages(
    client: MakeClient, make_key: MakeKey, path: str
) -> None:
    indicators = client("indicators", await make_key())
    swedish = await indicators.get(path)
    english = await indicators.get(path, headers={"Accept-Language": "en"})
    assert swedish.headers["etag"] != english.headers["etag"]
    crossed = await indicators.get(
        path, headers={"Accept-Language": "en", "If-None-Match": swedish.headers["etag"]}
    )
    assert crossed.status_code == 200
    assert crossed.json()["title"] == english.json()["title"]
    same = await indicators.get(
        path, headers={"Accept-Language": "en", "If-None-Match": english.headers["etag"]}
    )
    assert same.status_code == 304
    assert "Accept-Language" in same.headers["vary"]


async def test_if_match_takes_the_etag_read_in_english(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key())
    read = await indicators.get("/v1/units/HT-NORR", headers={"Accept-Language": "en"})
    unit = read.json()
    update = {
        k: unit[k] for k in ("title", "unit_type", "area", "kolada_ou_id", "opened_on", "closed_on")
    }
    update.update(title=unit["title_sv"], title_en="Home care North (renamed)")
    changed = await indicators.put(
        "/v1/units/HT-NORR", json=update, headers={"If-Match": read.headers["etag"]}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["title"] == "Hemtjänst Norr"
    assert changed.json()["title_en"] == "Home care North (renamed)"


async def test_status_labels_and_analytics_titles_follow_the_language(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    indicators = client("indicators", key)
    await ingest(client("ingest", key), survey_rows("HT-NORR", "2030", k=(20, 18), m=(10, 7)))
    params = {
        "indicators": "andel_nojda",
        "period": "2030",
        "level": "municipality",
        "include": "status",
    }
    swedish = await indicators.get("/v1/analytics", params=params)
    english = await indicators.get(
        "/v1/analytics", params=params, headers={"Accept-Language": "en"}
    )
    assert english.headers["content-language"] == "en"
    assert "Accept-Language" in english.headers["vary"]
    assert swedish.headers["etag"] != english.headers["etag"]
    assert english.json()["indicators"][0]["title"] == "Share of satisfied users (overall)"
    assert swedish.json()["indicators"][0]["title"] == "Andel nöjda brukare (helhetssyn)"
    (sv_cell,) = swedish.json()["items"]
    (en_cell,) = english.json()["items"]
    assert sv_cell["status"]["status"] == en_cell["status"]["status"]
    labels = {"met": "Met", "partly_met": "Partly met", "not_met": "Not met"}
    assert en_cell["status"]["status_label"] == labels[en_cell["status"]["status"]]
    assert sv_cell["status"]["status_label"] != en_cell["status"]["status_label"]
    crossed = await indicators.get(
        "/v1/analytics",
        params=params,
        headers={"Accept-Language": "en", "If-None-Match": swedish.headers["etag"]},
    )
    assert crossed.status_code == 200


async def test_the_analytics_fast_path_keeps_languages_apart(
    client: MakeClient, make_key: MakeKey, apps: dict[str, FastAPI]
) -> None:
    app = apps["indicators"]
    app.state.key_cache = KeyCache(ttl=60)
    app.state.analytics_cache = ResponseCache(64, state_ttl=60)
    indicators = client("indicators", await make_key())
    params = {"indicators": "andel_nojda", "period": "2030", "level": "municipality"}
    for _ in range(2):  # the second round comes from the cache
        swedish = await indicators.get("/v1/analytics", params=params)
        english = await indicators.get(
            "/v1/analytics", params=params, headers={"Accept-Language": "en"}
        )
        assert swedish.json()["indicators"][0]["title"] == "Andel nöjda brukare (helhetssyn)"
        assert english.json()["indicators"][0]["title"] == "Share of satisfied users (overall)"
        assert english.headers["content-language"] == "en"


async def test_analytics_unit_titles_follow_the_language(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    indicators = client("indicators", key)
    await ingest(client("ingest", key), survey_rows("HT-NORR", "2030", k=(20, 18), m=(10, 7)))
    params = {"indicators": "andel_nojda", "period": "2030", "units": "HT-NORR"}
    swedish = await indicators.get("/v1/analytics", params=params)
    english = await indicators.get(
        "/v1/analytics", params=params, headers={"Accept-Language": "en"}
    )
    assert {c["unit_title"] for c in swedish.json()["items"]} == {"Hemtjänst Norr"}
    assert {c["unit_title"] for c in english.json()["items"]} == {"Home care North"}


async def test_unit_titles_of_indicator_values_follow_the_language(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    await ingest(client("ingest", key), survey_rows("HT-NORR", "2025", k=(30, 24), m=(20, 15)))
    indicators = client("indicators", key)
    params = {"period": "2025", "level": "unit", "gender": "T"}
    english = await indicators.get(
        "/v1/indicators/andel_nojda/values", params=params, headers={"Accept-Language": "en"}
    )
    swedish = await indicators.get("/v1/indicators/andel_nojda/values", params=params)
    titles_en = {v["unit_code"]: v["unit_title"] for v in english.json()["values"]}
    titles_sv = {v["unit_code"]: v["unit_title"] for v in swedish.json()["values"]}
    assert titles_en["HT-NORR"] == "Home care North"
    assert titles_sv["HT-NORR"] == "Hemtjänst Norr"
    assert english.headers["content-language"] == "en"
