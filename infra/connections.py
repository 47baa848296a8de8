"""Connecting to the configured database and Redis, failing fast with a clear message."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import unquote, urlsplit

from redis.asyncio import Redis
from redis.exceptions import AuthenticationError, AuthenticationWrongNumberOfArgsError, ResponseError
from tortoise import Tortoise
from tortoise.migrations.executor import MigrationExecutor

from domain.config import tortoise_config
from infra.settings import Settings


class ServiceUnavailable(RuntimeError):
    """A configured service cannot be reached; the message names it and how to start it."""


def describe(url: str) -> str:
    """A URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return url
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (None for PostgreSQL and for ``:memory:``)."""
    if not url.startswith("sqlite://"):
        return None
    raw = url.removeprefix("sqlite://").split("?")[0]
    return None if raw in ("", ":memory:") else Path(raw)


def _sqlstate(exc: BaseException) -> str | None:
    """The PostgreSQL error code behind an exception (Tortoise wraps asyncpg's), if any."""
    seen: BaseException | None = exc
    while seen is not None:
        code = getattr(seen, "sqlstate", None)
        if isinstance(code, str):
            return code
        seen = seen.__cause__ or seen.__context__
    return None


def _database_problem(url: str, exc: BaseException) -> str:
    """One line: what is wrong with the configured database and what to do about it."""
    parts = urlsplit(url)
    code = _sqlstate(exc)
    if code == "3D000":  # invalid_catalog_name: the server runs, the database is not there
        name = unquote(parts.path.lstrip("/"))
        user = f" -U {parts.username}" if parts.username else ""
        return (
            f'database "{name}" does not exist on {describe(url).rsplit("/", 1)[0]}: create it with '
            f"`createdb -h {parts.hostname or 'localhost'} -p {parts.port or 5432}{user} {name}`, "
            "then run `mentormatch migrate`"
        )
    if code in ("28P01", "28000"):  # invalid_password, invalid_authorization_specification
        return (
            f"PostgreSQL at {describe(url)} refused the user {parts.username or '(none)'!r} "
            f"({type(exc).__name__}): check the user and password in DATABASE_URL"
        )
    return (
        f"database {describe(url)} is unreachable ({type(exc).__name__}: {exc}). "
        "Start it, or unset DATABASE_URL to use the embedded SQLite database."
    )


async def connect_database(settings: Settings, *, create: bool = True) -> None:
    """Connect Tortoise to the configured database. ``create=False`` refuses an SQLite file that does
    not exist yet (instead of leaving an empty one behind)."""
    path = sqlite_path(settings.database_url)
    if path is not None:
        if not create and not path.exists():
            raise ServiceUnavailable(
                f"the database file {path} does not exist: run `mentormatch migrate` to create it "
                "(or set DATABASE_URL)"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ServiceUnavailable(
                f"cannot create the folder of the database file {path} ({exc.strerror}): "
                "choose a writable place with DATABASE_URL=sqlite:///path/to/file.sqlite3"
            ) from exc
    await Tortoise.init(config=tortoise_config(settings.database_url), _enable_global_fallback=True)
    try:
        conn = Tortoise.get_connection("default")
        await asyncio.wait_for(conn.execute_query("SELECT 1"), settings.service_timeout_s)
    except (OSError, TimeoutError, Exception) as exc:
        await Tortoise.close_connections()
        raise ServiceUnavailable(_database_problem(settings.database_url, exc)) from exc


async def open_migrated(settings: Settings) -> None:
    """Connect to a database that exists and has every migration, or fail with what to run."""
    await connect_database(settings, create=False)
    pending = await pending_migrations()
    if pending:
        await disconnect()
        raise ServiceUnavailable(
            f"the database {describe(settings.database_url)} lacks migrations {', '.join(pending)}: "
            "run `mentormatch migrate`"
        )


async def preflight(settings: Settings) -> None:
    """What ``serve`` and ``worker`` check before starting: a migrated database and Redis, if set."""
    await open_migrated(settings)
    try:
        await check_redis(settings)
    finally:
        await disconnect()


async def check_redis(settings: Settings) -> None:
    if settings.redis_url is None:
        return
    client = Redis.from_url(settings.redis_url, socket_connect_timeout=settings.service_timeout_s)
    try:
        await asyncio.wait_for(client.ping(), settings.service_timeout_s)
    except (AuthenticationError, AuthenticationWrongNumberOfArgsError, ResponseError) as exc:
        if isinstance(exc, ResponseError) and "AUTH" not in str(exc).upper():
            raise ServiceUnavailable(f"Redis {describe(settings.redis_url)} answered: {exc}") from exc
        raise ServiceUnavailable(
            f"Redis {describe(settings.redis_url)} refused the credentials ({type(exc).__name__}): "
            "check the user and password in REDIS_URL"
        ) from exc
    except (OSError, TimeoutError, Exception) as exc:
        raise ServiceUnavailable(
            f"Redis {describe(settings.redis_url)} is unreachable ({type(exc).__name__}: {exc}). "
            "Start it, or unset REDIS_URL to run jobs and events in-process."
        ) from exc
    finally:
        await client.aclose()


async def migrate() -> list[str]:
    """Apply pending migrations on the connected database; returns the names applied."""
    connection = Tortoise.get_connection("default")
    executor = MigrationExecutor(connection, _apps_config())
    steps = await executor.plan(None)
    sqlite = connection.capabilities.dialect == "sqlite"
    if sqlite:
        # SQLite alters a column by rebuilding its table (create, copy, drop, rename). With foreign keys on,
        # dropping a table that other rows reference fails ("FOREIGN KEY constraint failed"), so an existing
        # database could not be upgraded. SQLite's own ALTER TABLE procedure: foreign keys off outside the
        # transaction, then foreign_key_check before turning them back on.
        await connection.execute_script("PRAGMA foreign_keys = OFF")
    try:
        await executor.migrate(None)
        if sqlite:
            broken = await connection.execute_query_dict("PRAGMA foreign_key_check")
            if broken:
                raise MigrationIntegrityError(f"rows left pointing nowhere after migrating: {broken[:5]}")
    finally:
        if sqlite:
            await connection.execute_script("PRAGMA foreign_keys = ON")
    return [f"{step.migration.app_label}.{step.migration.name}" for step in steps]


class MigrationIntegrityError(RuntimeError):
    """A migration left rows whose foreign key points nowhere (checked on SQLite after the rebuilds)."""


async def pending_migrations() -> list[str]:
    """Names of the migrations the connected database still lacks."""
    executor = MigrationExecutor(Tortoise.get_connection("default"), _apps_config())
    return [f"{step.migration.app_label}.{step.migration.name}" for step in await executor.plan(None)]


def _apps_config() -> dict[str, dict[str, object]]:
    apps: dict[str, dict[str, object]] = tortoise_config("sqlite://:memory:")["apps"]
    return apps


async def disconnect() -> None:
    await Tortoise.close_connections()
