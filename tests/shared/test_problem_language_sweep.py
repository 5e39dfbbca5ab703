"""Every operation of every service, sent what the OpenAPI documents generate (its example
request, an empty body, a body with a field too many), without Accept-Language: each refusal
— the services' own (an example id that does not exist, a rule the example breaks) and
pydantic's — is Swedish, and English when asked for. The other sweeps (test_input_sweep,
test_strict_http, test_cross_tenant_writes) run the same check on their refusals."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from shared.settings import SERVICES, ServiceName
from tests.conftest import MakeKey
from tests.shared.problem_language import languages
from tests.shared.test_input_sweep import _http, _required_query, _service_ops, valid_body


@pytest.mark.parametrize("service", SERVICES)
async def test_every_refusal_of_every_operation_is_swedish_by_default_and_english_on_request(
    service: ServiceName, apps: dict[str, FastAPI], make_key: MakeKey
) -> None:
    failures: list[str] = []
    refused = 0
    async with _http(apps, service, await make_key()) as http:
        for op, components in _service_ops(apps, service):
            schema = op.json_schema(components)
            params = _required_query(op, components)
            bodies: list[tuple[str, Any]] = [("example", None)]
            if schema is not None:
                body = valid_body(op, schema, components)
                bodies = [("example", body), ("empty body", {})]
                if isinstance(body, dict):
                    bodies.append(("extra field", {**body, "not_a_field": 1}))
            for what, body in bodies:
                response = await http.request(
                    op.method, op.url(), params=params, json=body if schema else None
                )
                if response.status_code >= 400:
                    refused += 1
                failures += await languages(http, response, f"{op.name} ({what})")
    assert not failures, "\n".join(failures)
    assert refused > 0
