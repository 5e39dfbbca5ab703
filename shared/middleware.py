"""Pure ASGI middleware: request id, API version, metrics, access log, body size and rate
limits."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections import deque

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared import API_VERSION
from shared.errors import problem_response
from shared.i18n import accept_language_var, message
from shared.logging import request_id_var
from shared.metrics import LATENCY, REQUESTS

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")

access_log = logging.getLogger("kvn.access")


class RequestContextMiddleware:
    """Sets X-Request-ID (kept from the caller when well-formed) and API-Version; times requests
    and writes one access log line per request (`kvn.access`: method, route template, status,
    duration, request id, tenant and key id, never the credential). `metrics=False` (the
    `kvn run` parent, whose mounted services log for themselves) does neither."""

    def __init__(self, app: ASGIApp, *, service: str, metrics: bool = True) -> None:
        self.app = app
        self.service = service
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming, accept_language = "", None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
            elif name == b"accept-language":
                accept_language = value.decode("latin-1")
        state = scope.setdefault("state", {})
        # An outer instance (the `kvn run` parent app) may have chosen it already.
        request_id = state.get("request_id") or (
            incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        )
        state["request_id"] = request_id
        token = request_id_var.set(request_id)
        language_token = accept_language_var.set(accept_language)
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                # An error handler outside this middleware may have set them already.
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in (b"x-request-id", b"api-version")
                ]
                headers.append((b"x-request-id", request_id.encode()))
                headers.append((b"api-version", API_VERSION.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            if self.metrics:
                self._observe(scope, status, started, request_id)
            request_id_var.reset(token)
            accept_language_var.reset(language_token)

    def _observe(self, scope: Scope, status: int, started: float, request_id: str) -> None:
        elapsed = time.perf_counter() - started
        route = scope.get("route")
        template = getattr(route, "path", "unmatched")
        LATENCY.labels(self.service, scope["method"], template).observe(elapsed)
        REQUESTS.labels(self.service, scope["method"], template, str(status)).inc()
        if not access_log.isEnabledFor(logging.INFO):
            return
        # Set by shared.auth once the credential is checked; absent for anonymous requests.
        principal = scope.get("state", {}).get("principal")
        key_id = getattr(principal, "key_id", None)
        access_log.info(
            "request",
            extra={
                "service": self.service,
                "method": scope["method"],
                "route": template,
                "status": status,
                "duration_ms": round(elapsed * 1000, 2),
                "request_id": request_id,
                "tenant": getattr(principal, "municipality_code", None),
                "key_id": str(key_id) if key_id is not None else None,
            },
        )


class BodyLimitMiddleware:
    """Refuses bodies over the limit with 413, by Content-Length or while streaming.

    Paths ending in one of `upload_suffixes` get the larger upload limit.
    """

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, upload_bytes: int, upload_suffixes: tuple[str, ...]
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes
        self.upload_suffixes = upload_suffixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = self.upload_bytes if path.endswith(self.upload_suffixes) else self.max_bytes
        declared = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
                break
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._reject(scope, receive, send, limit)
            return
        seen = 0
        too_large = False

        async def limited_receive() -> Message:
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    too_large = True
                    raise _TooLarge
            return message

        response_started = False

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if too_large:
                # The app's answer to a cut-off body (a parse error) is replaced by the 413.
                return
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not too_large or response_started:
                raise
        if too_large and not response_started:
            await self._reject(scope, receive, send, limit)

    @staticmethod
    async def _reject(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        request = Request(scope, receive)
        response = problem_response(
            request,
            status=413,
            slug="payload-too-large",
            detail=message("problem.shared.body_too_large", limit=limit),
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


class RateLimitMiddleware:
    """A sliding one-minute window per credential (or client address) in this process.

    The gateway's limit_req is the first line; this keeps the embedded server honest too.
    """

    def __init__(self, app: ASGIApp, *, per_minute: int) -> None:
        self.app = app
        self.per_minute = per_minute
        self._hits: dict[str, deque[float]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.per_minute <= 0:
            await self.app(scope, receive, send)
            return
        key = self._key(scope)
        now = time.monotonic()
        window = self._hits.setdefault(key, deque())
        while window and window[0] <= now - 60:
            window.popleft()
        if len(window) >= self.per_minute:
            retry = max(1, int(60 - (now - window[0])) + 1)
            response = problem_response(
                Request(scope, receive),
                status=429,
                slug="too-many-requests",
                detail=message("problem.shared.rate_limited", per_minute=self.per_minute),
                headers={"Retry-After": str(retry)},
            )
            await response(scope, receive, send)
            return
        window.append(now)
        if len(self._hits) > 50_000:
            self._hits.clear()
        await self.app(scope, receive, send)

    @staticmethod
    def _key(scope: Scope) -> str:
        for name, value in scope["headers"]:
            if name == b"authorization":
                return str(value.decode("latin-1"))[-24:]
        client = scope.get("client")
        return str(client[0]) if client else "anonymous"
