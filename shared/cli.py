"""`kvn`: the suite's command line (serve, run, migrate, scheduler, API keys, demo data,
file uploads)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import uuid
from typing import TYPE_CHECKING, TextIO

from shared.settings import SERVICES, get_settings

if TYPE_CHECKING:
    import httpx


def _database_url() -> str:
    url = get_settings().DATABASE_URL
    if not url:
        sys.exit("DATABASE_URL is not set (use `kvn run` for the embedded database)")
    return url


def cmd_migrate(args: argparse.Namespace) -> None:
    from shared.migrate import downgrade, upgrade

    if args.down:
        downgrade(_database_url(), args.revision or "base")
    else:
        upgrade(_database_url(), args.revision or "heads")
    print("migrations done")


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from shared.app import configure_process
    from shared.run import service_factory

    settings = get_settings()
    configure_process(settings)
    uvicorn.run(
        service_factory(args.service),
        factory=True,
        host=args.host,
        port=args.port,
        log_config=None,
        proxy_headers=True,
        forwarded_allow_ips="*",
        server_header=False,
        workers=args.workers,
    )


def cmd_run(_: argparse.Namespace) -> None:
    from shared.app import configure_process
    from shared.run import main

    configure_process(get_settings())
    main()


def cmd_scheduler(_: argparse.Namespace) -> None:
    from shared.app import configure_process
    from shared.scheduler import LeaderScheduler

    settings = get_settings()
    configure_process(settings)

    async def forever() -> None:
        scheduler = LeaderScheduler(settings, _database_url())
        await scheduler.start()
        try:
            await asyncio.Event().wait()
        finally:
            await scheduler.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(forever())


def cmd_apikey(args: argparse.Namespace) -> None:
    from shared.auth import create_api_key, revoke_api_key
    from shared.db import Database

    async def run() -> None:
        db = Database.from_settings(get_settings(), url=_database_url())
        try:
            async with db.unit_of_work() as session:
                if args.action == "create":
                    municipality = None if args.municipality in (None, "all") else args.municipality
                    if municipality is None and not args.national:
                        sys.exit("give --municipality NNNN, or --national for a key that sees all")
                    key = await create_api_key(
                        session,
                        name=args.name or "api key",
                        municipality_code=municipality,
                        scopes=args.scope,
                        cooperation=args.cooperation,
                    )
                    print(f"id:  {key.id}")
                    print(f"key: {key.token}")
                    print("The key is shown once; store it now.", file=sys.stderr)
                else:
                    if not await revoke_api_key(session, uuid.UUID(args.id)):
                        sys.exit(f"no active key {args.id}")
                    print(f"revoked {args.id}")
        finally:
            await db.dispose()

    try:
        asyncio.run(run())
    except ValueError as exc:
        sys.exit(str(exc))


def cmd_demo(_: argparse.Namespace) -> None:
    from shared.db import Database
    from shared.demo import load_demo

    async def run() -> bool:
        db = Database.from_settings(get_settings(), url=_database_url())
        try:
            async with db.unit_of_work() as session:
                return await load_demo(session)
        finally:
            await db.dispose()

    print("demo data loaded" if asyncio.run(run()) else "demo data already present")


def cmd_webhooks(_: argparse.Namespace) -> None:
    import httpx

    from shared.db import Database
    from shared.webhooks import deliver_pending, prune_settled

    async def run() -> str:
        settings = get_settings()
        db = Database.from_settings(settings, url=_database_url())
        try:
            async with httpx.AsyncClient() as http:
                report = await deliver_pending(db, http, settings=settings)
            pruned = await prune_settled(db, settings=settings)
        finally:
            await db.dispose()
        return (
            f"fanned out {report.fanned_out}, attempted {report.attempted}: "
            f"{report.delivered} delivered, {report.retrying} to retry, {report.failed} failed; "
            f"pruned {pruned} settled events"
        )

    print(asyncio.run(run()))


def upload_file(
    path: str,
    *,
    kind: str,
    key: str,
    url: str,
    municipality: str | None = None,
    mode: str = "insert",
    dry_run: bool = False,
    transport: httpx.BaseTransport | None = None,
    out: TextIO | None = None,
) -> int:
    """Stream a CSV/XLSX file to the ingest service with a progress bar; print the outcome.
    The Idempotency-Key is derived from the file's content, so running the same upload
    twice stores it once. Returns the exit status."""
    import hashlib
    from collections.abc import Iterator
    from pathlib import Path

    import httpx

    stream: TextIO = out if out is not None else sys.stderr
    file = Path(path)
    total = file.stat().st_size
    digest = hashlib.sha256()
    with file.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)

    def body() -> Iterator[bytes]:
        sent = 0
        with file.open("rb") as f:
            while block := f.read(1 << 20):
                sent += len(block)
                done = int(30 * sent / total) if total else 30
                percent = 100 * sent // total if total else 100
                print(
                    f"\r[{'#' * done}{'.' * (30 - done)}] {percent:3d}% {sent >> 20} MB",
                    end="",
                    file=stream,
                    flush=True,
                )
                yield block
        print(" sent; validating…", file=stream, flush=True)

    params = {"kind": kind, "mode": mode, "filename": file.name}
    if municipality:
        params["municipality_code"] = municipality
    if dry_run:
        params["dry_run"] = "true"
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    headers = {
        "Authorization": f"Bearer {key}",
        "Content-Type": media if file.suffix.lower() == ".xlsx" else "text/csv",
    }
    if not dry_run:
        headers["Idempotency-Key"] = f"kvn-upload-{kind}-{digest.hexdigest()[:40]}"
    with httpx.Client(transport=transport, timeout=httpx.Timeout(3600, connect=10)) as client:
        response = client.post(
            url.rstrip("/") + "/v1/uploads", params=params, content=body(), headers=headers
        )
    result = response.json() if response.content else {}
    if response.status_code in (200, 201):
        print(
            f"{'checked (dry run)' if dry_run else 'stored'}: {result.get('rows')} rows, "
            f"{result.get('created')} created, {result.get('revised')} revised, "
            f"{result.get('unchanged')} unchanged, {result.get('suppressed')} suppressed",
            file=stream,
        )
        return 0
    print(f"rejected ({response.status_code}): {result.get('detail')}", file=stream)
    for error in (result.get("errors") or [])[:50]:
        print(
            f"  row {error.get('row')}, {error.get('field')}: {error.get('message')} "
            f"(value: {error.get('value')})",
            file=stream,
        )
    return 1


def cmd_upload(args: argparse.Namespace) -> None:
    sys.exit(
        upload_file(
            args.file,
            kind=args.kind,
            key=args.key,
            url=args.url or get_settings().INGEST_URL,
            municipality=args.municipality,
            mode="revise" if args.revise else "insert",
            dry_run=args.dry_run,
        )
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kvn", description="Kvalitetsnavet command line")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("migrate", help="run the Alembic migrations (upgrade heads)")
    p.add_argument("--down", action="store_true", help="downgrade instead (to base by default)")
    p.add_argument("--revision")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("serve", help="serve one service with uvicorn")
    p.add_argument("service", choices=SERVICES)
    p.add_argument("--host", default="0.0.0.0")  # noqa: S104 - containers listen on all addresses
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("run", help="the embedded default: all services in one process")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("scheduler", help="run the scheduler (one leader among replicas)")
    p.set_defaults(func=cmd_scheduler)

    p = sub.add_parser("apikey", help="create or revoke API keys")
    keys = p.add_subparsers(dest="action", required=True)
    c = keys.add_parser("create", help="create a key; it is printed once")
    c.add_argument("--municipality", help="4-digit municipality code, or 'all'")
    c.add_argument("--national", action="store_true", help="a key that sees every municipality")
    c.add_argument("--scope", action="append", required=True, help="repeat for several scopes")
    c.add_argument("--name")
    c.add_argument(
        "--cooperation",
        action="append",
        metavar="NNNN",
        help="another municipality of the same cooperation this key may act on (repeat)",
    )
    r = keys.add_parser("revoke", help="revoke a key by id")
    r.add_argument("id")
    p.set_defaults(func=cmd_apikey)

    p = sub.add_parser("demo", help="load the demo data once")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("webhooks", help="webhook deliveries")
    hooks = p.add_subparsers(dest="action", required=True)
    hooks.add_parser("deliver", help="one delivery round now (the scheduler runs it every few s)")
    p.set_defaults(func=cmd_webhooks)
    p = sub.add_parser("upload", help="upload a CSV or XLSX file of local data to ingest")
    p.add_argument("file")
    p.add_argument(
        "--kind",
        required=True,
        choices=["survey", "continuity", "sick_leave", "incidents", "cases", "observations"],
    )
    p.add_argument("--key", required=True, help="an API key with ingest:write")
    p.add_argument("--municipality", help="4-digit code (a national key must name it)")
    p.add_argument("--url", help="the ingest service (default: INGEST_URL)")
    p.add_argument("--revise", action="store_true", help="replace stored final values")
    p.add_argument("--dry-run", action="store_true", help="validate only; store nothing")
    p.set_defaults(func=cmd_upload)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
