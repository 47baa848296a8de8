"""The ``mentormatch`` command: serve, worker, migrate, seed, demo."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from api import services
from api.settings import Settings, SettingsError
from domain.errors import DomainError


def _migrate(settings: Settings) -> int:
    async def run() -> None:
        await services.connect_database(settings)
        try:
            applied = await services.migrate()
            print(f"migrations applied: {', '.join(applied) or 'none pending'}")
        finally:
            await services.disconnect()

    asyncio.run(run())
    return 0


def _seed(settings: Settings, args: argparse.Namespace) -> int:
    from domain.models import Path
    from domain.seed import seed

    async def run() -> None:
        await services.connect_database(settings)
        try:
            await services.migrate()
            if await Path.exists():
                print("the database has data already; seed skipped (use an empty database)")
                return
            summary = await seed(students=args.students, mentors=args.mentors, seed_number=args.seed)
            print(f"seeded: {summary}")
        finally:
            await services.disconnect()

    asyncio.run(run())
    return 0


def _demo_tokens(settings: Settings) -> int:
    """Print a bearer token per role (staff, a mentor with students, one of their students)."""
    from datetime import timedelta

    from domain.enums import Role
    from domain.models import Mentorship
    from domain.services.tokens import issue_token

    async def run() -> None:
        await services.connect_database(settings)
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
            await services.disconnect()

    asyncio.run(run())
    return 0


def _token(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import timedelta

    from domain.enums import Role
    from domain.services.tokens import issue_token

    async def run() -> None:
        await services.connect_database(settings)
        try:
            role = Role(args.role)
            token, _ = await issue_token(
                role,
                mentor_id=args.id if role is Role.MENTOR else None,
                student_id=args.id if role is Role.STUDENT else None,
                ttl=timedelta(days=args.days),
                label=args.label,
            )
            print(token)
        finally:
            await services.disconnect()

    asyncio.run(run())
    return 0


def app_from_env() -> Any:
    """The app of one ``serve --workers N`` process: each worker process reads the settings itself."""
    from api.app import create_app

    return create_app(Settings.from_env())


def _serve(settings: Settings, workers: int = 1) -> int:
    import uvicorn

    from api.app import create_app

    if workers < 1:
        print("mentormatch: --workers must be at least 1", file=sys.stderr)
        return 2
    if workers > 1 and not settings.uses_redis:
        # Jobs and live events stay inside one process without Redis: a second process would neither run
        # the first one's jobs nor tell its subscribers.
        print("mentormatch: --workers above 1 needs REDIS_URL", file=sys.stderr)
        return 2
    if settings.is_development:
        print(f"GraphiQL: http://{settings.host}:{settings.port}/graphql", flush=True)
    if workers > 1:
        uvicorn.run(
            "api.cli:app_from_env",
            factory=True,
            workers=workers,
            host=settings.host,
            port=settings.port,
            log_level="info",
        )
        return 0
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
    return 0


def _worker(settings: Settings) -> int:
    if not settings.uses_redis:
        print("the worker needs REDIS_URL; without it jobs run inside the API process", file=sys.stderr)
        return 2
    from arq.worker import run_worker

    from jobs.worker import WorkerSettings

    run_worker(WorkerSettings)  # type: ignore[arg-type]
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mentormatch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the API (GraphQL at /graphql)")
    serve.add_argument(
        "--workers", type=int, default=1, help="API processes sharing the port (more than 1 needs REDIS_URL)"
    )
    sub.add_parser("worker", help="run an arq worker (needs REDIS_URL)")
    sub.add_parser("migrate", help="apply database migrations")
    for name, text in (
        ("seed", "load demo data into an empty database"),
        ("demo", "migrate, seed if empty, then serve"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--students", type=int, default=500)
        p.add_argument("--mentors", type=int, default=None)
        p.add_argument("--seed", type=int, default=7)
    token = sub.add_parser("token", help="issue a bearer token (printed once; stored hashed)")
    token.add_argument("--role", choices=["staff", "mentor", "student"], required=True)
    token.add_argument("--id", type=int, default=None, help="the mentor's or student's id")
    token.add_argument("--days", type=int, default=30)
    token.add_argument("--label", default="")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.command == "migrate":
            return _migrate(settings)
        if args.command == "seed":
            return _seed(settings, args)
        if args.command == "demo":
            _seed(settings, args)
            _demo_tokens(settings)
            return _serve(settings)
        if args.command == "token":
            return _token(settings, args)
        if args.command == "worker":
            return _worker(settings)
        return _serve(settings, workers=args.workers)
    except (SettingsError, services.ServiceUnavailable, DomainError) as exc:
        print(f"mentormatch: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
