"""Investments (seed 001 §7): the printed totals leave out a line for 2022 and 2023."""

from __future__ import annotations

from typing import Any

from tests.conftest import MakeClient, MakeKey

BOARD = "Socialnämnden"


def seed_table(**overrides: Any) -> dict[str, Any]:
    return {
        "board": BOARD,
        "unit": "tkr",
        "projects": [
            {
                "code": "inventarier_voo_fh",
                "title": "Inventarier VoO/FH",
                "category": "inventarier",
                "amounts": {"2021": "470", "2022": "45", "2023": "27"},
            },
            {
                "code": "inventarier_ame",
                "title": "Inventarier AME",
                "category": "inventarier",
                "amounts": {"2021": "70", "2022": "60", "2023": "60"},
            },
        ],
        "totals": {"2021": "540", "2022": "45", "2023": "27"},
        **overrides,
    }


async def test_importing_the_printed_table_reports_the_totals_that_leave_out_a_line(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    refused = await budget.post("/v1/investments/plans", json=seed_table())
    assert refused.status_code == 422
    errors = {e["field"]: e for e in refused.json()["errors"]}
    assert set(errors) == {"2022", "2023"}
    assert (errors["2022"]["value"], errors["2022"]["computed"]) == ("45", "105")
    assert (errors["2023"]["value"], errors["2023"]["computed"]) == ("27", "87")
    assert errors["2022"]["code"] == "total_leaves_out_line"
    assert "'Inventarier AME'" in errors["2022"]["message"]
    assert (await budget.get("/v1/investments")).json()["items"] == []


async def test_lines_without_printed_totals_are_stored_and_summed_per_year_and_category(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    table = seed_table(totals={"2021": "541"})
    created = await budget.post("/v1/investments/plans", json=table)
    assert created.status_code == 201, created.text
    assert created.json()["totals"] == {"2021": "540", "2022": "105", "2023": "87"}
    [warning] = created.json()["warnings"]
    assert (warning["code"], warning["difference"]) == ("rounding_difference", "1")
    [kept] = (await budget.get("/v1/audit", params={"entity": "investment_plan"})).json()["items"]
    assert kept["after"]["warnings"] == [warning]

    totals = (await budget.get("/v1/investments/totals", params={"board": BOARD})).json()
    assert totals["per_year"] == {"2021": "540", "2022": "105", "2023": "87"}
    assert totals["per_category"] == {"inventarier": {"2021": "540", "2022": "105", "2023": "87"}}

    again = await budget.post("/v1/investments/plans", json=seed_table(totals=None))
    assert again.status_code == 409


async def test_demo_investments_and_editing_with_if_match(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write", municipality="1462"))
    totals = (await budget.get("/v1/investments/totals", params={"board": BOARD})).json()
    assert totals["per_year"] == {"2021": "540", "2022": "105", "2023": "87"}
    projects = (await budget.get("/v1/investments", params={"board": BOARD})).json()["items"]
    ame = next(p for p in projects if p["code"] == "inventarier_ame")
    read = await budget.get(f"/v1/investments/{ame['id']}")
    update = {
        "title": ame["title"],
        "category": "inventarier",
        "unit": "tkr",
        "amounts": {"2021": "70", "2022": "60", "2023": "80"},
    }
    assert (await budget.put(f"/v1/investments/{ame['id']}", json=update)).status_code == 428
    ok = await budget.put(
        f"/v1/investments/{ame['id']}", json=update, headers={"If-Match": read.headers["ETag"]}
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["total"] == "210"
    stale = await budget.put(
        f"/v1/investments/{ame['id']}", json=update, headers={"If-Match": read.headers["ETag"]}
    )
    assert stale.status_code == 412
