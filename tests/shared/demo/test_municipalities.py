"""Every demo figure sits under the municipality its document is about, named as the Kolada
catalogue and the document name it, and a database loaded before the codes were corrected
gets them corrected by its next migration."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from shared.db import Database
from shared.demo import kolada_sample, load_demo
from shared.demo.catalogue import page
from shared.demo.common import DEMO_MUNICIPALITY, SYNTHETIC_PEERS
from shared.migrate import upgrade
from shared.models import Base, Municipality
from tests import helpers

# The municipality each source document is about, as the document writes its name.
DOCUMENTED = {
    "0880": ("seed 000", "Kalmar kommun"),
    "1462": ("seed 001", "Lilla Edets kommun"),
    "2085": ("seed 002", "Ludvika kommun"),
    "1461": ("seed 003", "Melleruds kommun"),
    "1460": ("seed 003", "Bengtsfors kommun"),
    "2480": ("seed 004", "Umeå kommun"),
}
# The Swedish genitive the documents use ("Lilla Edets kommun") of the catalogue's name.
GENITIVE = {"Kalmar": "Kalmar", "Mellerud": "Melleruds", "Lilla Edet": "Lilla Edets"}
TABLES_WITH_MUNICIPALITY = sorted(
    name for name, table in Base.metadata.tables.items() if "municipality_code" in table.c
)
# Keys are made (and committed) by the tests themselves, for any municipality; they are no
# demo data.
DEMO_TABLES = [name for name in TABLES_WITH_MUNICIPALITY if name != "api_key"]


def _catalogue() -> dict[str, str]:
    return {m["id"]: m["title"] for m in page("kolada_municipality.json")}


def test_each_documented_municipality_has_the_catalogue_name_the_document_uses() -> None:
    catalogue = _catalogue()
    for code, (_document, printed) in DOCUMENTED.items():
        name = catalogue[code]
        assert printed == f"{GENITIVE.get(name, name)} kommun", (code, name, printed)


async def test_every_demo_row_is_under_a_documented_municipality_or_exempelstad(
    session: AsyncSession,
) -> None:
    codes: dict[str, set[str]] = {}
    for name in DEMO_TABLES:
        column = Base.metadata.tables[name].c.municipality_code
        found = (await session.execute(select(column).distinct())).scalars()
        for code in found:
            if code is not None:
                codes.setdefault(code, set()).add(name)
    assert DEMO_MUNICIPALITY in codes
    # The offline Kolada sample's real values are under their own municipalities' codes.
    sample = {row["municipality_code"] for row in kolada_sample.observations()}
    strays = {
        code: tables
        for code, tables in codes.items()
        if code not in DOCUMENTED
        and not (code in sample and tables == {"observation"})
        and code not in SYNTHETIC_PEERS  # Exempelstad's fictional peers (checked below)
    }
    assert set(strays) == {DEMO_MUNICIPALITY}, strays
    # Lilla Edet's budget and Mellerud's comparisons are found under their own codes.
    assert {"budget_frame", "operating_budget", "fund", "prioritised_goal"} <= codes["1462"]
    assert {"observation", "ingest_batch"} <= codes["1461"]
    stored = {m.code: m.title for m in (await session.execute(select(Municipality))).scalars()}
    catalogue = _catalogue()
    for code in set(codes) - {DEMO_MUNICIPALITY, *SYNTHETIC_PEERS}:
        assert stored[code] == catalogue[code]
    # The fictional municipalities' codes are no real one's.
    assert DEMO_MUNICIPALITY not in catalogue
    assert set(SYNTHETIC_PEERS) & set(catalogue) == set()
    assert {code for code in codes if code in SYNTHETIC_PEERS} == set(SYNTHETIC_PEERS)


@pytest.fixture
def old_demo_url(pg_server: helpers.TestServer) -> Iterator[str]:
    url = pg_server.create_database(prefix="kvn_demo_codes")
    yield url
    pg_server.drop_database(url)


# The revision the correction follows, and the tables the demo filled under the wrong codes
# before it (Lilla Edet's report layout and appendix came with the right code).
BEFORE_CORRECTION = "i16_0001"
OLD_DEMO = {
    "1462": ["budget_frame", "operating_budget", "investment_project", "fund", "prioritised_goal"],
    "1461": ["observation", "ingest_batch"],
}


def _move(url: str, tables: list[str], new: str, old: str) -> None:
    with psycopg.connect(helpers.libpq(url)) as conn:
        for table in tables:
            conn.execute(
                f"UPDATE {table} SET municipality_code = %s"  # noqa: S608
                " WHERE municipality_code = %s",
                (old, new),
            )


def _counts(url: str) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    with psycopg.connect(helpers.libpq(url)) as conn:
        for table in TABLES_WITH_MUNICIPALITY:
            if conn.execute("SELECT to_regclass(%s)", (table,)).fetchone() == (None,):
                continue  # a table of a later revision than the database's
            rows = conn.execute(
                f"SELECT municipality_code, count(*) FROM {table}"  # noqa: S608
                " WHERE municipality_code IN ('0482', '1462', '1463', '1461')"
                " GROUP BY municipality_code"
            ).fetchall()
            counts.update({(table, code): n for code, n in rows})
    return counts


async def test_a_demo_loaded_under_the_old_codes_is_corrected_by_the_next_migration(
    old_demo_url: str,
) -> None:
    upgrade(old_demo_url, BEFORE_CORRECTION)
    engine = create_async_engine(old_demo_url)
    try:
        async with Database(engine).unit_of_work() as session:
            await load_demo(session)
    finally:
        await engine.dispose()
    corrected = _counts(old_demo_url)
    # The demo as the loader wrote it before the correction: Flen's and Mark's codes.
    _move(old_demo_url, OLD_DEMO["1462"], "1462", "0482")
    _move(old_demo_url, OLD_DEMO["1461"], "1461", "1463")
    with psycopg.connect(helpers.libpq(old_demo_url)) as conn:
        # Flen's own figures (not the demo's) must stay Flen's.
        conn.execute(
            "INSERT INTO fund (id, municipality_code, code, title, year, kind, amount_ore,"
            " display_unit, source, version) VALUES (gen_random_uuid(), '0482', 'flen_egen',"
            " 'Flens egen pott', 2021, 'state_grant', 100, 'kr', 'Flens kommun', 1)"
        )
    upgrade(old_demo_url)
    after = _counts(old_demo_url)
    assert after.pop(("fund", "0482")) == 1
    assert ("data_version", "1461") in after
    after.pop(("data_version", "1461"))
    corrected.pop(("data_version", "1461"), None)
    # Mark's change counter stays (a counter, no figure): Mark's readers just refresh once.
    after.pop(("data_version", "1463"), None)
    assert after == corrected
    assert not {code for _table, code in after} & {"0482", "1463"}
