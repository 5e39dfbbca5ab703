"""Browser use: CORS from an allow-list and security headers on every response, errors included.

`wrap_for_browsers` wraps the whole middleware stack (outside Starlette's ServerErrorMiddleware)
so even a 500 carries the headers and CORS answer, and preflights are answered before rate
limits and authentication.
"""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.settings import Settings

JSON_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Swagger UI (only where docs are enabled) loads its script and style from the service itself
# (shared.app._serve_docs); only its start-up script is inline.
DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
ALLOWED_HEADERS = [
    "Authorization",
    "Content-Type",
    "Idempotency-Key",
    "If-Match",
    "If-None-Match",
    "Min-Data-Version",
    "X-Request-ID",
    "Accept-Language",
]
EXPOSED_HEADERS = [
    "X-Request-ID",
    "API-Version",
    "ETag",
    "Location",
    "Retry-After",
    "Link",
    "Deprecation",
    "Sunset",
]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, docs_path: str | None = "/docs") -> None:
        self.app = app
        self.docs_path = docs_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        docs = self.docs_path is not None and path.endswith(
            (self.docs_path, self.docs_path + "/oauth2-redirect")
        )
        csp = (DOCS_CSP if docs else JSON_CSP).encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in (*SECURITY_HEADERS, (b"content-security-policy", csp)):
                    if name not in present:
                        headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def wrap_for_browsers(app: ASGIApp, settings: Settings) -> ASGIApp:
    inner = app
    if settings.CORS_ALLOW_ORIGINS:
        inner = CORSMiddleware(
            inner,
            allow_origins=settings.CORS_ALLOW_ORIGINS,
            allow_credentials=settings.CORS_ALLOW_CREDENTIALS,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=ALLOWED_HEADERS,
            expose_headers=EXPOSED_HEADERS,
            max_age=settings.CORS_MAX_AGE_S,
        )
    return SecurityHeadersMiddleware(inner)
