"""The auth rules on a real service (budget frames): scope → 403, another tenant → 404."""

from __future__ import annotations

from tests.conftest import MakeClient, MakeKey

FRAME = {
    "board": "Socialnämnden",
    "year": 2031,
    "unit": "tkr",
    "previous_amount": 1000,
    "amount": 1010,
    "changes": [{"amount": 10, "category": "index_compensation", "reason": "Index"}],
}


async def test_frames_follow_scope_and_tenant_rules(client: MakeClient, make_key: MakeKey) -> None:
    writer = client("budget", await make_key("budget:read", "budget:write", municipality="9990"))
    created = await writer.post("/v1/frames", json=FRAME)
    assert created.status_code == 201, created.text
    path = f"/v1/frames/{created.json()['id']}"

    reader_elsewhere = client("budget", await make_key("budget:read", municipality="1462"))
    hidden = await reader_elsewhere.get(path)
    assert hidden.status_code == 404
    assert hidden.headers["content-type"].startswith("application/problem+json")
    listed = await reader_elsewhere.get("/v1/frames")
    assert created.json()["id"] not in {f["id"] for f in listed.json()["items"]}

    national = client("budget", await make_key("budget:read", municipality=None))
    assert (await national.get(path)).status_code == 200

    no_scope = client("budget", await make_key("indicators:read", municipality="9990"))
    forbidden = await no_scope.get(path)
    assert forbidden.status_code == 403
    assert "budget:read" in forbidden.json()["detail"]

    read_only = client("budget", await make_key("budget:read", municipality="9990"))
    refused = await read_only.post("/v1/frames", json={**FRAME, "year": 2032})
    assert refused.status_code == 403

    anonymous = await client("budget").get(path)
    assert anonymous.status_code == 401
