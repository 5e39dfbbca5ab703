from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import DataVersion, IngestBatch, Observation, ObservationRevision

MakeKey = Callable[..., Any]
UPLOADS = "/v1/uploads"


async def _key(make_key: MakeKey, municipality: str = "9990") -> str:
    return str(await make_key("ingest:write", "ingest:read", municipality=municipality))


async def _post(
    client: Any, key: str, kind: str, content: bytes, media: str = "text/csv", **params: Any
) -> Any:
    return await client("ingest", key).post(
        UPLOADS, params={"kind": kind, **params}, content=content, headers={"Content-Type": media}
    )


async def _stored(session: AsyncSession, *measures: str) -> list[Observation]:
    """What the test stored: Exempelstad's observations of these measures, less the demo's."""
    demo = select(IngestBatch.id).where(IngestBatch.kind == "demo")
    result = await session.execute(
        select(Observation).where(
            Observation.municipality_code == "9990",
            Observation.measure_code.in_(measures),
            Observation.batch_id.not_in(demo),
        )
    )
    return list(result.scalars())


@pytest.mark.parametrize(
    ("encoding", "separator", "decimal"),
    [
        ("utf-8", ";", ","),
        ("utf-8-sig", ",", "."),
        ("cp1252", ";", ","),
        ("cp1252", ",", ","),
        ("utf-8", "\t", "."),
    ],
)
async def test_csv_in_each_encoding_separator_and_decimal_mark_is_stored(
    client: Any,
    make_key: MakeKey,
    session: AsyncSession,
    encoding: str,
    separator: str,
    decimal: str,
) -> None:
    def number(text: str) -> str:
        value = text.replace(".", decimal)
        return f'"{value}"' if decimal == separator else value

    lines = [
        separator.join(["enhet", "period", "kön", "sick_leave_pct", "short_sick_leave_pct"]),
        separator.join(["HT-NORR", "2025-05", "K", number("6.4"), number("2.1")]),
        separator.join(["HT-SODER", "2025-05", "T", number("7"), ""]),
    ]
    content = ("\r\n".join(lines) + "\r\n").encode(encoding)
    response = await _post(client, await _key(make_key), "sick_leave", content, filename="hr.csv")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["rows"] == 2
    assert body["observations"] == 3
    assert body["created"] == 3
    assert body["file"]["separator"] == separator
    assert body["file"]["encoding"] == ("cp1252" if encoding == "cp1252" else "utf-8")
    stored = {
        (o.unit_code, o.measure_code, o.gender): o.value
        for o in await _stored(session, "sick_leave_share", "short_sick_leave_share")
    }
    assert {k: float(v or 0) for k, v in stored.items()} == {
        ("HT-NORR", "sick_leave_share", "K"): 6.4,
        ("HT-NORR", "short_sick_leave_share", "K"): 2.1,
        ("HT-SODER", "sick_leave_share", "T"): 7.0,
    }


