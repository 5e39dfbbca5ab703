"""Improvement projects: registry, funding from the earmarked pot, effect, the third prize."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from tests.conftest import MakeClient, MakeKey
from tests.services.awards import data
from tests.services.awards.run.test_runs import peer, run_scheme, setup

PROJECT: dict[str, Any] = {
    "title": "Fast omsorgskontakt i hemtjänsten",
    "description": "Varje brukare får en fast kontaktperson och ett välkomstsamtal.",
    "unit_codes": ["HT-A"],
    "target_indicators": ["andel_nojda"],
    "started_on": "2024-01-15",
}


async def register(awards: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    created = await awards.post("/v1/projects", json=PROJECT | changes)
    assert created.status_code == 201, created.text
    result: dict[str, Any] = created.json()
    return result


async def test_a_project_text_with_a_personnummer_is_refused_and_nothing_is_stored(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = await setup(client, make_key)
    refused = await awards.post(
        "/v1/projects",
        json=PROJECT | {"description": "Brukaren 19121212-1212 var nöjd med arbetet."},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["body", "description"]
    unknown = await awards.post("/v1/projects", json=PROJECT | {"unit_codes": ["HT-A", "NOPE"]})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["value"] == "NOPE"
    assert (await awards.get("/v1/projects")).json()["total"] == 0
    await register(awards)
    again = await awards.post("/v1/projects", json=PROJECT)
    assert again.status_code == 409
    assert (await awards.get("/v1/projects")).json()["total"] == 1


async def test_funding_is_drawn_from_the_pot_and_never_beyond_what_is_left(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = await setup(client, make_key)
    project = await register(awards)
    budget = peer(client, awards, "budget")
    pot = await data.add_fund(budget, "600000", code="forbattring")
    applied = await awards.post(
        f"/v1/projects/{project['id']}/funding",
        json={"amount": "450000", "purpose": "Arbetstid för kontaktpersoner"},
    )
    assert applied.status_code == 201, applied.text
    retried = await awards.post(
        f"/v1/projects/{project['id']}/funding",
        json={"amount": "450000", "purpose": "Arbetstid för kontaktpersoner"},
    )
    assert retried.json()["id"] == applied.json()["id"]  # a retry is not a second application
    granted = await awards.post(
        f"/v1/projects/{project['id']}/funding/{applied.json()['id']}/decision",
        json={"decision": "granted", "fund_id": str(pot), "reason": "Tydlig koppling till mål"},
    )
    assert granted.status_code == 200, granted.text
    assert granted.json()["granted"] == "450000"
    assert Decimal((await data.fund(budget, pot))["remaining"]) == Decimal(150000)

    second = await awards.post(
        f"/v1/projects/{project['id']}/funding",
        json={"amount": "200000", "purpose": "Material"},
    )
    too_much = await awards.post(
        f"/v1/projects/{project['id']}/funding/{second.json()['id']}/decision",
        json={"decision": "granted", "fund_id": str(pot), "reason": "Vill bevilja"},
    )
    assert too_much.status_code == 409
    assert "150\u00a0000 kr kvar" in too_much.json()["detail"]
    partial = await awards.post(
        f"/v1/projects/{project['id']}/funding/{second.json()['id']}/decision",
        json={"decision": "granted", "fund_id": str(pot), "reason": "Delvis", "amount": "150000"},
    )
    assert partial.status_code == 200
    assert Decimal((await data.fund(budget, pot))["remaining"]) == 0
    shown = await awards.get(f"/v1/projects/{project['id']}")
    assert shown.json()["granted_total"] == "600000"
    assert [f["state"] for f in shown.json()["funding"]] == ["granted", "granted"]


async def test_effect_before_and_after_with_n_and_uncertainty_and_spread(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = await setup(client, make_key)
    project = await register(awards, unit_codes=["HT-A", "HT-B"])
    adopted = await awards.post(
        f"/v1/projects/{project['id']}/adoptions", json={"unit_code": "HT-C"}
    )
    assert adopted.json()["spread"] == 1
    await awards.post(f"/v1/projects/{project['id']}/adoptions", json={"unit_code": "HT-C"})
    effect = await awards.get(f"/v1/projects/{project['id']}/effect", params={"after": "2024"})
    assert effect.status_code == 200, effect.text
    body = effect.json()
    assert body["spread"] == 1
    (satisfaction,) = body["effects"]
    # Pooled over HT-A and HT-B: 2023 210/300 = 70 %, 2024 260/300 = 86.67 %.
    assert satisfaction["before"] == "70.00"
    assert satisfaction["after"] == "86.67"
    assert satisfaction["n_before"] == 300
    assert satisfaction["change"] == "16.67"
    assert Decimal(satisfaction["ci_low"]) > 0
    assert satisfaction["improved"] is True
    assert {u["unit_code"] for u in satisfaction["units"]} == {"HT-A", "HT-B"}


async def test_the_improvement_prize_ranks_projects_on_effect_and_spread(
    client: MakeClient, make_key: MakeKey
) -> None:
    awards = await setup(client, make_key)
    strong = await register(awards, title="Stark effekt", unit_codes=["HT-A"])
    await awards.post(f"/v1/projects/{strong['id']}/adoptions", json={"unit_code": "HT-B"})
    await register(awards, title="Liten effekt", unit_codes=["HT-C"])
    await register(awards, title="Liten enhet", unit_codes=["HT-SMALL"])
    scheme = {
        "municipality_code": data.MUNI,
        "year": 2024,
        "code": "arets_forbattringsarbete",
        "title": "Årets förbättringsarbete",
        "candidates": "projects",
        "prize_amount": "20000",
        "specification": {
            "group_weights": {"project": 1},
            "criteria": [
                {
                    "code": "effekt",
                    "title": "Ökad nöjdhet",
                    "group": "project",
                    "source": "project_effect",
                    "indicator_code": "andel_nojda",
                    "kind": "share",
                    "weight": 2,
                },
                {
                    "code": "spridning",
                    "title": "Spridning",
                    "group": "project",
                    "source": "project_spread",
                },
            ],
            "sensitivity": {"draws": 200},
        },
    }
    run = await run_scheme(awards, scheme)
    titles = [r["unit_title"] for r in run["ranking"]]
    assert titles[0] == "Stark effekt"
    # 8 answers cannot show a change: the small unit's project lacks the effect criterion.
    small = next(r for r in run["ranking"] + run["ineligible"] if r["unit_title"] == "Liten enhet")
    assert any("för få svarande för att mäta förändringen" in m for m in small["missing"])
