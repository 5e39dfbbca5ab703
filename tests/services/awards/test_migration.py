"""The awards migration upgrades, downgrades exactly and upgrades again."""

from __future__ import annotations

import psycopg

from shared.migrate import downgrade, upgrade
from tests import helpers

AWARDS_TABLES = {
    "award_scheme",
    "award_decision",
    "award_audit",
    "improvement_project",
    "project_funding",
    "grant_rule_set",
    "grant_evaluation",
}


def tables(url: str) -> set[str]:
    with psycopg.connect(helpers.libpq(url)) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    return {r[0] for r in rows}


def test_awards_migration_round_trips(pg_server: helpers.TestServer) -> None:
    url = pg_server.create_database(prefix="kvn_awards_mig")
    try:
        upgrade(url)
        assert tables(url) >= AWARDS_TABLES
        downgrade(url, "9e03790a55ba")
        assert not AWARDS_TABLES & tables(url)
        assert "award_run" in tables(url)
        upgrade(url)
        assert tables(url) >= AWARDS_TABLES
    finally:
        pg_server.drop_database(url)
