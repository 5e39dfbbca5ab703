"""The tertial follow-up as a board reads it: Lilla Edet's appendix (seed 001) row by row,
yearly measures in a tertial report, reasons for missing values, the synthetic label."""

from __future__ import annotations

from typing import Any

from tests.conftest import MakeClient, MakeKey

# Seed 001, "Bilaga uppföljning av grunduppdraget", as printed: section, class, row.
APPENDIX: list[tuple[str, str, str]] = [
    ("Stöd till barn, unga och familj", "struktur", "Antal ansökningar"),
    ("Stöd till barn, unga och familj", "struktur", "Antal anmälningar"),
    ("Stöd till barn, unga och familj", "process", "Antal utredningar"),
    ("Stöd till barn, unga och familj", "process", "Antal insatser"),
    ("Stöd till barn, unga och familj", "process", "Placeringar"),
    (
        "Stöd till barn, unga och familj",
        "effekt",
        "Sammantagen nöjdhet, med stödet som erbjudits: vårdnadshavare",
    ),
    (
        "Stöd till barn, unga och familj",
        "effekt",
        "Sammantagen nöjdhet, med stödet som erbjudits: barn",
    ),
    (
        "Stöd till barn, unga och familj",
        "effekt",
        "Avvikelser: SoL, LSS (missförhållanden, lex Sarah) och vårdskada",
    ),
    ("Stöd till vuxna", "struktur", "Antal ansökningar"),
    ("Stöd till vuxna", "struktur", "Antal anmälningar"),
    ("Stöd till vuxna", "process", "Placeringar"),
    (
        "Stöd till vuxna",
        "effekt",
        "Sammantagen nöjdhet, inom missbruk, VIN, socialpsykiatri och ekonomiskt bistånd",
    ),
    (
        "Stöd till vuxna",
        "effekt",
        "Upplevelse av positivt förändrad situation efter kontakt med socialtjänst, inom "
        "missbruk, VIN, socialpsykiatri och ekonomiskt bistånd",
    ),
    (
        "Stöd till vuxna",
        "effekt",
        "Avvikelser: SoL, LSS (missförhållanden, lex Sarah) och vårdskada",
    ),
    ("Stöd till personer med funktionshinder", "struktur", "Antal i bostad med särskild service"),
    ("Stöd till personer med funktionshinder", "struktur", "Antal med daglig verksamhet"),
    ("Stöd till personer med funktionshinder", "struktur", "Externa platser"),
    (
        "Stöd till personer med funktionshinder",
        "process",
        "Avvikelse mot standardkostnad (jmf med riket)",
    ),
    ("Stöd till personer med funktionshinder", "effekt", "Sammantagen nöjdhet i öppna jämförelser"),
    (
        "Stöd till personer med funktionshinder",
        "effekt",
        "Avvikelser: SoL, LSS (missförhållanden, lex Sarah) och vårdskada",
    ),
    ("Stöd till äldre", "struktur", "Antal brukare med hemtjänstinsatser samt antal timmar"),
    ("Stöd till äldre", "struktur", "Antal brukare inskrivna i hemsjukvård"),
    (
        "Stöd till äldre",
        "struktur",
        "Antal platser på särskilt boende för äldre samt på korttidsboende",
    ),
    ("Stöd till äldre", "process", "Sjukfrånvaro"),
    ("Stöd till äldre", "process", "Väntetid på särskilt boende, antal dagar"),
    ("Stöd till äldre", "process", "Avvikelse mot standardkostnad för äldreomsorg (jmf med riket)"),
    (
        "Stöd till äldre",
        "effekt",
        "Sammantagen nöjdhet öppna jämförelser, särskilt boende för äldre",
    ),
    ("Stöd till äldre", "effekt", "Sammantagen nöjdhet öppna jämförelser, hemtjänst"),
    ("Stöd till äldre", "effekt", "Upplevd trygghet öppna jämförelser, särskilt boende för äldre"),
    ("Stöd till äldre", "effekt", "Upplevd trygghet öppna jämförelser, hemtjänst"),
    (
        "Stöd till äldre",
        "effekt",
        "Avvikelser: SoL, LSS (missförhållanden, lex Sarah) och vårdskada",
    ),
    ("Hälso- och sjukvård", "struktur", "Antal inskrivna i hemsjukvård"),
    ("Hälso- och sjukvård", "process", "Sjukfrånvaro"),
    (
        "Hälso- och sjukvård",
        "effekt",
        "Avvikelser: hälso- och sjukvårdsavvikelser; antal, kategori, allvarlighetsgrad",
    ),
]


