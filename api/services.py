"""Connecting to the configured database and Redis, failing fast with a clear message."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from redis.asyncio import Redis
from tortoise import Tortoise
from tortoise.migrations.executor import MigrationExecutor

from api.settings import Settings
from domain.config import tortoise_config


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


async def connect_database(settings: Settings) -> None:
    await Tortoise.init(config=tortoise_config(settings.database_url), _enable_global_fallback=True)
    try:
        conn = Tortoise.get_connection("default")
        await asyncio.wait_for(conn.execute_query("SELECT 1"), settings.service_timeout_s)
    except (OSError, TimeoutError, Exception) as exc:
        await Tortoise.close_connections()
        raise ServiceUnavailable(
            f"database {describe(settings.database_url)} is unreachable ({type(exc).__name__}: {exc}). "
            "Start it, or unset DATABASE_URL to use the embedded SQLite database."
        ) from exc


async def check_redis(settings: Settings) -> None:
    if settings.redis_url is None:
        return
    client = Redis.from_url(settings.redis_url, socket_connect_timeout=settings.service_timeout_s)
    try:
        await asyncio.wait_for(client.ping(), settings.service_timeout_s)
    except (OSError, TimeoutError, Exception) as exc:
        raise ServiceUnavailable(
            f"Redis {describe(settings.redis_url)} is unreachable ({type(exc).__name__}: {exc}). "
            "Start it, or unset REDIS_URL to run jobs and events in-process."
        ) from exc
    finally:
        await client.aclose()


async def migrate() -> list[str]:
    """Apply pending migrations on the connected database; returns the names applied."""
    applied: list[str] = []
    executor = MigrationExecutor(Tortoise.get_connection("default"), _apps_config())
    steps = await executor.plan(None)
    await executor.migrate(None)
    applied.extend(f"{step.migration.app_label}.{step.migration.name}" for step in steps)
    return applied


async def pending_migrations() -> list[str]:
    """Names of the migrations the connected database still lacks."""
    executor = MigrationExecutor(Tortoise.get_connection("default"), _apps_config())
    return [f"{step.migration.app_label}.{step.migration.name}" for step in await executor.plan(None)]


def _apps_config() -> dict[str, dict[str, object]]:
    apps: dict[str, dict[str, object]] = tortoise_config("sqlite://:memory:")["apps"]
    return apps


async def disconnect() -> None:
    await Tortoise.close_connections()
