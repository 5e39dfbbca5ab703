from __future__ import annotations

import psycopg

from shared.migrate import downgrade, upgrade
from tests import helpers
from tests.helpers import libpq


def test_indicators_migration_upgrades_downgrades_and_upgrades_again(
    pg_server: helpers.TestServer,
) -> None:
    url = pg_server.create_database("kvn_migration")
    try:
        upgrade(url)
        downgrade(url, "9e03790a55ba")
        with psycopg.connect(libpq(url)) as conn:
            tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables")}
        assert "target" not in tables
        assert "scorecard" not in tables
        upgrade(url)
        with psycopg.connect(libpq(url)) as conn:
            tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables")}
        assert {"target", "scorecard", "prioritised_goal", "org_unit_membership"} <= tables
    finally:
        pg_server.drop_database(url)
