"""How fresh a cached analytics answer is: a client sees its own write when it sends the
write's data_version back (Min-Data-Version), and a change of other municipalities' data
(riket's) leaves an answer without comparisons cached."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.analytics.service import ResponseCache
from shared.auth import KeyCache
from tests.conftest import MakeClient, MakeKey
from tests.services.indicators.helpers import kolada, survey_rows

PARAMS = {"indicators": "andel_nojda", "period": "2030", "units": "HT-NORR"}


async def test_a_writer_sees_its_write_at_once_other_readers_may_wait_for_the_state(
    client: MakeClient, make_key: MakeKey, apps: dict[str, FastAPI]
) -> None:
    app = apps["indicators"]
    # As in production: keys and states are reused for a while (tests turn both off); a
    # minute here, so the reused state is certainly still in use when the write lands.
    app.state.key_cache = KeyCache(ttl=60)
    app.state.analytics_cache = ResponseCache(64, state_ttl=60)
    key = await make_key()
    ingest, indicators = client("ingest", key), client("indicators", key)
    first_write = await ingest.post(
        "/v1/batches",
        json={"observations": survey_rows("HT-NORR", "2030", k=(20, 18), m=(10, 7))},
    )
    assert first_write.status_code == 201, first_write.text
    before = await indicators.get("/v1/analytics", params=PARAMS)
    assert before.json()["items"][0]["value"] == "83.3"
    assert before.json()["data_version"] == first_write.json()["data_version"]

    write = await ingest.post(
        "/v1/batches",
        json={
            "observations": survey_rows("HT-NORR", "2030", k=(20, 20), m=(10, 10)),
            "mode": "revise",
        },
    )
    assert write.status_code == 201, write.text
    version = write.json()["data_version"]
    assert version > first_write.json()["data_version"]

    # Another reader keeps the cheap path: the state it was answered under is still in use.
    cheap = await indicators.get("/v1/analytics", params=PARAMS)
    assert cheap.headers["etag"] == before.headers["etag"]
    assert cheap.json()["items"][0]["value"] == "83.3"

    # The writer sends its write's version back and sees it, on the very next request.
    mine = await indicators.get(
        "/v1/analytics", params=PARAMS, headers={"Min-Data-Version": str(version)}
    )
    assert mine.status_code == 200
    assert mine.json()["data_version"] == version
    assert mine.json()["items"][0]["value"] == "100.0"
    assert mine.headers["etag"] != before.headers["etag"]
    # The state it read is the one everybody is answered under from then on.
    after = await indicators.get("/v1/analytics", params=PARAMS)
    assert after.headers["etag"] == mine.headers["etag"]

    # A version at or below the current one is met by the cached answer as it is.
    older = await indicators.get(
        "/v1/analytics", params=PARAMS, headers={"Min-Data-Version": str(version - 1)}
    )
    assert older.headers["etag"] == mine.headers["etag"]
    # One no write answered gets the newest data there is.
    ahead = await indicators.get(
        "/v1/analytics", params=PARAMS, headers={"Min-Data-Version": str(version + 100)}
    )
    assert ahead.status_code == 200
    assert ahead.json()["data_version"] == version
    # Not a version: refused like any other malformed parameter.
    bad = await indicators.get(
        "/v1/analytics", params=PARAMS, headers={"Min-Data-Version": "latest"}
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "min-data-version"


async def test_a_riket_change_invalidates_only_answers_that_show_comparisons(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    await kolada(session, "U21468", "2030", {"0000": 86.0, "2085": 84.0, "0180": 70.0})
    indicators = client("indicators", await make_key(municipality="2085"))
    plain = {"indicators": "kolada_nojd_hemtjanst", "period": "2029,2030", "level": "municipality"}
    compared = {**plain, "include": "comparison"}
    own = await indicators.get("/v1/analytics", params=plain)
    with_riket = await indicators.get("/v1/analytics", params=compared)
    assert [c["value"] for c in own.json()["items"]] == [None, "84"]  # 2029, 2030
    assert [c["comparison"]["riket"] for c in with_riket.json()["items"]] == [None, "86.0"]

    # The nightly sync brings riket's figure for another year (ingest bumps its version).
    await kolada(session, "U21468", "2029", {"0000": 80.0})

    # Ludvika's own values did not change: its answer keeps its ETag (a conditional GET is
    # a 304, a cache in front of it stays warm)…
    again = await indicators.get(
        "/v1/analytics", params=plain, headers={"If-None-Match": own.headers["etag"]}
    )
    assert again.status_code == 304
    # …while the answer that shows riket is a new one, with riket's new figure.
    changed = await indicators.get(
        "/v1/analytics", params=compared, headers={"If-None-Match": with_riket.headers["etag"]}
    )
    assert changed.status_code == 200
    assert changed.headers["etag"] != with_riket.headers["etag"]
    riket = {c["period"]: c["comparison"]["riket"] for c in changed.json()["items"]}
    assert riket == {"2029": "80.0", "2030": "86.0"}
