"""Client for the ingest service's JSON batch endpoint: the one door for every number."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

from shared.clients.base import ServiceClient
from shared.errors import Unavailable, Upstream
from shared.logging import request_id_var
from shared.settings import ServiceName

logger = logging.getLogger("kvn.clients")


class IngestClient(ServiceClient):
    service: ServiceName = "ingest"

    async def post_batch(
        self, payload: dict[str, Any], *, token: str, idempotency_key: str | None
    ) -> dict[str, Any]:
        """POST /v1/batches. With an Idempotency-Key the call is retried on connection errors
        and 502/503/504 (ingest replays the stored answer, so nothing is doubled); without
        one it is sent once. A 4xx from ingest is passed on with its status and errors."""
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        request_id = request_id_var.get()
        if request_id:
            headers["X-Request-ID"] = request_id
        attempts = 1 + (self.retries if idempotency_key else 0)
        for attempt in range(attempts):
            try:
                response = await self.http.post(
                    f"{self.base_url}/v1/batches", json=payload, headers=headers
                )
            except (httpx.TransportError, OSError) as exc:
                if attempt + 1 < attempts:
                    await asyncio.sleep(0.1 * 2**attempt)
                    continue
                logger.warning("peer unreachable", extra={"peer": self.service, "error": str(exc)})
                raise Unavailable("The ingest service cannot be reached") from exc
            if response.status_code in {502, 503, 504} and attempt + 1 < attempts:
                await asyncio.sleep(0.1 * 2**attempt)
                continue
            self._check(response)
            try:
                body = response.json()
            except ValueError as exc:
                raise Upstream("The ingest service sent an answer that is not JSON") from exc
            if not isinstance(body, dict):
                raise Upstream("The ingest service sent an answer of the wrong shape")
            return body
        raise AssertionError("unreachable")
