"""A personnummer in any cell of any upload kind is refused: 422 naming the row and column,
the number not echoed, nothing stored. The kinds and columns come from /v1/uploads/kinds, so
a new kind or column is covered without anyone remembering to."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.conftest import MakeClient, MakeKey
from tests.shared.rows import changed, row_counts

FORMS = ("19121212-1212", "121212-1212", "Brukare 191212121212", "1212121212", "121272-1219")


def _csv(columns: list[dict[str, Any]], row: list[str]) -> bytes:
    return (";".join(c["name"] for c in columns) + "\n" + ";".join(row) + "\n").encode()


async def test_a_personnummer_in_any_cell_of_any_kind_is_refused(
    client: MakeClient, make_key: MakeKey, connection: AsyncConnection
) -> None:
    http = client("ingest", await make_key("ingest:write", "ingest:read"))
    kinds = (await http.get("/v1/uploads/kinds")).json()
    failures: list[str] = []
    swept = 0
    for kind in kinds:
        columns = kind["columns"]
        row = [c["example"] for c in columns]
        headers = {"Content-Type": "text/csv"}
        valid = await http.post(
            "/v1/uploads",
            params={"kind": kind["name"], "dry_run": "true"},
            content=_csv(columns, row),
            headers=headers,
        )
        assert valid.status_code == 200, (kind["name"], valid.text)
        for i, column in enumerate(columns):
            swept += 1
            cells = list(row)
            cells[i] = FORMS[swept % len(FORMS)]
            before = await row_counts(connection)
            response = await http.post(
                "/v1/uploads",
                params={"kind": kind["name"]},
                content=_csv(columns, cells),
                headers=headers,
            )
            where = f"{kind['name']}.{column['name']}"
            errors = response.json().get("errors", [])
            if response.status_code != 422:
                failures.append(f"{where}: {response.status_code} {response.text[:200]}")
            elif not any(
                e.get("code") == "personal_data"
                and e.get("row") == 2
                and e.get("field") == column["name"]
                for e in errors
            ):
                failures.append(f"{where}: not named: {errors}")
            if "1212" in response.text.replace(column["name"], "") and "121212" in response.text:
                failures.append(f"{where}: the number is echoed")
            stored = changed(before, await row_counts(connection))
            if stored:
                failures.append(f"{where}: something was stored: {stored}")
    assert not failures, "\n".join(failures)
    assert swept > 0


async def test_a_personnummer_in_a_spreadsheet_cell_is_refused(
    client: MakeClient, make_key: MakeKey
) -> None:
    http = client("ingest", await make_key("ingest:write", "ingest:read"))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["unit_code", "period", "sick_leave_pct"])
    sheet.append(["HT-VASTER", "2025-07", "Sjuk: 19121212-1212"])
    data = BytesIO()
    book.save(data)
    response = await http.post(
        "/v1/uploads",
        params={"kind": "sick_leave"},
        content=data.getvalue(),
        headers={
            "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
    )
    assert response.status_code == 422, response.text
    error = next(e for e in response.json()["errors"] if e["code"] == "personal_data")
    assert (error["row"], error["field"]) == (2, "sick_leave_pct")
    assert "19121212" not in response.text
