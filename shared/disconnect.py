"""A client that goes away cancels its request's work.

An ASGI server does not stop a handler when its client disconnects: an abandoned upload or
report would go on computing, and its database statement running, for minutes. Once the
request body has been read, `CancelOnDisconnectMiddleware` listens for `http.disconnect` and
cancels the handler's task; psycopg then cancels the statement in the server and the
session's transaction is rolled back, so nothing of the request is stored.
"""

from __future__ import annotations

import asyncio
import contextlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class CancelOnDisconnectMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body_read = asyncio.Event()
        gone = asyncio.Event()
        answered = False

        async def send_answer(message: Message) -> None:
            nonlocal answered
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                answered = True

        async def receive_body() -> Message:
            if body_read.is_set():
                # Only a disconnect can follow the body: the watcher below reads it.
                await gone.wait()
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.disconnect":
                gone.set()
            elif not message.get("more_body", False):
                body_read.set()
            return message

        async def watch() -> None:
            await body_read.wait()
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()
            if answered:
                # The server reports the end of an answered exchange as a disconnect too:
                # what the handler does after its answer (background work) goes on.
                await asyncio.Event().wait()

        handler = asyncio.ensure_future(self.app(scope, receive_body, send_answer))
        watcher = asyncio.ensure_future(watch())
        try:
            await asyncio.wait({handler, watcher}, return_when=asyncio.FIRST_COMPLETED)
            if not handler.done():
                handler.cancel()
        finally:
            watcher.cancel()
            if not handler.done():
                handler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        with contextlib.suppress(asyncio.CancelledError):
            await handler
