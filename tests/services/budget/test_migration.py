"""The budget migration upgrades, downgrades exactly and upgrades again."""

from __future__ import annotations

import psycopg

from shared.migrate import downgrade, upgrade
from tests import helpers

BUDGET_TABLES = {
    "budget_audit",
    "fund",
    "fund_allocation",
    "operating_budget",
    "operating_line",
    "account_mapping",
    "investment_project",
    "investment_amount",
}


def _tables(url: str) -> set[str]:
    with psycopg.connect(helpers.libpq(url)) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    return {r[0] for r in rows}


def test_budget_migration_round_trip(pg_server: helpers.TestServer) -> None:
    url = pg_server.create_database("kvn_budget_migration")
    try:
        upgrade(url, "budget_0002")
        assert _tables(url) >= BUDGET_TABLES
        downgrade(url, "9e03790a55ba")
        remaining = _tables(url)
        assert not BUDGET_TABLES & remaining
        assert {"budget_frame", "frame_change"} <= remaining
        upgrade(url, "budget_0002")
        assert _tables(url) >= BUDGET_TABLES
    finally:
        pg_server.drop_database(url)
