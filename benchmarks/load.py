"""Load: N clients for S seconds of mixed dashboard reads and bookings against a real API.

    .venv/bin/python benchmarks/load.py [--clients 50] [--seconds 30] [--workers 2] [--port 8102]
        [--database postgres://postgres@127.0.0.1:5432/mentormatch_load] [--redis redis://127.0.0.1:6379/2]
        [--students 500] [--bookings 0.2] [--think-ms 0] [--url http://host:port]

Without ``--url`` the script recreates ``--database`` (PostgreSQL), seeds it (domain.seed), and starts the
API in the production configuration (MENTORMATCH_ENV=production, PostgreSQL, Redis) as ``--workers``
uvicorn processes behind one port, with the protocol ``mentormatch serve`` uses (api.transport). With
``--url`` it drives that server instead; ``--database`` must then be that server's database (the script
issues its tokens there and checks the bookings there).

Each client signs in as a mentor with current students and loops until the time is up: with probability
``--bookings`` it books the next free week of one of its pairs at the pair's weekly slot (bookSession),
else it sends the mentor dashboard query; ``--think-ms`` pauses each client between requests (0: every
client sends its next request as soon as it has the answer, a stress test rather than 50 people).
Printed at the end: throughput, p50/p95/p99 latency per operation, the count of 5xx answers and of typed
refusals, and whether every booking the API acknowledged is stored. Figures depend on the machine: the
load generator runs on the same machine as the API.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from domain.enums import Role
from domain.models import Mentorship, Session
from domain.services.tokens import issue_token
from infra import connections
from infra.settings import Settings
from schema.compiled import DASHBOARD as COMPILED_DASHBOARD

ROOT = Path(__file__).resolve().parents[1]

# The README's mentor dashboard with each pair's mentorship id, which the clients book with. The extra field
# makes it another document than the one the compiled reader answers (schema.compiled): the generic executor
# answers it, as before.
DASHBOARD = COMPILED_DASHBOARD.replace("mentorship { slot", "mentorship { id slot", 1)
assert DASHBOARD != COMPILED_DASHBOARD, "schema.compiled.DASHBOARD no longer selects mentorship { slot ..."

BOOK = """
mutation Book($input: BookSessionInput!) {
  bookSession(input: $input) {
    __typename
    ... on SessionPayload { session { id } }
    ... on UserError { code message }
  }
}"""


@dataclass
class Pair:
    mentorship_id: int
    weekday: int
    start: str
    next_week: int = 1
    kind: str = "DISCOVERY"  # the first session of a pair is its discovery session (R14)


@dataclass
class Client:
    mentor_id: int
    token: str
    pairs: list[Pair] = field(default_factory=list)


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"dashboard": [], "book": []})
    server_errors: int = 0
    transport_errors: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    acknowledged: list[int] = field(default_factory=list)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def recreate(database: str) -> None:
    server, _, name = database.rpartition("/")
    conn = await asyncpg.connect(f"{server}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def prepare(args: argparse.Namespace) -> list[Client]:
    """Tokens for mentors with current students; their pairs and slots come from the API itself."""
    pairs = await Mentorship.filter(ended_on__isnull=True).order_by("mentor_id").values("mentor_id")
    mentor_ids = sorted({p["mentor_id"] for p in pairs})
    if not mentor_ids:
        raise SystemExit("the database has no current pairs: seed it first")
    chosen = [mentor_ids[i % len(mentor_ids)] for i in range(args.clients)]
    clients = []
    for mentor_id in chosen:
        token, _ = await issue_token(Role.MENTOR, mentor_id=mentor_id, ttl=timedelta(hours=2), label="load")
        clients.append(Client(mentor_id, token))
    return clients


def start_api(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": args.database,
        "REDIS_URL": args.redis,
        "MENTORMATCH_ENV": "production",
        "MENTORMATCH_RATE_LIMIT_PER_MINUTE": "1000000",
        "MENTORMATCH_MAX_PAGE_SIZE": "100",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "api.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(args.port),
        "--workers",
        str(args.workers),
        "--http",
        "api.transport:TimedHttpToolsProtocol",
        "--timeout-keep-alive",
        "5",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env)


async def wait_ready(url: str, server: subprocess.Popen[bytes] | None) -> None:
    deadline = time.monotonic() + 90
    async with httpx.AsyncClient(base_url=url, timeout=2) as http:
        while True:
            try:
                if (await http.get("/health/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if server is not None and server.poll() is not None:
                raise SystemExit("the API exited while starting")
            if time.monotonic() > deadline:
                raise SystemExit("the API did not become ready")
            await asyncio.sleep(0.2)


async def run_client(
    http: httpx.AsyncClient,
    client: Client,
    results: Results,
    deadline: float,
    share: float,
    seed: int,
    think_s: float = 0.0,
) -> None:
    rng = random.Random(seed)
    headers = {"authorization": f"Bearer {client.token}"}
    this_week = monday(date.today())
    while time.monotonic() < deadline:
        if think_s:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think_s)
        booking = bool(client.pairs) and rng.random() < share
        if booking:
            pair = rng.choice(client.pairs)
            day = this_week + timedelta(weeks=pair.next_week, days=pair.weekday)
            pair.next_week += 1
            payload = {
                "query": BOOK,
                "variables": {
                    "input": {
                        "mentorshipId": pair.mentorship_id,
                        "startsAt": f"{day}T{pair.start}",
                        "kind": pair.kind,
                    }
                },
            }
        else:
            payload = {"query": DASHBOARD, "variables": {"id": client.mentor_id, "week": str(this_week)}}
        operation = "book" if booking else "dashboard"
        started = time.perf_counter()
        try:
            response = await http.post("/graphql", json=payload, headers=headers)
        except httpx.TransportError:
            results.transport_errors += 1
            continue
        results.latencies[operation].append((time.perf_counter() - started) * 1000)
        if response.status_code >= 500:
            results.server_errors += 1
            continue
        body = response.json()
        if body.get("errors"):
            code = str(body["errors"][0].get("extensions", {}).get("code", "?"))
            results.refused[f"{operation}:{code}"] = results.refused.get(f"{operation}:{code}", 0) + 1
            continue
        if booking:
            result = body["data"]["bookSession"]
            if result["__typename"] == "SessionPayload":
                results.acknowledged.append(int(result["session"]["id"]))
                pair.kind = "REGULAR"
            else:
                # Refused (typed): a taken week, or the pair's discovery session not (or already) held.
                if "discovery" in str(result.get("message", "")):
                    pair.kind = "REGULAR" if pair.kind == "DISCOVERY" else "DISCOVERY"
                key = f"book:{result.get('code', result['__typename'])}"
                results.refused[key] = results.refused.get(key, 0) + 1
        elif not client.pairs:
            mentor = body["data"]["mentor"] or {}
            for edge in mentor.get("students", {}).get("edges", []):
                ship = edge["node"].get("mentorship")
                if ship:
                    client.pairs.append(Pair(int(ship["id"]), ship["slot"]["weekday"], ship["slot"]["start"]))


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8102)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/mentormatch_load")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--bookings", type=float, default=0.2, help="share of operations that book")
    parser.add_argument("--think-ms", type=float, default=0, help="pause of each client between requests")
    parser.add_argument("--url", default=None, help="drive this running server instead of starting one")
    args = parser.parse_args()

    settings = Settings(database_url=args.database)
    server: subprocess.Popen[bytes] | None = None
    if args.url is None:
        await recreate(args.database)
        await connections.connect_database(settings)
        await connections.migrate()
        from domain.seed import seed

        await seed(students=args.students)
    else:
        await connections.connect_database(settings)
    try:
        clients = await prepare(args)
        url = args.url or f"http://127.0.0.1:{args.port}"
        if args.url is None:
            server = start_api(args)
        await wait_ready(url, server)
        results = Results()
        limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
            # One dashboard read per client first (not timed): it tells the client its pairs and slots.
            warm = Results()
            await asyncio.gather(
                *(run_client(http, c, warm, time.monotonic() + 0.001, 0.0, i) for i, c in enumerate(clients))
            )
            started = time.monotonic()
            deadline = started + args.seconds
            await asyncio.gather(
                *(
                    run_client(http, c, results, deadline, args.bookings, i, args.think_ms / 1000)
                    for i, c in enumerate(clients)
                )
            )
            elapsed = time.monotonic() - started
        rows = await Session.filter(id__in=results.acknowledged).values("id") if results.acknowledged else []
        stored = {int(row["id"]) for row in rows}
        missing = [i for i in results.acknowledged if i not in stored]
        total = sum(len(v) for v in results.latencies.values())
        report: dict[str, Any] = {
            "clients": args.clients,
            "seconds": round(elapsed, 1),
            "api_processes": args.workers if args.url is None else "external",
            "think_ms": args.think_ms,
            "requests": total,
            "throughput_rps": round(total / elapsed, 1),
            "operations": {
                name: {
                    "count": len(values),
                    "p50_ms": round(percentile(values, 50), 1),
                    "p95_ms": round(percentile(values, 95), 1),
                    "p99_ms": round(percentile(values, 99), 1),
                }
                for name, values in results.latencies.items()
            },
            "http_5xx": results.server_errors,
            "transport_errors": results.transport_errors,
            "typed_refusals": results.refused,
            "bookings_acknowledged": len(results.acknowledged),
            "bookings_stored": len(results.acknowledged) - len(missing),
            "every_acknowledged_booking_stored": not missing,
        }
        print(json.dumps(report, indent=2))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        await connections.disconnect()


if __name__ == "__main__":
    asyncio.run(main())
