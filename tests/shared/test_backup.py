"""`make backup` / `make restore` (kvn backup / kvn restore): a custom-format dump restored
into a fresh database answers the same as the original."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import psycopg

from shared.auth import ALL_SCOPES, create_api_key
from shared.db import Database
from shared.demo import load_demo
from shared.migrate import upgrade
from shared.settings import ServiceName
from tests import helpers

KVN = Path(sys.executable).with_name("kvn")
READS: list[tuple[ServiceName, str]] = [
    ("indicators", "/v1/indicators"),
    ("indicators", "/v1/indicators/andel_nojda/values?period=2024&gender=all"),
    ("indicators", "/v1/units"),
    ("indicators", "/v1/measures?limit=500"),
    ("budget", "/v1/frames"),
]


def kvn(url: str, *args: str, cwd: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env["DATABASE_URL"] = url
    run = subprocess.run(
        [str(KVN), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr


def row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(helpers.libpq(url)) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            ).fetchall()
        ]
        counts = {}
        for table in tables:
            row = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()  # noqa: S608
            counts[table] = int(row[0]) if row else -1
        return counts


async def answers(url: str, token: str) -> list[tuple[int, Any]]:
    settings = helpers.test_settings(url)
    result = []
    async with helpers.suite(settings, None) as apps:
        for service, path in READS:
            transport = httpx.ASGITransport(app=apps[service])
            async with httpx.AsyncClient(
                transport=transport,
                base_url=helpers.TEST_HOSTS[service],
                headers={"Authorization": f"Bearer {token}"},
            ) as client:
                response = await client.get(path)
                body = response.json()
                if isinstance(body, dict):
                    body.pop("request_id", None)
                result.append((response.status_code, body))
    return result


async def test_backup_restores_into_a_fresh_database_that_answers_the_same(
    pg_server: helpers.TestServer, tmp_path: Path
) -> None:
    source = pg_server.create_database("kvn_backup_src")
    target = pg_server.create_database("kvn_backup_dst")
    try:
        upgrade(source)
        db = Database.from_settings(helpers.test_settings(source))
        try:
            async with db.unit_of_work() as session:
                await load_demo(session)
                key = await create_api_key(
                    session, name="backup", municipality_code="9990", scopes=ALL_SCOPES
                )
        finally:
            await db.dispose()
        async with helpers.suite(helpers.test_settings(source), None) as apps:
            transport = httpx.ASGITransport(app=apps["budget"])
            async with httpx.AsyncClient(
                transport=transport,
                base_url=helpers.TEST_HOSTS["budget"],
                headers={"Authorization": f"Bearer {key.token}"},
            ) as budget:
                frame = {
                    "board": "Socialnämnden",
                    "year": 2030,
                    "unit": "tkr",
                    "previous_amount": 100,
                    "amount": 110,
                    "changes": [{"amount": 10, "category": "index_compensation", "reason": "x"}],
                }
                created = await budget.post("/v1/frames", json=frame)
                assert created.status_code == 201, created.text

        dump = tmp_path / "backup" / "kvn.dump"
        kvn(source, "backup", "--out", str(dump), cwd=tmp_path)
        assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

        kvn(target, "restore", "--in", str(dump), cwd=tmp_path)
        assert row_counts(target) == row_counts(source)
        before = await answers(source, key.token)
        after = await answers(target, key.token)
        assert [status for status, _ in before] == [200] * len(READS), before
        assert after == before
        # Restoring twice (over existing objects) is allowed and changes nothing.
        kvn(target, "restore", "--in", str(dump), cwd=tmp_path)
        assert row_counts(target) == row_counts(source)
    finally:
        pg_server.drop_database(source)
        pg_server.drop_database(target)
