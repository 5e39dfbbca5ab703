"""`kvn` as a person runs it: a subprocess against the run's database."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg

from shared.auth import hash_key
from tests.conftest import MakeClient
from tests.gateway.stack import free_port
from tests.helpers import libpq

KVN = Path(sys.executable).with_name("kvn")


def kvn(database_url: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "KVN_", "SERVICE_API_KEY"))
    }
    env.update({"DATABASE_URL": database_url, "LOG_JSON": "false"})
    return subprocess.run(
        [str(KVN), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,  # away from any developer's .env
        timeout=120,
        check=False,
    )


def stored_key(database_url: str, key_id: str) -> tuple[str, str | None, list[str], object]:
    with psycopg.connect(libpq(database_url)) as conn:
        row = conn.execute(
            "SELECT key_hash, municipality_code, scopes, revoked_at FROM api_key WHERE id = %s",
            (key_id,),
        ).fetchone()
    assert row is not None
    return row[0], row[1], list(row[2]), row[3]


async def test_apikey_create_prints_the_key_once_and_revoke_works(
    database_url: str, client: MakeClient, tmp_path: Path
) -> None:
    created = kvn(
        database_url,
        "apikey",
        "create",
        "--municipality",
        "1462",
        "--scope",
        "indicators:read",
        "--name",
        "Lilla Edet reader",
        cwd=tmp_path,
    )
    assert created.returncode == 0, created.stderr
    key_id = re.search(r"^id:\s+(\S+)$", created.stdout, re.M)
    token = re.search(r"^key:\s+(kvn_[0-9a-f]{12}_\S+)$", created.stdout, re.M)
    assert key_id, created.stdout
    assert token, created.stdout
    assert created.stdout.count(token[1]) == 1
    assert "shown once" in created.stderr

    # Only the hash is stored; the key is bound to 1462 with exactly the scope asked for.
    key_hash, municipality, scopes, revoked = stored_key(database_url, key_id[1])
    assert key_hash == hash_key(token[1])
    assert token[1] not in key_hash
    assert (municipality, scopes, revoked) == ("1462", ["indicators:read"], None)

    indicators = client("indicators", token[1])
    listed = await indicators.get("/v1/indicators")
    assert listed.status_code == 200, listed.text
    refused = await indicators.post("/v1/indicators", json={})
    assert refused.status_code == 403
    other_service = await client("budget", token[1]).get("/v1/frames")
    assert other_service.status_code == 403

    revoked_run = kvn(database_url, "apikey", "revoke", key_id[1], cwd=tmp_path)
    assert revoked_run.returncode == 0, revoked_run.stderr
    assert f"revoked {key_id[1]}" in revoked_run.stdout
    assert stored_key(database_url, key_id[1])[3] is not None
    after = await client("indicators", token[1]).get("/v1/indicators")
    assert after.status_code == 401
    assert after.headers["content-type"].startswith("application/problem+json")

    again = kvn(database_url, "apikey", "revoke", key_id[1], cwd=tmp_path)
    assert again.returncode != 0
    assert "no active key" in again.stderr


def test_apikey_create_national_key(database_url: str, tmp_path: Path) -> None:
    run = kvn(
        database_url,
        "apikey",
        "create",
        "--national",
        "--scope",
        "ingest:read",
        "--scope",
        "budget:read",
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    key_id = re.search(r"^id:\s+(\S+)$", run.stdout, re.M)
    assert key_id
    _, municipality, scopes, _ = stored_key(database_url, key_id[1])
    assert municipality is None
    assert scopes == ["budget:read", "ingest:read"]


def test_apikey_create_refuses_bad_input_and_stores_nothing(
    database_url: str, tmp_path: Path
) -> None:
    with psycopg.connect(libpq(database_url)) as conn:
        before = conn.execute("SELECT count(*) FROM api_key").fetchone()
    cases = [
        (["--municipality", "1462", "--scope", "indicators:rule"], "unknown scope"),
        (["--municipality", "482", "--scope", "indicators:read"], "4 digits"),
        (["--scope", "indicators:read"], "--national"),
    ]
    for args, message in cases:
        run = kvn(database_url, "apikey", "create", *args, cwd=tmp_path)
        assert run.returncode != 0, args
        assert message in run.stderr, (args, run.stderr)
        assert "kvn_" not in run.stdout
    missing_scope = kvn(database_url, "apikey", "create", "--national", cwd=tmp_path)
    assert missing_scope.returncode == 2
    assert "--scope" in missing_scope.stderr
    with psycopg.connect(libpq(database_url)) as conn:
        assert conn.execute("SELECT count(*) FROM api_key").fetchone() == before


def test_revoke_refuses_a_malformed_id(database_url: str, tmp_path: Path) -> None:
    run = kvn(database_url, "apikey", "revoke", "not-a-uuid", cwd=tmp_path)
    assert run.returncode != 0
    assert "Traceback" not in run.stderr


def test_commands_without_database_url_say_so(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["EMBEDDED_DATA_DIR"] = str(tmp_path / "pgdata")  # no `make run` up there
    run = subprocess.run(
        [str(KVN), "migrate"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert run.returncode != 0
    assert "DATABASE_URL is not set" in run.stderr


def test_migrate_registers_the_service_key_once(database_url: str, tmp_path: Path) -> None:
    token_run = kvn(database_url, "apikey", "token", cwd=tmp_path)
    assert token_run.returncode == 0
    token = token_run.stdout.strip()
    assert re.fullmatch(r"kvn_[0-9a-f]{12}_\S{40,}", token)

    env_file = tmp_path / ".env"
    env_file.write_text(f"SERVICE_API_KEY={token}\n")  # read from the working directory
    first = kvn(database_url, "migrate", "--ensure-service-key", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "service key registered" in first.stdout
    again = kvn(database_url, "migrate", "--ensure-service-key", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "already registered" in again.stdout
    with psycopg.connect(libpq(database_url)) as conn:
        rows = conn.execute(
            "SELECT municipality_code, scopes FROM api_key WHERE key_hash = %s",
            (hash_key(token),),
        ).fetchall()
    assert rows == [(None, ["admin"])]

    env_file.write_text("SERVICE_API_KEY=change-me\n")
    placeholder = kvn(database_url, "migrate", "--ensure-service-key", cwd=tmp_path)
    assert placeholder.returncode != 0
    assert "kvn apikey token" in placeholder.stderr


def _postmaster(data_dir: Path) -> int | None:
    try:
        return int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


def test_kvn_run_serves_the_cli_and_sigterm_stops_its_embedded_postgres(tmp_path: Path) -> None:
    """`make run` as a person uses it: keys made with `kvn apikey create` while it is up (no
    DATABASE_URL: the CLI finds the embedded server under var/), then SIGTERM stops both."""
    data_dir = tmp_path / "pgdata"
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "KVN_", "SERVICE_API_KEY", "TEST_DATABASE"))
    }
    env.update(
        {
            "EMBEDDED_DATA_DIR": str(data_dir),
            "PORT": str(port),
            "LOG_JSON": "false",
            "SCHEDULER_ENABLED": "false",
        }
    )
    # A demo key kept from another database (var/ outlived it): the run makes it valid here.
    kept = "kvn_0123456789ab_" + "k" * 43
    (tmp_path / "demo_api_key").write_text(kept + "\n")
    log = (tmp_path / "run.log").open("wb")
    process = subprocess.Popen(
        [str(KVN), "run"], env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "run.log").read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/ingest/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise AssertionError((tmp_path / "run.log").read_text())
        postgres = _postmaster(data_dir)
        assert postgres is not None
        # The key the run printed (and kept beside its database) opens the API.
        assert (tmp_path / "demo_api_key").read_text().strip() == kept
        demo = httpx.get(
            f"http://127.0.0.1:{port}/api/ingest/v1/me",
            headers={"Authorization": f"Bearer {kept}"},
        )
        assert demo.status_code == 200, demo.text

        created = subprocess.run(
            [str(KVN), "apikey", "create", "--national", "--scope", "ingest:read"],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
        assert created.returncode == 0, created.stderr
        token = re.search(r"^key:\s+(\S+)$", created.stdout, re.M)
        assert token is not None
        me = httpx.get(
            f"http://127.0.0.1:{port}/api/ingest/v1/me",
            headers={"Authorization": f"Bearer {token[1]}"},
        )
        assert me.status_code == 200, me.text

        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        deadline = time.monotonic() + 30
        while _alive(postgres) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(postgres), "the embedded PostgreSQL is still running"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        log.close()
        leftover = _postmaster(data_dir)
        if leftover is not None and _alive(leftover):
            os.kill(leftover, signal.SIGTERM)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in {"Z", "X"}


def test_scheduler_now_names_the_jobs_when_one_is_unknown(
    database_url: str, tmp_path: Path
) -> None:
    run = kvn(database_url, "scheduler", "--now", "no-such-job", cwd=tmp_path)
    assert run.returncode != 0
    assert "no scheduled job 'no-such-job'" in run.stderr
    assert "kolada-nightly-sync" in run.stderr
    assert "observation-partitions" in run.stderr
