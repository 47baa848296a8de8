"""Settings from the environment. No settings: SQLite, jobs and events in-process (the embedded setup).
``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL``: the production setup. One code path serves both."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


def default_database_path() -> Path:
    """Where the embedded SQLite database lives when DATABASE_URL is unset, whatever the working
    directory: ``mentormatch.sqlite3`` at the root of a source checkout (``scripts/demo``), otherwise
    ``$XDG_DATA_HOME/mentormatch/mentormatch.sqlite3`` (``~/.local/share/...``) for an installed package."""
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file():
        return root / "mentormatch.sqlite3"
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "mentormatch" / "mentormatch.sqlite3"


DEFAULT_DATABASE_URL = f"sqlite://{default_database_path()}"
DEFAULT_RATES = {1: Decimal("30"), 2: Decimal("35"), 3: Decimal("40")}


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    environment: Environment = Environment.DEVELOPMENT
    host: str = "127.0.0.1"
    port: int = 8000
    max_page_size: int = 100
    service_timeout_s: float = 5.0
    # Limits on what one request may ask (depth, aliases, tokens, cost, body, rate).
    max_query_depth: int = 12
    max_aliases: int = 15
    max_tokens: int = 2000
    max_query_cost: int = 50_000
    max_body_bytes: int = 100_000
    rate_limit_per_minute: int = 600
    ws_init_timeout_s: float = 3.0
    max_subscriptions_per_socket: int = 20
    token_check_interval_s: float = 5.0
    # How long a process trusts a token it has looked up (domain.services.tokens.identify): a token
    # revoked through this process stops at once, one revoked elsewhere (another API process, the CLI)
    # within this many seconds; expiry is exact. 0: look every token up on every request.
    token_cache_s: float = 2.0
    allowed_origins: tuple[str, ...] = ()
    # Scale-out (``jobs.parts``): a run of at least this many students is split into this many parts,
    # solved by the workers in parallel (workers only; 0 or 1 part: never split).
    split_min_students: int = 5_000
    split_parts: int = 4
    # A running run (or part) whose heartbeat is older than this is judged lost by the reconciler and run
    # again (MENTORMATCH_HEARTBEAT_TIMEOUT_S; workers and the embedded reconciler read the same value).
    heartbeat_timeout_s: float = 30.0
    # A publish of at least this many pairs runs as a background job (run_publish, jobs.publishing).
    publish_job_min_pairs: int = 5_000
    # R17: the rate per session by project level, in EUR (MENTORMATCH_RATES="1=30,2=35,3=40").
    rates: Mapping[int, Decimal] = field(default_factory=lambda: dict(DEFAULT_RATES))

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://", "asyncpg://"))

    @property
    def uses_redis(self) -> bool:
        return self.redis_url is not None

    @property
    def is_development(self) -> bool:
        return self.environment is Environment.DEVELOPMENT

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        database_url = env.get("DATABASE_URL") or DEFAULT_DATABASE_URL
        if database_url.startswith("postgresql://"):
            database_url = "postgres://" + database_url.removeprefix("postgresql://")
        if not database_url.startswith(("sqlite://", "postgres://", "asyncpg://")):
            raise SettingsError(
                f"DATABASE_URL must start with sqlite:// or postgres://, got {database_url.split(':')[0]}://"
            )
        redis_url = env.get("REDIS_URL") or None
        if redis_url is not None and not redis_url.startswith(("redis://", "rediss://")):
            raise SettingsError("REDIS_URL must start with redis:// or rediss://")
        raw_env = env.get("MENTORMATCH_ENV", "development")
        try:
            environment = Environment(raw_env)
        except ValueError as exc:
            raise SettingsError(
                f"MENTORMATCH_ENV must be development or production, got {raw_env!r}"
            ) from exc
        settings = cls(
            database_url=database_url,
            redis_url=redis_url,
            environment=environment,
            host=env.get("MENTORMATCH_HOST", "127.0.0.1"),
            port=_int(env, "MENTORMATCH_PORT", 8000),
            max_page_size=_int(env, "MENTORMATCH_MAX_PAGE_SIZE", 100),
            service_timeout_s=float(env.get("MENTORMATCH_SERVICE_TIMEOUT_S", "5")),
            rates=_rates(env.get("MENTORMATCH_RATES")),
            max_query_cost=_int(env, "MENTORMATCH_MAX_QUERY_COST", 50_000),
            max_body_bytes=_int(env, "MENTORMATCH_MAX_BODY_BYTES", 100_000),
            rate_limit_per_minute=_int(env, "MENTORMATCH_RATE_LIMIT_PER_MINUTE", 600),
            token_cache_s=_seconds(env, "MENTORMATCH_TOKEN_CACHE_S", 2.0, zero_allowed=True),
            split_min_students=_int(env, "MENTORMATCH_SPLIT_MIN_STUDENTS", 5_000),
            split_parts=_int(env, "MENTORMATCH_SPLIT_PARTS", 4),
            heartbeat_timeout_s=_seconds(env, "MENTORMATCH_HEARTBEAT_TIMEOUT_S", 30.0),
            publish_job_min_pairs=_int(env, "MENTORMATCH_PUBLISH_JOB_MIN_PAIRS", 5_000),
            allowed_origins=tuple(
                o.strip() for o in env.get("MENTORMATCH_ALLOWED_ORIGINS", "").split(",") if o.strip()
            ),
        )
        if environment is Environment.PRODUCTION and not (settings.uses_postgres and settings.uses_redis):
            raise SettingsError("production needs DATABASE_URL=postgres://... and REDIS_URL=redis://...")
        return settings


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc


def _seconds(env: Mapping[str, str], name: str, default: float, *, zero_allowed: bool = False) -> float:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number of seconds, got {raw!r}") from exc
    if not (value >= 0 if zero_allowed else value > 0) or value != value or value == float("inf"):
        least = "0 or more" if zero_allowed else "more than 0"
        raise SettingsError(f"{name} must be {least} seconds, got {raw!r}")
    return value


def _rates(raw: str | None) -> dict[int, Decimal]:
    if not raw:
        return dict(DEFAULT_RATES)
    rates: dict[int, Decimal] = {}
    for part in raw.split(","):
        level, _, amount = part.partition("=")
        try:
            rates[int(level)] = Decimal(amount)
        except (ValueError, ArithmeticError) as exc:
            raise SettingsError(f"MENTORMATCH_RATES must look like 1=30,2=35,3=40, got {raw!r}") from exc
    if sorted(rates) != [1, 2, 3]:
        raise SettingsError("MENTORMATCH_RATES needs a rate for each level 1, 2 and 3")
    return rates
