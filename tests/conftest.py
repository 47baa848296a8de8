"""Test fixtures: every database test runs on SQLite and on the real PostgreSQL server.

PostgreSQL and Redis are required: when they cannot be reached the tests fail with a message saying so;
nothing is skipped. ``MENTORMATCH_TEST_POSTGRES`` and ``MENTORMATCH_TEST_REDIS`` point elsewhere.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import time_machine
from tortoise import Tortoise
from tortoise.backends.base import executor as tortoise_executor

from api.app import create_app
from domain.enums import Role
from domain.services.tokens import issue_token
from infra import connections
from infra.settings import Settings
from jobs import mail
from tests.databases import create_database, drop_database

POSTGRES_SERVER = os.environ.get("MENTORMATCH_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("MENTORMATCH_TEST_REDIS", "redis://127.0.0.1:6379/15")
TEST_DATABASE = f"mentormatch_test_{os.getpid()}"

# The instant the tests that hard-code programme dates (sessions in December 2026, notices ending in
# 2027...) were written for: every such date is in the future of it, as the service requires.
PROGRAMME_NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--pretend-today",
        metavar="YYYY-MM-DD",
        type=date.fromisoformat,
        default=None,
        help="run the whole session (collection included) with the clock moved to 09:00 UTC of that day, "
        "ticking, as the suite will run then; modules pinned by programme_clock keep their own instant",
    )


def pytest_configure(config: pytest.Config) -> None:
    """With ``--pretend-today``, the process's clock moves before collection, so module constants such as
    ``TODAY = paris_today()`` see that day too. Python's clock only: Redis, PostgreSQL and the worker
    subprocesses keep the real one."""
    day: date | None = config.getoption("--pretend-today")
    if day is not None:
        traveller = time_machine.travel(datetime.combine(day, time(9, 0), tzinfo=UTC), tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


@pytest.fixture
def programme_clock() -> Iterator[datetime]:
    """Moves the test process's clock (ticking) to ``PROGRAMME_NOW`` for a module whose tests hard-code
    programme dates, whatever the real day (or ``--pretend-today``). Apply it with
    ``pytestmark = pytest.mark.usefixtures("programme_clock")``: marked fixtures are set up before the
    test's own arguments (``db``, ``staff_token``, ``client``...), so tokens and rows are made under it.
    The fixtures of the modules that use it run in the test process only (no arq worker subprocess,
    no Redis TTL), so all the times compared are Python's."""
    with time_machine.travel(PROGRAMME_NOW, tick=True):
        yield PROGRAMME_NOW


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
    "run_review_pair",
    "run_review_load",
    "run_review_unplaced",
    "run_review",
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
        return await create_database(POSTGRES_SERVER, TEST_DATABASE)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.fail(
            f"PostgreSQL at {POSTGRES_SERVER} is required by the tests and is unreachable: {exc}. "
            "Start it (see .ci/run) or set MENTORMATCH_TEST_POSTGRES.",
            pytrace=False,
        )


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
    await connections.connect_database(chosen.settings)
    try:
        await connections.migrate()
        yield chosen
    finally:
        # Always close: an open aiosqlite connection keeps its thread, and pytest, alive at exit.
        await connections.disconnect()
        if chosen.is_postgres:
            await drop_database(POSTGRES_SERVER, TEST_DATABASE)


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


@asynccontextmanager
async def app_client(
    settings: Settings, token: str, *, lifespan: bool = False
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on an app made with ``settings``, signed in with ``token``; with ``lifespan`` the
    app's startup and shutdown run around it (its Redis clients are closed)."""
    app = create_app(settings, manage_database=False)
    headers = {"authorization": f"Bearer {token}"}
    transport = httpx.ASGITransport(app=app)
    async with AsyncExitStack() as stack:
        if lifespan:
            await stack.enter_async_context(app.router.lifespan_context(app))
        yield await stack.enter_async_context(
            httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers)
        )


@pytest.fixture
async def client(db: Backend, staff_token: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app, signed in as staff (tests of access rules use their own tokens)."""
    async with app_client(db.settings, staff_token) as http:
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


async def post_as(
    http: httpx.AsyncClient,
    token: str | None,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    expect_ok: bool = False,
) -> Any:
    """Send ``query`` with ``token`` (None: no token) instead of the client's own; the JSON body as
    answered, after checking the status is 200 when ``expect_ok``."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    if expect_ok:
        assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


_COUNTING: ContextVar[bool] = ContextVar("counting_queries", default=False)


class QueryCounter(logging.Handler):
    """Keeps the statements sent from the counting code and the tasks it starts. Tasks that were already
    running (the in-process event poller, a sending pass) do not carry the context variable and are left
    out, so a count does not depend on when their timers fire."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not _COUNTING.get():
            return
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
    token = _COUNTING.set(True)
    try:
        yield counter
    finally:
        _COUNTING.reset(token)
        logger.removeHandler(counter)
        logger.setLevel(previous)
