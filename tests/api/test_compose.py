"""compose.yaml and the Dockerfile as a reviewer reads them (``docker compose config`` validates the syntax
where a Compose client is installed; ``../shared/tools/docker-build-check`` builds the image)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = {"migrate", "api", "worker", "token", "seed"}


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def test_one_image_built_once_and_reused() -> None:
    services = compose()["services"]
    assert set(services) >= APP_SERVICES
    built = [name for name, s in services.items() if "build" in s]
    assert built == ["migrate"]
    assert {services[name]["image"] for name in APP_SERVICES} == {"mentormatch:local"}
    assert all(services[name].get("pull_policy") == "never" for name in APP_SERVICES - {"migrate"})


def test_health_checks_check_what_each_service_is() -> None:
    services = compose()["services"]
    assert services["worker"]["healthcheck"]["test"] == ["CMD", "mentormatch", "worker", "--check"]
    assert "/health/live" in " ".join(services["api"]["healthcheck"]["test"])
    for one_shot in ("migrate", "token", "seed"):
        assert services[one_shot]["healthcheck"] == {"disable": True}
        assert services[one_shot]["restart"] == "no"
    assert services["token"]["command"][:4] == ["mentormatch", "token", "--role", "staff"]
    assert services["seed"]["command"][:2] == ["mentormatch", "seed"]
    for name in ("api", "worker", "token", "seed"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_data_persists_and_settings_are_passed() -> None:
    spec = compose()
    services = spec["services"]
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "--appendonly" in services["redis"]["command"]
    assert "redisdata:/data" in services["redis"]["volumes"]
    assert {"pgdata", "redisdata"} <= set(spec["volumes"])
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert env["MENTORMATCH_ENV"] == "production"
        assert "MENTORMATCH_ALLOWED_ORIGINS" in env
        assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"].startswith("redis://")


def test_the_image_has_every_package_and_checks_its_own_port() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    packages = [p.strip('"') for p in _packages()]
    for package in packages:
        assert f"COPY {package} ./{package}" in dockerfile, package
    healthcheck = next(line for line in dockerfile.splitlines() if line.strip().startswith("CMD python"))
    assert "MENTORMATCH_PORT" in healthcheck and "8000/health" not in healthcheck


def _packages() -> list[str]:
    """The packages pyproject.toml installs (``include = ["api*", ...]``)."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include: list[str] = config["tool"]["setuptools"]["packages"]["find"]["include"]
    return [name.rstrip("*") for name in include]
