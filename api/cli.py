"""The mentormatch command: serve the API, run workers, migrate, seed, issue tokens, run the demo, check the
rules over the whole database.

Settings come from the environment (DATABASE_URL, REDIS_URL, MENTORMATCH_ENV, ...; see the README).
Every command fails fast with one line naming the service and what to do when a configured service is
missing or unreachable; the exit status is then 2.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import sys
import tempfile
from typing import Any

from domain.errors import DomainError
from infra import connections
from infra.settings import Settings, SettingsError


def _migrate(settings: Settings) -> int:
    async def run() -> None:
        await connections.connect_database(settings)
        try:
            applied = await connections.migrate()
            print(f"migrations applied: {', '.join(applied) or 'none pending'}")
        finally:
            await connections.disconnect()

    asyncio.run(run())
    return 0


def _seed(settings: Settings, args: argparse.Namespace) -> int:
    from domain.models import Path
    from domain.seed import seed

    async def run() -> None:
        await connections.connect_database(settings)
        try:
            await connections.migrate()
            if await Path.exists():
                print("the database has data already; seed skipped (use an empty database)")
                return
            summary = await seed(
                students=args.students, mentors=args.mentors, seed_number=args.seed, rates=settings.rates
            )
            print(f"seeded: {summary}")
        finally:
            await connections.disconnect()

    asyncio.run(run())
    return 0


def _demo_tokens(settings: Settings) -> int:
    """Print a bearer token per role (staff, a mentor with students, one of their students)."""
    from datetime import timedelta

    from domain.enums import Role
    from domain.models import Mentorship
    from domain.services.tokens import issue_token

    async def run() -> None:
        await connections.connect_database(settings)
        try:
            pair = await Mentorship.filter(ended_on__isnull=True).order_by("mentor_id").first()
            week = timedelta(days=7)
            staff, _ = await issue_token(Role.STAFF, ttl=week, label="demo")
            print("demo tokens (valid 7 days; send as 'Authorization: Bearer <token>'):")
            print(f"  staff:              {staff}")
            if pair is not None:
                mentor, _ = await issue_token(Role.MENTOR, mentor_id=pair.mentor_id, ttl=week, label="demo")
                student, _ = await issue_token(
                    Role.STUDENT, student_id=pair.student_id, ttl=week, label="demo"
                )
                print(f"  mentor {pair.mentor_id:<11} {mentor}")
                print(f"  student {pair.student_id:<10} {student}")
        finally:
            await connections.disconnect()

    asyncio.run(run())
    return 0


def _token(settings: Settings, args: argparse.Namespace) -> int:
    """Issue a token (printed once on stdout; its id on stderr), or revoke one by id."""
    from datetime import timedelta

    from domain.enums import Role
    from domain.services.tokens import issue_token, revoke_token

    async def run() -> None:
        await connections.open_migrated(settings)
        try:
            if args.action == "revoke":
                row = await revoke_token(args.token_id)
                print(f"token {row.id} revoked at {row.revoked_at:%Y-%m-%d %H:%M:%S} UTC")
                return
            role = Role(args.role)
            token, row = await issue_token(
                role,
                mentor_id=args.id if role is Role.MENTOR else None,
                student_id=args.id if role is Role.STUDENT else None,
                ttl=timedelta(days=args.days),
                label=args.label,
            )
            print(token)
            print(f"token id {row.id} (revoke: mentormatch token revoke {row.id})", file=sys.stderr)
        finally:
            await connections.disconnect()

    asyncio.run(run())
    return 0


def _check_token_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse contradictory token options by name (argparse prints the line and exits 2)."""
    if args.action == "revoke":
        if args.token_id is None:
            parser.error("token revoke needs the token's id (printed when it was issued; viewer { tokenId })")
        return
    if args.token_id is not None:
        parser.error(f"unexpected {args.token_id}: only `token revoke ID` takes an id")
    if args.role is None:
        parser.error("argument --role: required to issue a token (staff, mentor or student)")
    if args.role == "staff" and args.id is not None:
        parser.error("argument --id: a staff token names no one; leave --id out with --role staff")
    if args.role != "staff" and args.id is None:
        parser.error(f"argument --id: --role {args.role} needs the {args.role}'s id")


