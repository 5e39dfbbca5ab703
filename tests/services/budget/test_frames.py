"""Frames and their change ledger (seed 001 §6): reconciliation, previous frame, If-Match, audit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import OutboxEvent
from tests.conftest import MakeClient, MakeKey

SEED_CHANGES: list[dict[str, Any]] = [
    {"amount": "7008", "category": "index_compensation", "reason": "Kompensation för index"},
    {"amount": "-5420", "category": "transfer_out", "reason": "Löneindex till lönepott"},
    {
        "amount": "-6875",
        "category": "transfer_out",
        "reason": "Kost till Samhällsnämnden",
        "counterpart_board": "Samhällsnämnden",
    },
    {"amount": "-7154", "category": "transfer_out", "reason": "Vuxenutbildning och SFI"},
    {
        "amount": "-2650",
        "category": "efficiency_demand",
        "reason": "Effektiviseringskrav",
        "decision_body": "Kommunfullmäktige",
        "decision_date": "2020-11-25",
        "decision_ref": "KF § 123",
    },
]


def frame(**overrides: Any) -> dict[str, Any]:
    return {
        "board": "Socialnämnden",
        "year": 2021,
        "unit": "tkr",
        "previous_amount": "317348",
        "amount": "302257",
        "changes": SEED_CHANGES,
        **overrides,
    }


async def test_seed_ledger_reconciles_and_is_stored_with_its_decisions(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    created = await budget.post("/v1/frames", json=frame())
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["change_total"] == "-15091"
    assert body["changes"][4]["decision_ref"] == "KF § 123"
    assert body["changes"][2]["counterpart_board"] == "Samhällsnämnden"
    assert created.headers["ETag"]


async def test_a_saved_frame_is_an_event_for_subscribers_and_a_refused_one_is_not(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    assert (await budget.post("/v1/frames", json=frame(amount="302357"))).status_code == 422
    created = await budget.post("/v1/frames", json=frame())
    events = (
        (await session.execute(select(OutboxEvent).where(OutboxEvent.type == "budget.frame_saved")))
        .scalars()
        .all()
    )
    assert [e.payload for e in events] == [
        {
            "frame_id": created.json()["id"],
            "board": "Socialnämnden",
            "year": 2021,
            "version": 1,
            "amount": "302257",
            "unit": "tkr",
        }
    ]
    assert events[0].municipality_code == "9990"


async def test_ledger_that_does_not_reconcile_is_refused_with_both_sums(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    refused = await budget.post("/v1/frames", json=frame(amount="302357"))
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["expected_amount"] == "302257"
    assert problem["amount"] == "302357"
    assert problem["difference"] == "100"
    assert problem["change_total"] == "-15091"
    assert problem["errors"][0]["field"] == "amount"
    listed = await budget.get("/v1/frames", params={"board": "Socialnämnden"})
    assert listed.json()["items"] == []


async def test_previous_amount_must_equal_last_years_stored_frame(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write", municipality="1462"))
    refused = await budget.post(
        "/v1/frames",
        json=frame(
            year=2022,
            previous_amount="300000",
            amount="301000",
            changes=[{"amount": "1000", "category": "volume_change", "reason": "LSS"}],
        ),
    )
    assert refused.status_code == 422
    assert refused.json()["stored_previous_frame"] == "302257"
    assert refused.json()["errors"][0]["code"] == "previous_frame_mismatch"
    accepted = await budget.post(
        "/v1/frames",
        json=frame(
            year=2022,
            previous_amount="302257",
            amount="303257",
            changes=[{"amount": "1000", "category": "volume_change", "reason": "LSS"}],
        ),
    )
    assert accepted.status_code == 201, accepted.text

    # Now 2021 cannot change its amount without breaking 2022's ledger.
    demo_2021 = (await budget.get("/v1/frames", params={"year": 2021})).json()["items"][0]
    tag = (await budget.get(f"/v1/frames/{demo_2021['id']}")).headers["ETag"]
    changes = [
        {k: v for k, v in c.items() if v is not None and k != "position"}
        for c in demo_2021["changes"]
    ]
    changes.append({"amount": "100", "category": "other", "reason": "late correction"})
    broken = await budget.put(
        f"/v1/frames/{demo_2021['id']}",
        json={"unit": "tkr", "previous_amount": "317348", "amount": "302357", "changes": changes},
        headers={"If-Match": tag},
    )
    assert broken.status_code == 409
    assert broken.json()["next_frame_previous_amount"] == "302257"


async def test_update_needs_if_match_and_is_audited(client: MakeClient, make_key: MakeKey) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    created = await budget.post("/v1/frames", json=frame())
    frame_id, tag = created.json()["id"], created.headers["ETag"]
    changes = [*SEED_CHANGES, {"amount": "500", "category": "political_priority", "reason": "x"}]
    update = {
        "unit": "tkr",
        "previous_amount": "317348",
        "amount": "302757",
        "changes": changes,
    }

    missing = await budget.put(f"/v1/frames/{frame_id}", json=update)
    ok = await budget.put(f"/v1/frames/{frame_id}", json=update, headers={"If-Match": tag})
    stale = await budget.put(f"/v1/frames/{frame_id}", json=update, headers={"If-Match": tag})
    unreconciled = await budget.put(
        f"/v1/frames/{frame_id}",
        json=update | {"amount": "1"},
        headers={"If-Match": ok.headers["ETag"]},
    )

    assert missing.status_code == 428
    assert ok.status_code == 200, ok.text
    assert ok.json()["version"] == 2
    assert len(ok.json()["changes"]) == 6
    assert stale.status_code == 412
    assert unreconciled.status_code == 422
    trail = (await budget.get("/v1/audit", params={"entity_id": frame_id})).json()["items"]
    assert [e["action"] for e in trail] == ["update", "create"]
    assert trail[0]["before"]["amount"] == "302257"
    assert trail[0]["after"]["amount"] == "302757"


async def test_an_entry_whose_sign_contradicts_its_category_is_refused(
    client: MakeClient, make_key: MakeKey
) -> None:
    budget = client("budget", await make_key("budget:read", "budget:write"))
    changes = [dict(c) for c in SEED_CHANGES]
    changes[4] = changes[4] | {"amount": "2650"}  # an efficiency demand written as a plus
    refused = await budget.post(
        "/v1/frames", json=frame(amount=str(302257 + 2 * 2650), changes=changes)
    )
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert (error["loc"], error["code"]) == (
        ["body", "changes", 4, "amount"],
        "wrong_sign_for_category",
    )
