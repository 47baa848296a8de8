"""Commit-to-delivery latency with many websocket subscribers on one API process.

    .venv/bin/python benchmarks/ws_fanout.py [--subscribers 1000] [--rounds 20] [--sqlite] [--no-redis]

Starts the API (uvicorn, one process, 127.0.0.1, a free port) on a fresh database (PostgreSQL at
``MENTORMATCH_BENCH_POSTGRES``, default postgres://postgres@127.0.0.1:5432, or ``--sqlite``) with Redis
(``MENTORMATCH_BENCH_REDIS``, default redis://127.0.0.1:6379/0) unless ``--no-redis``. This process plays
the worker: it commits events the way the job does (``domain.services.events.record`` in a transaction,
then ``jobs.events.announce``: a wake-up on Redis) and takes the time right after each commit. The
subscribers (``websockets`` clients, graphql-transport-ws, a staff token) take the time on receipt; both
clocks are this process's ``perf_counter``.

Two shapes: ``broadcast`` (every subscriber follows one mentor's assignments: one commit, N deliveries) and
``distinct`` (subscriber i follows mentor i; one transaction commits one event per mentor, as a publish
does). Without Redis the API process learns of another process's commits by polling (1 s): that setup is
for the embedded single process, where writers wake the hub directly.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
import websockets
from redis.asyncio import Redis
from tortoise.transactions import in_transaction

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain.services import events  # noqa: E402
from infra import connections  # noqa: E402
from infra.settings import Settings  # noqa: E402
from jobs.events import announce  # noqa: E402

SUB = """subscription($m: Int!) { mentorAssignments(mentorId: $m) { eventId mentorId studentId } }"""


async def _staff_token() -> str:
    """A staff bearer token where the API authenticates websockets, else nothing."""
    try:
        tokens = importlib.import_module("domain.services.tokens")
    except ImportError:
        return ""
    role = importlib.import_module("domain.enums").Role
    token, _ = await tokens.issue_token(role.STAFF, label="benchmark")
    return str(token)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def payload(mentor_id: int, n: int) -> dict[str, Any]:
    return {
        "mentorshipId": n,
        "mentorId": mentor_id,
        "studentId": n,
        "weekday": 1,
        "startMinute": 1140,
        "minutes": 45,
        "startedOn": "2026-11-23",
        "endedOn": None,
        "runId": None,
    }


class Client:
    def __init__(self, url: str, token: str, mentor_id: int) -> None:
        self.url, self.token, self.mentor_id = url, token, mentor_id
        self.received: dict[int, float] = {}  # event id -> perf_counter at receipt
        self.ready = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        async with websockets.connect(
            self.url,
            subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
            open_timeout=60,
            max_queue=None,
        ) as ws:
            await ws.send(
                json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {self.token}"}})
            )
            ack = json.loads(await ws.recv())
            assert ack["type"] == "connection_ack", ack
            await ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {"query": SUB, "variables": {"m": self.mentor_id}},
                    }
                )
            )
            self.ready.set()
            async for raw in ws:
                now = time.perf_counter()
                message = json.loads(raw)
                if message["type"] == "ping":
                    await ws.send(json.dumps({"type": "pong"}))
                    continue
                if message["type"] != "next":
                    continue
                data = message["payload"]["data"]["mentorAssignments"]
                self.received[data["eventId"]] = now


async def _database(args: argparse.Namespace, tmp: Path) -> str:
    if args.sqlite:
        return f"sqlite://{tmp / 'bench.sqlite3'}"
    server = os.environ.get("MENTORMATCH_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    conn = await asyncpg.connect(f"{server}/postgres")
    name = f"mentormatch_bench_{os.getpid()}"
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return f"{server}/{name}"


async def _drop(url: str) -> None:
    if url.startswith("sqlite"):
        return
    server, name = url.rsplit("/", 1)
    conn = await asyncpg.connect(f"{server}/postgres")
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _commit(
    items: list[tuple[str, str, dict[str, Any]]], redis: Redis | None
) -> tuple[list[int], float]:
    async with in_transaction():
        ids = await events.record_many(items)
    committed = time.perf_counter()
    await announce(redis)
    return ids, committed


async def _collect(clients: list[Client], expected: dict[int, set[int]], within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if all(expected[i] <= c.received.keys() for i, c in enumerate(clients)):
            return
        await asyncio.sleep(0.01)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--no-redis", action="store_true")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4 * args.subscribers + 256)), hard))

    tmp = Path(tempfile.mkdtemp(prefix="mm-bench-"))
    database_url = await _database(args, tmp)
    redis_url = (
        None if args.no_redis else os.environ.get("MENTORMATCH_BENCH_REDIS", "redis://127.0.0.1:6379/0")
    )
    settings = Settings(database_url=database_url, redis_url=redis_url)
    await connections.connect_database(settings)
    await connections.migrate()
    token = await _staff_token()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "MENTORMATCH_RATE_LIMIT_PER_MINUTE": "1000000"}
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    server = subprocess.Popen(  # noqa: ASYNC220 - started once, before any timing
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "api.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--ws",
            "websockets",
        ],
        cwd=ROOT,
        env=env,
    )
    redis = Redis.from_url(redis_url) if redis_url else None
    clients: list[Client] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the API did not start")
            await asyncio.sleep(0.1)
        url = f"ws://127.0.0.1:{port}/graphql"
        report: dict[str, Any] = {
            "subscribers": args.subscribers,
            "database": "sqlite" if args.sqlite else "postgres",
            "fan-out": "redis pub/sub" if redis_url else "poll (no redis)",
        }
        for shape in ("broadcast", "distinct"):
            clients = [
                Client(url, token, 1 if shape == "broadcast" else i + 1) for i in range(args.subscribers)
            ]
            connect_start = time.perf_counter()
            for i in range(0, len(clients), 100):  # connect in batches of 100
                batch = clients[i : i + 100]
                for c in batch:
                    c.task = asyncio.create_task(c.run())
                await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in batch)), 120)
            await asyncio.sleep(1.0)  # let the server register the last subscriptions
            # Warm-up: an event every subscriber must see before timing starts.
            warm_items = (
                [(events.mentor_topic(1), "mentorship_started", payload(1, 0))]
                if shape == "broadcast"
                else [
                    (events.mentor_topic(c.mentor_id), "mentorship_started", payload(c.mentor_id, 0))
                    for c in clients
                ]
            )
            ids, _ = await _commit(warm_items, redis)
            warm = [{ids[0]} if shape == "broadcast" else {ids[i]} for i in range(len(clients))]
            await _collect(clients, {i: w for i, w in enumerate(warm)}, 60)
            connect_s = time.perf_counter() - connect_start
            latencies: list[float] = []
            delivered = expected_total = 0
            for n in range(1, args.rounds + 1):
                items = (
                    [(events.mentor_topic(1), "mentorship_started", payload(1, n))]
                    if shape == "broadcast"
                    else [
                        (events.mentor_topic(c.mentor_id), "mentorship_started", payload(c.mentor_id, n))
                        for c in clients
                    ]
                )
                ids, committed = await _commit(items, redis)
                expected = {i: ({ids[0]} if shape == "broadcast" else {ids[i]}) for i in range(len(clients))}
                await _collect(clients, expected, 30)
                for i, c in enumerate(clients):
                    for event_id in expected[i]:
                        expected_total += 1
                        if event_id in c.received:
                            delivered += 1
                            latencies.append((c.received[event_id] - committed) * 1000)
                await asyncio.sleep(0.2)
            for c in clients:
                if c.task is not None:
                    c.task.cancel()
            await asyncio.gather(*(c.task for c in clients if c.task is not None), return_exceptions=True)
            report[shape] = {
                "connect_and_subscribe_s": round(connect_s, 2),
                "delivered": f"{delivered}/{expected_total}",
                "median_ms": round(statistics.median(latencies), 1) if latencies else None,
                "p95_ms": round(_percentile(latencies, 0.95), 1) if latencies else None,
                "p99_ms": round(_percentile(latencies, 0.99), 1) if latencies else None,
                "max_ms": round(max(latencies), 1) if latencies else None,
            }
            print(f"{shape}: {json.dumps(report[shape])}", flush=True)
            await asyncio.sleep(1.0)
        print(json.dumps(report, indent=2))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        if redis is not None:
            await redis.aclose()
        await connections.disconnect()
        await _drop(database_url)


if __name__ == "__main__":
    asyncio.run(main())
