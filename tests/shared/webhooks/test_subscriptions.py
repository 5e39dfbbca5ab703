"""Subscriptions through webhook_router(): tenant rules, allow-listed https URLs, delivery log."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from shared.db import Database
from shared.events import emit
from shared.settings import Settings
from shared.webhooks import deliver_pending, url_problem
from tests import helpers
from tests.conftest import MakeKey
from tests.shared.webhooks.conftest import HooksClient, Receiver, public_resolver

NEW = {"url": "https://hooks.example.se/kvn", "event_types": ["budget.frame_saved"]}


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hooks.example.se/kvn", "https"),
        ("https://localhost/kvn", "loopback"),
        ("https://127.0.0.1/kvn", "loopback"),
        ("https://10.1.2.3/kvn", "private"),
        ("https://[::1]/kvn", "loopback"),
        ("https://169.254.169.254/latest", "reserved"),
        ("https://user:pw@hooks.example.se/kvn", "credentials"),
        ("https://elsewhere.example.com/kvn", "WEBHOOK_ALLOWED_HOSTS"),
        ("https://kommun.example/kvn", "WEBHOOK_ALLOWED_HOSTS"),
        ("https://hooks.example.se.evil.test/kvn", "WEBHOOK_ALLOWED_HOSTS"),
    ],
)
def test_url_outside_the_rules_is_refused(
    webhook_settings: Settings, url: str, reason: str
) -> None:
    problem = url_problem(url, webhook_settings)
    assert problem is not None
    assert reason in problem.render("en")


def test_allowed_urls(webhook_settings: Settings, database_url: str) -> None:
    assert url_problem("https://hooks.example.se/kvn?x=1", webhook_settings) is None
    assert url_problem("https://system.kommun.example:8443/in", webhook_settings) is None
    loose = helpers.test_settings(
        database_url, WEBHOOK_ALLOWED_HOSTS=["127.0.0.1"], WEBHOOK_ALLOW_PRIVATE=True
    )
    assert url_problem("https://127.0.0.1:9000/hook", loose) is None


async def test_subscription_lifecycle_secret_shown_once(
    hooks: HooksClient, make_key: MakeKey
) -> None:
    api = hooks(await make_key("webhooks:manage"))
    created = await api.post("/v1/webhooks/subscriptions", json=NEW)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["municipality_code"] == "9990"
    sid = body["id"]
    shown = await api.get(f"/v1/webhooks/subscriptions/{sid}")
    assert shown.status_code == 200
    assert "secret" not in shown.json()
    listed = await api.get("/v1/webhooks/subscriptions")
    assert [s["id"] for s in listed.json()["items"]] == [sid]

    patched = await api.patch(
        f"/v1/webhooks/subscriptions/{sid}",
        json={"active": False, "event_types": ["target.status_changed", "budget.frame_saved"]},
    )
    assert patched.status_code == 200
    assert patched.json()["active"] is False
    assert patched.json()["event_types"] == ["budget.frame_saved", "target.status_changed"]

    rotated = await api.post(f"/v1/webhooks/subscriptions/{sid}/secret")
    assert rotated.status_code == 200
    assert rotated.json()["secret"] != body["secret"]

    assert (await api.delete(f"/v1/webhooks/subscriptions/{sid}")).status_code == 204
    assert (await api.get(f"/v1/webhooks/subscriptions/{sid}")).status_code == 404


async def test_bad_url_and_unknown_event_type_are_located_422(
    hooks: HooksClient, make_key: MakeKey
) -> None:
    api = hooks(await make_key("webhooks:manage"))
    bad_url = await api.post(
        "/v1/webhooks/subscriptions", json={**NEW, "url": "https://127.0.0.1/x"}
    )
    assert bad_url.status_code == 422
    error = bad_url.json()["errors"][0]
    assert error["field"] == "url"
    assert error["value"] == "https://127.0.0.1/x"
    bad_type = await api.post(
        "/v1/webhooks/subscriptions", json={**NEW, "event_types": ["budget.deleted"]}
    )
    assert bad_type.status_code == 422
    assert bad_type.json()["errors"][0]["loc"][:2] == ["body", "event_types"]
    listed = await api.get("/v1/webhooks/subscriptions")
    assert listed.json()["total"] == 0


async def test_tenant_rules(hooks: HooksClient, make_key: MakeKey) -> None:
    mine = hooks(await make_key("webhooks:manage", municipality="9990"))
    theirs = hooks(await make_key("webhooks:manage", municipality="1461"))
    national = hooks(await make_key("webhooks:manage", municipality=None))
    sid = (await mine.post("/v1/webhooks/subscriptions", json=NEW)).json()["id"]
    assert (await theirs.get(f"/v1/webhooks/subscriptions/{sid}")).status_code == 404
    assert (await theirs.delete(f"/v1/webhooks/subscriptions/{sid}")).status_code == 404
    assert (await theirs.get(f"/v1/webhooks/subscriptions/{sid}/deliveries")).status_code == 404
    assert (await theirs.get("/v1/webhooks/subscriptions")).json()["total"] == 0
    assert (await national.post("/v1/webhooks/subscriptions", json=NEW)).status_code == 422
    made = await national.post(
        "/v1/webhooks/subscriptions", json={**NEW, "municipality_code": "1461"}
    )
    assert made.status_code == 201
    assert (await national.get(f"/v1/webhooks/subscriptions/{sid}")).status_code == 200
    foreign = await mine.post(
        "/v1/webhooks/subscriptions", json={**NEW, "municipality_code": "1461"}
    )
    assert foreign.status_code == 404


async def test_scope_is_required(hooks: HooksClient, make_key: MakeKey) -> None:
    reader = hooks(await make_key("budget:read"))
    assert (await reader.get("/v1/webhooks/subscriptions")).status_code == 403
    assert (await reader.post("/v1/webhooks/subscriptions", json=NEW)).status_code == 403


async def test_delivery_log_shows_attempts_and_last_status(
    hooks: HooksClient,
    make_key: MakeKey,
    database: Database,
    webhook_settings: Settings,
    receiver: Receiver,
    receiver_http: httpx.AsyncClient,
) -> None:
    api = hooks(await make_key("webhooks:manage"))
    sid = (await api.post("/v1/webhooks/subscriptions", json=NEW)).json()["id"]
    async with database.unit_of_work() as session:
        await emit(
            session,
            municipality_code="9990",
            type="budget.frame_saved",
            payload={
                "frame_id": "f1",
                "board": "Socialnämnden",
                "year": 2022,
                "version": 2,
                "amount": "310000",
                "unit": "tkr",
            },
        )
    receiver.statuses = [502]
    await deliver_pending(
        database,
        receiver_http,
        settings=webhook_settings,
        resolve=public_resolver,
        now=datetime.now(UTC),
    )
    log = await api.get(f"/v1/webhooks/subscriptions/{sid}/deliveries")
    assert log.status_code == 200, log.text
    [entry] = log.json()["items"]
    assert entry["event_type"] == "budget.frame_saved"
    assert (entry["state"], entry["attempts"], entry["last_status"]) == ("pending", 1, 502)
    assert entry["next_attempt_at"] is not None
    failed_only = await api.get(
        f"/v1/webhooks/subscriptions/{sid}/deliveries", params={"state": "failed"}
    )
    assert failed_only.json()["total"] == 0


async def test_event_types_are_listed_with_their_payload_schema(
    hooks: HooksClient, make_key: MakeKey
) -> None:
    api = hooks(await make_key("webhooks:manage"))
    types = (await api.get("/v1/webhooks/event-types")).json()
    by_name = {t["type"]: t for t in types}
    assert set(by_name) == {
        "observation.values_changed",
        "target.status_changed",
        "award.decision_published",
        "budget.frame_saved",
        "budget.forecast_saved",
    }
    assert "frame_id" in by_name["budget.frame_saved"]["payload_schema"]["required"]
