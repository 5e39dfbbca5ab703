"""The ingest service as its own process, with Kolada replaced at the HTTP boundary by the
local stand-in (services/ingest/kolada/fake.py), for the fault tests that kill the process
mid-sync or make Kolada misbehave.

    python -m tests.gateway.kolada_ingest PORT [--delay S] [--throttle-first]
                                               [--garbage KPI] [--slow KPI]

--delay: every answer comes after S seconds. --throttle-first: the first request of each
path is answered 429 with Retry-After: 1. --garbage KPI: listings starting with that KPI get
a malformed page. --slow KPI: listings starting with that KPI never answer in time (the
transport's read timeout, KOLADA_TIMEOUT_S, fires). Settings come from the environment, as
for `kvn serve ingest`.
"""

from __future__ import annotations

import argparse
import asyncio

import httpx
import uvicorn

from services.ingest.app import create_app
from services.ingest.kolada.fake import FakeKolada
from shared.settings import get_settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--throttle-first", action="store_true")
    parser.add_argument("--garbage")
    parser.add_argument("--slow")
    args = parser.parse_args()
    settings = get_settings()
    fake = FakeKolada()
    throttled: set[str] = set()

    async def answer(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(args.delay)
        path = request.url.path
        if args.throttle_first and path not in throttled:
            throttled.add(path)
            return httpx.Response(429, headers={"Retry-After": "1"}, json={"detail": "slow down"})
        if args.garbage and f"/kpi/{args.garbage}," in path:
            return httpx.Response(200, json={"count": 1, "values": [{"kpi": 7, "period": "x"}]})
        if args.slow and f"/kpi/{args.slow}," in path:
            await asyncio.sleep(settings.KOLADA_TIMEOUT_S)
            raise httpx.ReadTimeout("the Kolada stand-in did not answer", request=request)
        return fake(request)

    app = create_app(settings, kolada_transport=httpx.MockTransport(answer))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
