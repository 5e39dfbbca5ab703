"""Statuses that say what went wrong: a method the path does not serve is a 405 (even where
another route's path parameter would match the segment), a body that is not JSON a 422."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from shared.settings import SERVICES
from tests.conftest import MakeClient, MakeKey
from tests.helpers import TEST_HOSTS
from tests.shared.openapi_bodies import Operation, operations
from tests.shared.problem_language import languages


async def test_a_method_the_path_does_not_serve_is_405_with_allow(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key())
    response = await budget.put("/v1/investments/plans", json={})
    assert response.status_code == 405, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["allow"] == "POST"
    # A path parameter that is simply invalid is still a 422 naming it.
    invalid = await budget.put("/v1/investments/not-a-uuid", json={})
    assert invalid.status_code == 422
    assert ["path", "project_id"] in [e["loc"] for e in invalid.json()["errors"]]


async def test_a_body_that_is_not_json_is_a_422_saying_where(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key())
    for raw in (b"{not json", b"\xff\xfe", b""):
        response = await budget.post(
            "/v1/frames", content=raw, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 422, (raw, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["loc"][0] == "body"
    untyped = await budget.post("/v1/frames", content=b"board=x")
    assert untyped.status_code in {415, 422}, untyped.text


METHODS = ("get", "post", "put", "patch", "delete")


async def test_every_method_a_documented_path_does_not_serve_is_405(
    apps: dict[str, FastAPI], make_key: MakeKey
) -> None:
    """Generated from the OpenAPI documents: every other method at every path."""
    failures: list[str] = []
    checked = 0
    token = await make_key()
    for service in SERVICES:
        by_path: dict[str, list[Operation]] = {}
        for op, _components in operations({service: apps[service]}):
            by_path.setdefault(op.path, []).append(op)
        transport = httpx.ASGITransport(app=apps[service])
        async with httpx.AsyncClient(
            transport=transport,
            base_url=TEST_HOSTS[service],
            headers={"Authorization": f"Bearer {token}"},
        ) as http:
            for ops in by_path.values():
                served = {op.method for op in ops}
                expected = {m.upper() for m in served}
                for method in METHODS:
                    if method in served:
                        continue
                    checked += 1
                    response = await http.request(method, ops[0].url(), json={})
                    where = f"{service} {method.upper()} {ops[0].path}"
                    failures += await languages(http, response, where)
                    allow = {m.strip() for m in response.headers.get("allow", "").split(",")}
                    if response.status_code != 405:
                        failures.append(f"{where}: {response.status_code} {response.text[:150]}")
                    elif allow != expected:
                        failures.append(
                            f"{where}: Allow {sorted(allow)}, serves {sorted(expected)}"
                        )
    assert not failures, "\n".join(failures)
    assert checked > 0
