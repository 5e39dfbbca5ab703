"""Seed 001 (Lilla Edets kommun, 1462, Socialnämnden, Mål och resursplan 2021, tkr): the frame
ledger, the Driftredovisning against last year and against the frame, the investment plan,
the earmarked state grants and the prioritised goals, all read back over HTTP under 1462.

The appendix (Bilaga uppföljning av grunduppdraget) belongs to the tertial report and is
tested with it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from tests.conftest import MakeClient, MakeKey

LILLA_EDET, BOARD = "1462", "Socialnämnden"


def _budget(client: MakeClient, key: str) -> httpx.AsyncClient:
    return client("budget", key)


async def _get(api: httpx.AsyncClient, path: str, **params: Any) -> Any:
    response = await api.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_frame_2020_317348_less_15091_is_302257_with_its_five_reasons(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = _budget(client, await make_key(municipality=LILLA_EDET))
    [frame] = (await _get(budget, "/v1/frames", year=2021, board=BOARD))["items"]
    assert (frame["previous_amount"], frame["amount"], frame["change_total"]) == (
        "317348",
        "302257",
        "-15091",
    )
    assert [c["amount"] for c in frame["changes"]] == ["7008", "-5420", "-6875", "-7154", "-2650"]


async def test_driftredovisning_2021_against_2020_per_activity(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = _budget(client, await make_key(municipality=LILLA_EDET))
    report = await _get(budget, "/v1/operating-budgets/driftredovisning", board=BOARD, year=2021)
    rows = {r["title"]: r for r in report["rows"]}
    assert (rows["Vård och Omsorg"]["revenue"], rows["Vård och Omsorg"]["costs"]) == (
        "25542",
        "-165160",
    )
    assert rows["Vård och Omsorg"]["net"] == "-139618"
    assert rows["Individ- och familjeomsorg"]["difference"] == "-9888"
    assert rows["Övergripande"]["difference"] == "-3097"
    total = report["total"]
    assert (total["revenue"], total["previous_net"]) == ("57004", "-317348")


async def test_net_302259_and_skillnad_15089_not_the_printed_302257_and_15091_rounding(
    client: MakeClient, make_key: MakeKey
) -> None:
    """The printed Summa row (costs −359 261, net −302 257, Skillnad −15 091) is 2 tkr off the
    sum of its own activities; the stored table is the consistent one, and both the import
    and the frame check say so as warnings within the 2 tkr tolerance."""
    budget = _budget(client, await make_key(municipality=LILLA_EDET))
    report = await _get(budget, "/v1/operating-budgets/driftredovisning", board=BOARD, year=2021)
    assert (report["total"]["net"], report["total"]["difference"]) == ("-302259", "-15089")
    assert "förändringen av nettokostnaden" in report["sign_convention"]
    [stored] = (
        await _get(budget, "/v1/operating-budgets", board=BOARD, year=2021, phase="approved")
    )["items"]
    assert stored["frame"]["frame_amount"] == "302257"
    assert (stored["frame"]["net_cost"], stored["frame"]["difference"]) == ("302259", "2")
    codes = {(w["code"], w["field"]) for w in stored["warnings"]}
    assert codes == {
        ("rounding_difference", "net"),
        ("rounding_difference", "costs"),
        ("frame_difference", "net"),
    }


async def test_investments_2021_540_and_2022_105_not_the_printed_45_which_leaves_out_a_line(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = _budget(client, await make_key(municipality=LILLA_EDET))
    totals = await _get(budget, "/v1/investments/totals", board=BOARD)
    assert totals["per_year"] == {"2021": "540", "2022": "105", "2023": "87"}
    projects = (await _get(budget, "/v1/investments", board=BOARD))["items"]
    assert {p["code"]: p["amounts"]["2021"] for p in projects} == {
        "inventarier_voo_fh": "470",
        "inventarier_ame": "70",
    }


async def test_earmarked_state_grants_2050_and_5204_tkr(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = _budget(client, await make_key(municipality=LILLA_EDET))
    funds = (await _get(budget, "/v1/funds", year=2021, kind="state_grant"))["items"]
    assert {f["code"]: (Decimal(f["amount"]), f["unit"]) for f in funds} == {
        "aldreomsorgslyftet": (Decimal(2050), "tkr"),
        "aldreomsorgssatsningen": (Decimal(5204), "tkr"),
    }


async def test_the_boards_three_prioritised_goals_are_lilla_edets(
    client: MakeClient, make_key: MakeKey
) -> None:
    indicators = client("indicators", await make_key(municipality=LILLA_EDET))
    goals = (await _get(indicators, "/v1/goals", municipality_code=LILLA_EDET, year=2021))["items"]
    assert [g["title"] for g in goals] == [
        "Kompetensförsörjning",
        "Förebyggande arbete barn och unga",
        "Förebyggande arbete äldre",
    ]
