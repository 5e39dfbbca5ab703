"""Roles from token claims: each role may do what its scopes allow and is refused the rest."""

from __future__ import annotations

import pytest

from shared.auth import ALL_SCOPES
from shared.roles import ROLE_SCOPES, ROLES
from tests.shared.identity.conftest import PersonClient
from tests.shared.identity.issuer import TestIssuer

FRAME = {
    "board": "Socialnämnden",
    "year": 2031,
    "unit": "tkr",
    "previous_amount": "317348",
    "amount": "302257",
    "changes": [
        {"amount": "-15091", "category": "other", "reason": "Summa förändringar enligt ledger"}
    ],
}


@pytest.mark.parametrize("role", ROLES)
async def test_each_role_gets_exactly_its_scopes(
    person: PersonClient, issuer: TestIssuer, role: str
) -> None:
    probe = person("probe", issuer.token(roles=[role]))
    for scope in ALL_SCOPES:
        response = await probe.get(f"/probe/scope/{scope}")
        allowed = scope in ROLE_SCOPES[role] or "admin" in ROLE_SCOPES[role]  # type: ignore[index]
        assert response.status_code == (200 if allowed else 403), (role, scope, response.text)
        if not allowed:
            assert response.headers["content-type"] == "application/problem+json"
            assert scope in response.json()["detail"]


async def test_claim_names_and_role_names_follow_the_issuer_configuration(
    person: PersonClient, issuer: TestIssuer, identity_apps: dict[str, object]
) -> None:
    from fastapi import FastAPI

    from shared.oidc import OidcVerifier

    config = issuer.config(
        roles_claim="realm_access.roles",
        municipality_claim="kommunkod",
        units_claim="enheter",
        role_map={"Verksamhetsutvecklare": "quality_developer", "Enhetschef": "unit_manager"},
    )
    probe = identity_apps["probe"]
    assert isinstance(probe, FastAPI)
    probe.state.settings = probe.state.settings.model_copy(update={"OIDC_ISSUERS": [config]})
    probe.state.oidc_verifier = None
    token = issuer.token(
        roles=None,
        municipality=None,
        realm_access={"roles": ["Enhetschef", "offline_access"]},
        kommunkod="9990",
        enheter="HT-NORR HT-SODER",
    )
    me = (await person("probe", token).get("/probe/whoami")).json()
    assert me["roles"] == ["unit_manager"]
    assert me["unit_codes"] == ["HT-NORR", "HT-SODER"]
    assert isinstance(probe.state.oidc_verifier, OidcVerifier)


async def test_token_without_a_known_role_may_read_nothing(
    person: PersonClient, issuer: TestIssuer
) -> None:
    probe = person("probe", issuer.token(roles=["offline_access"]))
    assert (await probe.get("/probe/whoami")).status_code == 200
    assert (await probe.get("/probe/scope/indicators:read")).status_code == 403


async def test_controller_saves_a_budget_frame_reader_may_only_read(
    person: PersonClient, issuer: TestIssuer
) -> None:
    controller = person("budget", issuer.token(roles=["controller"]))
    created = await controller.post("/v1/frames", json=FRAME)
    assert created.status_code == 201, created.text
    assert created.json()["municipality_code"] == "9990"

    reader = person("budget", issuer.token(roles=["reader"], sub="board-member"))
    refused = await reader.post("/v1/frames", json={**FRAME, "year": 2032})
    assert refused.status_code == 403
    listed = await reader.get("/v1/frames")
    assert listed.status_code == 200
    assert [f["year"] for f in listed.json()["items"] if f["board"] == "Socialnämnden"].count(
        2031
    ) == 1


async def test_quality_developer_may_edit_the_catalogue_but_not_budgets(
    person: PersonClient, issuer: TestIssuer
) -> None:
    token = issuer.token(roles=["quality_developer"])
    measure = {
        "code": "identity_test_measure",
        "title": "Testmått",
        "source": "local",
        "unit": "antal",
        "value_kind": "count",
    }
    created = await person("indicators", token).post("/v1/measures", json=measure)
    assert created.status_code == 201, created.text
    assert (await person("budget", token).post("/v1/frames", json=FRAME)).status_code == 403


async def test_unit_manager_writes_only_for_own_units(
    person: PersonClient, issuer: TestIssuer
) -> None:
    probe = person("probe", issuer.token(roles=["unit_manager"], units=["HT-NORR"]))
    own = await probe.post("/probe/local-data", json={"units": ["HT-NORR"]})
    assert own.status_code == 200, own.text
    other = await probe.post("/probe/local-data", json={"units": ["HT-NORR", "HT-SODER"]})
    assert other.status_code == 403
    assert "HT-SODER" in other.json()["detail"]
    assert "HT-NORR," not in other.json()["detail"]
    whole = await probe.post("/probe/local-data", json={"units": [""]})
    assert whole.status_code == 403
    assert (await probe.get("/probe/scope/budget:write")).status_code == 403


async def test_unit_manager_who_is_also_quality_developer_is_not_limited_to_units(
    person: PersonClient, issuer: TestIssuer
) -> None:
    token = issuer.token(roles=["unit_manager", "quality_developer"], units=["HT-NORR"])
    response = await person("probe", token).post("/probe/local-data", json={"units": ["HT-SODER"]})
    assert response.status_code == 200


async def test_admin_role_stays_within_its_municipality(
    person: PersonClient, issuer: TestIssuer
) -> None:
    admin = person("budget", issuer.token(roles=["admin"]))
    assert (await admin.post("/v1/frames", json=FRAME)).status_code == 201
    foreign = await admin.post("/v1/frames", json={**FRAME, "municipality_code": "1461"})
    assert foreign.status_code == 404


async def test_me_tells_the_user_interface_what_the_person_may_do(
    person: PersonClient, issuer: TestIssuer
) -> None:
    token = issuer.token(
        roles=["unit_manager"], municipality=["1461", "1460"], units=["HT-NORR"], name="Enhetschef"
    )
    me = await person("probe", token).get("/v1/me")
    assert me.status_code == 200, me.text
    assert me.json() == {
        "name": "Enhetschef",
        "kind": "person",
        "municipality_code": "1461",
        "municipalities": ["1460", "1461"],
        "roles": ["unit_manager"],
        "scopes": sorted(ROLE_SCOPES["unit_manager"]),
        "unit_codes": ["HT-NORR"],
    }
    assert (await person("probe").get("/v1/me")).status_code == 401
