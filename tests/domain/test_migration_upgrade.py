"""An existing database upgrades through every migration with its data: on SQLite, 0005 alters
``mentor.status``, which rebuilds the mentor table while four tables reference its rows (it failed with
"FOREIGN KEY constraint failed"). The upgraded schema is the one a fresh database gets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import asyncpg

from tests.conftest import POSTGRES_SERVER

NAME = f"mentormatch_migration_upgrade_{os.getpid()}"


def _run(url: str, *extra: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.domain.migration_from_auth", url, *extra],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def _check_kept(report: dict[str, object]) -> None:
    assert report["counts"] == {
        "mentor": 1,
        "mentor_project": 1,
        "mentor_availability": 1,
        "student": 1,
        "mentorship": 1,
    }
    applied = report["applied"]
    assert isinstance(applied, list) and "models.0005_programme" in applied


def test_sqlite_database_with_a_programme_upgrades_past_the_mentor_rebuild(tmp_path: Path) -> None:
    upgraded = _run(f"sqlite://{tmp_path / 'old.sqlite3'}")
    fresh = _run(f"sqlite://{tmp_path / 'new.sqlite3'}", "--empty")
    _check_kept(upgraded)
    assert upgraded["broken"] == []
    assert upgraded["enforced"] == 1
    assert upgraded["objects"] == fresh["objects"]


async def test_postgres_database_with_a_programme_upgrades() -> None:
    conn = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres", timeout=5)
    try:
        reports = []
        for extra in ((), ("--empty",)):
            await conn.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{NAME}"')
            reports.append(_run(f"{POSTGRES_SERVER}/{NAME}", *extra))
        _check_kept(reports[0])
        assert reports[0]["objects"] == reports[1]["objects"]
    finally:
        await conn.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        await conn.close()
