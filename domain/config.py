"""The Tortoise configuration for a database URL (used by the app, the CLI, the worker and the tests)."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.config_generator import expand_db_url

MODELS_MODULE = "domain.models"
MIGRATIONS_MODULE = "domain.migrations"


async def skip_session_reset(_connection: object) -> None:
    """asyncpg's pool sends ``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`` each time a
    connection goes back to the pool: one more round trip per request. This code takes only
    transaction-scoped advisory locks (``pg_advisory_xact_lock``), opens no cursor outside a transaction,
    never LISTENs and sets no session variable, so there is nothing to reset; an open transaction is still
    rolled back by the pool (it does so before calling this)."""


def connection_config(database_url: str) -> str | dict[str, Any]:
    """The Tortoise connection for a URL; on PostgreSQL, without the pool's session reset."""
    if not database_url.startswith(("postgres://", "postgresql://", "asyncpg://")):
        return database_url
    config: dict[str, Any] = expand_db_url(database_url)
    config["credentials"]["reset"] = skip_session_reset
    return config


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": connection_config(database_url)},
        "apps": {
            "models": {
                "models": [MODELS_MODULE],
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# For the `tortoise` CLI (makemigrations): `tortoise -c domain.config.TORTOISE_ORM makemigrations`.
TORTOISE_ORM = tortoise_config("sqlite://./.makemigrations.sqlite3")
