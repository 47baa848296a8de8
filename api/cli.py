"""The ``mentormatch`` command: serve, worker, migrate, seed, demo, check."""

from __future__ import annotations

import argparse
import asyncio
import sys

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
            summary = await seed(
                students=args.students, mentors=args.mentors, seed_number=args.seed, rates=settings.rates
            )
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


def _check(settings: Settings, args: argparse.Namespace) -> int:
    """Every invariant over the whole database: counts by invariant; exit 1 when any is violated."""
    import time
    from datetime import date

    from domain.invariants import check_all, format_report

    async def run() -> int:
        await services.connect_database(settings)
        try:
            started = time.perf_counter()
            today = date.fromisoformat(args.today) if args.today else None
            report = await check_all(today=today, rates=settings.rates)
            print(format_report(report, examples=args.examples))
            print(f"checked in {time.perf_counter() - started:.1f} s")
            return 1 if report.total else 0
        finally:
            await services.disconnect()

    return asyncio.run(run())


def _serve(settings: Settings) -> int:
    import uvicorn

    from api.app import create_app

    if settings.is_development:
        print(f"GraphiQL: http://{settings.host}:{settings.port}/graphql", flush=True)
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
    sub.add_parser("serve", help="run the API (GraphQL at /graphql)")
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
    check = sub.add_parser("check", help="check every rule's invariant over the whole database")
    check.add_argument("--today", default=None, help="the Paris date rules count from (YYYY-MM-DD)")
    check.add_argument("--examples", type=int, default=3, help="violations shown per invariant")
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
        if args.command == "check":
            return _check(settings, args)
        if args.command == "token":
            return _token(settings, args)
        if args.command == "worker":
            return _worker(settings)
        return _serve(settings)
    except (SettingsError, services.ServiceUnavailable, DomainError) as exc:
        print(f"mentormatch: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
