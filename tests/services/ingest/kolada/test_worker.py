from __future__ import annotations

import asyncio

import httpx
import psycopg

from services.ingest.app import create_app
from services.ingest.kolada.fake import FakeKolada
from shared.auth import create_api_key
from shared.db import Database
from shared.settings import Settings
from tests.helpers import libpq, running


async def test_the_worker_in_the_app_runs_a_queued_sync_on_a_committed_database(
    database_url: str, settings: Settings
) -> None:
    """The real thing: POST → 202, the lifespan's worker claims the job (FOR UPDATE SKIP
    LOCKED) and runs it against a fake Kolada behind the same allow-listed https base URL."""
    config = settings.model_copy(
        update={"KOLADA_WORKER_ENABLED": True, "KOLADA_WORKER_POLL_S": 0.05, "KOLADA_BACKOFF_S": 0}
    )
    database = Database.from_settings(config)
    async with database.unit_of_work() as s:
        key = await create_api_key(
            s, name="worker", municipality_code="2085", scopes=["ingest:write", "ingest:read"]
        )
    fake = FakeKolada()
    app = create_app(config, database=database, kolada_transport=httpx.MockTransport(fake))
    try:
        async with (
            running(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://ingest.test",
                headers={"Authorization": f"Bearer {key.token}"},
            ) as http,
        ):
            queued = await http.post(
                "/v1/kolada/syncs",
                json={
                    "mode": "full",
                    "kpis": ["U21468"],
                    "municipalities": ["2085"],
                    "years": [2023],
                    "include_ous": False,
                },
            )
            assert queued.status_code == 202
            job = queued.json()
            for _ in range(200):
                state = (await http.get(job["url"])).json()
                if state["state"] in {"completed", "failed"}:
                    break
                await asyncio.sleep(0.05)
            assert state["state"] == "completed"
            assert state["counts"]["created"] == 3
            assert fake.requests[0].startswith("https://api.kolada.se/v3/data/kpi/U21468/")
    finally:
        with psycopg.connect(libpq(database_url), autocommit=True) as conn:
            conn.execute(
                "DELETE FROM observation WHERE source = 'kolada' AND municipality_code = '2085'"
            )
            conn.execute("DELETE FROM kolada_sync_job WHERE municipality_code = '2085'")
            conn.execute("DELETE FROM data_version WHERE municipality_code = '2085'")
            conn.execute("DELETE FROM event_outbox WHERE municipality_code = '2085'")
            conn.execute("DELETE FROM api_key WHERE id = %s", (key.id,))
        await database.dispose()
