"""The embedded PostgreSQL (pgserver) used when DATABASE_URL is not set."""

from __future__ import annotations

import json
import logging
import os
import warnings
from pathlib import Path
from typing import Any

logger = logging.getLogger("kvn.embedded")
DATABASE_NAME = "kvalitetsnavet"
MISSING = (
    "The embedded PostgreSQL (pgserver) is not installed: it is an extra of the development "
    "install, not of the production image. Set DATABASE_URL to a PostgreSQL server, or "
    "install it: pip install -e '.[embedded]' (make installs it with the dev lock file)."
)


class EmbeddedUnavailable(RuntimeError):
    """pgserver is missing (a production install) and no DATABASE_URL was given."""


class EmbeddedPostgres:
    """Starts (or reuses) a server whose data directory lives under var/, kept between runs."""

    def __init__(self, data_dir: Path, *, database: str = DATABASE_NAME) -> None:
        self.data_dir = data_dir
        self.database = database
        self._server: Any = None

    def start(self) -> str:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                import pgserver
            except ImportError as exc:
                raise EmbeddedUnavailable(MISSING) from exc

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._forget_dead_users()
        self._server = pgserver.get_server(str(self.data_dir), cleanup_mode="stop")  # type: ignore[attr-defined]
        # The name is ours (a constant or a test's generated name), never user input.
        exists = self._server.psql(
            f"SELECT 1 FROM pg_database WHERE datname = '{self.database}';"  # noqa: S608
        )
        if "1 row" not in exists:
            self._server.psql(f'CREATE DATABASE "{self.database}";')
        return self.url(self.database)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.data_dir}"

    def create_database(self, name: str) -> str:
        self._server.psql(f'DROP DATABASE IF EXISTS "{name}";')
        self._server.psql(f'CREATE DATABASE "{name}";')
        return self.url(name)

    def running_url(self) -> str | None:
        """The URL of a server already running on this data directory (`make run` is up),
        else None; nothing is started."""
        pid_file = self.data_dir / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None
        if not _running(pid) or not (self.data_dir / ".s.PGSQL.5432").exists():
            return None
        return self.url(self.database)

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None

    def _forget_dead_users(self) -> None:
        """pgserver stops the server when its last user leaves, counting users by the pids in
        .handle_pids.json. A process that was killed never removes its pid, and then no later
        run would ever stop the server: forget pids whose process is gone."""
        pids_file = self.data_dir / ".handle_pids.json"
        try:
            pids = json.loads(pids_file.read_text())
        except (OSError, ValueError):
            return
        alive = [pid for pid in pids if isinstance(pid, int) and _running(pid)]
        if alive != pids:
            logger.info(
                "forgetting embedded-server users that are gone: %s", set(pids) - set(alive)
            )
            pids_file.write_text(json.dumps(alive))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
