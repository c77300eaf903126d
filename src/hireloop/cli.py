"""The ``hireloop`` command: serve, migrate, seed, sweep, worker, purge, create-user, settings.

Every error an operator can cause (a bad option, an invalid setting, an unreachable
database, a duplicate user) ends the command with one line on stderr and exit code 2,
never a traceback, and never a secret it was given.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import socket
import sys
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, NoReturn, TypeVar

from pydantic import SecretStr, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.config import Settings, get_settings

T = TypeVar("T")
EXIT_ERROR = 2
NEW_USER_PASSWORD_ENV = "HIRELOOP_NEW_USER_PASSWORD"


class CliError(Exception):
    """A problem the operator can fix: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line that points at ``--help``."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class _HelpFormatter(argparse.HelpFormatter):
    """Every option's help ends with its default (or says it is required)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if not action.option_strings or "%(default)" in text:
            return text
        if action.required:
            return f"{text} (required)"
        if action.default not in (None, False, argparse.SUPPRESS):
            return f"{text} (default: %(default)s)"
        return text


def _run_in_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    from hireloop.db import create_engine, create_sessionmaker

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
    from hireloop import migrate

    migrate.upgrade(settings.resolved_database_url)
    print("Database is at the latest schema.", flush=True)
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
        print(f"Seeded job postings: {added} added, {present} already present.", flush=True)
    return 0


# Where each field of UserCreate comes from on the command line.
_USER_OPTIONS = {"email": "--email", "password": "--password", "full_name": "--name"}


def _new_user_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CliError("--password-stdin: standard input held no password")
        return password
    password = args.password or os.environ.get(NEW_USER_PASSWORD_ENV)
    if password:
        return str(password)
    if not sys.stdin.isatty():
        raise CliError(f"give --password, --password-stdin or {NEW_USER_PASSWORD_ENV}")
    return getpass.getpass("Password: ")


def _user_input_problem(exc: ValidationError) -> str:
    """The validation errors, worded without the values (one of them is a password)."""
    problems = []
    for error in exc.errors(include_input=False, include_url=False):
        field = str(error["loc"][0]) if error["loc"] else "password"  # model rules: password
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.append(f"{_USER_OPTIONS.get(field, field)}: {message}")
    return "; ".join(problems)


def cmd_sweep(settings: Settings, _args: argparse.Namespace) -> int:
    from hireloop.db import utcnow
    from hireloop.interviews.service import sweep_idle_interviews

    swept = _run_in_session(
        settings, lambda session: sweep_idle_interviews(session, settings, utcnow())
    )
    print(
        f"{swept} idle interview{'' if swept == 1 else 's'} marked abandoned "
        f"(no answer for {settings.idle_abandon_minutes} minutes).",
        flush=True,
    )
    return 0


def cmd_purge(settings: Settings, args: argparse.Namespace) -> int:
    from hireloop import models  # noqa: F401  (every mapper, for the ORM to configure)
    from hireloop.db import utcnow
    from hireloop.privacy.retention import purge, retention_summary

    print(retention_summary(settings), flush=True)
    plan = _run_in_session(
        settings, lambda session: purge(session, settings, utcnow(), dry_run=args.dry_run)
    )
    for line in plan.lines():
        print(f"  {'would delete' if args.dry_run else 'deleted'} {line}")
    print(plan.outcome(dry_run=args.dry_run), flush=True)
    return 0


def cmd_create_user(settings: Settings, args: argparse.Namespace) -> int:
    from hireloop.auth.models import UserRole
    from hireloop.auth.schemas import UserCreate
    from hireloop.auth.service import register_user
    from hireloop.errors import DomainError

    password = _new_user_password(args)
    args.secrets.append(password)
    try:
        data = UserCreate(email=args.email, password=password, full_name=args.name)
    except ValidationError as exc:
        raise CliError(_user_input_problem(exc)) from None

    async def work(session: AsyncSession) -> str:
        user = await register_user(session, data, role=UserRole(args.role))
        return f"Created {user.role.value} {user.email} ({user.id})."

    try:
        print(_run_in_session(settings, work))
    except DomainError as exc:
        raise CliError(exc.detail) from None
    return 0


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not 1-65535 (or 0 for any free port)")
    return port


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def listen_socket(host: str, port: int) -> socket.socket:
    """Binds host:port (port 0: a free one) before anything else, so a taken port fails
    at once and the address printed is the one really bound."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise CliError(f"--host {host}: {exc.strerror}") from None
    # Prefer IPv4 for names that resolve both ways, as uvicorn does.
    family, kind, proto, _, address = min(found, key=lambda info: info[0] != socket.AF_INET)
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise CliError(f"cannot listen on {host} port {port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    return sock


def bound_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if sock.family == socket.AF_INET6 else f"http://{host}:{port}"


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    sock = listen_socket(args.host, args.port)
    cmd_migrate(settings, args)
    cmd_seed(settings, args, only_if_empty=True)
    _, port = sock.getsockname()[:2]
    config = uvicorn.Config(
        "hireloop.main:create_app",
        factory=True,
        host=args.host,
        port=port,
        workers=args.workers,
        log_level="warning",
        # The app decides which forwarded headers to believe (HIRELOOP_TRUSTED_PROXIES);
        # uvicorn's own handling would believe any from 127.0.0.1 before the app sees them.
        proxy_headers=False,
    )
    print(f"Hireloop on {bound_url(sock)} (API docs at /docs)", flush=True)
    try:
        if args.workers > 1:
            Multiprocess(config, sockets=[sock]).run()
        else:
            uvicorn.Server(config).run(sockets=[sock])
    except SystemExit as exc:  # uvicorn's way of reporting a failed start-up
        if exc.code not in (0, None):
            raise CliError("the server did not start (its log above says why)") from None
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    return 0


def cmd_settings(_settings: Settings | None, args: argparse.Namespace) -> int:
    from hireloop import settings_doc

    if args.markdown:
        print(settings_doc.markdown_table(args.group), end="")
        return 0
    for name, value in settings_doc.current_values(get_settings(), args.group):
        print(f"{name}={value}")
    return 0


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    from hireloop.outbox.worker import run_worker

    print(
        "Delivering outbox messages (webhooks, emails)"
        + (" until none is due." if args.once else "; stop with Ctrl-C or SIGTERM."),
        flush=True,
    )
    attempted = asyncio.run(run_worker(settings, once=args.once))
    print(f"{attempted} delivery attempt{'' if attempted == 1 else 's'} made.", flush=True)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from hireloop.auth.models import UserRole
    from hireloop.settings_doc import GROUPS

    parser = _Parser(
        prog="hireloop",
        description="Self-hostable, job-driven adaptive interviews. "
        "'hireloop COMMAND --help' shows a command's options and their defaults. "
        "Errors are one line on stderr, with exit code 2.",
        formatter_class=_HelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, description: str | None = None) -> _Parser:
        sub: _Parser = commands.add_parser(
            name, help=summary, description=description or summary, formatter_class=_HelpFormatter
        )
        return sub

    serve = command(
        "serve",
        "migrate, seed demo jobs into an empty database, and serve the UI and API",
        "Migrate, seed demo jobs into an empty database, then serve the pages and the API. "
        "Prints the address actually bound (with --port 0, the port the system chose).",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument(
        "--port", type=_port, default=8000, help="TCP port, 1-65535; 0 picks a free port"
    )
    serve.add_argument(
        "--workers", type=_positive, default=1, help="server processes sharing the port"
    )
    serve.set_defaults(handler=cmd_serve)

    command("migrate", "apply the database migrations").set_defaults(handler=cmd_migrate)

    command(
        "sweep",
        "mark interviews left without an answer past the idle limit abandoned",
        "Mark interviews left without an answer for HIRELOOP_IDLE_ABANDON_MINUTES abandoned. "
        "The server does this every HIRELOOP_IDLE_SWEEP_SECONDS; with that set to 0, run "
        "this from cron instead.",
    ).set_defaults(handler=cmd_sweep)

    worker = command(
        "worker",
        "deliver outbox messages (webhooks, emails) in this process",
        "Deliver the outbox's messages: webhooks and emails, with retries. The server does "
        "this itself unless HIRELOOP_OUTBOX_WORKER_IN_SERVER=false; run several of these for "
        "larger deployments (on PostgreSQL they never take the same message).",
    )
    worker.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    worker.set_defaults(handler=cmd_worker)

    purge = command(
        "purge",
        "delete what the retention settings no longer allow to keep",
        "Delete the transcripts and resumes of closed applications that are older than "
        "HIRELOOP_RETENTION_TRANSCRIPT_DAYS / HIRELOOP_RETENTION_RESUME_DAYS (unset: kept). "
        "A second run finds nothing more. The server runs this every "
        "HIRELOOP_PURGE_INTERVAL_HOURS when a retention setting is set.",
    )
    purge.add_argument(
        "--dry-run", action="store_true", help="only list what would be deleted; change nothing"
    )
    purge.set_defaults(handler=cmd_purge)

    seed = command("seed", "load the demo job postings (a second run adds nothing)")
    seed.add_argument(
        "--synthetic",
        type=_positive,
        metavar="N",
        help="instead, generate N synthetic postings (load tests, benchmarks)",
    )
    seed.set_defaults(handler=cmd_seed)

    create_user = command(
        "create-user",
        "create a user (e.g. a recruiter or an admin)",
        "Create a user. The password is read from standard input (--password-stdin), "
        f"else taken from --password or ${NEW_USER_PASSWORD_ENV}, else asked for.",
    )
    create_user.add_argument("--email", required=True, help="the user's email address")
    create_user.add_argument("--name", required=True, help="the user's full name")
    create_user.add_argument(
        "--role",
        choices=[r.value for r in UserRole],
        default="candidate",
        help="the account's role",
    )
    create_user.add_argument(
        "--password", help="the password (other local users can see it; prefer the other ways)"
    )
    create_user.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    create_user.set_defaults(handler=cmd_create_user)

    settings = command(
        "settings",
        "show the settings in effect (secrets masked), or document them all",
    )
    settings.add_argument(
        "--markdown", action="store_true", help="print the reference table (as in the README)"
    )
    settings.add_argument(
        "--group",
        choices=GROUPS,
        help="only this group: ai (the language model's settings) or core (the rest)",
    )
    settings.set_defaults(handler=cmd_settings, needs_settings=False)
    return parser


def _settings_problem(exc: ValidationError) -> str:
    from hireloop.settings_doc import env_name

    problems = []
    for error in exc.errors(include_input=False, include_url=False):
        name = str(error["loc"][0]) if error["loc"] else ""
        field = Settings.model_fields.get(name)
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.append(f"{env_name(name, field)}: {message}" if field is not None else message)
    return "invalid configuration: " + "; ".join(problems)


def _database_problem(exc: BaseException, settings: Settings | None) -> str | None:
    """Database errors worded from the driver's message, never the SQL or its values."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

    if not isinstance(exc, SQLAlchemyError | ConnectionError | TimeoutError | socket.gaierror):
        return None
    if isinstance(exc, ArgumentError) and "URL" in str(exc):
        return "DATABASE_URL is not a database URL (e.g. postgresql://user@host:5432/hireloop)"
    where = ""
    if settings is not None:
        try:
            url = make_url(settings.resolved_database_url)
            where = f" at {url.render_as_string(hide_password=True)}"
        except ArgumentError:
            pass
    cause: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig else exc
    detail = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    return f"database{where}: {detail}"


def _secrets(settings: Settings | None, extra: Iterable[str]) -> list[str]:
    """Every secret the command knows of: given passwords, secret settings, URL passwords."""
    from urllib.parse import urlsplit

    found = [value for value in extra if value]
    if settings is not None:
        for value in settings.__dict__.values():
            if isinstance(value, SecretStr) and value.get_secret_value():
                found.append(value.get_secret_value())
        for url in (settings.database_url, settings.redis_url):
            try:
                password = urlsplit(url).password if url else None
            except ValueError:
                password = None
            if password:
                found.append(password)
    return found


def _redact(text: str, secrets: Iterable[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.secrets = [args.password] if getattr(args, "password", None) else []
    prog = f"hireloop {args.command}"
    handler: Callable[[Any, argparse.Namespace], int] = args.handler
    settings: Settings | None = None
    try:
        if getattr(args, "needs_settings", True):
            settings = get_settings()
        return handler(settings, args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `hireloop settings | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if isinstance(exc, CliError):
            message = str(exc)
        elif isinstance(exc, ValidationError) and exc.title == Settings.__name__:
            message = _settings_problem(exc)
        else:
            message = _database_problem(exc, settings) or (
                f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}"
            )
        print(
            f"{prog}: error: {_redact(message, _secrets(settings, args.secrets))}", file=sys.stderr
        )
        return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