def _check(settings: Settings, args: argparse.Namespace) -> int:
    """Every invariant over the whole database: counts by invariant; exit 1 when any is violated."""
    import time
    from datetime import date

    from domain.invariants import check_all, format_report

    async def run() -> int:
        await connections.connect_database(settings)
        try:
            started = time.perf_counter()
            today = date.fromisoformat(args.today) if args.today else None
            report = await check_all(today=today, rates=settings.rates)
            print(format_report(report, examples=args.examples))
            print(f"checked in {time.perf_counter() - started:.1f} s")
            return 1 if report.total else 0
        finally:
            await connections.disconnect()

    return asyncio.run(run())


def app_from_env() -> Any:
    """The app of one ``serve --workers N`` process: each worker process reads the settings itself."""
    from api.app import create_app

    return create_app(Settings.from_env())


def _serve(settings: Settings, workers: int = 1) -> int:
    import uvicorn

    from api.app import create_app
    from infra.logs import uvicorn_log_config

    if workers > 1 and not settings.uses_redis:
        # Jobs and live events stay inside one process without Redis: a second process would neither run
        # the first one's jobs nor tell its subscribers.
        print("mentormatch: --workers above 1 needs REDIS_URL", file=sys.stderr)
        return 2
    asyncio.run(connections.preflight(settings))  # one line, not a lifespan traceback, when not ready
    if settings.is_development:
        print(f"GraphiQL: http://{settings.host}:{settings.port}/graphql", flush=True)
        print(f"messages (notifications): {__import__('jobs.mail').mail.MailSettings.from_env().describe()}")
    from api.transport import server_options

    common: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        "log_config": uvicorn_log_config(settings),
        **server_options(),
    }
    if workers > 1:
        # The processes share their request metrics through files (api.metrics); the variable must be set
        # before they start, as prometheus_client reads it when it is imported.
        with tempfile.TemporaryDirectory(prefix="mentormatch-metrics-") as folder:
            os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", folder)
            uvicorn.run("api.cli:app_from_env", factory=True, workers=workers, **common)
        return 0
    uvicorn.run(create_app(settings), **common)
    return 0


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.uses_redis:
        print("the worker needs REDIS_URL; without it jobs run inside the API process", file=sys.stderr)
        return 2
    from arq.worker import check_health, run_worker

    from jobs.worker import WorkerSettings

    if args.check:
        asyncio.run(connections.check_redis(settings))
        return check_health(WorkerSettings)  # type: ignore[arg-type]
    asyncio.run(connections.preflight(settings))
    run_worker(WorkerSettings)  # type: ignore[arg-type]
    return 0


def _with_port(settings: Settings, args: argparse.Namespace) -> Settings:
    """``--host``/``--port`` override MENTORMATCH_HOST/MENTORMATCH_PORT."""
    if args.host is not None:
        settings = dataclasses.replace(settings, host=args.host)
    if args.port is not None:
        settings = dataclasses.replace(settings, port=args.port)
    return settings


