"""The base of the typed HTTP clients for service-to-service calls.

Timeouts come from settings; the caller's request id is forwarded; idempotent calls (GET)
are retried on connection errors and 502/503/504 with backoff. A peer's problem+json 4xx
is passed on with its status; a peer that cannot be reached becomes 503, a broken answer 502.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from shared.errors import AppError, FieldError, Unavailable, Upstream
from shared.i18n import accept_language_var, message
from shared.logging import request_id_var
from shared.settings import ServiceName, Settings

logger = logging.getLogger("kvn.clients")
ModelT = TypeVar("ModelT", bound=BaseModel)
_RETRY_STATUS = {502, 503, 504}
_IDEMPOTENT = {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}


class PeerError(AppError):
    """A peer's 4xx, passed on with the peer's status and detail."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(errors=[FieldError.model_validate(e) for e in body.get("errors") or []])
        self.detail = body.get("detail") or body.get("title")
        self.status = status
        self.title = str(body.get("title") or "Error from a peer service")
        self.slug = "peer-error"


class ServiceClient:
    service: ServiceName

    def __init__(self, http: httpx.AsyncClient, settings: Settings) -> None:
        self.http = http
        self.base_url = settings.service_url(self.service).rstrip("/")
        self.retries = settings.HTTP_RETRIES

    async def request(
        self,
        method: str,
        path: str,
        *,
        token: str,
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        request_id = request_id_var.get()
        if request_id:
            headers["X-Request-ID"] = request_id
        if accept_language := accept_language_var.get():
            headers["Accept-Language"] = accept_language
        attempts = 1 + (self.retries if method.upper() in _IDEMPOTENT else 0)
        url = f"{self.base_url}{path}"
        for attempt in range(attempts):
            try:
                response = await self.http.request(
                    method, url, params=params, json=json, headers=headers
                )
            except (httpx.TransportError, OSError) as exc:
                if attempt + 1 < attempts:
                    await asyncio.sleep(0.1 * 2**attempt)
                    continue
                logger.warning("peer unreachable", extra={"peer": self.service, "error": str(exc)})
                raise Unavailable(
                    message("problem.shared.service_reached", service=self.service)
                ) from exc
            if response.status_code in _RETRY_STATUS and attempt + 1 < attempts:
                await asyncio.sleep(0.1 * 2**attempt)
                continue
            return self._check(response)
        raise AssertionError("unreachable")

    def _check(self, response: httpx.Response) -> httpx.Response:
        if response.status_code < 400:
            return response
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        if 400 <= response.status_code < 500:
            raise PeerError(response.status_code, body)
        if response.status_code in _RETRY_STATUS:
            raise Unavailable(
                message(
                    "problem.shared.service_unavailable",
                    service=self.service,
                    status_code=response.status_code,
                )
            )
        raise Upstream(
            message(
                "problem.shared.service_failed",
                service=self.service,
                status_code=response.status_code,
            )
        )

    async def get_model(
        self, path: str, model: type[ModelT], *, token: str, params: dict[str, Any] | None = None
    ) -> ModelT:
        response = await self.request("GET", path, token=token, params=params)
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            raise Upstream(
                message("problem.shared.service_sent_answer_wrong_shape", service=self.service)
            ) from exc
