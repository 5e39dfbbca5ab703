"""Every indicators GET route that returns values, read from the OpenAPI document (so a route
added later is swept too), must not publish a figure of a primary-suppressed cell.

The data: Väster alone answered the survey (5 women, 1 man) in 2030T1, so every cell of the
table — unit, area, municipality; T, K, M; the tertial and the year it rolls up to — comes
from fewer than 7 respondents and is primary. No response may carry a number for andel_nojda
in 2030 in any of a cell's figure fields."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI

from tests.conftest import MakeClient, MakeKey
from tests.services.indicators.helpers import ingest, survey_rows

INDICATOR = "andel_nojda"
FIGURES = {"value", "numerator", "denominator", "n", "women", "men", "difference", "change", "gap"}
NOT_CELLS = {"target", "targets", "comparison", "measures_target"}  # targets and other places
# A value for each parameter name the routes use; a list: one request per variant.
PARAMETERS: dict[str, list[str]] = {
    "code": [INDICATOR],
    "period": ["2030T1", "2030"],
    "indicators": [INDICATOR],
    "level": ["unit", "area", "municipality", "unit,area,municipality"],
    "gender": ["T", "K", "M", "all", "T,K,M"],
    "include": ["target,status,trend,gender_gap,numerator,denominator,provenance,comparison"],
    "from": ["2030T1"],
    "to": ["2030T1"],
    "area": ["aldreomsorg"],
}


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _has_values(schema: Any, document: dict[str, Any], seen: set[str]) -> bool:
    """Whether a response schema holds, at any depth, a property named `value`."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if ref is not None:
            if ref in seen:
                return False
            seen.add(ref)
            return _has_values(_resolve(schema, document), document, seen)
        if "value" in schema.get("properties", {}):
            return True
        return any(_has_values(v, document, seen) for v in schema.values())
    if isinstance(schema, list):
        return any(_has_values(v, document, seen) for v in schema)
    return False


def value_routes(app: FastAPI) -> list[tuple[str, list[dict[str, Any]]]]:
    document = app.openapi()
    routes = []
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        ok = get["responses"].get("200", {}).get("content", {})
        if any(_has_values(c.get("schema", {}), document, set()) for c in ok.values()):
            routes.append((path, get.get("parameters", [])))
    return sorted(routes)


def _cells(body: Any, about: bool = False, period: str = "") -> Iterator[dict[str, Any]]:
    """Objects of the response that are (or sit inside something that is) about the
    indicator in 2030 (the nearest period given above them); targets and comparisons with
    other municipalities are not cells."""
    if isinstance(body, list):
        for item in body:
            yield from _cells(item, about, period)
    elif isinstance(body, dict):
        mine = about or INDICATOR in (body.get("indicator_code"), body.get("code"))
        period = str(body.get("period") or period)
        if mine and period.startswith("2030"):
            yield body
        for key, item in body.items():
            if key not in NOT_CELLS:
                yield from _cells(item, mine, period)


async def _ids(indicators: Any, path: str) -> dict[str, str]:
    """Path ids (scorecard_id, goal_id …) from the list route the path sits under."""
    ids: dict[str, str] = {}
    for name in re.findall(r"{(\w+_id)}", path):
        listing = path.split("/{" + name + "}")[0]
        response = await indicators.get(listing)
        items = response.json().get("items", []) if response.status_code == 200 else []
        if items:
            ids[name] = str(items[0]["id"])
    return ids


async def test_no_route_publishes_a_primary_suppressed_figure(
    client: MakeClient, make_key: MakeKey, apps: dict[str, FastAPI]
) -> None:
    key = await make_key()
    await ingest(client("ingest", key), survey_rows("HT-VASTER", "2030T1", k=(5, 4), m=(1, 1)))
    indicators = client("indicators", key)
    routes = value_routes(apps["indicators"])
    assert "/v1/indicators/{code}/values" in {p for p, _ in routes}
    assert "/v1/analytics" in {p for p, _ in routes}
    covered: dict[str, int] = {}
    for path, parameters in routes:
        ids = await _ids(indicators, path)
        names = {p["name"] for p in parameters}
        if any(p["in"] == "path" and p["name"] not in {*ids, *PARAMETERS} for p in parameters):
            continue  # an id the sweep has no object for
        filled = {**{k: v[0] for k, v in PARAMETERS.items()}, **ids}
        url = path.format(**{name: filled[name] for name in re.findall(r"{(\w+)}", path)})
        base = {
            p["name"]: PARAMETERS[p["name"]][0]
            for p in parameters
            if p["in"] == "query" and p.get("required") and p["name"] in PARAMETERS
        }
        variants = [base] + [
            {**base, name: value}
            for name, values in PARAMETERS.items()
            if name in names and name not in ("code",)
            for value in values
        ]
        for params in variants:
            response = await indicators.get(url, params=params)
            if response.status_code != 200:
                assert response.status_code in (404, 422), (url, params, response.text)
                continue
            assert response.headers["content-type"].startswith("application/json")
            for cell in _cells(response.json()):
                covered[path] = covered.get(path, 0) + 1
                shown = {f: cell[f] for f in FIGURES if cell.get(f) is not None}
                assert not shown, (url, params, cell)
    # The sweep saw the indicator's cells on the value routes, not only empty answers.
    assert covered.get("/v1/indicators/{code}/values", 0) > 0
    assert covered.get("/v1/analytics", 0) > 0
    assert covered.get("/v1/reports/tertial", 0) > 0
    assert covered.get("/v1/scorecards/{scorecard_id}/status", 0) > 0
