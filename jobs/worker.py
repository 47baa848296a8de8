"""arq worker settings: ``mentormatch worker`` (or ``arq jobs.worker.WorkerSettings``)."""

from __future__ import annotations

from typing import Any, ClassVar

from arq.connections import RedisSettings

from api import services
from api.settings import Settings


async def startup(ctx: dict[str, Any]) -> None:
    settings = Settings.from_env()
    await services.connect_database(settings)
    ctx["settings"] = settings


async def shutdown(_ctx: dict[str, Any]) -> None:
    await services.disconnect()


async def ping(_ctx: dict[str, Any]) -> str:
    """A health job: proves a worker is consuming the queue."""
    return "pong"


def _redis_settings() -> RedisSettings:
    settings = Settings.from_env()
    return RedisSettings.from_dsn(settings.redis_url or "redis://127.0.0.1:6379/0")


class WorkerSettings:
    functions: ClassVar[list[Any]] = [ping]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = _redis_settings()
    job_timeout = 15 * 60
    max_tries = 3