async def test_xlsx_upload_reads_dates_and_numbers_from_a_real_workbook(
    client: Any, make_key: MakeKey, session: AsyncSession
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["unit_code", "period", "continuity", "users"])
    sheet.append(["HT-NORR", datetime(2025, 3, 1), 11.5, 40])
    sheet.append(["HT-OSTER", "2025-04", 9, 31])
    out = io.BytesIO()
    book.save(out)
    response = await _post(
        client,
        await _key(make_key),
        "continuity",
        out.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert response.status_code == 201, response.text
    assert response.json()["format"] == "xlsx"
    stored = {
        (o.unit_code, o.period, o.measure_code): float(o.value or 0)
        for o in await _stored(session, "staff_continuity", "continuity_users")
    }
    assert stored == {
        ("HT-NORR", "2025-03", "staff_continuity"): 11.5,
        ("HT-NORR", "2025-03", "continuity_users"): 40.0,
        ("HT-OSTER", "2025-04", "staff_continuity"): 9.0,
        ("HT-OSTER", "2025-04", "continuity_users"): 31.0,
    }


async def test_multipart_form_upload_is_accepted(client: Any, make_key: MakeKey) -> None:
    content = b"unit_code;period;applications;placements\r\n;2025T2;120;4\r\n"
    response = await client("ingest", await _key(make_key)).post(
        UPLOADS,
        params={"kind": "cases"},
        files={"file": ("cases.csv", content, "text/csv")},
    )
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == "cases.csv"
    assert response.json()["observations"] == 2


async def test_every_problem_is_reported_at_once_and_nothing_is_stored(
    client: Any, make_key: MakeKey, session: AsyncSession
) -> None:
    content = (
        b"unit_code;measure_code;period;gender;value\n"
        b"HT-NORR;survey_satisfied;2025;T;12\n"  # row 2: fine
        b"HT-NOWHERE;survey_satisfied;2025;T;12\n"  # row 3: unknown unit
        b"HT-NORR;no_such_measure;2024;T;1\n"  # row 4: unknown measure
        b"HT-NORR;sick_leave_share;2025-05;T;120\n"  # row 5: share out of range
        b"HT-NORR;survey_safe;2024;T;-1\n"  # row 6: negative count
        b"HT-NORR;survey_treatment;2024;T;2,5\n"  # row 7: count not an integer
        b"HT-NORR;survey_safe;2025T4;T;3\n"  # row 8: bad period
        b"HT-NORR;survey_satisfied;2025;T;13\n"  # row 9: duplicate of row 2 (judged later)
        b"HT-NORR;survey_safe;2023;X;3\n"  # row 10: bad gender
        b"HT-NORR 19121212-1212;survey_safe;2022;T;3\n"  # row 11: personnummer
    )
    response = await _post(client, await _key(make_key), "observations", content)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    found = {(e["row"], e["field"], e["code"]) for e in problem["errors"]}
    assert found == {
        (3, "unit_code", "unknown_unit"),
        (4, "value", "unknown_measure"),
        (5, "value", "out_of_range"),
        (6, "value", "not_a_count"),
        (7, "value", "not_a_count"),
        (8, "period", "bad_period"),
        (10, "gender", "bad_gender"),
        (11, "unit_code", "personal_data"),
    }
    pnr = next(e for e in problem["errors"] if e["code"] == "personal_data")
    assert pnr["value"] == "(hidden)"
    assert "19121212" not in response.text
    assert "inget lagrades" in problem["detail"]
    # The rows' own problems come first: keys given twice (row 9 repeats row 2) and stored
    # final values are judged once every row is valid, and the problem says so.
    assert "Dubbletter i filen" in problem["detail"]
    assert await _stored(session, "survey_safe", "survey_treatment", "sick_leave_share") == []
    assert [o for o in await _stored(session, "survey_satisfied") if o.period == "2025"] == []


async def test_header_problems_are_reported_before_any_row(client: Any, make_key: MakeKey) -> None:
    response = await _post(
        client,
        await _key(make_key),
        "survey",
        b"unit_code;period;satisfied;comment\nHT-NORR;2024;3;x\n",
    )
    assert response.status_code == 422
    codes = {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert codes == {("comment", "unknown_column"), ("respondents", "missing_column")}


async def test_survey_with_fewer_than_seven_respondents_is_stored_but_suppressed(
    client: Any, make_key: MakeKey, session: AsyncSession
) -> None:
    content = (
        b"unit_code;period;gender;respondents;satisfied;safe\n"
        b"SABO-EKEN;2025;T;6;5;6\n"
        b"SABO-LINDEN;2025;T;30;25;27\n"
    )
    response = await _post(client, await _key(make_key), "survey", content)
    assert response.status_code == 201, response.text
    assert response.json()["suppressed"] == 3
    stored = await _stored(session, "survey_respondents", "survey_satisfied", "survey_safe")
    by_unit = {(o.unit_code, o.measure_code): o for o in stored if o.period == "2025"}
    assert by_unit[("SABO-EKEN", "survey_satisfied")].status == "suppressed"
    assert by_unit[("SABO-EKEN", "survey_satisfied")].respondents == 6
    assert by_unit[("SABO-LINDEN", "survey_satisfied")].status == "final"


async def test_survey_answers_cannot_exceed_respondents(client: Any, make_key: MakeKey) -> None:
    content = b"unit_code;period;respondents;satisfied\nSABO-EKEN;2025;10;11\n"
    response = await _post(client, await _key(make_key), "survey", content)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "exceeds_respondents"


async def test_changing_a_stored_final_value_needs_revise_and_keeps_history(
    client: Any, make_key: MakeKey, session: AsyncSession
) -> None:
    key = await _key(make_key)
    first = b"unit_code;period;sick_leave_pct\nHT-NORR;2025-06;5,0\n"
    assert (await _post(client, key, "sick_leave", first)).status_code == 201
    changed = b"unit_code;period;sick_leave_pct\nHT-NORR;2025-06;5,5\n"
    refused = await _post(client, key, "sick_leave", changed)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "conflicts_with_final"
    assert refused.json()["errors"][0]["row"] == 2

    revised = await _post(client, key, "sick_leave", changed, mode="revise")
    assert revised.status_code == 201
    assert revised.json()["revised"] == 1
    (obs,) = await _stored(session, "sick_leave_share")
    await session.refresh(obs)
    assert float(obs.value or 0) == 5.5
    assert obs.revision == 2
    history = (
        await session.execute(
            select(ObservationRevision).where(ObservationRevision.observation_id == obs.id)
        )
    ).scalar_one()
    assert float(history.value or 0) == 5.0
    assert str(history.replaced_by_batch_id) == revised.json()["id"]

    same = await _post(client, key, "sick_leave", changed)
    assert same.status_code == 201
    assert same.json()["unchanged"] == 1

    prov = await client("ingest", key).get(f"/v1/observations/{obs.id}/provenance")
    body = prov.json()
    assert body["attribution"] is None
    assert body["origin"]["kind"] == "upload"
    assert body["origin"]["row"] == 2
    assert [r["value"] for r in body["revisions"]] == ["5.0"]


async def test_dry_run_validates_without_storing(
    client: Any, make_key: MakeKey, session: AsyncSession
) -> None:
    versions = select(func.coalesce(func.max(DataVersion.version), 0)).where(
        DataVersion.municipality_code == "9990"
    )
    before = (await session.execute(versions)).scalar_one()
    content = b"unit_code;period;type;category;severity;count\nSABO-EKEN;2025-05;lex_sarah;bemotande;medel;2\n"
    response = await _post(client, await _key(make_key), "incidents", content, dry_run="true")
    assert response.status_code == 200
    assert response.json()["id"] is None
    assert response.json()["observations"] == 1
    assert await _stored(session, "incidents_lex_sarah_bemotande_medel") == []
    assert (await session.execute(versions)).scalar_one() == before

    stored = await _post(client, await _key(make_key), "incidents", content)
    assert stored.status_code == 201
    assert stored.json()["data_version"] == before + 1
    (obs,) = await _stored(session, "incidents_lex_sarah_bemotande_medel")
    assert obs.value == 2


async def test_incident_choices_are_checked(client: Any, make_key: MakeKey) -> None:
    content = (
        b"unit_code;period;type;category;severity;count\nSABO-EKEN;2025-05;lex_x;fall;medel;1\n"
    )
    response = await _post(client, await _key(make_key), "incidents", content)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "type"


async def test_a_municipal_key_uploads_only_for_its_own_municipality(
    client: Any, make_key: MakeKey
) -> None:
    content = b"unit_code;period;sick_leave_pct\nHT-NORR;2025-06;5\n"
    response = await _post(
        client, await _key(make_key), "sick_leave", content, municipality_code="0880"
    )
    assert response.status_code == 404


async def test_upload_retry_with_idempotency_key_replays_and_stores_once(
    client: Any, make_key: MakeKey, session: AsyncSession
) -> None:
    key = await _key(make_key)
    content = b"unit_code;period;sick_leave_pct\nHT-VASTER;2025-07;4\n"
    http = client("ingest", key)
    headers = {"Content-Type": "text/csv", "Idempotency-Key": "hr-2025-07"}
    first = await http.post(
        UPLOADS, params={"kind": "sick_leave"}, content=content, headers=headers
    )
    again = await http.post(
        UPLOADS, params={"kind": "sick_leave"}, content=content, headers=headers
    )
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    other = await http.post(
        UPLOADS,
        params={"kind": "sick_leave"},
        content=content.replace(b";4", b";5"),
        headers=headers,
    )
    assert other.status_code == 422
    assert (
        len([o for o in await _stored(session, "sick_leave_share") if o.unit_code == "HT-VASTER"])
        == 1
    )


@pytest.mark.parametrize(
    "kind", ["survey", "continuity", "sick_leave", "incidents", "cases", "observations"]
)
async def test_each_template_downloads_and_uploads_back(
    client: Any, make_key: MakeKey, kind: str
) -> None:
    key = await _key(make_key)
    csv_template = await client("ingest", key).get(f"{UPLOADS}/templates/{kind}")
    assert csv_template.status_code == 200
    assert csv_template.headers["content-type"].startswith("text/csv")
    assert csv_template.content.startswith(b"\xef\xbb\xbf")  # Swedish Excel's dialect
    uploaded = await _post(client, key, kind, csv_template.content, dry_run="true")
    assert uploaded.status_code == 200, uploaded.text
    machine = await client("ingest", key).get(
        f"{UPLOADS}/templates/{kind}", params={"csv_dialect": "rfc4180"}
    )
    assert b";" not in machine.content.splitlines()[0]
    uploaded = await _post(client, key, kind, machine.content, dry_run="true")
    assert uploaded.status_code == 200, uploaded.text
    xlsx = await client("ingest", key).get(f"{UPLOADS}/templates/{kind}", params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0]
    header = next(sheet.iter_rows(values_only=True))
    assert header[1] in {"period", "measure_code"}


async def test_kinds_are_listed_with_their_columns(client: Any, make_key: MakeKey) -> None:
    response = await client("ingest", await _key(make_key)).get(f"{UPLOADS}/kinds")
    kinds = {k["name"]: k for k in response.json()}
    assert set(kinds) == {
        "survey",
        "continuity",
        "sick_leave",
        "incidents",
        "cases",
        "observations",
    }
    assert len(kinds["incidents"]["measures"]) == 30


async def test_a_key_twice_in_an_otherwise_valid_file_is_reported_with_both_rows(
    client: Any, make_key: MakeKey, session: AsyncSession
) -> None:
    content = (
        b"unit_code;period;sick_leave_pct\n"
        b"HT-NORR;2025-08;5\n"
        b"HT-SODER;2025-08;6\n"
        b"HT-NORR;2025-08;5\n"
    )
    response = await _post(client, await _key(make_key), "sick_leave", content)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["row"] == 4
    assert error["code"] == "duplicate_in_batch"
    assert "rad 2" in error["message"]
    assert await _stored(session, "sick_leave_share") == []


async def test_dry_run_reports_what_an_upload_would_do(client: Any, make_key: MakeKey) -> None:
    key = await _key(make_key)
    first = b"unit_code;period;sick_leave_pct\nHT-NORR;2025-09;5\n"
    assert (await _post(client, key, "sick_leave", first)).status_code == 201
    both = b"unit_code;period;sick_leave_pct\nHT-NORR;2025-09;6\nHT-SODER;2025-09;4\n"
    preview = await _post(client, key, "sick_leave", both, mode="revise", dry_run="true")
    assert preview.status_code == 200
    assert (preview.json()["created"], preview.json()["revised"]) == (1, 1)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "unreadable_file"),
        (b"\x81\x8d\x8f\x90\x9d;\x00\x01\n\x81;2\n", "unknown_column"),
        (b"PK\x03\x04 not really a workbook", "unreadable_file"),
        (b"unit_code;period;sick_leave_pct\n", "empty_file"),
    ],
)
async def test_unreadable_or_empty_files_are_a_clear_422(
    client: Any, make_key: MakeKey, content: bytes, code: str
) -> None:
    response = await _post(client, await _key(make_key), "sick_leave", content)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == code


async def test_a_file_of_many_problems_is_rejected_at_the_limit_without_reading_on(
    client: Any, make_key: MakeKey, session: AsyncSession
) -> None:
    """The first MAX_REPORTED_ERRORS problems are reported as soon as they are found; the
    rest of the file is not read (it is rejected either way)."""
    bad = [f"HT-NORR;2025-{1 + i % 12:02d};T;{200 + i}" for i in range(3000)]
    good_tail = [f"HT-SODER;2025-{1 + i % 12:02d};K;5" for i in range(12)]
    content = "\r\n".join(["unit_code;period;gender;sick_leave_pct", *bad, *good_tail]) + "\r\n"
    response = await _post(client, await _key(make_key), "sick_leave", content.encode())
    assert response.status_code == 422
    problem = response.json()
    assert problem["error_count"] == 1000
    assert "läsningen avbröts vid de första 1\u00a0000" in problem["detail"]
    assert len(problem["errors"]) == 1000
    assert max(e["row"] for e in problem["errors"]) == 1001  # rows 2..1001, then it stopped
    assert {e["code"] for e in problem["errors"]} == {"out_of_range"}
    assert await _stored(session, "sick_leave_share") == []