def _rows(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (section["title"], cls, row["title"])
        for section in report["sections"]
        for cls in ("struktur", "process", "effekt")
        for row in section[cls]
    ]


async def test_lilla_edets_report_has_the_appendix_rows_in_its_sections_and_classes(
    client: MakeClient, make_key: MakeKey
) -> None:
    reports = client("indicators", await make_key(municipality="1462"))
    response = await reports.get("/v1/reports/tertial", params={"period": "2021T2"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["municipality_title"] == "Lilla Edet"
    assert report["board"] == "Socialnämnden"
    assert report["synthetic"] is False
    assert _rows(report) == APPENDIX
    assert len(APPENDIX) == 34
    codes = {
        row["code"]
        for s in report["sections"]
        for c in ("struktur", "process", "effekt")
        for row in s[c]
    }
    assert len(codes) == 27
    # Every row has a definition, and no row is silently empty.
    for section in report["sections"]:
        for cls in ("struktur", "process", "effekt"):
            for row in section[cls]:
                assert row["value"] is not None or row["no_data"] is not None, row["code"]
                assert row["value"] is not None or row["reason"], row["code"]


async def test_the_appendix_rows_each_have_a_definition(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key(municipality="1462")
    report = (
        await client("indicators", key).get("/v1/reports/tertial", params={"period": "2021T2"})
    ).json()
    codes = {
        row["code"]
        for s in report["sections"]
        for c in ("struktur", "process", "effekt")
        for row in s[c]
    }
    for code in sorted(codes):
        found = await client("indicators", key).get(f"/v1/indicators/{code}")
        assert found.status_code == 200, code
        body = found.json()
        assert body["description"], code


async def test_exempelstads_yearly_survey_shows_its_latest_year_in_a_tertial_report(
    client: MakeClient, make_key: MakeKey
) -> None:
    reports = client("indicators", await make_key())
    report = (await reports.get("/v1/reports/tertial", params={"period": "2024T2"})).json()
    assert report["municipality_title"].startswith("Exempelstad (fiktiv kommun")
    assert report["board"] == "Vård- och omsorgsnämnden"
    assert report["synthetic"] is True
    elderly = next(s for s in report["sections"] if s["area"] == "aldreomsorg")
    nojda = next(i for i in elderly["effekt"] if i["code"] == "andel_nojda")
    assert nojda["yearly"] is True
    assert nojda["value_period"] == "2024"
    values = await reports.get(
        "/v1/indicators/andel_nojda/values",
        params={"period": "2024", "level": "municipality", "gender": "all"},
    )
    by_gender = {v["gender"]: v["value"] for v in values.json()["values"]}
    assert nojda["value"] == by_gender["T"] is not None
    assert (nojda["women"], nojda["men"]) == (by_gender["K"], by_gender["M"])
    # Where women's or men's value is withheld the row says so instead of a bare dash.
    assert nojda["gender_suppressed"] is (by_gender["K"] is None or by_gender["M"] is None)
    assert [p["period"] for p in nojda["series"]][-2:] == ["2023", "2024"]
    assert nojda["status"] is not None
    assert elderly["no_data"] < len(elderly["struktur"]) + len(elderly["process"]) + len(
        elderly["effekt"]
    )


async def test_a_row_without_a_value_says_why(client: MakeClient, make_key: MakeKey) -> None:
    reports = client("indicators", await make_key())
    report = (await reports.get("/v1/reports/tertial", params={"period": "2024T2"})).json()
    rows = [r for s in report["sections"] for c in ("struktur", "process", "effekt") for r in s[c]]
    empty = [r for r in rows if r["value"] is None]
    assert empty
    for row in empty:
        assert row["no_data"] in {"not_reported", "not_applicable", "suppressed"}
        assert row["reason"] == row["reason_sv"]
    assert {r["no_data"] for r in rows if r["value"] is not None} == {None}
