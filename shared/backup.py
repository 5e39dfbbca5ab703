"""`make backup` / `make restore`: pg_dump and pg_restore in the custom format.

The client binaries are the newest of those on PATH and those pgserver ships (a pg_dump must
be at least as new as the server it dumps)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import psycopg

from shared.migrate import sync_url


def libpq_url(url: str) -> str:
    return sync_url(url).replace("postgresql+psycopg://", "postgresql://", 1)


def _version(binary: str) -> tuple[int, ...]:
    out = subprocess.run(  # noqa: S603 - a PostgreSQL client binary we located
        [binary, "--version"], capture_output=True, text=True, check=False
    )
    found = re.search(r"(\d+)(?:\.(\d+))?", out.stdout)
    return tuple(int(g) for g in found.groups() if g) if found else (0,)


def client_binary(name: str) -> str:
    candidates = []
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    try:
        from pgserver._commands import POSTGRES_BIN_PATH

        bundled = Path(POSTGRES_BIN_PATH) / name
        if bundled.exists():
            candidates.append(str(bundled))
    except ImportError:  # the production install has no embedded server: PATH only
        pass
    if not candidates:
        raise RuntimeError(f"{name} is not installed")
    return max(candidates, key=_version)


def backup(url: str, out: Path) -> Path:
    """A custom-format dump of the whole database (schema, data, Alembic version)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603 - fixed argv, no shell
        [
            client_binary("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={out}",
            f"--dbname={libpq_url(url)}",
        ],
        check=True,
    )
    out.chmod(0o600)  # it holds the API keys' hashes and every figure
    return out


def restore(url: str, dump: Path) -> None:
    """Restore a dump into the database at `url`, replacing the objects it contains."""
    if not dump.exists():
        raise FileNotFoundError(f"no dump at {dump}")
    _drop_partitioned_tables(url)
    subprocess.run(  # noqa: S603 - fixed argv, no shell
        [
            client_binary("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={libpq_url(url)}",
            str(dump),
        ],
        check=True,
    )


def _drop_partitioned_tables(url: str) -> None:
    """pg_restore --clean drops a partition's index before its parent's, which PostgreSQL
    refuses; so partitioned tables (observation, migration scale_0004) already in the target
    are dropped with their partitions first. The dump holds them and their rows: the restore
    recreates them (if it fails, run it again)."""
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        names = conn.execute(
            "SELECT c.oid::regclass::text FROM pg_partitioned_table p"
            " JOIN pg_class c ON c.oid = p.partrelid"
        ).fetchall()
        for (name,) in names:
            conn.execute(f"DROP TABLE IF EXISTS {name} CASCADE")
