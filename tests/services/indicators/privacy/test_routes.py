"""Disclosure control over HTTP: what the figures are uploaded as, and what every path shows."""

from __future__ import annotations

from typing import Any

from tests.conftest import MakeClient, MakeKey
from tests.services.indicators.helpers import ingest, survey_rows

# The seen case: women 35/41 and men 17/20 give 52/61; minus the shown units 27/30 and 20/25
# it would leave Väster's 5/6. survey_rows takes (respondents, satisfied) for K and M.
SEEN = (
    survey_rows("HT-NORR", "2030", k=(16, 14), m=(14, 13))
    + survey_rows("HT-SODER", "2030", k=(20, 17), m=(5, 3))
    + survey_rows("HT-VASTER", "2030", k=(5, 4), m=(1, 1))
)
CELL_FIGURES = ("value", "numerator", "denominator", "n")


async def _every_cell(indicators: Any) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """Each (level, code, gender) cell as every route shows it."""
    found: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for level in ("unit", "municipality"):
        response = await indicators.get(
            "/v1/indicators/andel_nojda/values",
            params={"period": "2030", "level": level, "gender": "all"},
        )
        assert response.status_code == 200, response.text
        for v in response.json()["values"]:
            found.setdefault((level, v["unit_code"], v["gender"]), []).append(v)
    response = await indicators.get(
        "/v1/analytics",
        params={
            "indicators": "andel_nojda",
            "period": "2030",
            "level": "unit,area,municipality",
            "gender": "T,K,M",
            "include": "numerator,denominator",
        },
    )
    assert response.status_code == 200, response.text
    for c in response.json()["items"]:
        found.setdefault((c["level"], c["unit_code"], c["gender"]), []).append(c)
    return found


async def test_the_hidden_unit_cannot_be_worked_out_from_any_path(
    client: MakeClient, make_key: MakeKey
) -> None:
    key = await make_key()
    await ingest(client("ingest", key), SEEN)
    indicators = client("indicators", key)
    cells = await _every_cell(indicators)
    total = cells[("municipality", "", "T")][0]
    assert (total["numerator"], total["denominator"]) == ("52", "61")  # totals stay shown
    for gender in "TKM":
        for shown in cells[("unit", "HT-VASTER", gender)]:
            assert shown["suppression"] == "primary"
            assert all(shown[f] is None for f in CELL_FIGURES if f in shown)
    # Every path hides the same cells, for the same reason.
    for place, views in cells.items():
        assert len({v["suppression"] for v in views}) == 1, place
    secondary = {place for place, views in cells.items() if views[0]["suppression"] == "secondary"}
    assert secondary, "Väster cannot be the only hidden unit: 52/61 − 27/30 − 20/25 = 5/6"
    # The subtraction that worked before: it no longer yields Väster's 6 respondents.
    units = [v[0] for (level, _, g), v in cells.items() if level == "unit" and g == "T"]
    shown_units = [u for u in units if u["denominator"] is not None]
    assert sum(int(u["denominator"]) for u in shown_units) != 61 - 6

    audit = await indicators.get("/v1/privacy/audit", params={"period": "2030"})
    assert audit.status_code == 200, audit.text
    body = audit.json()
    assert body["violations"] == 0
    table = next(t for t in body["tables"] if t["indicator_code"] == "andel_nojda")
    vaster = next(
        c for c in table["suppressed"] if (c["unit_code"], c["gender"]) == ("HT-VASTER", "T")
    )
    respondents = next(i for i in vaster["intervals"] if i["quantity"] == "denominator")
    low = float(respondents["low"])
    high = float(respondents["high"]) if respondents["high"] is not None else float("inf")
    assert low <= 6 <= high
    assert high - low >= float(respondents["required_width"]) == 7
    assert not respondents["violated"]


async def test_the_audit_is_for_admins_of_the_municipality(
    client: MakeClient, make_key: MakeKey
) -> None:
    reader = await make_key("indicators:read")
    response = await client("indicators", reader).get(
        "/v1/privacy/audit", params={"period": "2030"}
    )
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    admin = await make_key("admin")
    bad = await client("indicators", admin).get("/v1/privacy/audit", params={"period": "2030X"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "period"


async def test_the_demo_municipality_passes_its_own_audit(
    client: MakeClient, make_key: MakeKey
) -> None:
    admin = await make_key("admin")
    response = await client("indicators", admin).get("/v1/privacy/audit", params={"period": "2024"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["municipality_code"] == "9990"
    assert body["tables_checked"] > 0
    assert body["violations"] == 0
    hidden = [c for t in body["tables"] for c in t["suppressed"]]
    assert {c["suppression"] for c in hidden} == {"primary", "secondary"}
    for cell in hidden:
        for interval in cell["intervals"]:
            assert not interval["violated"]
