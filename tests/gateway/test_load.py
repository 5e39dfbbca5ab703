"""A short run of bench/load.py through the real gateway: mixed reads and writes from
concurrent clients, and not one answer that is not a success."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.load import run
from shared.migrate import upgrade
from tests import helpers
from tests.gateway.stack import find_nginx

pytestmark = pytest.mark.gateway


def test_ten_clients_for_ten_seconds_mixing_reads_and_writes_get_no_errors(
    pg_server: helpers.TestServer, tmp_path: Path
) -> None:
    nginx = find_nginx()
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install -y nginx; .ci/run does this)")
    url = pg_server.create_database("kvn_load")
    try:
        upgrade(url)
        figures = run(url, clients=10, seconds=10, rate="200r/s", workdir=tmp_path, nginx=nginx)
    finally:
        pg_server.drop_database(url)
    assert figures["errors"] == 0, figures["first_errors"]
    routes = figures["routes"]
    # Every kind of request was made, writes included, and each was answered.
    assert {"GET analytics", "GET reports/tertial", "POST batches", "POST targets"} <= set(routes)
    assert all(r["count"] > 0 and r["errors"] == 0 for r in routes.values())
