"""schemathesis (GraphQL mode) against the running API, once per role: generated operations from the
committed SDL, sent to a real `mentormatch serve` process. No server error, no leaked internals."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.auth_world import ROLES, build_world
from tests.conftest import REDIS_URL, Backend

SDL = Path(__file__).resolve().parents[2] / "schema.graphql"
INTERNALS = (
    "Traceback",
    'File "',
    "postgres://",
    "sqlite://",
    "asyncpg",
    "tortoise.",
    "SELECT ",
    "INSERT ",
    "/work/",
    "site-packages",
)
EXAMPLES_PER_OPERATION = 3


@contextmanager
def running_api(db: Backend) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": db.url,
        "MENTORMATCH_PORT": str(port),
        "MENTORMATCH_RATE_LIMIT_PER_MINUTE": "1000000",
    }
    if db.is_postgres:  # the production configuration: PostgreSQL + Redis, no introspection
        env |= {"MENTORMATCH_ENV": "production", "REDIS_URL": REDIS_URL}
    # The server's log goes to a file: a pipe nobody reads fills up and blocks the server.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below, after the server
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve"], env=env, stdout=subprocess.DEVNULL, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None:
                log.seek(0)
                raise AssertionError(log.read().decode())
            assert time.monotonic() < deadline, "the API did not start"
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
        finally:
            log.close()


async def test_generated_operations_cause_no_server_error_and_leak_nothing(db: Backend) -> None:
    world = await build_world()
    schema = schemathesis.graphql.from_path(SDL)
    operations = [result.ok() for result in schema.get_all_operations()]
    sent = server_errors = leaks = 0
    failures: list[str] = []
    started = time.monotonic()

    def sender(http: httpx.Client, role: str, operation: Any) -> Callable[[], None]:
        token = world.tokens[role]
        headers = {"authorization": f"Bearer {token}"} if token else {}

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def send(case: schemathesis.Case) -> None:
            nonlocal sent, server_errors, leaks
            response = http.post("/graphql", json={"query": case.body}, headers=headers)
            sent += 1
            if response.status_code >= 500:
                server_errors += 1
                failures.append(f"{role} {operation.label}: {response.status_code} {case.body}")
            if any(marker in response.text for marker in INTERNALS):
                leaks += 1
                failures.append(f"{role} {operation.label}: leaked {response.text[:300]}")

        return send

    def fuzz(base: str) -> None:
        with httpx.Client(base_url=base, timeout=30) as http:
            for role in ROLES:
                for operation in operations:
                    sender(http, role, operation)()

    with running_api(db) as base:
        # Blocking HTTP in a thread: the test's event loop (and its database connection) stays free.
        await asyncio.to_thread(fuzz, base)
    print(
        f"schemathesis ({db.name}): {sent} operations over {len(ROLES)} roles, "
        f"{server_errors} server errors, {leaks} leaks, {time.monotonic() - started:.1f} s"
    )
    assert sent >= len(operations) * len(ROLES)
    assert not failures, "\n".join(failures[:20])