def _whole(minimum: int) -> type[int]:
    """An argparse type: a whole number >= minimum (argparse names the option in its error)."""

    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{raw!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    parse.__name__ = "whole number"
    return parse  # type: ignore[return-value]


def _add_listen_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--host", default=None, help="address to listen on (default: MENTORMATCH_HOST or 127.0.0.1)"
    )
    p.add_argument(
        "--port", type=_whole(1), default=None, help="port to listen on (default: MENTORMATCH_PORT or 8000)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentormatch", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = sub.add_parser(
        "serve",
        help="run the API (GraphQL at /graphql)",
        description="Run the API: GraphQL over HTTP and websocket at /graphql, /health/live, "
        "/health/ready, /metrics. Refuses to start on a database with pending migrations.",
    )
    _add_listen_options(serve)
    serve.add_argument(
        "--workers",
        type=_whole(1),
        default=1,
        help="API processes sharing the port (default 1; more than 1 needs REDIS_URL)",
    )
    worker = sub.add_parser(
        "worker",
        help="run an arq worker (needs REDIS_URL)",
        description="Run an arq worker: matching runs, the reconciler and the daily step. Start as many "
        "as you like; each needs REDIS_URL and a migrated database.",
    )
    worker.add_argument(
        "--check",
        action="store_true",
        help="exit 0 if a worker of this host reported itself healthy in Redis within the last 31 s "
        "(it does every 30 s), "
        "1 otherwise (for container health checks)",
    )
    sub.add_parser(
        "migrate",
        help="apply database migrations",
        description="Apply pending migrations (creates the SQLite file when needed). Safe to run again.",
    )
    for name, text, description in (
        (
            "seed",
            "load demo data into an empty database",
            "Migrate, then load a deterministic demo programme into an empty database (skipped when "
            "the database has data).",
        ),
        (
            "demo",
            "migrate, seed if empty, print one token per role, then serve",
            "The embedded demo: migrate, seed if empty, print a staff, mentor and student token, then "
            "serve GraphiQL.",
        ),
    ):
        p = sub.add_parser(name, help=text, description=description)
        p.add_argument("--students", type=_whole(1), default=500, help="number of students (default 500)")
        p.add_argument(
            "--mentors",
            type=_whole(1),
            default=None,
            help="number of mentors (default: enough for the students)",
        )
        p.add_argument("--seed", type=int, default=7, help="random seed; the same seed gives the same data")
        if name == "demo":
            _add_listen_options(p)
    token = sub.add_parser(
        "token",
        help="issue a bearer token (printed once; stored hashed), or `token revoke ID`",
        description="Issue a bearer token and print it once on stdout (only its SHA-256 hash is stored; "
        "its id goes to stderr), or revoke one by id: `mentormatch token revoke ID`. "
        "Needs a migrated database.",
    )
    token.add_argument(
        "action", nargs="?", choices=["issue", "revoke"], default="issue", help="issue (default) or revoke"
    )
    token.add_argument("token_id", nargs="?", type=_whole(1), help="the id of the token to revoke")
    token.add_argument("--role", choices=["staff", "mentor", "student"], help="whom the token speaks for")
    token.add_argument(
        "--id", type=_whole(1), default=None, help="the mentor's or student's id (not with --role staff)"
    )
    token.add_argument("--days", type=_whole(1), default=30, help="days until it expires (default 30)")
    token.add_argument("--label", default="", help="a note stored with the token (who has it, why)")
    check = sub.add_parser(
        "check",
        help="check every rule's invariant over the whole database",
        description="Check every named invariant (one or more per rule, R1..R20) over the whole database: "
        "counts by invariant with examples; exit 1 when any is violated.",
    )
    check.add_argument("--today", default=None, help="the Paris date rules count from (YYYY-MM-DD)")
    check.add_argument("--examples", type=_whole(0), default=3, help="violations shown per invariant")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "token":
        _check_token_options(parser, args)
    try:
        settings = Settings.from_env()
        if args.command in ("serve", "demo"):
            settings = _with_port(settings, args)
        from infra.logs import configure_logging

        configure_logging(settings)
        if args.command == "migrate":
            return _migrate(settings)
        if args.command == "seed":
            return _seed(settings, args)
        if args.command == "demo":
            _seed(settings, args)
            _demo_tokens(settings)
            return _serve(settings)
        if args.command == "check":
            return _check(settings, args)
        if args.command == "token":
            return _token(settings, args)
        if args.command == "worker":
            return _worker(settings, args)
        return _serve(settings, workers=args.workers)
    except (SettingsError, connections.ServiceUnavailable, DomainError) as exc:
        print(f"mentormatch: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
