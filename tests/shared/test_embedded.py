"""The production install has no embedded PostgreSQL: asking for it says what to do."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from shared import cli, settings
from shared.embedded import EmbeddedPostgres, EmbeddedUnavailable


@pytest.fixture
def without_pgserver(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry makes `import pgserver` fail as it does where the extra is not installed.
    monkeypatch.setitem(sys.modules, "pgserver", None)


@pytest.mark.usefixtures("without_pgserver")
def test_starting_the_embedded_server_without_pgserver_names_the_remedies(tmp_path: Path) -> None:
    with pytest.raises(EmbeddedUnavailable) as raised:
        EmbeddedPostgres(tmp_path / "pg").start()
    assert "DATABASE_URL" in str(raised.value)
    assert ".[embedded]" in str(raised.value)


@pytest.mark.usefixtures("without_pgserver")
def test_the_cli_exits_with_that_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("EMBEDDED_DATA_DIR", str(tmp_path / "pg"))
    settings.get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit) as exited:
            cli.main(["backup", "--out", str(tmp_path / "x.dump")])
    finally:
        settings.get_settings.cache_clear()
    assert "pgserver" in str(exited.value.code)
    assert not (tmp_path / "x.dump").exists()
