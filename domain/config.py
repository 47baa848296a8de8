"""The Tortoise configuration for a database URL (used by the app, the CLI, the worker and the tests), and
the school's own settings read by the domain (onboarding thresholds, the video platform's URL template)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
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


# --- The school's own rules that change without a release (read from the environment) -----------------

DEFAULT_VIDEO_URL_TEMPLATE = "https://meet.school.example/{session_uid}"


class ConfigError(ValueError):
    """A school setting is malformed; the message names the variable and the expected form."""


@dataclass(frozen=True, slots=True)
class SchoolConfig:
    # Mentor onboarding (the mentor guide: "a minimum of 4-7 years of professional experience and at least
    # 2 years of professional experience in the field of the relevant path").
    min_total_years: int = 4  # MENTORMATCH_MIN_EXPERIENCE_YEARS
    min_field_years: int = 2  # MENTORMATCH_MIN_FIELD_YEARS
    # The school's video platform: a session's room is this template with its random ``{session_uid}``.
    video_url_template: str = DEFAULT_VIDEO_URL_TEMPLATE

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SchoolConfig:
        template = env.get("MENTORMATCH_VIDEO_URL_TEMPLATE") or DEFAULT_VIDEO_URL_TEMPLATE
        if not template.startswith("https://") or "{session_uid}" not in template:
            raise ConfigError(
                "MENTORMATCH_VIDEO_URL_TEMPLATE must be an https:// URL containing {session_uid}, "
                f"got {template!r}"
            )
        try:
            template.format(session_uid="x")
        except (KeyError, IndexError, ValueError) as exc:
            raise ConfigError(
                f"MENTORMATCH_VIDEO_URL_TEMPLATE may hold no other {{field}} than {{session_uid}}: {exc}"
            ) from exc
        return cls(
            min_total_years=_years(env, "MENTORMATCH_MIN_EXPERIENCE_YEARS", 4),
            min_field_years=_years(env, "MENTORMATCH_MIN_FIELD_YEARS", 2),
            video_url_template=template,
        )


def _years(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number of years, got {raw!r}") from exc
    if not 0 <= value <= 60:
        raise ConfigError(f"{name} must be between 0 and 60, got {value}")
    return value


def school_config() -> SchoolConfig:
    """The school's settings from the environment, read on each call (cheap; a test may change them)."""
    return SchoolConfig.from_env(os.environ)
