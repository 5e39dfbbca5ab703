"""Operating budget (seed 001 §6): the printed tables, their rounding differences and their
real mistakes; phases and forecasts; comparisons; the Driftredovisning export."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook

from shared.demo.budget import DRIFT, DRIFT_TOTALS
from tests.conftest import MakeClient, MakeKey
from tests.documents.english import pdf_text
from tests.services.budget.test_frames import frame

BOARD = "Socialnämnden"


def printed_table(year: int, **overrides: Any) -> dict[str, Any]:
    """Seed 001's Driftredovisning column for `year`, exactly as printed."""
    revenue, costs, net = DRIFT_TOTALS[year]
    return {
        "board": BOARD,
        "year": year,
        "phase": "approved",
        "unit": "tkr",
        "activities": [
            {"code": code, "title": title, "revenue": str(r), "costs": str(c), "net": str(n)}
            for code, title, r, c, n in DRIFT[year]
        ],
        "totals": {"revenue": str(revenue), "costs": str(costs), "net": str(net)},
        **overrides,
    }


def ekonomi_column(revenue: int, costs: int, net: int, year: int, phase: str) -> dict[str, Any]:
    return {
        "board": BOARD,
        "year": year,
        "phase": phase,
        "unit": "tkr",
        "totals": {"revenue": str(revenue), "costs": str(costs), "net": str(net)},
    }


def key_of(finding: dict[str, Any]) -> tuple[Any, ...]:
    return (
        finding["code"],
        finding["activity"],
        finding["field"],
        finding["printed"],
        finding["computed"],
    )


