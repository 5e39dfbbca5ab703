"""The events_0002 migration: upgrade → downgrade → upgrade, and it matches the models."""

from __future__ import annotations

import psycopg
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from shared.migrate import downgrade, upgrade
from shared.models import Base
from tests import helpers


def _tables(url: str) -> set[str]:
    with psycopg.connect(helpers.libpq(url)) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    return {r[0] for r in rows}


def test_upgrade_downgrade_upgrade_and_models_match(pg_server: helpers.TestServer) -> None:
    url = pg_server.create_database("kvn_mig")
    try:
        upgrade(url, "events_0002")
        assert {"event_outbox", "webhook_subscription", "webhook_delivery"} <= _tables(url)
        downgrade(url, "9e03790a55ba")
        assert not {"event_outbox", "webhook_subscription", "webhook_delivery"} & _tables(url)
        upgrade(url, "events_0002")
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            ours = [
                d
                for d in diff
                if any(
                    name in repr(d) for name in ("event_outbox", "webhook_", "cooperation_codes")
                )
            ]
            assert ours == [], ours
        finally:
            engine.dispose()
    finally:
        pg_server.drop_database(url)
