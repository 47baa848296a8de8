"""Test fixtures: every database test runs on SQLite and on the real PostgreSQL server.

PostgreSQL and Redis are required: when they cannot be reached the tests fail with a message saying so;
nothing is skipped. ``MENTORMATCH_TEST_POSTGRES`` and ``MENTORMATCH_TEST_REDIS`` point elsewhere.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from tortoise import Tortoise
from tortoise.backends.base import executor as tortoise_executor

from api import services
from api.app import create_app
from api.settings import Settings
from domain.enums import Role
from domain.services.tokens import issue_token
from jobs import mail

POSTGRES_SERVER = os.environ.get("MENTORMATCH_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("MENTORMATCH_TEST_REDIS", "redis://127.0.0.1:6379/15")
TEST_DATABASE = f"mentormatch_test_{os.getpid()}"

TABLES = [
    "message",
    "notification_preference",
    "certification",
    "project_submission",
    "mentor_document",
    "mentor_application",
    "pairing_change",
    "handover",
    "mentor_absence",
    "assessment",
    "mentor_path",
    "discovery_note",
    "calendar_feed",
    "event",
    "api_token",
    "session",
    "mentorship",
    "matching_run",
    "mentor_availability",
    "student_availability",
    "mentor_project",
    "mentor",
    "student",
    "project",
    "path",
]


async def _recreate_postgres_database() -> str:
    try:
        conn = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres", timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.fail(
            f"PostgreSQL at {POSTGRES_SERVER} is required by the tests and is unreachable: {exc}. "
            "Start it (see .ci/run) or set MENTORMATCH_TEST_POSTGRES.",
            pytrace=False,
        )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{TEST_DATABASE}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{TEST_DATABASE}"')
    finally:
        await conn.close()
    return f"{POSTGRES_SERVER}/{TEST_DATABASE}"


async def _drop_postgres_database() -> None:
    conn = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres", timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{TEST_DATABASE}" WITH (FORCE)')
    finally:
        await conn.close()


@dataclass
class Backend:
    name: str
    url: str
    settings: Settings = field(init=False)

    def __post_init__(self) -> None:
        self.settings = Settings(database_url=self.url, max_page_size=50)

    @property
    def is_postgres(self) -> bool:
        return self.name == "postgres"


@pytest.fixture(scope="session", autouse=True)
def mail_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Messages sent by the embedded default go to a temporary folder, never into the checkout."""
    folder = tmp_path_factory.mktemp("mail")
    previous = os.environ.get("MENTORMATCH_MAIL_DIR")
    os.environ["MENTORMATCH_MAIL_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("MENTORMATCH_MAIL_DIR", None)
    else:
        os.environ["MENTORMATCH_MAIL_DIR"] = previous


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
async def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Backend]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        url = f"sqlite://{path}"
    else:
        url = await _recreate_postgres_database()
    chosen = Backend(request.param, url)
    # Tortoise caches compiled INSERT/UPDATE statements per (connection name, table), not per dialect:
    # switching from SQLite to PostgreSQL in one process would reuse SQLite's "?" placeholders.
    tortoise_executor.EXECUTOR_CACHE.clear()
    await services.connect_database(chosen.settings)
    try:
        await services.migrate()
        yield chosen
    finally:
        # Always close: an open aiosqlite connection keeps its thread, and pytest, alive at exit.
        await services.disconnect()
        if chosen.is_postgres:
            await _drop_postgres_database()


async def truncate_all(backend: Backend) -> None:
    conn = Tortoise.get_connection("default")
    if backend.is_postgres:
        await conn.execute_script(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    else:
        await conn.execute_script(
            "".join(f'DELETE FROM "{t}";' for t in TABLES) + "DELETE FROM sqlite_sequence;"
        )


@pytest.fixture
async def db(backend: Backend) -> AsyncIterator[Backend]:
    """A clean database (same schema) for one test. A sending pass the previous test's commits started
    in this process (``jobs.mail``) finishes first: its locks would deadlock PostgreSQL's TRUNCATE."""
    await mail.wait_in_process()
    await truncate_all(backend)
    yield backend


@pytest.fixture
async def staff_token(db: Backend) -> str:
    token, _ = await issue_token(Role.STAFF, label="tests")
    return token


@pytest.fixture
async def client(db: Backend, staff_token: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app, signed in as staff (tests of access rules use their own tokens)."""
    app = create_app(db.settings, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    headers = {"authorization": f"Bearer {staff_token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers) as http:
        yield http


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.http.post("/graphql", json={"query": query, "variables": variables or {}})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def raw(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.http.post("/graphql", json={"query": query, "variables": variables or {}})
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


class QueryCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")):
            self.statements.append(message)


@contextmanager
def count_queries() -> Iterator[QueryCounter]:
    """Count the SQL statements Tortoise sends (its db_client logger logs each one at DEBUG)."""
    logger = logging.getLogger("tortoise.db_client")
    counter = QueryCounter()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)
