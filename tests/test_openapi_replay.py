"""The contract replayed: every request example of the committed documents, sent to the running
suite (in process, demo data, a key of the example's municipality), gets one of the operation's
documented success statuses, with the headers documented for it (Location, Content-Language),
and a body that validates against that status's schema.

Objects are created by the collection's own example first, so `/v1/targets/{target_id}` uses
the target the `POST /v1/targets` example made; If-Match comes from a GET of the object. What
cannot be replayed as is stands in NOT_REPLAYED with its reason.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema_rs

from shared.openapi import DOCS_DIR, Doc, operations
from shared.settings import SERVICES
from tests.conftest import MakeClient, MakeKey

# "<service> <METHOD> <path>" → why its example is not replayed.
NOT_REPLAYED = {
    "ingest POST /v1/kolada/syncs": "starts a fetch from Kolada (network); tests fake it at the "
    "HTTP boundary in tests/services/ingest/kolada",
    "ingest POST /v1/kolada/syncs/{job_id}/retry": "needs a failed Kolada job",
    "ingest POST /v1/webhooks/subscriptions": "resolves the endpoint's host (network) and needs "
    "it in WEBHOOK_ALLOWED_HOSTS; tests/shared/webhooks serves one locally",
    "ingest PATCH /v1/webhooks/subscriptions/{subscription_id}": "needs the subscription above",
    "awards POST /v1/decisions/{decision_id}/payout": "names a budget fund by the id it got when "
    "created (another service); tests/services/awards pay out",
    "budget PUT /v1/investments/{project_id}": "its projects come from POST "
    "/v1/investments/plans, which answers the plan, not a project",
}
# Body fields naming an object by id: the one the collection's example created.
BODY_IDS = {"scheme_id": "/v1/schemes"}
# Operations whose example is sent with a national key (no municipality of its own).
NATIONAL = {"ingest POST /v1/observations/partitions"}
ORDER = {"post": 0, "put": 1, "patch": 2, "delete": 3}


def _document(service: str) -> Doc:
    doc: Doc = json.loads((DOCS_DIR / f"{service}.json").read_text())
    return doc


def _examples(doc: Doc) -> list[tuple[str, str, dict[str, Any]]]:
    found = [
        (path, method, op)
        for path, method, op in operations(doc)
        if "example" in op.get("requestBody", {}).get("content", {}).get("application/json", {})
    ]

    def names_a_created_object(op: dict[str, Any]) -> bool:
        example = op["requestBody"]["content"]["application/json"]["example"]
        return isinstance(example, dict) and bool(BODY_IDS.keys() & example.keys())

    return sorted(
        found,
        key=lambda f: (f[0].count("/"), names_a_created_object(f[2]), f[0], ORDER.get(f[1], 9)),
    )


Created = dict[str, tuple[dict[str, Any], str | None]]


def _fill(path: str, created: Created) -> tuple[str, str | None] | None:
    """The path with each parameter naming the object its collection's example created (its
    `code` or `id`), and the municipality that object belongs to."""
    municipality = None
    filled = path
    for match in re.finditer(r"\{(\w+)\}", path):
        collection = path[: match.start() - 1]
        if collection not in created:
            return None
        body, municipality = created[collection]
        value = body["code"] if match.group(1) == "code" else body["id"]
        filled = filled.replace(match.group(0), str(value), 1)
    return filled, municipality


async def test_every_request_example_gets_a_documented_status_and_a_valid_body(
    client: MakeClient, make_key: MakeKey
) -> None:
    failures: list[str] = []
    replayed = 0
    keys: dict[str, str] = {}
    for service in SERVICES:
        doc = _document(service)
        created: Created = {}  # collection path → (the body it answered, municipality)
        for path, method, op in _examples(doc):
            label = f"{service} {method.upper()} {path}"
            if label in NOT_REPLAYED:
                continue
            filled = _fill(path, created)
            if filled is None:
                failures.append(f"{label}: no object to name (add its collection's example)")
                continue
            url, owner = filled
            body = dict(op["requestBody"]["content"]["application/json"]["example"])
            for field, collection in BODY_IDS.items():
                if field in body and collection in created:
                    body[field] = str(created[collection][0]["id"])
            municipality = owner or body.get("municipality_code") or "9990"
            if label in NATIONAL:
                municipality = None
            key = municipality or "national"
            if key not in keys:
                keys[key] = await make_key(municipality=municipality)
            http = client(service, keys[key])
            headers = {}
            if any(p["name"] == "If-Match" and p.get("required") for p in op["parameters"]):
                target = re.sub(r"/(versions|moves)$", "", url)
                headers["If-Match"] = (await http.get(target)).headers.get("etag", "")
            response = await http.request(method.upper(), url, json=body, headers=headers)
            replayed += 1
            documented = {s: r for s, r in op["responses"].items() if s.startswith("2")}
            status = str(response.status_code)
            if status not in documented:
                failures.append(f"{label}: {status} {response.text[:800]}")
                continue
            missing = [
                h for h in documented[status].get("headers", {}) if h not in response.headers
            ]
            if missing:
                failures.append(f"{label}: {status} without the documented {missing}")
            schema = documented[status].get("content", {}).get("application/json", {}).get("schema")
            if schema is not None:
                validator = jsonschema_rs.Draft202012Validator(
                    {**schema, "components": doc["components"]}, validate_formats=True
                )
                errors = [e.message for e in validator.iter_errors(response.json())][:3]
                if errors:
                    failures.append(f"{label}: body does not validate: {errors}")
                found = response.json()
                if method == "post" and isinstance(found, dict) and {"id", "code"} & found.keys():
                    created.setdefault(path, (found, municipality))
    assert failures == [], "\n".join(failures)
    assert replayed >= 30
