from __future__ import annotations

import os
import subprocess
import sys

import pytest

from infra.settings import DEFAULT_DATABASE_URL, Environment, Settings, SettingsError


def test_no_settings_means_the_embedded_setup() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert not settings.uses_postgres and not settings.uses_redis
    assert settings.environment is Environment.DEVELOPMENT


def test_production_needs_postgres_and_redis() -> None:
    env = {"MENTORMATCH_ENV": "production", "DATABASE_URL": "postgresql://u@db/mm"}
    with pytest.raises(SettingsError, match="REDIS_URL"):
        Settings.from_env(env)
    settings = Settings.from_env({**env, "REDIS_URL": "redis://cache:6379/0"})
    assert settings.uses_postgres and settings.uses_redis
    assert settings.database_url == "postgres://u@db/mm"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://x"}, "REDIS_URL"),
        ({"MENTORMATCH_ENV": "staging"}, "MENTORMATCH_ENV"),
        ({"MENTORMATCH_RATES": "1=30,2=35"}, "MENTORMATCH_RATES"),
        ({"MENTORMATCH_PORT": "eighty"}, "MENTORMATCH_PORT"),
        ({"MENTORMATCH_HEARTBEAT_TIMEOUT_S": "soon"}, "MENTORMATCH_HEARTBEAT_TIMEOUT_S"),
        ({"MENTORMATCH_HEARTBEAT_TIMEOUT_S": "0"}, "MENTORMATCH_HEARTBEAT_TIMEOUT_S"),
        ({"MENTORMATCH_TOKEN_CACHE_S": "two"}, "MENTORMATCH_TOKEN_CACHE_S"),
        ({"MENTORMATCH_TOKEN_CACHE_S": "-1"}, "MENTORMATCH_TOKEN_CACHE_S"),
        ({"MENTORMATCH_PUBLISH_JOB_MIN_PAIRS": "many"}, "MENTORMATCH_PUBLISH_JOB_MIN_PAIRS"),
    ],
)
def test_malformed_settings_say_which(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_heartbeat_timeout_comes_from_the_environment() -> None:
    assert Settings.from_env({}).heartbeat_timeout_s == 30.0
    assert Settings.from_env({"MENTORMATCH_HEARTBEAT_TIMEOUT_S": "12.5"}).heartbeat_timeout_s == 12.5


def test_commands_fail_fast_when_a_configured_service_is_down() -> None:
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",
        "MENTORMATCH_SERVICE_TIMEOUT_S": "2",
    }
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "database postgres://127.0.0.1:1/nowhere is unreachable" in done.stderr
    assert "Traceback" not in done.stderr
