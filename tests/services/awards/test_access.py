"""Who may see and do what in awards: a cooperation's key sees its member municipalities (and
no other), and a person with the role jury decides, publishes and — with budget rights — pays."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import ALL_SCOPES, create_api_key
from tests.conftest import MakeClient, MakeKey
from tests.services.awards.grant.test_grants import RULES
from tests.shared.identity.conftest import PersonClient
from tests.shared.identity.issuer import TestIssuer

MINIMAL_SCHEME: dict[str, Any] = {
    "year": 2024,
    "code": "eget_pris",
    "title": "Eget pris",
    "prize_amount": "1000",
    "specification": {
        "unit_types": ["hemtjanst"],
        "group_weights": {"survey": 1},
        "criteria": [
            {"code": "c", "title": "C", "group": "survey", "indicator_code": "andel_nojda"}
        ],
    },
}


async def _cooperation_key(session: AsyncSession) -> str:
    key = await create_api_key(
        session,
        name="samverkan",
        municipality_code="9990",
        scopes=ALL_SCOPES,
        cooperation=["0880"],
    )
    await session.commit()
    return key.token


async def test_a_cooperation_key_sees_its_member_municipalities_and_no_other(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    coop = client("awards", await _cooperation_key(session))
    outsider = client("awards", await make_key(municipality="9971"))
    foreign = await outsider.post("/v1/schemes", json=MINIMAL_SCHEME)
    assert foreign.status_code == 201, foreign.text

    # Lists: the member municipality asked for; without one, a 422 naming the members.
    for member in ("0880", "9990"):
        listed = await coop.get("/v1/schemes", params={"municipality_code": member})
        assert listed.status_code == 200, listed.text
        assert {s["code"] for s in listed.json()["items"]} >= {
            "arets_hemtjanstenhet",
            "arets_boendeenhet",
            "arets_forbattringsarbete",
        }
        assert {s["municipality_code"] for s in listed.json()["items"]} == {member}
        decisions = await coop.get("/v1/decisions", params={"municipality_code": member})
        assert decisions.status_code == 200, decisions.text
        runs = await coop.get("/v1/runs", params={"municipality_code": member})
        assert runs.status_code == 200, runs.text
    unnamed = await coop.get("/v1/schemes")
    assert unnamed.status_code == 422
    assert "0880, 9990" in unnamed.json()["detail"]
    assert (await coop.get("/v1/schemes", params={"municipality_code": "9971"})).status_code == 404

    # Reads: a member's object is there, another municipality's is absent (404, not 403).
    kalmar = await coop.get("/v1/schemes", params={"municipality_code": "0880"})
    one = kalmar.json()["items"][0]
    assert (await coop.get(f"/v1/schemes/{one['id']}")).status_code == 200
    assert (await coop.get(f"/v1/schemes/{foreign.json()['id']}")).status_code == 404

    # Writes name the member municipality they act for.
    made = await coop.post("/v1/schemes", json=MINIMAL_SCHEME | {"municipality_code": "0880"})
    assert made.status_code == 201, made.text
    assert made.json()["municipality_code"] == "0880"
    refused = await coop.post("/v1/schemes", json=MINIMAL_SCHEME | {"municipality_code": "9971"})
    assert refused.status_code == 404

    # Grant rule sets: national ones and every member's own, never an outsider's.
    ours = await coop.post("/v1/grant-rules", json=RULES | {"municipality_code": "0880"})
    assert ours.status_code == 201, ours.text
    theirs = await outsider.post("/v1/grant-rules", json=RULES | {"code": "utomstaende"})
    assert theirs.status_code == 201, theirs.text
    seen = await coop.get("/v1/grant-rules", params={"limit": 500})
    owners = {r["municipality_code"] for r in seen.json()["items"]}
    assert "0880" in owners
    assert "9971" not in owners
    assert owners <= {None, "0880", "9990"}
    only_kalmar = await coop.get("/v1/grant-rules", params={"municipality_code": "0880"})
    assert {r["municipality_code"] for r in only_kalmar.json()["items"]} <= {None, "0880"}
    assert ours.json()["id"] in {r["id"] for r in only_kalmar.json()["items"]}
    other = await coop.get("/v1/grant-rules", params={"municipality_code": "9971"})
    assert other.status_code == 404
    assert (await coop.get(f"/v1/grant-rules/{theirs.json()['id']}")).status_code == 404


async def _home_care_run(awards: httpx.AsyncClient) -> dict[str, Any]:
    schemes = await awards.get("/v1/schemes", params={"year": 2024})
    assert schemes.status_code == 200, schemes.text
    (home,) = [s for s in schemes.json()["items"] if s["code"] == "arets_hemtjanstenhet"]
    run = await awards.post("/v1/runs", json={"scheme_id": home["id"]})
    assert run.status_code == 201, run.text
    result: dict[str, Any] = run.json()
    return result


async def test_a_person_with_the_jury_role_decides_and_a_reader_cannot(
    person: PersonClient, issuer: TestIssuer
) -> None:
    reader = person("awards", issuer.token(roles=["reader"]))
    jury = person("awards", issuer.token(roles=["jury"]))
    run = await _home_care_run(jury)  # the jury may run a scheme (awards:write)
    winner = run["ranking"][0]["unit_code"]
    decision = {"winner_code": winner, "reason": "Juryns samlade bedömning."}

    refused = await reader.post(f"/v1/runs/{run['id']}/decision", json=decision)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert "awards:decide" in refused.json()["detail"]

    decided = await jury.post(f"/v1/runs/{run['id']}/decision", json=decision)
    assert decided.status_code == 201, decided.text
    decision_id = decided.json()["id"]
    assert (await reader.post(f"/v1/decisions/{decision_id}/publish")).status_code == 403
    published = await jury.post(f"/v1/decisions/{decision_id}/publish")
    assert published.status_code == 200, published.text
    assert published.json()["state"] == "published"
    assert (await reader.get(f"/v1/decisions/{decision_id}")).json()["state"] == "published"

    # Paying out books money in the budget service with the person's own rights: the jury
    # alone lacks budget:write and is told so; jury + controller pays.
    budget = person("budget", issuer.token(roles=["reader"]))
    funds = await budget.get("/v1/funds", params={"year": 2024, "kind": "prize_money"})
    (pot,) = [f for f in funds.json()["items"] if f["code"] == "kvalitetspris"]
    payout = {"fund_id": pot["id"]}
    assert (await reader.post(f"/v1/decisions/{decision_id}/payout", json=payout)).status_code == (
        403
    )
    jury_only = await jury.post(f"/v1/decisions/{decision_id}/payout", json=payout)
    assert jury_only.status_code == 403
    assert "budget:write" in jury_only.json()["detail"]
    treasurer = person("awards", issuer.token(roles=["jury", "controller"]))
    paid = await treasurer.post(f"/v1/decisions/{decision_id}/payout", json=payout)
    assert paid.status_code == 200, paid.text
    assert paid.json()["allocation_id"] is not None
