"""The ingest service as its own process, with Kolada replaced at the HTTP boundary by the
local stand-in (services/ingest/kolada/fake.py) answering each request after a delay: for the
fault test that kills the process with SIGKILL in the middle of a sync.

    python -m tests.gateway.kolada_ingest PORT DELAY_S

Settings come from the environment, as for `kvn serve ingest`.
"""

from __future__ import annotations

import asyncio
import sys

import httpx
import uvicorn

from services.ingest.app import create_app
from services.ingest.kolada.fake import FakeKolada


def main() -> None:
    port, delay = int(sys.argv[1]), float(sys.argv[2])
    fake = FakeKolada()

    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(delay)
        return fake(request)

    app = create_app(kolada_transport=httpx.MockTransport(slow))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
