"""Links as the caller sees them. A service answers under a public prefix (`/api/<service>`:
the gateway strips it, `kvn serve` and `kvn run` pass it as the ASGI root_path; a proxy may send
X-Forwarded-Prefix when it runs without one), while handlers name their paths without it (`/v1/...`).

`PublicUrlMiddleware` puts the prefix in front of every `Location` and `Content-Location`
that names a path of the service, and `public_path()` gives body links the same prefix, so
a client following either through the gateway reaches the resource.
"""

from __future__ import annotations

from contextvars import ContextVar

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_PREFIX: ContextVar[str] = ContextVar("public_prefix", default="")
LINK_HEADERS = ("location", "content-location")


def public_path(path: str) -> str:
    """`path` (`/v1/...`) as the current request's caller reaches it."""
    prefix = _PREFIX.get()
    return prefix + path if path.startswith("/") and not path.startswith(prefix + "/") else path


def prefix_of(scope: Scope) -> str:
    """The root_path the server was started with, else a proxy's X-Forwarded-Prefix."""
    root = str(scope.get("root_path", "")).rstrip("/")
    if root:
        return root
    forwarded = Headers(scope=scope).get("x-forwarded-prefix", "").strip().rstrip("/")
    return forwarded if forwarded.startswith("/") and "//" not in forwarded else ""


class PublicUrlMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        prefix = prefix_of(scope)
        token = _PREFIX.set(prefix)

        async def send_public(message: Message) -> None:
            if prefix and message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name in LINK_HEADERS:
                    value = headers.get(name)
                    if value and value.startswith("/") and not value.startswith(prefix + "/"):
                        headers[name] = prefix + value
            await send(message)

        try:
            await self.app(scope, receive, send_public)
        finally:
            _PREFIX.reset(token)
