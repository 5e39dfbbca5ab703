"""`kvn`: the suite's command line (serve, run, migrate, scheduler, API keys, demo data)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import uuid

from shared.settings import SERVICES, get_settings


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
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
