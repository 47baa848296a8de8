"""The Tortoise configuration for a database URL (used by the app, the CLI, the worker and the tests)."""

from __future__ import annotations

from typing import Any

MODELS_MODULE = "domain.models"
MIGRATIONS_MODULE = "domain.migrations"


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": database_url},
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
