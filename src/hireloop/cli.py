"""The ``hireloop`` command: serve, migrate, seed, create-user."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from hireloop import migrate
from hireloop.auth.models import UserRole
from hireloop.auth.schemas import UserCreate
from hireloop.config import Settings, get_settings
from hireloop.db import create_engine, create_sessionmaker
from hireloop.errors import DomainError

T = TypeVar("T")


def _run_in_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def runner() -> T:
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(runner())


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    migrate.upgrade(settings.resolved_database_url)
    print("Database is at the latest schema.")
    return 0


def cmd_seed(settings: Settings, args: argparse.Namespace, *, only_if_empty: bool = False) -> int:
    from hireloop.jobs.seed import count_postings, seed_postings

    synthetic = getattr(args, "synthetic", None)
    if synthetic:
        from hireloop.jobs.synthetic import seed_synthetic

        async def bulk(session: AsyncSession) -> int:
            return await seed_synthetic(session, synthetic)

        print(f"Seeded {_run_in_session(settings, bulk)} synthetic job postings.")
        return 0

    async def work(session: AsyncSession) -> tuple[int, int] | None:
        if only_if_empty and await count_postings(session) > 0:
            return None
        return await seed_postings(session)

    result = _run_in_session(settings, work)
    if result is not None:
        added, present = result
        print(f"Seeded job postings: {added} added, {present} already present.")
    return 0


def cmd_create_user(settings: Settings, args: argparse.Namespace) -> int:
    from hireloop.auth.service import register_user

    password = args.password or os.environ.get("HIRELOOP_NEW_USER_PASSWORD")
    if password is None and args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    if password is None:
        if not sys.stdin.isatty():
            print("error: give --password, --password-stdin or HIRELOOP_NEW_USER_PASSWORD")
            return 2
        password = getpass.getpass("Password: ")
    data = UserCreate(email=args.email, password=password, full_name=args.name)

    async def work(session: AsyncSession) -> str:
        user = await register_user(session, data, role=UserRole(args.role))
        return f"Created {user.role.value} {user.email} ({user.id})."

    try:
        print(_run_in_session(settings, work))
    except DomainError as exc:
        print(f"error: {exc.detail}")
        return 1
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    cmd_migrate(settings, args)
    cmd_seed(settings, args, only_if_empty=True)
    print(f"Hireloop on http://{args.host}:{args.port} (API docs at /docs)")
    uvicorn.run(
        "hireloop.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="warning",
        proxy_headers=True,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hireloop", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate, seed an empty database, and serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(handler=cmd_serve)

    commands.add_parser("migrate", help="apply database migrations").set_defaults(
        handler=cmd_migrate
    )
    seed = commands.add_parser("seed", help="load the demo job postings (idempotent)")
    seed.add_argument(
        "--synthetic",
        type=int,
        metavar="N",
        help="instead, generate N synthetic postings (load tests, benchmarks)",
    )
    seed.set_defaults(handler=cmd_seed)

    create_user = commands.add_parser("create-user", help="create a user (e.g. a recruiter)")
    create_user.add_argument("--email", required=True)
    create_user.add_argument("--name", required=True)
    create_user.add_argument("--role", choices=[r.value for r in UserRole], default="candidate")
    create_user.add_argument("--password")
    create_user.add_argument("--password-stdin", action="store_true")
    create_user.set_defaults(handler=cmd_create_user)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = get_settings()
    handler: Callable[[Settings, argparse.Namespace], int] = args.handler
    return handler(settings, args)


if __name__ == "__main__":
    raise SystemExit(main())
