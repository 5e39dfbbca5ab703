from __future__ import annotations

import io
from pathlib import Path

import httpx

from shared.cli import upload_file


def test_kvn_upload_streams_the_file_with_progress_and_a_content_idempotency_key(
    tmp_path: Path,
) -> None:
    file = tmp_path / "hr.csv"
    file.write_bytes(b"unit_code;period;sick_leave_pct\nHT-NORR;2025-05;5\n" * 3)
    seen: list[httpx.Request] = []

    def ingest(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(
            201, json={"rows": 3, "created": 3, "revised": 0, "unchanged": 0, "suppressed": 0}
        )

    out = io.StringIO()
    for _ in range(2):
        status = upload_file(
            str(file),
            kind="sick_leave",
            key="kvn_x_y",
            url="http://ingest.test",
            transport=httpx.MockTransport(ingest),
            out=out,
        )
        assert status == 0
    assert seen[0].content == file.read_bytes()
    assert seen[0].url.params["kind"] == "sick_leave"
    assert seen[0].headers["idempotency-key"] == seen[1].headers["idempotency-key"]
    assert "100%" in out.getvalue()
    assert "stored: 3 rows, 3 created" in out.getvalue()


def test_kvn_upload_prints_located_errors_and_fails(tmp_path: Path) -> None:
    file = tmp_path / "hr.csv"
    file.write_bytes(b"unit_code;period;sick_leave_pct\nNOPE;2025-05;5\n")

    def ingest(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            422,
            json={
                "detail": "The file was rejected: 1 problem(s); nothing was stored",
                "errors": [
                    {"row": 2, "field": "unit_code", "value": "NOPE", "message": "unknown unit"}
                ],
            },
        )

    out = io.StringIO()
    status = upload_file(
        str(file),
        kind="sick_leave",
        key="k",
        url="http://ingest.test",
        transport=httpx.MockTransport(ingest),
        out=out,
    )
    assert status == 1
    assert "row 2, unit_code: unknown unit (value: NOPE)" in out.getvalue()
