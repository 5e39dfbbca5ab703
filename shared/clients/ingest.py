"""Client for the ingest service: other services post local observations as a JSON batch."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from pydantic import ValidationError

from shared.clients.base import ServiceClient
from shared.contracts.ingest import BatchResult
from shared.errors import Unavailable, Upstream
from shared.i18n import accept_language_var, message
from shared.logging import request_id_var
from shared.settings import ServiceName


class IngestClient(ServiceClient):
    service: ServiceName = "ingest"

    async def post_batch(
        self, batch_dict: dict[str, Any], token: str, idempotency_key: str | None = None
    ) -> BatchResult:
        """Store a batch (see POST /v1/batches). With an Idempotency-Key the call is retried
        on a lost connection or 502/503/504, and a retry never stores twice; a 4xx (a rejected
        batch: nothing stored) is raised as a PeerError with ingest's located errors."""
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        request_id = request_id_var.get()
        if request_id:
            headers["X-Request-ID"] = request_id
        if accept_language := accept_language_var.get():
            headers["Accept-Language"] = accept_language
        attempts = 1 + (self.retries if idempotency_key else 0)
        for attempt in range(attempts):
            try:
                response = await self.http.post(
                    f"{self.base_url}/v1/batches", json=batch_dict, headers=headers
                )
            except (httpx.TransportError, OSError) as exc:
                if attempt + 1 < attempts:
                    await asyncio.sleep(0.1 * 2**attempt)
                    continue
                raise Unavailable(message("problem.shared.ingest_service_reached")) from exc
            # 409: the first attempt is still in flight; wait and ask again (it will replay).
            if response.status_code in {409, 502, 503, 504} and attempt + 1 < attempts:
                await asyncio.sleep(0.1 * 2**attempt)
                continue
            checked = self._check(response)
            try:
                return BatchResult.model_validate_json(checked.content)
            except ValidationError as exc:
                raise Upstream(message("problem.shared.ingest_service_sent_batch_result")) from exc
        raise AssertionError("unreachable")
