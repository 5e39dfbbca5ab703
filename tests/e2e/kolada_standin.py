"""Kolada's v3 API as a local HTTPS server: services/ingest/kolada/fake.py's answers (the
real v3 format, paging with next_url, from_date, 25 ids per segment) served by uvicorn with a
certificate from tests/e2e/tls.py, so an ingest process reaches it as it reaches Kolada.

    python -m tests.e2e.kolada_standin --host NAME [--bind ADDRESS] --port PORT
                                       --cert PEM --key PEM [--ous FILE.json]

GET /_served answers what was served so far: every distinct value (kpi, municipality or OU,
year, gender) that was not a deletion, split into municipality and OU values, and the
catalogue lists in full (kpi, municipality, municipality_groups).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services.ingest.kolada.fake import FakeKolada


class Served:
    def __init__(self) -> None:
        self.values: set[tuple[str, str, str, int, str]] = set()
        self.catalogue: dict[str, int] = {}

    def note(self, path: str, body: dict[str, Any], fake: FakeKolada) -> None:
        name = path.removeprefix("/v3/")
        if name in ("kpi", "municipality", "municipality_groups"):
            self.catalogue[name] = len(fake.catalogue(name))
            return
        for row in body.get("values", []):
            where_key = "ou" if "ou" in row else "municipality"
            for value in row.get("values", []):
                if not value.get("isdeleted") and value.get("value") is not None:
                    key = (where_key, row["kpi"], row[where_key], row["period"], value["gender"])
                    self.values.add(key)

    def summary(self) -> dict[str, Any]:
        return {
            "municipality_values": sum(1 for v in self.values if v[0] == "municipality"),
            "ou_values": sum(1 for v in self.values if v[0] == "ou"),
            "catalogue": self.catalogue,
        }


def build(fake: FakeKolada) -> Starlette:
    served = Served()

    async def answer(request: Request) -> Response:
        upstream = httpx.Request("GET", str(request.url))
        response = fake(upstream)
        if response.status_code == 200 and request.url.path.startswith("/v3/"):
            served.note(request.url.path, response.json(), fake)
        return Response(
            response.content, status_code=response.status_code, media_type="application/json"
        )

    async def summary(_: Request) -> Response:
        return JSONResponse(served.summary())

    return Starlette(
        routes=[Route("/_served", summary), Route("/v3/{path:path}", answer)],
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True, help="the name clients use")
    parser.add_argument("--bind", default="127.0.0.1", help="the address to listen on")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--ous", help="JSON: municipality code → the OUs /v3/ou lists for it")
    args = parser.parse_args()
    ous = json.loads(Path(args.ous).read_text()) if args.ous else {}
    fake = FakeKolada(base=f"https://{args.host}:{args.port}/v3", ous=ous)
    uvicorn.run(
        build(fake),
        host=args.bind,
        port=args.port,
        ssl_certfile=args.cert,
        ssl_keyfile=args.key,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