async def test_printed_2021_table_is_stored_consistently_with_its_rounding_warnings(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    created = await budget.post("/v1/operating-budgets", json=printed_table(2021))
    assert created.status_code == 201, created.text
    body = created.json()
    warnings = {(w["activity"], w["field"]): w for w in body["warnings"]}
    assert set(warnings) == {("Funktionshinder", "net"), ("Summa", "costs"), ("Summa", "net")}
    assert warnings[("Funktionshinder", "net")]["difference"] == "1"
    assert warnings[("Summa", "costs")]["printed"] == "-359261"
    assert warnings[("Summa", "costs")]["computed"] == "-359263"
    assert all(w["severity"] == "warning" for w in body["warnings"])
    # What is stored is consistent: net = revenue + costs, totals = sum of activities.
    fh = next(a for a in body["activities"] if a["code"] == "funktionshinder")
    assert fh["net"] == "-70939"
    assert (body["revenue"], body["costs"], body["net"]) == ("57004", "-359263", "-302259")
    assert "kostnader negativa" in body["sign_convention"]


async def test_demo_data_carries_the_warnings_the_import_reports(
    client: MakeClient, make_key: MakeKey
) -> None:
    lilla_edet = client(
        "budget", await make_key("budget:read", "budget:write", municipality="1462")
    )
    stored = (
        await lilla_edet.get(
            "/v1/operating-budgets", params={"board": BOARD, "year": 2021, "phase": "approved"}
        )
    ).json()["items"]
    # Imported elsewhere under the same decided frame, the table reports what the demo stores.
    elsewhere = client("budget", await make_key("budget:write"))
    assert (await elsewhere.post("/v1/frames", json=frame())).status_code == 201
    reported = (await elsewhere.post("/v1/operating-budgets", json=printed_table(2021))).json()[
        "warnings"
    ]
    assert len(stored) == 1
    assert sorted(map(key_of, stored[0]["warnings"])) == sorted(map(key_of, reported))
    assert [w["message"] for w in stored[0]["warnings"]] == [w["message"] for w in reported]


async def test_ekonomi_table_net_without_its_sign_is_an_error_naming_the_cell(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    refused = await budget.post(
        "/v1/operating-budgets", json=ekonomi_column(57_004, -359_261, 302_257, 2021, "approved")
    )
    assert refused.status_code == 422
    problem = refused.json()
    [error] = problem["errors"]
    assert error["code"] == "sign_missing"
    assert error["loc"] == ["body", "totals", "net"]
    assert error["value"] == "302257"
    assert error["computed"] == "-302257"
    assert "utan sitt tecken" in error["message"]
    listed = await budget.get("/v1/operating-budgets", params={"board": BOARD})
    assert listed.json()["items"] == []


async def test_ekonomi_table_outcome_2019_and_budget_2020_are_consistent(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    for column in (
        ekonomi_column(65_708, -396_299, -330_591, 2019, "outcome"),
        ekonomi_column(51_317, -368_665, -317_348, 2020, "approved"),
    ):
        created = await budget.post("/v1/operating-budgets", json=column)
        assert created.status_code == 201, created.text
        assert created.json()["warnings"] == []
        assert created.json()["net"] == column["totals"]["net"]


async def test_a_difference_beyond_the_tolerance_is_an_error_naming_activity_and_field(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    table = printed_table(2020)
    table["activities"][1]["net"] = "-149252"  # 10 tkr off
    refused = await budget.post("/v1/operating-budgets", json=table)
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert (error["code"], error["activity"], error["field"]) == (
        "inconsistent",
        "Vård och Omsorg",
        "net",
    )
    assert error["loc"] == ["body", "activities", 1, "net"]
    assert error["difference"] == "-10"


async def test_costs_written_positive_are_refused(client: MakeClient, make_key: MakeKey) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    table = printed_table(2020)
    table["activities"][0]["costs"] = "14053"
    del table["activities"][0]["net"]
    refused = await budget.post("/v1/operating-budgets", json=table)
    assert refused.status_code == 422
    codes = {(e["code"], e["activity"]) for e in refused.json()["errors"]}
    assert ("costs_positive", "Övergripande") in codes


async def test_hierarchy_parent_must_match_its_children(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    activities: list[dict[str, str]] = [
        {"code": "voo", "title": "Vård och omsorg", "revenue": "100", "costs": "-1000"},
        {
            "code": "hemtj",
            "title": "Hemtjänst",
            "parent_code": "voo",
            "revenue": "40",
            "costs": "-600",
        },
        {
            "code": "sabo",
            "title": "Särskilt boende",
            "parent_code": "voo",
            "revenue": "60",
            "costs": "-300",
        },
    ]
    table = {"board": BOARD, "year": 2021, "phase": "approved", "activities": activities}
    refused = await budget.post("/v1/operating-budgets", json=table)
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert (error["activity"], error["field"], error["computed"]) == (
        "Vård och omsorg",
        "costs",
        "-900",
    )
    activities[2]["costs"] = "-400"
    created = await budget.post("/v1/operating-budgets", json=table)
    assert created.status_code == 201, created.text
    # The totals count the top level only, not the children twice.
    assert created.json()["costs"] == "-1000"


async def test_forecasts_per_tertial_are_all_kept_and_compared_with_the_budget(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    assert (await budget.post("/v1/operating-budgets", json=printed_table(2021))).status_code == 201
    for tertial, voo_costs in ((1, "-166160"), (2, "-167160")):
        table = printed_table(2021, phase="forecast", tertial=tertial)
        del table["totals"]
        table["activities"][1]["costs"] = voo_costs
        table["activities"][1]["net"] = None
        created = await budget.post("/v1/operating-budgets", json=table)
        assert created.status_code == 201, created.text

    listed = (await budget.get("/v1/operating-budgets", params={"phase": "forecast"})).json()[
        "items"
    ]
    assert sorted(b["tertial"] for b in listed) == [1, 2]

    compared = await budget.get(
        "/v1/operating-budgets/comparison",
        params={
            "board": BOARD,
            "year": 2021,
            "base": "approved",
            "against": "forecast",
            "against_tertial": 2,
        },
    )
    assert compared.status_code == 200, compared.text
    body = compared.json()
    voo = next(r for r in body["rows"] if r["code"] == "vard_och_omsorg")
    # 2 000 tkr more costs in the forecast: the net cost grows by 2 000 (one convention).
    assert voo["costs"] == {"base": "-165160", "against": "-167160", "difference": "2000"}
    assert voo["net"]["difference"] == "2000"
    assert body["totals"]["net"]["difference"] == "2000"
    assert "−(against − base)" in body["sign_convention"]

    latest = await budget.get(
        "/v1/operating-budgets/comparison",
        params={"board": BOARD, "year": 2021, "against": "forecast"},
    )
    assert latest.json()["against"]["tertial"] == 2
    t1 = await budget.get(
        "/v1/operating-budgets/comparison",
        params={"board": BOARD, "year": 2021, "against": "forecast", "against_tertial": 1},
    )
    assert t1.json()["totals"]["costs"]["difference"] == "1000"

    missing = await budget.get(
        "/v1/operating-budgets/comparison",
        params={"board": BOARD, "year": 2021, "against": "forecast", "against_tertial": 3},
    )
    assert missing.status_code == 404


async def test_comparison_against_last_year(client: MakeClient, make_key: MakeKey) -> None:
    budget = client("budget", await make_key("budget:read", municipality="1462"))
    compared = await budget.get(
        "/v1/operating-budgets/comparison",
        params={"board": BOARD, "year": 2021, "against": "approved", "against_year": 2020},
    )
    assert compared.status_code == 200, compared.text
    ifo = next(r for r in compared.json()["rows"] if r["code"] == "ifo")
    # From 2021 to 2020 the net cost is 9 888 tkr higher: +9 888 (the change in net cost).
    assert ifo["net"]["difference"] == "9888"


async def test_update_needs_if_match(client: MakeClient, make_key: MakeKey) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    created = await budget.post("/v1/operating-budgets", json=printed_table(2020))
    url, tag = f"/v1/operating-budgets/{created.json()['id']}", created.headers["ETag"]
    table = printed_table(2020)
    update = {"unit": "tkr", "activities": table["activities"][:3]}
    assert (await budget.put(url, json=update)).status_code == 428
    ok = await budget.put(url, json=update, headers={"If-Match": tag})
    assert ok.status_code == 200, ok.text
    assert len(ok.json()["activities"]) == 3
    assert (await budget.put(url, json=update, headers={"If-Match": tag})).status_code == 412
    duplicate = await budget.post("/v1/operating-budgets", json=printed_table(2020))
    assert duplicate.status_code == 409


async def test_driftredovisning_reproduces_the_seed_table_from_stored_data(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", municipality="1462"))
    params: dict[str, str | int] = {"board": BOARD, "year": 2021}
    report = (await budget.get("/v1/operating-budgets/driftredovisning", params=params)).json()
    rows = {r["title"]: r for r in report["rows"]}
    assert list(rows) == [
        "Övergripande",
        "Vård och Omsorg",
        "Funktionshinder",
        "Individ- och familjeomsorg",
    ]
    assert rows["Övergripande"]["difference"] == "-3097"
    assert rows["Vård och Omsorg"]["difference"] == "-9624"
    assert rows["Funktionshinder"]["difference"] == "7520"  # printed 7 519: net rounded
    assert rows["Individ- och familjeomsorg"]["difference"] == "-9888"
    assert rows["Funktionshinder"]["previous_net"] == "-63419"
    total = report["total"]
    assert (total["revenue"], total["previous_costs"], total["previous_net"]) == (
        "57004",
        "-368665",
        "-317348",
    )
    assert total["difference"] == "-15089"  # printed −15 091: the stored net is 2 tkr more
    assert "förändringen av nettokostnaden" in report["sign_convention"]

    as_csv = await budget.get(
        "/v1/operating-budgets/driftredovisning", params=params | {"format": "csv"}
    )
    assert as_csv.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig")), delimiter=";"))
    assert table[0][1] == "Intäkter 2021"
    assert table[1] == [
        "Övergripande",
        "3246",
        "-12135",
        "-8889",
        "2067",
        "-14053",
        "-11986",
        "-3097",
    ]
    assert table[-1][0] == "Summa"

    as_xlsx = await budget.get(
        "/v1/operating-budgets/driftredovisning", params=params | {"format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    # The heading block names the municipality, the board and the year.
    assert values[0][0] == "Driftredovisning 2021"
    heading = {row[0]: row[1] for row in values[1:6]}
    assert heading["Kommun"] == "Lilla Edet"
    assert heading["Nämnd"] == BOARD
    assert heading["År"] == "2021"
    header = next(i for i, row in enumerate(values) if row[1] == "Intäkter 2021")
    by_title = {row[0]: row for row in values[header + 1 :]}
    assert by_title["Vård och Omsorg"][3] == -139618
    # Summa is a formula over the activity rows, so a controller's edit adds up.
    first, last = header + 2, header + 1 + len(rows)
    assert by_title["Summa"][1] == f"=SUM(B{first}:B{last})"
    assert by_title["Summa"][7] == f"=SUM(H{first}:H{last})"
    assert sheet.freeze_panes == f"B{header + 2}"
    assert sheet.cell(row=header + 2, column=2).number_format == '#,##0" tkr"'

    as_pdf = await budget.get(
        "/v1/operating-budgets/driftredovisning", params=params | {"format": "pdf"}
    )
    assert as_pdf.headers["content-type"] == "application/pdf"
    (page,) = pdf_text(as_pdf.content)
    assert "Driftredovisning 2021" in page
    assert f"Lilla Edet, {BOARD}" in page
    assert "Sida 1 av 1" in page
    assert "-302" in page.replace("\u00a0", " ").replace(" ", "")


async def test_outcome_import_maps_accounts_to_activities_and_refuses_unmapped_rows(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    mapped = await budget.put(
        "/v1/account-mappings",
        json={
            "board": BOARD,
            "mappings": [
                {"account": "3", "activity_code": "voo", "activity_title": "Vård och omsorg"},
                {"account": "4", "activity_code": "voo", "activity_title": "Vård och omsorg"},
                {"account": "45", "activity_code": "ifo", "activity_title": "IFO"},
                {"account": "5", "activity_code": "voo", "activity_title": "Vård och omsorg"},
            ],
        },
    )
    assert mapped.status_code == 200, mapped.text
    csv_body = "konto;belopp\n3011;-1 000,00\n4010;2 500\n4510;700\n5010;300,50\n"
    created = await budget.post(
        "/v1/operating-budgets/outcome-import",
        params={"board": BOARD, "year": 2024, "unit": "kr"},
        content=csv_body.encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert created.status_code == 201, created.text
    acts = {a["code"]: a for a in created.json()["activities"]}
    assert (acts["voo"]["revenue"], acts["voo"]["costs"]) == ("1000", "-2800.5")
    assert (acts["ifo"]["revenue"], acts["ifo"]["costs"]) == ("0", "-700")
    assert created.json()["phase"] == "outcome"

    bad = await budget.post(
        "/v1/operating-budgets/outcome-import",
        params={"board": BOARD, "year": 2023},
        content=b"konto;belopp\n4010;12\n9999;5\n4020;abc\n",
        headers={"Content-Type": "text/csv"},
    )
    assert bad.status_code == 422
    errors = {(e["row"], e["code"]) for e in bad.json()["errors"]}
    assert errors == {(3, "unknown_account_class"), (4, "bad_amount")}

    again = await budget.post(
        "/v1/operating-budgets/outcome-import",
        params={"board": BOARD, "year": 2024, "unit": "kr"},
        content=csv_body.encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert again.status_code == 428

    remapped = await budget.put(
        "/v1/account-mappings",
        json={
            "board": BOARD,
            "mappings": [{"account": "45", "activity_code": "voo", "activity_title": "Vård"}],
        },
    )
    assert {m["account"]: m["activity_code"] for m in remapped.json()}["45"] == "voo"
    trail = (await budget.get("/v1/audit", params={"entity": "account_mapping"})).json()["items"]
    changed = [e for e in trail if e["after"]["account"] == "45"]
    assert [e["action"] for e in changed] == ["update", "create"]
    assert changed[0]["before"]["activity_code"] == "ifo"


async def test_another_municipalitys_budget_is_not_found(
    client: MakeClient, make_key: MakeKey
) -> None:
    lilla_edet = client("budget", await make_key("budget:read", municipality="1462"))
    [stored] = (
        await lilla_edet.get("/v1/operating-budgets", params={"year": 2020, "phase": "approved"})
    ).json()["items"]
    other = client("budget", await make_key("budget:read", "budget:write"))
    assert (await other.get(f"/v1/operating-budgets/{stored['id']}")).status_code == 404
    hidden = await other.get(
        "/v1/operating-budgets", params={"municipality_code": "1462", "year": 2020}
    )
    assert hidden.status_code == 404
    assert (
        await other.put(
            f"/v1/operating-budgets/{stored['id']}",
            json={"activities": []},
            headers={"If-Match": "*"},
        )
    ).status_code == 404


async def test_exports_do_not_turn_activity_titles_into_formulas(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    for year in (2030, 2031):
        table = {
            "board": "Testnämnden",
            "year": year,
            "phase": "approved",
            "activities": [
                {"code": "x", "title": '=HYPERLINK("http://x")', "revenue": "1", "costs": "-2"}
            ],
        }
        assert (await budget.post("/v1/operating-budgets", json=table)).status_code == 201
    params: dict[str, str | int] = {"board": "Testnämnden", "year": 2031, "format": "xlsx"}
    as_xlsx = await budget.get("/v1/operating-budgets/driftredovisning", params=params)
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    (cell,) = [c for row in sheet.iter_rows() for c in row if "HYPERLINK" in str(c.value)]
    assert cell.data_type == "s"
    assert str(cell.value).startswith("'=")
    assert sheet.cell(row=cell.row, column=4).value == -1


async def test_saving_the_budget_states_its_2_tkr_difference_from_the_frame_as_a_warning(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    assert (await budget.post("/v1/frames", json=frame())).status_code == 201
    created = await budget.post("/v1/operating-budgets", json=printed_table(2021))
    assert created.status_code == 201, created.text
    body = created.json()
    # Seed 001: Driftredovisning net −302 259 against the frame 302 257: 2 tkr over.
    assert body["frame"] | {"frame_id": None} == {
        "frame_id": None,
        "frame_amount": "302257",
        "net_cost": "302259",
        "difference": "2",
    }
    [warning] = [w for w in body["warnings"] if w["code"] == "frame_difference"]
    assert (warning["severity"], warning["difference"]) == ("warning", "2")
    assert warning["message"] == (
        "nettokostnaden 302\u00a0259 tkr skiljer sig från ramen för Socialnämnden 2021 "
        "(302\u00a0257 tkr) med 2 tkr (positiv = över ramen); skillnaden ryms inom "
        "avrundningstoleransen 2 tkr"
    )
    again = await budget.get(f"/v1/operating-budgets/{body['id']}")
    assert again.json()["frame"] == body["frame"]
    # The stored warning is shown in the reader's language.
    english = await budget.get(
        f"/v1/operating-budgets/{body['id']}", headers={"Accept-Language": "en"}
    )
    assert english.headers["content-language"] == "en"
    assert english.headers["etag"].endswith(';en"')
    [warning] = [w for w in english.json()["warnings"] if w["code"] == "frame_difference"]
    assert "within the rounding tolerance of 2 tkr" in warning["message"]
    assert "positive = over the frame" in warning["message"]


async def test_a_budget_further_from_its_frame_than_rounding_is_refused_and_stores_nothing(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    changes = [
        *frame()["changes"][:4],
        {"amount": "-2710", "category": "efficiency_demand", "reason": "Effektiviseringskrav"},
    ]
    decided = await budget.post("/v1/frames", json=frame(amount="302197", changes=changes))
    assert decided.status_code == 201, decided.text
    refused = await budget.post("/v1/operating-budgets", json=printed_table(2021))
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    [error] = [e for e in refused.json()["errors"] if e["code"] == "frame_difference"]
    assert (error["loc"], error["difference"]) == (["body", "totals", "net"], "62")
    assert "överstiger avrundningstoleransen" in error["message"]
    listed = await budget.get("/v1/operating-budgets", params={"board": BOARD})
    assert listed.json()["items"] == []
    # A forecast may differ from the frame (that is what it reports): stored, difference stated.
    forecast = printed_table(2021, phase="forecast", tertial=1)
    stored = await budget.post("/v1/operating-budgets", json=forecast)
    assert stored.status_code == 201, stored.text
    assert stored.json()["frame"]["difference"] == "62"
    assert not [w for w in stored.json()["warnings"] if w["code"] == "frame_difference"]


async def test_lists_of_budgets_are_pages_that_honour_limit_and_offset(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", municipality="1462"))
    first = (await budget.get("/v1/operating-budgets", params={"limit": 2})).json()
    assert (first["total"], first["limit"], first["offset"], len(first["items"])) == (3, 2, 0, 2)
    rest = (await budget.get("/v1/operating-budgets", params={"limit": 2, "offset": 2})).json()
    years = [b["year"] for b in first["items"] + rest["items"]]
    assert years == [2021, 2020, 2019]
