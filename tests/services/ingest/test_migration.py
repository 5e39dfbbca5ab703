from __future__ import annotations

import psycopg

from shared.migrate import downgrade, upgrade
from tests import helpers
from tests.helpers import libpq


def test_ingest_migration_upgrades_downgrades_and_upgrades_again(
    pg_server: helpers.TestServer,
) -> None:
    url = pg_server.create_database("kvn_ingest_migration")
    try:
        upgrade(url)
        downgrade(url, "9e03790a55ba")
        with psycopg.connect(libpq(url)) as conn:
            tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables")}
            assert "kolada_sync_job" not in tables
            fks = conn.execute(
                "SELECT count(*) FROM pg_constraint "
                "WHERE conname = 'fk_observation_batch_id_ingest_batch'"
            ).fetchone()
            assert fks == (1,)
        upgrade(url)
        with psycopg.connect(libpq(url)) as conn:
            tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables")}
            assert {"kolada_sync_job", "kolada_sync_chunk"} <= tables
    finally:
        pg_server.drop_database(url)
