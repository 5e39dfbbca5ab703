"""The one Alembic history: up → down → up on a fresh database, and models == migrations."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, pool

from shared.migrate import alembic_config, downgrade, upgrade
from shared.models import Base
from tests import helpers
from tests.helpers import libpq

KVN = Path(sys.executable).with_name("kvn")


@pytest.fixture
def fresh_url(pg_server: helpers.TestServer) -> Iterator[str]:
    url = pg_server.create_database("kvn_migrations")
    yield url
    pg_server.drop_database(url)


def schema_objects(url: str) -> dict[str, set[str]]:
    with psycopg.connect(libpq(url)) as conn:

        def names(sql: str) -> set[str]:
            return {row[0] for row in conn.execute(sql).fetchall()}

        return {
            "tables": names(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'alembic_version'"
            ),
            "types": names(
                "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                " WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')"
            ),
            "sequences": names("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"),
            "functions": names(
                "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                " WHERE n.nspname = 'public'"
            ),
            "versions": names("SELECT version_num FROM alembic_version")
            if _has_version_table(conn)
            else set(),
        }


def _has_version_table(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute("SELECT to_regclass('public.alembic_version') IS NOT NULL").fetchone()
    return bool(row and row[0])


def heads() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config("postgresql://x/y")).get_heads())


def model_diff(url: str) -> list[Any]:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_on_a_fresh_database(fresh_url: str, tmp_path: Path) -> None:
    # The first upgrade as an operator runs it: `kvn migrate` (= upgrade heads).
    env = {**os.environ, "DATABASE_URL": fresh_url}
    run = subprocess.run(
        [str(KVN), "migrate"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    first = schema_objects(fresh_url)
    assert first["versions"] == heads()
    model_tables = {t.name for t in Base.metadata.sorted_tables}
    assert model_tables <= first["tables"]

    downgrade(fresh_url, "base")
    empty = schema_objects(fresh_url)
    assert empty == {k: set() for k in empty}, f"left behind by downgrade: {empty}"

    upgrade(fresh_url, "heads")
    assert schema_objects(fresh_url) == first


def test_models_and_migrations_agree(fresh_url: str) -> None:
    """Like `alembic check`: autogenerate against the migrated schema finds nothing to do."""
    upgrade(fresh_url, "heads")
    diff = model_diff(fresh_url)
    assert diff == [], "models and migrations disagree:\n" + "\n".join(map(str, diff))


def test_pods_migrating_at_once_take_turns_and_all_succeed(fresh_url: str, tmp_path: Path) -> None:
    """Every pod of a Kubernetes rollout runs `kvn migrate` as an init container: started
    together on a fresh database, each exits 0 (one migrates, the others wait on the advisory
    lock and find nothing to do) and the history is at its head once."""
    env = {**os.environ, "DATABASE_URL": fresh_url}
    pods = [
        subprocess.Popen(
            [str(KVN), "migrate"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for pod in pods:
        _, stderr = pod.communicate(timeout=300)
        assert pod.returncode == 0, stderr
    assert schema_objects(fresh_url)["versions"] == heads()
